"""Account services and the audit helper every app's services call."""

from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone

from octopus.accounts.models import APIToken, AuditEntry


def snapshot(obj: models.Model) -> dict:
    """The fields of a row as JSON-friendly values, for audit before/after."""
    data = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields])
    return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact, unlike a float
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def log_action(obj: models.Model, action: str, *, user=None, before=None, after=None, data=None) -> AuditEntry:
    """Record one audited change. `action` is "<app>.<thing>.<verb>", e.g. "treaties.action.recorded"."""
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        data=data or {},
    )


def log_download(user, obj: models.Model, what: str, *, file: str = "", rows: int | None = None, **data) -> AuditEntry:
    """Record that `user` downloaded a file holding personal data about `obj` (the event, person, questionnaire… it is
    about; for a list of the whole registry, the user). The action is "<what>.downloaded", e.g. `what`
    "events.badges"; `file` is the file's name and `rows` how many rows or people it holds. Every such download is
    recorded, as opening a person's record is (DESIGN.md §9)."""
    details = {"file": file, **({"rows": rows} if rows is not None else {}), **data}
    return log_action(obj, f"{what}.downloaded", user=user, data=details)


def download_log(user, obj: models.Model, what: str, *, rows: int | None = None, **data):
    """`log_download` as the `sent` callback of `octopus.lib.downloads.attachment` and `table_download`: they call
    it with the file's name, and a table with its number of rows (`rows`, when given here, counts instead)."""

    def sent(file: str, counted: int | None = None) -> AuditEntry:
        return log_download(user, obj, what, file=file, rows=counted if rows is None else rows, **data)

    return sent


def issue_api_token(user, *, name: str) -> tuple[APIToken, str]:
    """Create a token for `user`; returns it and the clear key, which is never stored."""
    key = APIToken.new_key()
    token = APIToken.objects.create(user=user, name=name, prefix=key[4:12], digest=APIToken.digest_of(key))
    log_action(token, "accounts.token.issued", user=user, data={"name": name})
    return token, key


def revoke_api_token(token: APIToken, *, user) -> APIToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log_action(token, "accounts.token.revoked", user=user)
    return token


def user_for_api_key(key: str):
    """The active user a bearer key belongs to, or None."""
    token = (
        APIToken.objects.active()
        .select_related("user")
        .filter(digest=APIToken.digest_of(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

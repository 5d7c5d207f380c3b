"""The one write path for treaty actions: pages, API, imports and the reference loader all call these."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.countries.models import Country
from octopus.lib.errors import DomainError
from octopus.lib.locking import locked_for_update
from octopus.treaties.models import CONSENT_KINDS, ONCE_KINDS, ActionKind, Origin, Treaty, TreatyAction

EDITABLE_FIELDS = ("kind", "date", "attested_on", "effective_on", "source", "note", "origin")


class InvalidAction(DomainError):
    """The action contradicts the facts recorded for that State, or is impossible in itself."""


def _label(kind: str) -> str:
    return str(ActionKind(kind).label)


def check_action(
    action: TreatyAction, *, today: datetime.date | None = None, others: list[TreatyAction] | None = None
) -> None:
    """Raise InvalidAction if `action` is impossible alone or beside the State's other actions under the treaty
    (those recorded, or `others`: what they would be after a change not yet written, as an import's preview has)."""
    today = today or timezone.localdate()
    if action.date is None and action.attested_on is None:
        raise InvalidAction(_("Give the date of the act, or a date by which a source shows it had happened."))
    if not action.source.strip():
        raise InvalidAction(_("Say where this is recorded: every treaty action needs a source."))
    if action.kind != ActionKind.IN_FORCE:
        for field in ("date", "attested_on"):
            value = getattr(action, field)
            if value and value > today:
                raise InvalidAction(
                    _("%(date)s is in the future; only an entry into force can be scheduled.") % {"date": value}
                )
    opened = action.treaty.opened_on
    if opened and action.date and action.kind in CONSENT_KINDS | {ActionKind.SIGNED} and action.date < opened:
        raise InvalidAction(
            _("%(kind)s on %(date)s is before CETS %(number)s was opened for signature (%(opened)s).")
            % {"kind": _label(action.kind), "date": action.date, "number": action.treaty.number, "opened": opened}
        )
    if action.effective_on and action.kind != ActionKind.DENOUNCED:
        raise InvalidAction(_("Only a denunciation has a date on which it takes effect."))
    if action.effective_on and action.date and action.effective_on < action.date:
        raise InvalidAction(_("A denunciation cannot take effect before it is notified."))

    if others is None:
        others = list(TreatyAction.objects.filter(treaty=action.treaty, country=action.country).exclude(pk=action.pk))
    others = current_membership(others, action)
    if action.kind in ONCE_KINDS:
        group = CONSENT_KINDS if action.kind in CONSENT_KINDS else {action.kind}
        twin = next((o for o in others if o.kind in group), None)
        if twin is not None:
            raise InvalidAction(
                _(
                    "%(country)s already has a %(kind)s of CETS %(number)s recorded (%(date)s); "
                    "correct that one instead."
                )
                % {
                    "country": action.country,
                    "kind": _label(twin.kind).lower(),
                    "number": action.treaty.number,
                    "date": twin.date or _("date not recorded"),
                }
            )

    def dated(kinds):
        return [a for a in [*others, action] if a.kind in kinds and a.date]

    for later_kinds, earlier_kinds, message in (
        (
            {ActionKind.IN_FORCE},
            CONSENT_KINDS,
            _("Entry into force (%(later)s) cannot come before the ratification or accession (%(earlier)s)."),
        ),
        (
            CONSENT_KINDS,
            {ActionKind.SIGNED},
            _("Ratification (%(later)s) cannot come before the signature (%(earlier)s)."),
        ),
        (
            {ActionKind.DENOUNCED},
            CONSENT_KINDS | {ActionKind.IN_FORCE},
            _("A denunciation (%(later)s) cannot come before the State was bound (%(earlier)s)."),
        ),
    ):
        for later in dated(later_kinds):
            for earlier in dated(earlier_kinds):
                if later.date < earlier.date:
                    raise InvalidAction(message % {"later": later.date, "earlier": earlier.date})


def current_membership(acts: list[TreatyAction], action: TreatyAction) -> list[TreatyAction]:
    """The acts of the same period of membership as `action`: a denunciation closes one, and a State that joins
    again starts another. Acts that cannot be placed in time (no date, no attestation) are kept."""
    day = action.known_on
    cuts = sorted(a.known_on for a in acts if a.kind == ActionKind.DENOUNCED and a.known_on)
    if day is None or not cuts:
        return acts
    after = max((cut for cut in cuts if cut < day), default=None)
    until = min((cut for cut in cuts if cut >= day), default=None)
    return [
        a
        for a in acts
        if a.known_on is None or ((after is None or a.known_on > after) and (until is None or a.known_on <= until))
    ]


@transaction.atomic
def record_treaty_action(
    treaty: Treaty,
    *,
    country: Country,
    kind: str,
    source: str,
    date: datetime.date | None = None,
    attested_on: datetime.date | None = None,
    effective_on: datetime.date | None = None,
    note: str = "",
    origin: str = Origin.STAFF,
    user=None,
    check: bool = True,
) -> TreatyAction:
    """Record an act of `country` under `treaty` (invitation, signature, ratification, …).

    `check=False` is for a caller that changes several acts of one State and then checks them together."""
    # Lock the State's row so two concurrent writes for one State are checked one after the other.
    Country.objects.select_for_update().filter(pk=country.pk).first()
    action = TreatyAction(
        treaty=treaty,
        country=country,
        kind=kind,
        date=date,
        attested_on=attested_on,
        effective_on=effective_on,
        source=source.strip(),
        note=note.strip(),
        origin=origin,
    )
    if check:
        check_action(action)
    action.save()
    log_action(action, f"treaties.action.{kind}.recorded", user=user, after=snapshot(action))
    return action


@transaction.atomic
def correct_treaty_action(
    action: TreatyAction, *, version: int, user=None, check: bool = True, **changes
) -> TreatyAction:
    """Correct a recorded act. `version` is the one the user read: if the record changed since, nothing is
    written and ConflictError says so."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidAction(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    Country.objects.select_for_update().filter(pk=action.country_id).first()
    current = locked_for_update(
        TreatyAction.objects.select_related("treaty", "country"),
        action.pk,
        version,
        stale=_(
            "Someone else changed this action since you opened it. Reload it to see their change, then correct it "
            "again."
        ),
    )
    before = snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value.strip() if isinstance(value, str) else value)
    if snapshot(current) == before:
        return current
    if user is not None and "origin" not in changes:
        # A person's correction takes the act over from the reference loader or an import: reloading the reference
        # data never undoes it (reference_data.load_treaty_actions keeps what is not its own).
        current.origin = Origin.STAFF
    if check:
        check_action(current)
    current.version += 1
    current.updated_at = timezone.now()
    current.save()
    log_action(current, "treaties.action.corrected", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def withdraw_treaty_action(action: TreatyAction, *, version: int, reason: str, user=None) -> None:
    """Delete an action recorded in error; the audit log keeps what it was and why it went."""
    if not reason.strip():
        raise InvalidAction(_("Say why this action is withdrawn."))
    current = locked_for_update(
        TreatyAction,
        action.pk,
        version,
        stale=_("Someone else changed this action since you opened it. Reload it and try again."),
    )
    before = snapshot(current)
    log_action(current, "treaties.action.withdrawn", user=user, before=before, data={"reason": reason.strip()})
    current.delete()


def sync_treaty_action(
    treaty: Treaty,
    *,
    country: Country,
    kind: str,
    date: datetime.date | None,
    source: str,
    attested_on: datetime.date | None = None,
    note: str = "",
    origin: str,
    user=None,
    check: bool = True,
) -> tuple[TreatyAction, str]:
    """Make the recorded act of `kind` match a chart or reference row; returns it and "added", "changed" or
    "unchanged". Used by imports, which must be idempotent."""
    group = CONSENT_KINDS if kind in CONSENT_KINDS else {kind}
    existing = TreatyAction.objects.filter(treaty=treaty, country=country, kind__in=group).first()
    if existing is None:
        action = record_treaty_action(
            treaty,
            country=country,
            kind=kind,
            date=date,
            attested_on=attested_on,
            source=source,
            note=note,
            origin=origin,
            user=user,
            check=check,
        )
        return action, "added"
    changes = {"kind": kind, "date": date, "attested_on": attested_on if date is None else None}
    if any(getattr(existing, field) != value for field, value in changes.items()):
        changes.update(source=source, note=note, origin=origin)  # a new fact brings its own source
    elif origin == Origin.REFERENCE and existing.origin == Origin.REFERENCE:
        changes.update(source=source, note=note)  # the loader owns the wording of what it loaded
    if all(getattr(existing, field) == value for field, value in changes.items()):
        return existing, "unchanged"
    action = correct_treaty_action(existing, version=existing.version, user=user, check=check, **changes)
    return action, "changed"

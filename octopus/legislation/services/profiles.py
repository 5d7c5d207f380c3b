"""Laws and assessments of a country's legislation profile: a focal point's statement is a draft until staff
review it; staff may record theirs reviewed at once."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.permissions import is_staff_member
from octopus.accounts.services import log_action, snapshot
from octopus.countries.models import Country
from octopus.legislation.models import Assessment, Law, Level, ReviewState, Source
from octopus.legislation.services.checks import check_article, check_choice, check_not_future
from octopus.lib.errors import DomainError
from octopus.lib.files import check_document_file, clean_file_name
from octopus.lib.locking import locked_for_update
from octopus.treaties.models import Article


@transaction.atomic
def record_law(
    country: Country,
    *,
    title: str,
    user,
    year: int | None = None,
    url: str = "",
    reviewed: bool = False,
    is_sample: bool = False,
) -> Law:
    """Record a national law of `country`; staff may record it `reviewed` (public at once), a focal point's is a
    draft until staff review it."""
    law = Law(
        country=country,
        title=(title or "").strip(),
        year=year,
        url=(url or "").strip(),
        recorded_by=user,
        is_sample=is_sample,
        state=ReviewState.REVIEWED if reviewed else ReviewState.DRAFT,
        reviewed_by=user if reviewed else None,
        reviewed_at=timezone.now() if reviewed else None,
    )
    _check_law_fields(law)
    law.save()
    log_action(law, "legislation.law.recorded", user=user, after=snapshot(law))
    return law


@transaction.atomic
def record_assessment(
    country: Country,
    article: Article,
    *,
    level: str,
    source: str,
    assessed_on: datetime.date,
    user,
    reviewed: bool = False,
    provisions: str = "",
    note: str = "",
    citation: str = "",
    laws=(),
    is_sample: bool = False,
) -> Assessment:
    """State what `country`'s law provides on `article` as of `assessed_on`. Staff may record it `reviewed`
    (counted and public at once); a focal point's statement is a draft until staff review it."""
    check_article(article)
    check_choice(level, Level, _("compliance level"))
    check_choice(source, Source, _("source"))
    check_not_future(assessed_on, _("The date of an assessment"))
    foreign = [law for law in laws if law.country_id != country.pk]
    if foreign:
        raise DomainError(_("%(law)s is a law of another country.") % {"law": foreign[0]})
    now = timezone.now()
    assessment = Assessment.objects.create(
        country=country,
        article=article,
        level=level,
        source=source,
        assessed_on=assessed_on,
        provisions=provisions.strip(),
        note=note.strip(),
        citation=citation.strip(),
        recorded_by=user,
        state=ReviewState.REVIEWED if reviewed else ReviewState.DRAFT,
        reviewed_by=user if reviewed else None,
        reviewed_at=now if reviewed else None,
        is_sample=is_sample,
    )
    assessment.laws.set(laws)
    log_action(assessment, "legislation.assessment.recorded", user=user, after=snapshot(assessment))
    return assessment


def _review(model, pk: int, *, accept: bool, user, version: int | None, already: str):
    current = locked_for_update(model, pk, version)
    if current.state != ReviewState.DRAFT:
        raise DomainError(already)
    before = snapshot(current)
    current.state = ReviewState.REVIEWED if accept else ReviewState.REJECTED
    current.reviewed_by, current.reviewed_at = user, timezone.now()
    current.version += 1
    current.save(update_fields=["state", "reviewed_by", "reviewed_at", "version"])
    action = f"legislation.{model._meta.model_name}.{'reviewed' if accept else 'rejected'}"
    log_action(current, action, user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def review_assessment(assessment: Assessment, *, accept: bool, user, version: int | None) -> Assessment:
    """Staff accept a draft statement (it then counts and is public) or reject it (kept, never counted)."""
    already = _("This statement has already been reviewed.")
    return _review(Assessment, assessment.pk, accept=accept, user=user, version=version, already=already)


# --- keeping laws and statements in the workspace -----------------------------------------------------------------


def _check_law_fields(law: Law) -> None:
    if not law.title:
        raise DomainError(_("Give the law's title."))
    if law.year is not None and not 1900 <= law.year <= timezone.localdate().year:
        raise DomainError(_("The year %(year)s is not a year a law in force was passed.") % {"year": law.year})
    if Law.objects.filter(country=law.country_id, title=law.title).exclude(pk=law.pk).exists():
        raise DomainError(
            _("%(country)s already has a law titled “%(title)s”.") % {"country": law.country, "title": law.title}
        )


def _back_to_draft_unless_staff(law: Law, user) -> None:
    """A focal point's change is a draft again until staff review it; a change by staff keeps the law's state."""
    if not is_staff_member(user):
        law.state, law.reviewed_by, law.reviewed_at = ReviewState.DRAFT, None, None


@transaction.atomic
def update_law(law: Law, *, user, version: int | None, title: str, year: int | None = None, url: str = "") -> Law:
    """Correct a law's title, year or link. Refused when `version` (the one read) is stale. A focal point's change
    puts the law back to draft (not public until staff review it); staff's keeps it as it was."""
    current = locked_for_update(Law, law.pk, version)
    title, url = (title or "").strip(), (url or "").strip()
    if (current.title, current.year, current.url) == (title, year, url):
        return current  # nothing changed: no new version, and a reviewed law stays public
    before = snapshot(current)
    current.title, current.year, current.url = title, year, url
    _check_law_fields(current)
    _back_to_draft_unless_staff(current, user)
    current.version += 1
    current.save()
    log_action(current, "legislation.law.updated", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def attach_law_file(law: Law, upload, *, user, version: int | None) -> Law:
    """Store the text of a law (PDF or DOCX by content, at most 20 MB), replacing the file it had (deleted once the
    change is committed). Same rule as `update_law`: a focal point's upload is a draft until staff review it."""
    file_type = check_document_file(upload)
    current = locked_for_update(Law, law.pk, version)
    before = snapshot(current)
    old_name = current.file.name if current.file else ""
    current.file_type = file_type  # law_file_path names the stored file by it
    current.file.save("upload", upload, save=False)
    current.file_name = clean_file_name(getattr(upload, "name", ""), "law")
    _back_to_draft_unless_staff(current, user)
    current.version += 1
    current.save()
    if old_name:
        storage = current.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    log_action(current, "legislation.law.file_attached", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def review_law(law: Law, *, accept: bool, user, version: int | None) -> Law:
    """Staff accept a draft law (it is then public) or reject it (kept, never shown to the public)."""
    return _review(
        Law, law.pk, accept=accept, user=user, version=version, already=_("This law has already been reviewed.")
    )


@transaction.atomic
def withdraw_assessment(assessment: Assessment, *, user, version: int | None) -> Assessment:
    """The author of a draft statement takes it back before review. It is kept, closed as rejected with no
    reviewer (the history shows it withdrawn), so that nothing said is lost; it never counts."""
    current = locked_for_update(Assessment, assessment.pk, version)
    if current.state != ReviewState.DRAFT:
        raise DomainError(_("Only a statement awaiting review can be withdrawn; this one has been reviewed."))
    if current.recorded_by_id is None or current.recorded_by_id != getattr(user, "pk", None):
        raise DomainError(_("Only the person who recorded this statement can withdraw it."))
    before = snapshot(current)
    current.state, current.reviewed_by, current.reviewed_at = ReviewState.REJECTED, None, None
    current.version += 1
    current.save(update_fields=["state", "reviewed_by", "reviewed_at", "version"])
    log_action(current, "legislation.assessment.withdrawn", user=user, before=before, after=snapshot(current))
    return current

"""Laws and assessments of a country's legislation profile: a focal point's statement is a draft until staff
review it; staff may record theirs reviewed at once."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import DomainError, locked_for_update, log_action, snapshot
from octopus.countries.models import Country
from octopus.legislation.models import Assessment, Law, Level, ReviewState, Source
from octopus.legislation.services.checks import check_article, check_choice, check_not_future
from octopus.treaties.models import Article


@transaction.atomic
def record_law(
    country: Country, *, title: str, user, year: int | None = None, url: str = "", reviewed: bool = False,
    is_sample: bool = False,
) -> Law:  # fmt: skip
    """Record a national law of `country`; staff may record it `reviewed` (public at once), a focal point's is a
    draft until staff review it."""
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the law's title."))
    if year is not None and not 1900 <= year <= timezone.localdate().year:
        raise DomainError(_("The year %(year)s is not a year a law in force was passed.") % {"year": year})
    if Law.objects.filter(country=country, title=title).exists():
        raise DomainError(_("%(country)s already has a law titled “%(title)s”.") % {"country": country, "title": title})
    law = Law.objects.create(
        country=country, title=title, year=year, url=url, recorded_by=user, is_sample=is_sample,
        state=ReviewState.REVIEWED if reviewed else ReviewState.DRAFT, reviewed_by=user if reviewed else None,
        reviewed_at=timezone.now() if reviewed else None,
    )  # fmt: skip
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
        country=country, article=article, level=level, source=source, assessed_on=assessed_on,
        provisions=provisions.strip(), note=note.strip(), citation=citation.strip(), recorded_by=user,
        state=ReviewState.REVIEWED if reviewed else ReviewState.DRAFT, reviewed_by=user if reviewed else None,
        reviewed_at=now if reviewed else None, is_sample=is_sample,
    )  # fmt: skip
    assessment.laws.set(laws)
    log_action(assessment, "legislation.assessment.recorded", user=user, after=snapshot(assessment))
    return assessment


@transaction.atomic
def review_assessment(assessment: Assessment, *, accept: bool, user, version: int | None) -> Assessment:
    """Staff accept a draft statement (it then counts and is public) or reject it (kept, never counted)."""
    current = locked_for_update(Assessment, assessment.pk, version)
    if current.state != ReviewState.DRAFT:
        raise DomainError(_("This statement has already been reviewed."))
    before = snapshot(current)
    current.state = ReviewState.REVIEWED if accept else ReviewState.REJECTED
    current.reviewed_by, current.reviewed_at = user, timezone.now()
    current.version += 1
    current.save(update_fields=["state", "reviewed_by", "reviewed_at", "version"])
    action = "legislation.assessment.reviewed" if accept else "legislation.assessment.rejected"
    log_action(current, action, user=user, before=before, after=snapshot(current))
    return current

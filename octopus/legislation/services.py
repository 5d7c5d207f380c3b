"""The write path of legislation profiles and advice (DESIGN.md §7.3): every change checked, audited, never lost.

Who may call what is the views' and the API's business (permissions); the rules of the data are here: an article
of the profile's treaty, a level of the scale, no date in the future, a focal point's statement a draft until staff
review it.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import DomainError, locked_for_update, log_action, snapshot
from octopus.countries.models import Country
from octopus.legislation.models import (
    PROFILE_ARTICLES,
    PROFILE_TREATY,
    Advice,
    AdviceMode,
    AdviceRecommendation,
    Assessment,
    Law,
    Level,
    ReviewState,
    Source,
)
from octopus.treaties.models import Article


def _check_article(article: Article) -> None:
    if article.treaty.number != PROFILE_TREATY or article.number not in PROFILE_ARTICLES:
        raise DomainError(
            _("Article %(number)s of %(treaty)s is not one a legislation profile covers (CETS 185, Articles 1–22, "
              "24–35 and 42).") % {"number": article.number, "treaty": article.treaty.short_name}
        )  # fmt: skip


def _check_not_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise DomainError(_("%(what)s cannot be in the future (%(day)s).") % {"what": what, "day": day})


def _check_choice(value: str, choices, what: str) -> None:
    if value not in choices.values:
        known = ", ".join(str(label) for label in choices.labels)
        raise DomainError(_("“%(value)s” is not a %(what)s (one of: %(known)s).") % {
            "value": value, "what": what, "known": known})  # fmt: skip


@transaction.atomic
def record_law(country: Country, *, title: str, user, year: int | None = None, url: str = "", is_sample=False) -> Law:
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the law's title."))
    if year is not None and not 1900 <= year <= timezone.localdate().year:
        raise DomainError(_("The year %(year)s is not a year a law in force was passed.") % {"year": year})
    if Law.objects.filter(country=country, title=title).exists():
        raise DomainError(_("%(country)s already has a law titled “%(title)s”.") % {"country": country, "title": title})
    law = Law.objects.create(country=country, title=title, year=year, url=url, is_sample=is_sample)
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
    _check_article(article)
    _check_choice(level, Level, _("compliance level"))
    _check_choice(source, Source, _("source"))
    _check_not_future(assessed_on, _("The date of an assessment"))
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


@transaction.atomic
def record_advice(
    country: Country,
    *,
    reviewed: str,
    mode: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    articles,
    user,
    law: Law | None = None,
    experts=(),
    event=None,
    activity=None,
    is_sample: bool = False,
) -> Advice:
    """Record legislative advice given to `country` on a draft or a law, on the articles it covered."""
    reviewed = (reviewed or "").strip()
    if not reviewed:
        raise DomainError(_("Say which draft or law was reviewed."))
    _check_choice(mode, AdviceMode, _("mode of advice"))
    if ends_on < starts_on:
        raise DomainError(_("The advice cannot end before it starts."))
    _check_not_future(starts_on, _("The start of advice given"))
    articles = list(articles)
    if not articles:
        raise DomainError(_("Name at least one article the advice covered."))
    for article in articles:
        _check_article(article)
    if law is not None and law.country_id != country.pk:
        raise DomainError(_("%(law)s is a law of another country.") % {"law": law})
    advice = Advice.objects.create(
        country=country, reviewed=reviewed, law=law, mode=mode, starts_on=starts_on, ends_on=ends_on, event=event,
        activity=activity, recorded_by=user, is_sample=is_sample,
    )  # fmt: skip
    advice.articles.set(articles)
    advice.experts.set(experts)
    log_action(advice, "legislation.advice.recorded", user=user, after=snapshot(advice))
    return advice


@transaction.atomic
def record_recommendation(advice: Advice, *, text: str, user, article: Article | None = None) -> AdviceRecommendation:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the recommendation."))
    if article is not None and not advice.articles.filter(pk=article.pk).exists():
        raise DomainError(_("Article %(number)s is not among the articles the advice covered.") % {
            "number": article.number})  # fmt: skip
    Advice.objects.select_for_update().get(pk=advice.pk)  # numbers given one at a time
    number = advice.recommendations.count() + 1
    recommendation = AdviceRecommendation.objects.create(advice=advice, number=number, article=article, text=text)
    log_action(recommendation, "legislation.recommendation.recorded", user=user, after=snapshot(recommendation))
    return recommendation


@transaction.atomic
def take_up_recommendation(
    recommendation: AdviceRecommendation, *, taken_up_on: datetime.date, user, version: int | None,
    assessment: Assessment | None = None,
) -> AdviceRecommendation:  # fmt: skip
    """Record that the country took a recommendation up, and (if known) the assessment whose level it changed."""
    current = locked_for_update(AdviceRecommendation, recommendation.pk, version)
    _check_not_future(taken_up_on, _("The day a recommendation was taken up"))
    if taken_up_on < current.advice.starts_on:
        raise DomainError(_("A recommendation cannot be taken up before the advice was given."))
    if assessment is not None and assessment.country_id != current.advice.country_id:
        raise DomainError(_("That assessment is of another country."))
    before = snapshot(current)
    current.taken_up_on, current.assessment = taken_up_on, assessment
    current.version += 1
    current.save()
    log_action(current, "legislation.recommendation.taken_up", user=user, before=before, after=snapshot(current))
    return current

"""Legislative advice given to a country, its recommendations and which of them the country took up."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from octopus.accounts.services import DomainError, locked_for_update, log_action, snapshot
from octopus.countries.models import Country
from octopus.legislation.models import Advice, AdviceMode, AdviceRecommendation, Assessment, Law
from octopus.legislation.services.checks import check_article, check_choice, check_not_future
from octopus.treaties.models import Article


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
    check_choice(mode, AdviceMode, _("mode of advice"))
    if ends_on < starts_on:
        raise DomainError(_("The advice cannot end before it starts."))
    check_not_future(starts_on, _("The start of advice given"))
    articles = list(articles)
    if not articles:
        raise DomainError(_("Name at least one article the advice covered."))
    for article in articles:
        check_article(article)
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
    check_not_future(taken_up_on, _("The day a recommendation was taken up"))
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

"""Legislative advice given to a country, its recommendations and which of them the country took up."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.countries.models import Country
from octopus.legislation.models import Advice, AdviceDocument, AdviceMode, AdviceRecommendation, Assessment, Law
from octopus.legislation.services.checks import check_article, check_choice, check_not_future
from octopus.lib.errors import DomainError
from octopus.lib.files import check_document_file, clean_file_name
from octopus.lib.locking import locked_for_update
from octopus.results.services import assign_programmes, serve_activity
from octopus.treaties.models import Article


def _check_advice(country: Country, *, reviewed: str, mode: str, starts_on, ends_on, articles, law) -> tuple[str, list]:
    """The rules of advice, recorded or corrected: what was reviewed, a mode, dates in order and not ahead, articles
    a profile covers, a law of the same country. Returns the cleaned text and the articles as a list."""
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
    return reviewed, articles


def advice_snapshot(advice: Advice) -> dict:
    """The advice's fields with the articles (by number) and experts it names, for the audit log."""
    return {
        **snapshot(advice),
        "articles": sorted(advice.articles.values_list("number", flat=True)),
        "experts": sorted(advice.experts.values_list("pk", flat=True)),
    }


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
    reviewed, articles = _check_advice(
        country, reviewed=reviewed, mode=mode, starts_on=starts_on, ends_on=ends_on, articles=articles, law=law
    )
    advice = Advice.objects.create(
        country=country,
        reviewed=reviewed,
        law=law,
        mode=mode,
        starts_on=starts_on,
        ends_on=ends_on,
        event=event,
        activity=activity,
        recorded_by=user,
        is_sample=is_sample,
    )
    advice.articles.set(articles)
    advice.experts.set(experts)
    log_action(advice, "legislation.advice.recorded", user=user, after=advice_snapshot(advice))
    # Choosing the activity the advice serves sets its programme (refused, and nothing recorded, when the activity's
    # programme cannot take it: sample advice for a real programme, or real advice for the sample one).
    serve_activity(advice, activity, user=user)
    return advice


@transaction.atomic
def update_advice(
    advice: Advice,
    *,
    user,
    version: int | None,
    reviewed: str,
    mode: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    articles,
    law: Law | None = None,
    experts=(),
    event=None,
    activity=None,
) -> Advice:
    """Correct what was recorded of advice (its country stays). Refused when `version` (the one read) is stale, on
    the rules of recording it, when an article a recommendation names would no longer be covered, and when a
    recommendation would have been taken up before the advice started."""
    current = locked_for_update(Advice, advice.pk, version)
    reviewed, articles = _check_advice(
        current.country,
        reviewed=reviewed,
        mode=mode,
        starts_on=starts_on,
        ends_on=ends_on,
        articles=articles,
        law=law,
    )
    kept = {article.pk for article in articles}
    named = (
        current.recommendations.filter(article__isnull=False)
        .exclude(article__in=kept)
        .values_list("article__number", flat=True)
    )
    orphaned = sorted(set(named))
    if orphaned:
        raise DomainError(
            _(
                "A recommendation names Article %(numbers)s: keep it among the articles covered, or change the "
                "recommendation first."
            )
            % {"numbers": ", ".join(str(number) for number in orphaned)}
        )
    early = current.recommendations.filter(taken_up_on__lt=starts_on).order_by("number").first()
    if early is not None:
        raise DomainError(
            _("Recommendation %(number)s was taken up on %(day)s, before the advice would start.")
            % {"number": early.number, "day": early.taken_up_on}
        )
    before = advice_snapshot(current)
    activity_changed = (activity.pk if activity else None) != current.activity_id
    current.reviewed, current.law, current.mode = reviewed, law, mode
    current.starts_on, current.ends_on, current.event, current.activity = starts_on, ends_on, event, activity
    current.version += 1
    current.save()
    current.articles.set(articles)
    current.experts.set(experts)
    log_action(current, "legislation.advice.corrected", user=user, before=before, after=advice_snapshot(current))
    if activity_changed:  # a newly chosen activity sets (or joins) its programme; the others stay as staff set them
        serve_activity(current, activity, user=user)
    return current


@transaction.atomic
def set_advice_programmes(advice: Advice, shares: list[tuple], *, user) -> list:
    """Set the programmes `advice` serves: (programme, share %, activity or None) each, shares summing to 100 (none:
    it serves no programme and counts for none). Checked and audited by `results.services.assign_programmes`. The
    activity the advice names stays one of those it serves (the first row's with an activity, else none)."""
    current = Advice.objects.select_for_update().get(pk=advice.pk)
    assignments = assign_programmes(current, shares, user=user)
    served = {a.activity_id for a in assignments if a.activity_id}
    if current.activity_id not in served:
        chosen = next((activity.pk for _programme, _share, activity in shares if activity is not None), None)
        if chosen != current.activity_id:
            Advice.objects.filter(pk=current.pk).update(activity=chosen, version=current.version + 1)
    return assignments


@transaction.atomic
def record_recommendation(advice: Advice, *, text: str, user, article: Article | None = None) -> AdviceRecommendation:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the recommendation."))
    if article is not None and not advice.articles.filter(pk=article.pk).exists():
        raise DomainError(
            _("Article %(number)s is not among the articles the advice covered.") % {"number": article.number}
        )
    Advice.objects.select_for_update().get(pk=advice.pk)  # numbers given one at a time
    number = advice.recommendations.count() + 1
    recommendation = AdviceRecommendation.objects.create(advice=advice, number=number, article=article, text=text)
    log_action(recommendation, "legislation.recommendation.recorded", user=user, after=snapshot(recommendation))
    return recommendation


@transaction.atomic
def take_up_recommendation(
    recommendation: AdviceRecommendation,
    *,
    taken_up_on: datetime.date,
    user,
    version: int | None,
    assessment: Assessment | None = None,
) -> AdviceRecommendation:
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


@transaction.atomic
def correct_recommendation(
    recommendation: AdviceRecommendation, *, text: str, article: Article | None, user, version: int | None
) -> AdviceRecommendation:
    """Correct a recommendation's wording or the article it names (one the advice covered); its number stays."""
    current = locked_for_update(AdviceRecommendation, recommendation.pk, version)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the recommendation."))
    if article is not None and not current.advice.articles.filter(pk=article.pk).exists():
        raise DomainError(
            _("Article %(number)s is not among the articles the advice covered.") % {"number": article.number}
        )
    before = snapshot(current)
    current.text, current.article = text, article
    current.version += 1
    current.save()
    log_action(current, "legislation.recommendation.corrected", user=user, before=before, after=snapshot(current))
    return current


# --- documents ---------------------------------------------------------------------------------------------------


@transaction.atomic
def add_advice_document(advice: Advice, *, title: str, upload, user) -> AdviceDocument:
    """Store a document of the advice under its title, keeping the file's original name."""
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the document a title."))
    file_type = check_document_file(upload)
    document = AdviceDocument(
        advice=advice,
        title=title,
        file_type=file_type,
        file_name=clean_file_name(getattr(upload, "name", "")),
        uploaded_at=timezone.now(),
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    document.file.save("upload", upload, save=False)  # advice_file_path names it by its type
    document.save()
    log_action(document, "legislation.advice_document.added", user=user, after=snapshot(document))
    return document


@transaction.atomic
def remove_advice_document(document: AdviceDocument, *, user) -> None:
    """Remove a document of the advice; its file is deleted once the removal is committed."""
    current = AdviceDocument.objects.select_for_update().get(pk=document.pk)
    log_action(current, "legislation.advice_document.removed", user=user, before=snapshot(current))
    name, storage = current.file.name, current.file.storage
    current.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))

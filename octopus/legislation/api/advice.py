"""Legislative advice over the JSON API: the advice given to countries, its recommendations, and which of them a
country took up.

Reading needs `legislation.view_workspace` (a bearer token or the workspace session); a focal point reads only the
advice given to its own country (another's is a 404 to it). Writing needs a bearer token of staff who record advice
(`legislation.manage_advice`). Every write is done by the services, so the API keeps the pages' rules and audit: a
refused one is a 422 problem with the service's message (an article outside the profile, a date in the future,
an end before the start), a stale `version` a 409.
"""

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import CONFLICT, Id, Line, Pagination, Text, Version, allowed, form_errors
from octopus.accounts.permissions import is_donor, is_finance_officer, is_staff_member
from octopus.events.models import Event
from octopus.legislation.api.profiles import ISO2, ArticleNumber, body_country, profile_article
from octopus.legislation.models import Advice, AdviceMode, AdviceRecommendation, Assessment, Law
from octopus.legislation.services import advice as services
from octopus.lib.dates import IsoDate
from octopus.people.models import Person
from octopus.results.api import IsSample, ProgrammeShareIn, ProgrammeShareOut, programme_shares_form
from octopus.results.models import Assignment, ResultNode
from octopus.surveys.permissions import focal_countries

router = Router(tags=["legislation"])

VIEW = "legislation.view_workspace"
MANAGE = "legislation.manage_advice"


# --- schemas -------------------------------------------------------------------------------------------------------


class AdviceRecommendationOut(Schema):
    id: int
    advice: int = Field(validation_alias="advice_id")
    number: int
    article: int | None = Field(description="Article number, when the recommendation is on one.")
    text: str
    taken_up_on: IsoDate | None
    assessment: int | None = Field(validation_alias="assessment_id", description="Id of the assessment it changed.")
    is_sample: IsSample = Field(validation_alias="advice.is_sample")
    version: int

    @staticmethod
    def resolve_article(recommendation) -> int | None:
        return recommendation.article.number if recommendation.article_id else None


class AdviceDocumentOut(Schema):
    id: int
    title: str
    file_name: str
    file_type: str
    uploaded_at: datetime.datetime


class AdviceOut(Schema):
    id: int
    country: str = Field(validation_alias="country.iso2")
    reviewed: str = Field(description="The draft or law reviewed.")
    law: int | None = Field(validation_alias="law_id", description="Id of the law reviewed, when recorded.")
    mode: AdviceMode
    starts_on: IsoDate
    ends_on: IsoDate
    articles: list[int] = Field(description="Numbers of the articles covered (CETS 185).")
    experts: list[int] = Field(description="Ids of the experts (people).")
    event: int | None = Field(validation_alias="event_id", description="Id of the workshop (an event).")
    activity: int | None = Field(validation_alias="activity_id", description="Id of the programme activity served.")
    programmes: list[ProgrammeShareOut] = Field(
        description="The programmes the advice serves; none: it counts for no programme."
    )
    recommendations: list[AdviceRecommendationOut]
    documents: list[AdviceDocumentOut]
    is_sample: IsSample
    version: int

    @staticmethod
    def resolve_articles(advice) -> list[int]:
        return sorted(article.number for article in advice.articles.all())

    @staticmethod
    def resolve_experts(advice) -> list[int]:
        return [person.pk for person in advice.experts.all()]

    @staticmethod
    def resolve_programmes(advice) -> list:
        return sorted(advice.assignments.all(), key=lambda a: (a.programme.starts_on, a.programme.code))

    @staticmethod
    def resolve_recommendations(advice) -> list:
        return list(advice.recommendations.all())

    @staticmethod
    def resolve_documents(advice) -> list:
        return list(advice.documents.all())


class AdviceIn(Schema):
    country: ISO2
    reviewed: Line = Field(description="The draft or law reviewed.")
    law: Id | None = Field(default=None, description="Id of a law of the country.")
    mode: AdviceMode
    starts_on: IsoDate
    ends_on: IsoDate
    articles: list[ArticleNumber] = Field(max_length=50, description="Numbers of the articles covered.")
    experts: list[Id] = Field(default=[], max_length=100, description="Ids of people.")
    event: Id | None = Field(default=None, description="Id of the workshop (an event).")
    activity: Id | None = Field(default=None, description="Id of the programme activity served (logframe).")


class AdviceChangeIn(AdviceIn):
    version: Version


class AdviceProgrammesIn(Schema):
    programmes: list[ProgrammeShareIn] = Field(
        max_length=10, description="Every programme the advice serves (an empty list: none)."
    )


class AdviceRecommendationIn(Schema):
    text: Text
    article: ArticleNumber | None = Field(default=None, description="Number of an article the advice covered.")


class TakeUpIn(Schema):
    taken_up_on: IsoDate
    version: Version
    assessment: Id | None = Field(default=None, description="Id of the assessment whose level it changed.")


# --- helpers -------------------------------------------------------------------------------------------------------


# Who may use each route: each declares it with `allowed`; these are the 403s' messages.
NO_ADVICE = gettext_lazy("Your role does not give access to legislative advice.")
NOT_AN_ADVISER = gettext_lazy("Your role does not allow recording legislative advice.")


def visible(user, rows, field: str = "country"):
    """All advice for staff, the finance officer and donors; a focal point's own country's only."""
    if is_staff_member(user) or is_finance_officer(user) or is_donor(user):
        return rows
    return rows.filter(**{f"{field}__iso2__in": focal_countries(user)})


def advice_rows():
    return Advice.objects.select_related("country").prefetch_related(
        "articles",
        "experts",
        "documents",
        "recommendations__article",
        Prefetch("assignments", queryset=Assignment.objects.select_related("programme")),
    )


def _one(model, pk: int | None, field: str, what: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise form_errors({field: [_("No %(what)s with the id %(id)s.") % {"what": what, "id": pk}]})
    return found


def _fields(payload: AdviceIn) -> dict:
    """The service's arguments from a body: objects looked up by id and article number (422 naming the field)."""
    numbers = list(dict.fromkeys(payload.articles))
    experts = list(Person.objects.filter(pk__in=payload.experts))
    missing = sorted(set(payload.experts) - {person.pk for person in experts})
    if missing:
        raise form_errors({"experts": [_("No person with the id %(id)s.") % {"id": missing[0]}]})
    return {
        "reviewed": payload.reviewed,
        "mode": payload.mode,
        "starts_on": payload.starts_on,
        "ends_on": payload.ends_on,
        "articles": [profile_article(number, "articles") for number in numbers],
        "law": _one(Law, payload.law, "law", _("law")),
        "experts": experts,
        "event": _one(Event, payload.event, "event", _("event")),
        "activity": _one(ResultNode, payload.activity, "activity", _("programme activity")),
    }


# --- advice --------------------------------------------------------------------------------------------------------


@router.get(
    "/legislation/advice",
    response=list[AdviceOut],
    auth=allowed(VIEW, NO_ADVICE),
    summary="Legislative advice given to countries",
    description="Latest first. A focal point reads its own country's advice only.",
)
@paginate(Pagination, page_size=100)
def list_advice(request, country: ISO2 | None = None, mode: AdviceMode | None = None):
    rows = visible(request.auth, advice_rows())
    if country:
        rows = rows.filter(country__iso2=country.upper())
    if mode:
        rows = rows.filter(mode=mode)
    return rows


@router.get(
    "/legislation/advice/{advice_id}", response=AdviceOut, auth=allowed(VIEW, NO_ADVICE), summary="One piece of advice"
)
def get_advice(request, advice_id: Path[Id]):
    return get_object_or_404(visible(request.auth, advice_rows()), pk=advice_id)


@router.post(
    "/legislation/advice",
    response={201: AdviceOut},
    auth=allowed(MANAGE, NOT_AN_ADVISER, token_only=True),
    summary="Record legislative advice given to a country",
    description="What was reviewed, how (desk review, workshop, mission), when, on which articles (numbers of CETS "
    "185 a profile covers), by which experts, for which workshop and programme activity.",
)
def add_advice(request, payload: AdviceIn):
    country = body_country(payload.country)
    advice = services.record_advice(country, user=request.auth, **_fields(payload))
    return Reply(201, advice_rows().get(pk=advice.pk))


@router.put(
    "/legislation/advice/{advice_id}",
    response=AdviceOut,
    auth=allowed(MANAGE, NOT_AN_ADVISER, token_only=True),
    summary="Correct legislative advice",
    description="Send every field again with the `version` you read; if someone changed it since, 409. The "
    "country cannot change.",
)
def change_advice(request, advice_id: Path[Id], payload: AdviceChangeIn):
    advice = get_object_or_404(Advice.objects.select_related("country"), pk=advice_id)
    if payload.country.upper() != advice.country.iso2:
        raise form_errors(
            {
                "country": [
                    _("Advice given to %(country)s stays with it; record new advice for another country.")
                    % {"country": advice.country}
                ]
            }
        )
    services.update_advice(advice, user=request.auth, version=payload.version, **_fields(payload))
    return advice_rows().get(pk=advice.pk)


@router.put(
    "/legislation/advice/{advice_id}/programmes",
    response=AdviceOut,
    auth=allowed(MANAGE, NOT_AN_ADVISER, token_only=True),
    summary="Set the programmes legislative advice serves",
    description="Every programme it serves (by code), with its share of the cost (the shares sum to 100) and "
    "optionally the activity of that programme it serves; an empty list leaves it serving none. Sample advice "
    "serves only sample programmes and real advice only real ones. A refusal is a 422 naming the field "
    "(`programmes.<row>.<field>`).",
)
def set_programmes(request, advice_id: Path[Id], payload: AdviceProgrammesIn):
    advice = get_object_or_404(Advice, pk=advice_id)
    form = programme_shares_form(advice, payload.programmes)
    services.set_advice_programmes(advice, form.shares(), user=request.auth)
    return advice_rows().get(pk=advice.pk)


# --- recommendations -----------------------------------------------------------------------------------------------


@router.post(
    "/legislation/advice/{advice_id}/recommendations",
    response={201: AdviceRecommendationOut},
    auth=allowed(MANAGE, NOT_AN_ADVISER, token_only=True),
    summary="Record a recommendation of the advice",
    description="Numbered in order; an article, if given, must be one the advice covered.",
)
def add_recommendation(request, advice_id: Path[Id], payload: AdviceRecommendationIn):
    advice = get_object_or_404(Advice, pk=advice_id)
    article = profile_article(payload.article) if payload.article is not None else None
    recommendation = services.record_recommendation(advice, text=payload.text, article=article, user=request.auth)
    return Reply(201, AdviceRecommendation.objects.select_related("article", "advice").get(pk=recommendation.pk))


@router.post(
    "/legislation/recommendations/{recommendation_id}/take-up",
    response=AdviceRecommendationOut,
    auth=allowed(MANAGE, NOT_AN_ADVISER, token_only=True),
    summary="Record that the country took a recommendation up",
    description="On a day (not in the future, not before the advice), and if known the assessment (of the same "
    "country) whose level it changed. Send the `version` you read; if it changed since, 409.",
    openapi_extra=CONFLICT,
)
def take_up(request, recommendation_id: Path[Id], payload: TakeUpIn):
    recommendation = get_object_or_404(AdviceRecommendation, pk=recommendation_id)
    assessment = _one(Assessment, payload.assessment, "assessment", _("assessment"))
    services.take_up_recommendation(
        recommendation,
        taken_up_on=payload.taken_up_on,
        user=request.auth,
        version=payload.version,
        assessment=assessment,
    )
    return AdviceRecommendation.objects.select_related("article", "advice").get(pk=recommendation.pk)

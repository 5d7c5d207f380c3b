"""T-CY assessment rounds over the JSON API: the rounds, their progress counts and report, sending the
questionnaire and reminders, recommendations and their follow-up.

Reading needs `committees.view_committee` (a bearer token or the workspace session); progress is given as counts
only, as on the pages for focal points. Every write needs a bearer token of the secretariat
(`committees.manage_committee`), is validated by the pages' Django forms and done by the services, so the API keeps
the same rules, audit and e-mails as the pages.
"""

from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Router, Schema
from ninja import Status as Reply
from pydantic import Field

from octopus.accounts.api import Id, Text, allowed, form_errors
from octopus.committees.forms.rounds import (
    CorrectRecommendationForm,
    DispatchForm,
    FollowUpForm,
    OpenRoundForm,
    RecommendationForm,
)
from octopus.committees.models import AssessmentRound, Committee, FollowUp, Recommendation
from octopus.committees.queries import rounds as queries
from octopus.committees.queries.documents import readable_ids
from octopus.committees.services import rounds as services
from octopus.lib.dates import IsoDate
from octopus.results.api import IsSample

router = Router(tags=["committee"])

READ = "committees.view_committee"
MANAGE = "committees.manage_committee"
COMMITTEE = "T-CY"


# --- schemas -------------------------------------------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    symbol: str
    title: str
    status: str = Field(description="draft, consultation, adopted or withdrawn: the register's status.")
    adopted_on: IsoDate | None
    is_sample: IsSample


class RoundOut(Schema):
    id: int
    number: int
    title: str
    articles: list[int] = Field(description="Numbers of the articles assessed (of the committee's treaty).")
    opened_on: IsoDate
    opened_at: int | None = Field(description="Id of the meeting that opened the round.")
    questionnaire: int | None = Field(description="Id of the round's questionnaire (surveys).")
    questionnaire_status: str | None
    deadline: IsoDate | None
    progress: dict[str, int] = Field(
        description="Parties the questionnaire was sent to (expected) and, of them, those that submitted. One round "
        "also gives the other states of their replies: not_started, draft, reopened. Counts only: no Party's reply."
    )
    report: ReportOut | None
    is_sample: IsSample
    version: int


class RoundIn(Schema):
    number: int = Field(ge=1, le=999)
    title: Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")]
    articles: list[Annotated[int, Field(ge=1, le=10000)]] = Field(max_length=100, description="Article numbers.")
    opened_on: IsoDate
    opened_at: Id | None = Field(default=None, description="Id of the meeting that opened the round.")


class DispatchIn(Schema):
    deadline: IsoDate


class RemindersOut(Schema):
    countries: list[str] = Field(description="ISO codes of the Parties whose focal points were reminded.")
    without_focal_point: list[str] = Field(description="Parties not submitted that have no focal point account.")
    recipients: int
    added: list[str] = Field(description="States that became Parties since and were sent the questionnaire.")
    sample: bool = Field(description="True when the round is sample data, invented for trying Octopus, not real.")


class RecommendationOut(Schema):
    id: int
    country: str = Field(validation_alias="country.iso2")
    number: int
    article: int | None
    finding: str
    text: str
    latest_status: str | None = Field(description="Status at the latest follow-up; null when not reviewed yet.")
    latest_reviewed_on: IsoDate | None
    is_sample: IsSample = Field(validation_alias="round.is_sample")
    version: int

    @staticmethod
    def resolve_article(item) -> int | None:
        return item.article.number if item.article_id else None


class RecommendationIn(Schema):
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
    article: Annotated[int, Field(ge=1, le=10000)] | None = Field(default=None, description="Article number.")
    finding: Text
    text: Text


class RecommendationChangeIn(Schema):
    article: Annotated[int, Field(ge=1, le=10000)] | None = None
    finding: Text
    text: Text
    version: int = Field(ge=1, le=2**31, description="The version you read; a stale one is refused with 409.")


class FollowUpIn(Schema):
    reviewed_on: IsoDate
    status: str = Field(description="not_implemented, partially, implemented or no_longer_relevant")
    meeting: Id | None = None
    report: Id | None = Field(default=None, description="Id of a follow-up report of the register.")
    note: Text = ""


class FollowUpOut(Schema):
    id: int
    recommendation: int = Field(validation_alias="recommendation_id")
    reviewed_on: IsoDate
    status: str
    meeting: int | None = Field(validation_alias="meeting_id")
    report: int | None = Field(validation_alias="report_id")
    note: str
    is_sample: IsSample = Field(validation_alias="recommendation.round.is_sample")


# --- helpers -------------------------------------------------------------------------------------------------------


# Who may use each route: each declares it with `allowed`; these are the 403s' messages.
NO_ROUNDS = gettext_lazy("Your role does not give access to assessment rounds.")
NOT_CHANGING_ROUNDS = gettext_lazy("Your role does not allow changing assessment rounds.")


def _committee() -> Committee:
    return get_object_or_404(Committee.objects.select_related("treaty"), code=COMMITTEE)


def _round(pk: int) -> AssessmentRound:
    return get_object_or_404(
        AssessmentRound.objects.filter(committee__code=COMMITTEE).select_related("committee__treaty", "questionnaire"),
        pk=pk,
    )


def _round_out(round: AssessmentRound, articles, progress: dict[str, int], readable: set[int]) -> dict:
    report = round.report if round.report_id in readable else None  # a draft the reader may not read: none
    questionnaire = round.questionnaire
    return {
        "id": round.pk,
        "number": round.number,
        "title": round.title,
        "articles": [a.number for a in articles],
        "opened_on": round.opened_on,
        "opened_at": round.opened_at_id,
        "questionnaire": round.questionnaire_id,
        "questionnaire_status": questionnaire.status if questionnaire else None,
        "deadline": questionnaire.closes_on if questionnaire else None,
        "progress": progress,
        "report": None
        if report is None
        else {
            "id": report.pk,
            "symbol": report.symbol,
            "title": report.title,
            "status": report.status,
            "adopted_on": report.adopted_on,
            "is_sample": report.is_sample,
        },
        "is_sample": round.is_sample,
        "version": round.version,
    }


def _detail(round_id: int, user) -> dict:
    round = get_object_or_404(
        AssessmentRound.objects.filter(committee__code=COMMITTEE).select_related("questionnaire", "report"),
        pk=round_id,
    )
    progress = queries.round_progress(round)
    counts = {**progress.counts, "expected": progress.expected}
    return _round_out(round, round.articles.order_by("number"), counts, readable_ids(user, [round.report_id]))


def _valid(form):
    if not form.is_valid():
        raise form_errors(form)
    return form.cleaned_data


def _article_pk(round_or_committee_articles, number: int | None, field: str):
    if number is None:
        return ""
    article = round_or_committee_articles.filter(number=number).first()
    if article is None:
        raise form_errors({field: [_("Article %(number)s is not among the choices.") % {"number": number}]})
    return article.pk


# --- rounds --------------------------------------------------------------------------------------------------------


@router.get(
    "/committee/rounds", response=list[RoundOut], auth=allowed(READ, NO_ROUNDS), summary="Assessment rounds of the T-CY"
)
def list_rounds(request):
    rows = queries.round_rows(_committee())
    readable = readable_ids(request.auth, [row.round.report_id for row in rows])
    return [
        _round_out(row.round, row.articles, {"expected": row.expected, "submitted": row.answered}, readable)
        for row in rows
    ]


@router.get(
    "/committee/rounds/{round_id}", response=RoundOut, auth=allowed(READ, NO_ROUNDS), summary="One assessment round"
)
def get_round(request, round_id: Path[Id]):
    return _detail(round_id, request.auth)


@router.post(
    "/committee/rounds",
    response={201: RoundOut},
    auth=allowed(MANAGE, NOT_CHANGING_ROUNDS, token_only=True),
    summary="Open an assessment round",
    description="Creates the round and its draft questionnaire, one section per article; add the questions "
    "through the questionnaire's routes, then dispatch.",
)
def open_round(request, payload: RoundIn):
    committee = _committee()
    numbers = list(dict.fromkeys(payload.articles))
    articles = dict(committee.treaty.articles.filter(number__in=numbers).values_list("number", "pk"))
    unknown = [number for number in numbers if number not in articles]
    if unknown:
        raise form_errors({"articles": [_("Article %(number)s is not among the choices.") % {"number": unknown[0]}]})
    data = {
        "number": payload.number,
        "title": payload.title,
        "articles": [articles[n] for n in numbers],
        "opened_on": payload.opened_on.isoformat(),
        "opened_at": payload.opened_at or "",
    }
    cleaned = _valid(OpenRoundForm(data=data, committee=committee))
    round = services.open_round(committee, user=request.auth, **cleaned)
    return Reply(201, _detail(round.pk, request.auth))


@router.post(
    "/committee/rounds/{round_id}/dispatch",
    response=RoundOut,
    auth=allowed(MANAGE, NOT_CHANGING_ROUNDS, token_only=True),
    summary="Send the questionnaire to the Parties",
    description="Sets the deadline, opens the questionnaire and e-mails the focal points of every Party of the day.",
)
def dispatch(request, round_id: Path[Id], payload: DispatchIn):
    round = _round(round_id)
    cleaned = _valid(DispatchForm(data={"deadline": payload.deadline.isoformat()}))
    services.dispatch_round(
        round, user=request.auth, deadline=cleaned["deadline"], site=request.build_absolute_uri("/").rstrip("/")
    )
    return _detail(round.pk, request.auth)


@router.post(
    "/committee/rounds/{round_id}/reminders",
    response=RemindersOut,
    auth=allowed(MANAGE, NOT_CHANGING_ROUNDS, token_only=True),
    summary="Remind the Parties that have not submitted",
)
def reminders(request, round_id: Path[Id]):
    round = _round(round_id)
    sent = services.send_reminders(round, user=request.auth, site=request.build_absolute_uri("/").rstrip("/"))
    return {**sent, "sample": round.is_sample}


# --- recommendations -----------------------------------------------------------------------------------------------


@router.get(
    "/committee/rounds/{round_id}/recommendations",
    response=list[RecommendationOut],
    auth=allowed(READ, NO_ROUNDS),
    summary="Recommendations of a round, with their latest follow-up",
)
def list_recommendations(request, round_id: Path[Id]):
    return list(queries.recommendations(_round(round_id)).select_related("round"))


def _recommendation_out(pk: int):
    return queries.recommendations(Recommendation.objects.get(pk=pk).round).select_related("round").get(pk=pk)


@router.post(
    "/committee/rounds/{round_id}/recommendations",
    response={201: RecommendationOut},
    auth=allowed(MANAGE, NOT_CHANGING_ROUNDS, token_only=True),
    summary="Record a recommendation to a Party",
)
def add_recommendation(request, round_id: Path[Id], payload: RecommendationIn):
    round = _round(round_id)
    data = {
        "country": payload.country.upper(),
        "finding": payload.finding,
        "text": payload.text,
        "article": _article_pk(round.articles.all(), payload.article, "article"),
    }
    cleaned = _valid(RecommendationForm(data=data, round=round, countries=services.expected_countries(round)))
    recommendation = services.record_recommendation(round, user=request.auth, **cleaned)
    return Reply(201, _recommendation_out(recommendation.pk))


@router.put(
    "/committee/rounds/{round_id}/recommendations/{rec_id}",
    response=RecommendationOut,
    auth=allowed(MANAGE, NOT_CHANGING_ROUNDS, token_only=True),
    summary="Correct a recommendation",
    description="Send the finding, text and article with the `version` you read; if someone corrected it since, 409.",
)
def correct_recommendation(request, round_id: Path[Id], rec_id: Path[Id], payload: RecommendationChangeIn):
    round = _round(round_id)
    recommendation = get_object_or_404(Recommendation.objects.select_related("round"), round=round, pk=rec_id)
    data = {
        "finding": payload.finding,
        "text": payload.text,
        "version": payload.version,
        "article": _article_pk(round.articles.all(), payload.article, "article"),
    }
    cleaned = _valid(CorrectRecommendationForm(data=data, recommendation=recommendation))
    services.correct_recommendation(recommendation, user=request.auth, **cleaned)
    return _recommendation_out(recommendation.pk)


@router.post(
    "/committee/rounds/{round_id}/recommendations/{rec_id}/follow-ups",
    response={201: FollowUpOut},
    auth=allowed(MANAGE, NOT_CHANGING_ROUNDS, token_only=True),
    summary="Record a follow-up of a recommendation",
)
def add_follow_up(request, round_id: Path[Id], rec_id: Path[Id], payload: FollowUpIn):
    round = _round(round_id)
    recommendation = get_object_or_404(Recommendation.objects.select_related("round"), round=round, pk=rec_id)
    data = {**payload.dict(), "reviewed_on": payload.reviewed_on.isoformat()}
    cleaned = _valid(FollowUpForm(data={k: "" if v is None else v for k, v in data.items()}, round=round))
    follow_up = services.record_follow_up(recommendation, user=request.auth, **cleaned)
    return Reply(201, FollowUp.objects.select_related("recommendation__round").get(pk=follow_up.pk))

"""Reading questionnaires: compiled replies and progress, each in a fixed number of queries (DESIGN.md §7.10)."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.http import Http404

from octopus.accounts.models import AuditEntry
from octopus.surveys.models import Question, Questionnaire, Response, ResponseRevision, ResponseState
from octopus.surveys.permissions import focal_countries, visible_responses


@dataclass(frozen=True)
class CompiledRow:
    """One respondent's answers as last submitted."""

    response: Response
    revision_number: int
    submitted_at: object
    answers: dict  # question code → value, as in the revision

    @property
    def respondent(self):
        return self.response.respondent


@dataclass(frozen=True)
class Compilation:
    questionnaire: Questionnaire
    questions: list[Question]
    rows: list[CompiledRow]

    def answer(self, code: str, row: CompiledRow):
        return row.answers.get(code)

    def by_question(self) -> list[tuple[Question, list[tuple[CompiledRow, object]]]]:
        """Replies side by side: for each question, each respondent with its answer (None when unanswered)."""
        return [(question, [(row, row.answers.get(question.code)) for row in self.rows]) for question in self.questions]


def compiled(questionnaire: Questionnaire) -> Compilation:
    """Every respondent that submitted at least once, with the answers of its latest revision (a draft being
    corrected after a reopening is not shown), in two queries."""
    latest = ResponseRevision.objects.filter(response=OuterRef("pk")).order_by("-number")
    responses = (
        Response.objects.filter(questionnaire=questionnaire, revisions__isnull=False)
        .distinct()
        .select_related("country", "person")
        .annotate(
            latest_number=Subquery(latest.values("number")[:1]),
            latest_data=Subquery(latest.values("data")[:1]),
            latest_submitted_at=Subquery(latest.values("submitted_at")[:1]),
        )
        .order_by("country__name", "person__last_name", "person__first_name", "pk")
    )
    rows = [
        CompiledRow(
            response=response,
            revision_number=response.latest_number,
            submitted_at=response.latest_submitted_at,
            answers=response.latest_data or {},
        )
        for response in responses
    ]
    questions = list(questionnaire.questions.select_related("section").order_by("section__order", "order"))
    return Compilation(questionnaire=questionnaire, questions=questions, rows=rows)


@dataclass(frozen=True)
class Progress:
    responses: list[Response]
    counts: dict[str, int]  # state → number of responses, every state present; "not_started" when expected is given
    not_started: list = field(default_factory=list)


def progress(questionnaire: Questionnaire, *, expected_countries=None) -> Progress:
    """Who has answered: every response with its state, counts per state, and — when the caller says which
    countries are expected to answer (e.g. the Parties of a round) — those that have not started. One query,
    two with `expected_countries`."""
    responses = list(
        Response.objects.filter(questionnaire=questionnaire)
        .select_related("country", "person")
        .order_by("country__name", "person__last_name", "person__first_name", "pk")
    )
    counter = Counter(response.state for response in responses)
    counts = {state: counter.get(state, 0) for state in ResponseState.values}
    not_started = []
    if expected_countries is not None:
        answered = {response.country_id for response in responses if response.country_id}
        not_started = [country for country in expected_countries if country.pk not in answered]
        counts["not_started"] = len(not_started)
    return Progress(responses=responses, counts=counts, not_started=not_started)


def numeric_answers(questionnaire: Questionnaire, code: str) -> dict:
    """The submitted value of one number question per respondent (country or person), as exact decimals: what a
    metric sums, e.g. the preservation orders reported by each Party. Two queries."""
    rows = compiled(questionnaire).rows
    return {row.respondent: Decimal(row.answers[code]) for row in rows if row.answers.get(code) is not None}


# ---- what a user may see ----------------------------------------------------------------------------------------


def get_questionnaire_for_user(user, pk: int) -> Questionnaire:
    """A questionnaire for staff who build and follow questionnaires; 404 for anyone else and for an unknown id."""
    if not user.has_perm("surveys.manage_questionnaires"):
        raise Http404
    questionnaire = Questionnaire.objects.filter(pk=pk).first()
    if questionnaire is None:
        raise Http404
    return questionnaire


def get_response_for_user(user, pk: int) -> Response:
    """A response the user may read (staff: any; a focal point: its country's); 404 otherwise, the same as for one
    that does not exist, so that a focal point learns nothing of another country's answers."""
    response = (
        visible_responses(user, Response.objects.all())
        .select_related("questionnaire", "country", "person", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if response is None or not user.has_perm("surveys.view_response", response):
        raise Http404
    return response


def questionnaires_with_counts(queryset=None):
    """Questionnaires with the number of their questions and of their responses by state, in one query."""
    queryset = Questionnaire.objects.all() if queryset is None else queryset
    counts = {
        f"responses_{state}": Count("responses", filter=Q(responses__state=state), distinct=True)
        for state in ResponseState.values
    }
    return queryset.annotate(
        questions_count=Count("questions", distinct=True), responses_count=Count("responses", distinct=True), **counts
    )


def questionnaires_for_user(user):
    """Staff: every questionnaire; a focal point: those its country has a response to; anyone else: none."""
    if user.has_perm("surveys.manage_questionnaires"):
        return Questionnaire.objects.all()
    countries = focal_countries(user)
    if not countries:
        return Questionnaire.objects.none()
    return Questionnaire.objects.filter(responses__country__iso2__in=countries).distinct()


def responses_for_user(user):
    """The responses a user may read with what their lists show, latest questionnaires first."""
    latest = ResponseRevision.objects.filter(response=OuterRef("pk")).order_by("-number")
    return (
        visible_responses(user, Response.objects.all())
        .select_related("questionnaire", "country", "person", "submitted_by")
        .annotate(
            revisions_count=Count("revisions", distinct=True),
            last_saved_at=Max("answers__updated_at"),
            latest_revision=Subquery(latest.values("number")[:1]),
        )
        .order_by("-questionnaire__created_at", "questionnaire__code", "country__name", "person__last_name", "pk")
    )


def last_change(response: Response) -> AuditEntry | None:
    """The latest audited change of a response (saved, submitted, reopened), with who made it: what a conflict
    banner names. One query."""
    return (
        AuditEntry.objects.about(response)
        .filter(action__in=("surveys.response.saved", "surveys.response.submitted", "surveys.response.reopened"))
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )


def reopen_reasons(response: Response) -> list[AuditEntry]:
    """Each time staff gave the response back, with their reason (in `data["reason"]`), oldest first."""
    return list(
        AuditEntry.objects.about(response)
        .filter(action="surveys.response.reopened")
        .select_related("user")
        .order_by("at", "pk")
    )

"""Every questionnaire page and API route × every kind of visitor (`octopus.testing.helpers.VISITORS`).

Staff (administrators, programme staff, the T-CY secretariat) build, open, close, follow and compile questionnaires
and reopen submissions; a focal point reads and answers its own country's response (Georgia here); the finance
officer, donors, users without a role and the public are refused. A refused page sends the anonymous to sign in
and is a 403 for everyone else; a refused API call is a problem 401 or 403. Whatever is refused changes nothing;
every allowed write takes effect and is audited under the acting user. Another country's response is a 404 to a
focal point. The tables must cover exactly the routes served under the prefixes the central matrix leaves here.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.surveys import services
from octopus.surveys.models import (
    Answer,
    Purpose,
    Question,
    Questionnaire,
    QuestionnaireStatus,
    QuestionType,
    Response,
    ResponseRevision,
    ResponseState,
    Section,
)
from octopus.surveys.tests.conftest import COMPLETE, PDF, build_questionnaire, upload
from octopus.testing.access_matrix import (
    StateBefore,
    Visit,
    api_reads,
    api_request,
    api_writes,
    audited,
    bearer,
    check_api_read,
    check_api_write,
    check_page_read,
    check_page_write,
    each_visitor,
    page_reads,
    page_writes,
    redirected_to,
    served_api_routes,
    served_pages,
)
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import VISITORS, PageAccess, assert_problem, make_user

EVERYONE = frozenset(VISITORS)
STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
RESPONDENTS = frozenset({Role.FOCAL_POINT.value})  # of Georgia, whose response the routes address
READERS = STAFF | RESPONDENTS

# The prefixes the central matrix leaves to this file (its EXCLUDED_PREFIXES).
PREFIXES = ("workspace/questionnaires/", "workspace/responses/")
API_PREFIXES = ("/api/v1/questionnaires", "/api/v1/responses")

PAGES = {
    "surveys:questionnaires": PageAccess(read=STAFF, write=None),
    "surveys:questionnaire_create": PageAccess(read=STAFF, write=STAFF),
    "surveys:questionnaire": PageAccess(read=STAFF, write=None),
    "surveys:questionnaire_section_add": PageAccess(read=None, write=STAFF),
    "surveys:questionnaire_question_add": PageAccess(read=None, write=STAFF),
    "surveys:questionnaire_open": PageAccess(read=None, write=STAFF),
    "surveys:questionnaire_close": PageAccess(read=None, write=STAFF),
    "surveys:questionnaire_progress": PageAccess(read=STAFF, write=STAFF),  # POST asks countries to answer
    "surveys:questionnaire_compilation": PageAccess(read=STAFF, write=None),
    "surveys:questionnaire_compilation_export": PageAccess(read=STAFF, write=None),
    "surveys:responses": PageAccess(read=READERS, write=None),
    "surveys:response": PageAccess(read=READERS, write=RESPONDENTS),  # staff read a country's response, never answer it
    "surveys:response_autosave": PageAccess(read=None, write=RESPONDENTS),
    "surveys:response_reopen": PageAccess(read=None, write=STAFF),
    "surveys:response_file": PageAccess(read=READERS, write=None),
}

API_ROUTES = {
    "GET /api/v1/questionnaires": READERS,
    "GET /api/v1/questionnaires/{questionnaire_id}": READERS,
    "POST /api/v1/questionnaires": STAFF,
    "POST /api/v1/questionnaires/{questionnaire_id}/sections": STAFF,
    "POST /api/v1/questionnaires/{questionnaire_id}/questions": STAFF,
    "POST /api/v1/questionnaires/{questionnaire_id}/open": STAFF,
    "POST /api/v1/questionnaires/{questionnaire_id}/close": STAFF,
    "GET /api/v1/questionnaires/{questionnaire_id}/compilation": STAFF,
    "GET /api/v1/responses": READERS,
    "GET /api/v1/responses/{response_id}": READERS,
    "PUT /api/v1/responses/{response_id}/answers": RESPONDENTS,
    "POST /api/v1/responses/{response_id}/submit": RESPONDENTS,
    "POST /api/v1/responses/{response_id}/reopen": STAFF,
}


def test_the_pages_tested_are_the_pages_served():
    from octopus.surveys.views import urlpatterns

    assert served_pages(PREFIXES) == set(PAGES) == {f"surveys:{pattern.name}" for pattern in urlpatterns}


def test_the_api_routes_tested_are_the_api_routes_served():
    assert served_api_routes(API_PREFIXES) == set(API_ROUTES)


# Arrange: questionnaires and responses as the visitor finds them, built by someone else.


@dataclass
class SurveyWorld:
    draft: Questionnaire  # being built: sections and questions are added, it opens
    open: Questionnaire  # answered by Georgia (a complete draft, with a file) and Armenia (submitted)
    section: Section  # of the draft
    georgia: Response
    armenia: Response


def build(user) -> SurveyWorld:
    draft = services.create_questionnaire(user=user, code="access-draft", title="Draft", purpose=Purpose.STATISTICS)
    section = services.add_section(draft, user=user, title="Cases")
    services.add_question(section, user=user, code="cases", text="Cases", type=QuestionType.NUMBER)
    questionnaire = services.open_questionnaire(build_questionnaire(user, code="access-open"), user=user)
    georgia = services.start_response(questionnaire, country=Country.objects.get(iso2="GE"), user=user)
    georgia = services.save_answers(
        georgia, COMPLETE, version=georgia.version, user=user, files={"legislation": upload("law.pdf", PDF)}
    )
    armenia = services.start_response(questionnaire, country=Country.objects.get(iso2="AM"), user=user)
    armenia = services.save_answers(armenia, COMPLETE, version=armenia.version, user=user)
    armenia = services.submit_response(armenia, version=armenia.version, user=user)
    return SurveyWorld(draft=draft, open=questionnaire, section=section, georgia=georgia, armenia=armenia)


def database_state() -> dict:
    """What a refused write must leave as it was: every surveys row and the audit log."""
    models = (Questionnaire, Section, Question, Response, Answer, ResponseRevision)
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    state["audit_entries"] = AuditEntry.objects.count()
    return state


@dataclass
class World(Visit):
    """One visitor in the surveys world (see `octopus.testing.access_matrix.each_visitor`)."""

    surveys: SurveyWorld


@pytest.fixture
def surveys(db) -> SurveyWorld:
    builder = UserFactory(email="survey-builder@example.org")
    return build(builder)


def page_args(name: str, w: SurveyWorld) -> list:
    return {
        "surveys:questionnaires": [],
        "surveys:questionnaire_create": [],
        "surveys:responses": [],
        "surveys:questionnaire_section_add": [w.draft.pk],
        "surveys:questionnaire_question_add": [w.draft.pk],
        "surveys:questionnaire_open": [w.draft.pk],
        "surveys:questionnaire_compilation_export": [w.open.pk, "xlsx"],
        "surveys:response": [w.georgia.pk],
        "surveys:response_autosave": [w.georgia.pk],
        "surveys:response_reopen": [w.armenia.pk],
        "surveys:response_file": [w.georgia.pk, "legislation"],
    }.get(name, [w.open.pk])


def page_path(name: str, world: World) -> str:
    return reverse(name, args=page_args(name, world.surveys))


@pytest.mark.parametrize("route", page_reads(PAGES))
def test_page_read(surveys, route):
    for visitor, world in each_visitor(World, surveys=surveys):
        path = page_path(route, world)
        state = StateBefore(database_state)

        response = world.client.get(path)

        check_page_read(visitor, response, path, PAGES[route].read)
        state.assert_unchanged(visitor)


# Pages: writing. Each write: what it sends, and what it must have done when allowed.


def create_form(w):
    return {"code": "access-new", "title": "New questionnaire", "purpose": "assessment"}


def created(world, response):
    questionnaire = Questionnaire.objects.get(code="access-new")
    redirected_to(response, "surveys:questionnaire", questionnaire.pk)
    assert (questionnaire.title, questionnaire.created_by) == ("New questionnaire", world.user)
    audited(world.user, "surveys.questionnaire.created", questionnaire)


def section_added(world, response):
    redirected_to(response, "surveys:questionnaire", world.surveys.draft.pk)
    section = Section.objects.get(questionnaire=world.surveys.draft, title="Statistics")
    assert section.order == 2
    audited(world.user, "surveys.section.added", section)


def question_form(w):
    return {
        "question-section": w.section.pk,
        "question-code": "judges",
        "question-text": "Judges trained",
        "question-type": "number",
        "question-min_value": "0",
    }


def question_added(world, response):
    redirected_to(response, "surveys:questionnaire", world.surveys.draft.pk)
    question = Question.objects.get(questionnaire=world.surveys.draft, code="judges")
    assert (question.type, question.min_value, question.order) == ("number", 0, 2)
    audited(world.user, "surveys.question.added", question)


def opened(world, response):
    redirected_to(response, "surveys:questionnaire", world.surveys.draft.pk)
    draft = Questionnaire.objects.get(pk=world.surveys.draft.pk)
    assert draft.status == QuestionnaireStatus.OPEN
    audited(world.user, "surveys.questionnaire.opened", draft)


def closed(world, response):
    redirected_to(response, "surveys:questionnaire", world.surveys.open.pk)
    questionnaire = Questionnaire.objects.get(pk=world.surveys.open.pk)
    assert questionnaire.status == QuestionnaireStatus.CLOSED
    audited(world.user, "surveys.questionnaire.closed", questionnaire)


def respondents_form(w):
    return {"respondents-countries": [Country.objects.get(iso2="MD").pk]}


def respondents_added(world, response):
    redirected_to(response, "surveys:questionnaire_progress", world.surveys.open.pk)
    moldova = Response.objects.get(questionnaire=world.surveys.open, country__iso2="MD")
    assert moldova.state == ResponseState.DRAFT
    audited(world.user, "surveys.response.started", moldova)


def answer_form(w):
    return {
        "version": w.georgia.version,
        "action": "save",
        "a-law": "Amended law",
        "a-compliance": "compliant",
        "a-orders": "12",
        "a-in_force": "yes",
    }


def answered(world, response):
    redirected_to(response, "surveys:response", world.surveys.georgia.pk)
    georgia = Response.objects.get(pk=world.surveys.georgia.pk)
    values = {a.question.code: a.value for a in georgia.answers.select_related("question")}
    assert (values["law"], values["compliance"], georgia.version) == (
        "Amended law",
        "compliant",
        world.surveys.georgia.version + 1,
    )
    audited(world.user, "surveys.response.saved", georgia)


def autosaved(world, response):
    assert response.status_code == 200
    georgia = Response.objects.get(pk=world.surveys.georgia.pk)
    assert response.json()["version"] == georgia.version == world.surveys.georgia.version + 1
    assert georgia.answers.get(question__code="law").value == "Amended law"
    audited(world.user, "surveys.response.saved", georgia)


def reopened(world, response):
    redirected_to(response, "surveys:questionnaire_progress", world.surveys.open.pk)
    armenia = Response.objects.get(pk=world.surveys.armenia.pk)
    assert armenia.state == ResponseState.REOPENED
    audited(world.user, "surveys.response.reopened", armenia)


PAGE_WRITES = {
    "surveys:questionnaire_create": (create_form, created),
    "surveys:questionnaire_section_add": (lambda w: {"section-title": "Statistics"}, section_added),
    "surveys:questionnaire_question_add": (question_form, question_added),
    "surveys:questionnaire_open": (lambda w: {}, opened),
    "surveys:questionnaire_close": (lambda w: {}, closed),
    "surveys:questionnaire_progress": (respondents_form, respondents_added),
    "surveys:response": (answer_form, answered),
    "surveys:response_autosave": (answer_form, autosaved),
    "surveys:response_reopen": (lambda w: {"reason": "Check Article 16"}, reopened),
}


def test_every_page_write_has_a_scenario():
    assert set(PAGE_WRITES) == set(page_writes(PAGES))


@pytest.mark.parametrize("route", page_writes(PAGES))
def test_page_write(surveys, route):
    form, took_effect = PAGE_WRITES[route]
    for visitor, world in each_visitor(World, surveys=surveys):
        path = page_path(route, world)
        state = StateBefore(database_state)

        response = world.client.post(path, form(world.surveys))

        check_page_write(visitor, world, response, path, PAGES[route].write, took_effect, state)


@pytest.mark.parametrize("route", ["surveys:response", "surveys:response_autosave", "surveys:response_file"])
def test_another_countrys_response_does_not_exist_for_a_focal_point(client, db, route):
    builder = make_user(Role.TCY_SECRETARIAT)
    surveys = build(builder)
    client.force_login(make_user(Role.FOCAL_POINT))
    args = [surveys.armenia.pk] + (["legislation"] if route == "surveys:response_file" else [])
    before = database_state()

    read = client.get(reverse(route, args=args))
    write = client.post(reverse(route, args=args), {"version": surveys.armenia.version, "a-law": "Georgian text"})

    # The autosave takes only POST and the file only GET (405 for the other method, before any look-up).
    expected = {
        "surveys:response": (404, 404),
        "surveys:response_autosave": (405, 404),
        "surveys:response_file": (404, 405),
    }[route]
    assert (read.status_code, write.status_code) == expected
    assert database_state() == before


# API.


def api_url(route: str, world: World) -> str:
    path = route.split(" ", 1)[1]
    w = world.surveys
    draft_routes = ("/sections", "/questions", "/open")
    questionnaire = w.draft if path.endswith(draft_routes) else w.open
    response = w.armenia if path.endswith("/reopen") else w.georgia
    return path.format(questionnaire_id=questionnaire.pk, response_id=response.pk)


def api_created(world, response):
    assert response.status_code == 201
    questionnaire = Questionnaire.objects.get(code="api-new")
    assert (response.json()["id"], questionnaire.status) == (questionnaire.pk, "draft")
    audited(world.user, "surveys.questionnaire.created", questionnaire)


def api_section_added(world, response):
    assert response.status_code == 201
    section = Section.objects.get(questionnaire=world.surveys.draft, title="API section")
    assert response.json()["id"] == section.pk
    audited(world.user, "surveys.section.added", section)


def api_question_added(world, response):
    assert response.status_code == 201
    question = Question.objects.get(questionnaire=world.surveys.draft, code="api-q")
    assert (response.json()["id"], question.type, question.required) == (question.pk, "yes_no", True)
    audited(world.user, "surveys.question.added", question)


def api_opened(world, response):
    assert (response.status_code, response.json()["status"]) == (200, "open")
    audited(world.user, "surveys.questionnaire.opened", world.surveys.draft)


def api_closed(world, response):
    assert (response.status_code, response.json()["status"]) == (200, "closed")
    audited(world.user, "surveys.questionnaire.closed", world.surveys.open)


def api_answers(w):
    return {"version": w.georgia.version, "answers": {"law": "API law", "orders": 3}}


def api_answered(world, response):
    assert response.status_code == 200
    georgia = Response.objects.get(pk=world.surveys.georgia.pk)
    assert (response.json()["answers"]["law"], response.json()["version"]) == ("API law", georgia.version)
    audited(world.user, "surveys.response.saved", georgia)


def api_submitted(world, response):
    assert (response.status_code, response.json()["state"]) == (200, "submitted")
    georgia = Response.objects.get(pk=world.surveys.georgia.pk)
    assert georgia.revisions.get().submitted_by == world.user
    audited(world.user, "surveys.response.submitted", georgia)


def api_reopened(world, response):
    assert (response.status_code, response.json()["state"]) == (200, "reopened")
    audited(world.user, "surveys.response.reopened", world.surveys.armenia)


API_WRITES = {
    "POST /api/v1/questionnaires": (
        lambda w: {"code": "api-new", "title": "API questionnaire", "purpose": "evaluation"},
        api_created,
    ),
    "POST /api/v1/questionnaires/{questionnaire_id}/sections": (lambda w: {"title": "API section"}, api_section_added),
    "POST /api/v1/questionnaires/{questionnaire_id}/questions": (
        lambda w: {"section": w.section.pk, "code": "api-q", "text": "Trained?", "type": "yes_no", "required": True},
        api_question_added,
    ),
    "POST /api/v1/questionnaires/{questionnaire_id}/open": (lambda w: {}, api_opened),
    "POST /api/v1/questionnaires/{questionnaire_id}/close": (lambda w: {}, api_closed),
    "PUT /api/v1/responses/{response_id}/answers": (api_answers, api_answered),
    "POST /api/v1/responses/{response_id}/submit": (lambda w: {"version": w.georgia.version}, api_submitted),
    "POST /api/v1/responses/{response_id}/reopen": (lambda w: {"reason": "Check the figures"}, api_reopened),
}


def test_every_api_write_has_a_scenario():
    assert set(API_WRITES) == set(api_writes(API_ROUTES))


@pytest.mark.parametrize("route", api_reads(API_ROUTES))
def test_api_read(client, surveys, route):
    for visitor, world in each_visitor(World, surveys=surveys):
        state = StateBefore(database_state)

        response = api_request(client, route, api_url(route, world), **bearer(world))  # a token, never a session

        check_api_read(visitor, response, API_ROUTES[route])
        state.assert_unchanged(visitor)


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write(client, surveys, route):
    body, took_effect = API_WRITES[route]
    for visitor, world in each_visitor(World, surveys=surveys):
        state = StateBefore(database_state)

        response = api_request(client, route, api_url(route, world), body(surveys), **bearer(world))

        check_api_write(visitor, world, response, API_ROUTES[route], took_effect, state)


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write_with_a_signed_in_session_but_no_token_is_refused(client, db, route):
    # A workspace session is no authority for API writes: a page elsewhere could otherwise forge them.
    visitor = Role.TCY_SECRETARIAT.value if API_ROUTES[route] == STAFF else Role.FOCAL_POINT.value
    user = make_user(visitor)
    world = World(visitor=visitor, user=user, key=None, surveys=build(user), client=client)
    client.force_login(user)
    body, _took_effect = API_WRITES[route]
    before = database_state()

    response = api_request(client, route, api_url(route, world), body(world.surveys))  # no token

    assert_problem(response, 401)
    assert database_state() == before

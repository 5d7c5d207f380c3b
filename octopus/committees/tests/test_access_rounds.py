"""Every assessment-round page and API route × every kind of visitor (`octopus.testing.helpers.VISITORS`).

Staff, the finance officer and focal points read rounds (`committees.view_committee`); only the secretariat, programme
staff and administrators change them (`committees.manage_committee`). Donors, users without a role and the public
are refused. A refused page sends the anonymous to sign in and is a 403 for everyone else; a refused API call is a
problem 401 or 403. Whatever is refused changes nothing and sends no e-mail; every allowed write takes effect and is
audited under the acting user. The tables cover exactly `octopus.committees.views.rounds.urlpatterns` and the API
paths under /api/v1/committee/rounds.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role, User
from octopus.accounts.services import issue_api_token
from octopus.committees.models import AssessmentRound, Committee, Document, FollowUp, Recommendation
from octopus.committees.services import documents
from octopus.committees.services import rounds as services
from octopus.committees.views import rounds as views
from octopus.results.assignments import assignments_of
from octopus.results.models import Assignment, ResultNode
from octopus.surveys import services as surveys
from octopus.surveys.models import Questionnaire, QuestionType, Response, Section
from octopus.testing.access_matrix import (
    StateBefore,
    api_reads,
    api_request,
    api_writes,
    audited,
    bearer,
    check_api_read,
    check_api_write,
    check_page_read,
    check_page_write,
    page_reads,
    page_writes,
    redirected_to,
    served_api_routes,
)
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import VISITORS, PageAccess, make_user
from octopus.treaties.models import Article

EVERYONE = frozenset(VISITORS)
STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
READERS = STAFF | {Role.FINANCE_OFFICER.value, Role.FOCAL_POINT.value}
API_PREFIX = "/api/v1/committee/rounds"

PAGES = {
    "committees:rounds": PageAccess(read=READERS, write=None),
    "committees:round_open": PageAccess(read=STAFF, write=STAFF),
    "committees:round": PageAccess(read=READERS, write=None),
    "committees:round_dispatch": PageAccess(read=STAFF, write=STAFF),
    "committees:round_reminders": PageAccess(read=None, write=STAFF),  # POST only
    "committees:round_report": PageAccess(read=STAFF, write=STAFF),
    "committees:round_programme": PageAccess(read=None, write=STAFF),  # POST only
    "committees:recommendation_add": PageAccess(read=STAFF, write=STAFF),
    "committees:recommendation": PageAccess(read=READERS, write=STAFF),  # POST records a follow-up
    "committees:recommendation_edit": PageAccess(read=STAFF, write=STAFF),
    "committees:round_recommendations_export": PageAccess(read=READERS, write=None),
}

API_ROUTES = {
    "GET /api/v1/committee/rounds": READERS,
    "GET /api/v1/committee/rounds/{round_id}": READERS,
    "GET /api/v1/committee/rounds/{round_id}/recommendations": READERS,
    "POST /api/v1/committee/rounds": STAFF,
    "POST /api/v1/committee/rounds/{round_id}/dispatch": STAFF,
    "POST /api/v1/committee/rounds/{round_id}/reminders": STAFF,
    "POST /api/v1/committee/rounds/{round_id}/recommendations": STAFF,
    "PUT /api/v1/committee/rounds/{round_id}/recommendations/{rec_id}": STAFF,
    "POST /api/v1/committee/rounds/{round_id}/recommendations/{rec_id}/follow-ups": STAFF,
}


def test_the_pages_tested_are_the_pages_served():
    assert {f"committees:{pattern.name}" for pattern in views.urlpatterns} == set(PAGES)


def test_the_api_routes_tested_are_the_api_routes_served():
    assert served_api_routes((API_PREFIX,)) == set(API_ROUTES)


# Arrange: a draft round and a round sent in July 2004, when CETS 185 had few Parties (so the world builds fast),
# with a recommendation; a report in the register.

DISPATCHED_ON = datetime.date(2004, 7, 2)


@dataclass
class World:
    user: User | None
    key: str | None
    draft: AssessmentRound
    sent: AssessmentRound
    recommendation: Recommendation
    report: Document


def open_round(builder, number: int, articles) -> AssessmentRound:
    committee = Committee.objects.get(code="T-CY")
    round = services.open_round(
        committee,
        number=number,
        title=f"Round {number}",
        user=builder,
        opened_on=datetime.date(2004, 6, 1),
        articles=Article.objects.filter(treaty=committee.treaty, number__in=articles),
    )
    section = Section.objects.get(questionnaire=round.questionnaire, order=1)
    surveys.add_question(section, user=builder, code="law", text="Which law?", type=QuestionType.TEXT)
    return round


@pytest.fixture
def world(db, visitor, django_capture_on_commit_callbacks) -> World:
    builder = UserFactory(email="round-builder@example.org")
    draft = open_round(builder, 81, [16, 17])
    sent = open_round(builder, 82, [31])
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_round(sent, deadline=datetime.date(2004, 12, 31), user=builder, on=DISPATCHED_ON)
    first = sent.questionnaire.responses.select_related("country").order_by("country__name").first().country
    recommendation = services.record_recommendation(sent, country=first, finding="F", text="T", user=builder)
    report = documents.record_document(
        Committee.objects.get(code="T-CY"),
        symbol="T-CY(2005)1",
        user=builder,
        title="Assessment report",
        type="assessment_report",
    )
    mail.outbox.clear()
    user = make_user(visitor)
    key = issue_api_token(user, name="access test")[1] if user else None
    return World(user=user, key=key, draft=draft, sent=sent, recommendation=recommendation, report=report)


@pytest.fixture
def visitor_client(client, world):
    if world.user:
        client.force_login(world.user)
    return client


def database_state() -> dict:
    """What a refused request must leave as it was."""
    models = (AssessmentRound, Recommendation, FollowUp, Questionnaire, Section, Response, Document, Assignment)
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    state["articles"] = list(AssessmentRound.articles.through.objects.order_by("pk").values())
    state["audit_entries"] = AuditEntry.objects.exclude(action="accounts.token.issued").count()
    state["mails"] = len(mail.outbox)
    return state


def page_args(name: str, w: World) -> list:
    return {
        "committees:rounds": [],
        "committees:round_open": [],
        "committees:round_dispatch": [w.draft.pk],
        "committees:recommendation": [w.sent.pk, w.recommendation.pk],
        "committees:recommendation_edit": [w.sent.pk, w.recommendation.pk],
        "committees:round_recommendations_export": [w.sent.pk, "xlsx"],
    }.get(name, [w.sent.pk])


# --- pages -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "visitor"), [(n, v) for n in page_reads(PAGES) for v in VISITORS])
def test_page_read(visitor_client, world, route, visitor):
    path = reverse(route, args=page_args(route, world))
    state = StateBefore(database_state)

    response = visitor_client.get(path)

    check_page_read(visitor, response, path, PAGES[route].read)
    state.assert_unchanged(visitor)  # reading changes nothing, allowed or not


def today() -> datetime.date:
    return timezone.localdate()


def open_form(w):
    articles = Article.objects.filter(treaty__number=185, number__in=[13])
    return {"number": "83", "title": "Sanctions", "articles": [a.pk for a in articles], "opened_on": "2026-01-10"}


def opened(world, response):
    round = AssessmentRound.objects.get(number=83)
    redirected_to(response, "committees:round", round.pk, exact=True)
    assert [a.number for a in round.articles.all()] == [13]
    audited(world.user, "committees.round.opened", round)


def dispatch_form(w):
    return {"deadline": (today() + datetime.timedelta(days=30)).isoformat()}


def dispatched(world, response):
    redirected_to(response, "committees:round", world.draft.pk, exact=True)
    questionnaire = Questionnaire.objects.get(pk=world.draft.questionnaire_id)
    assert (questionnaire.status, questionnaire.closes_on) == ("open", today() + datetime.timedelta(days=30))
    assert questionnaire.responses.count() == len(services.expected_codes(world.draft)) > 0
    audited(world.user, "committees.round.dispatched", world.draft)


def reminded(world, response):
    redirected_to(response, "committees:round", world.sent.pk, exact=True)
    # Parties since 2004 were added (and sent the questionnaire) before the reminders.
    audited(world.user, "committees.round.respondents_added", world.sent)


def report_form(w):
    return {"document": w.report.pk, "version": w.sent.version}


def report_linked(world, response):
    redirected_to(response, "committees:round", world.sent.pk, exact=True)
    assert AssessmentRound.objects.get(pk=world.sent.pk).report == world.report
    audited(world.user, "committees.round.report_linked", world.sent)


def programme_form(w):
    return {"activity": ResultNode.objects.get(programme__code="cybercrime-octopus", code="A2.2").pk}


def programme_set(world, response):
    redirected_to(response, "committees:round", world.sent.pk)
    [served] = assignments_of(world.sent)
    assert (served.programme.code, served.activity.code, served.share) == ("cybercrime-octopus", "A2.2", 100)
    audited(world.user, "results.assignment.set", world.sent)


def recommendation_form(w):
    return {"country": w.recommendation.country.iso2, "finding": "Gap", "text": "Close it"}


def recommendation_added(world, response):
    redirected_to(response, "committees:round", world.sent.pk, exact=True)
    added = Recommendation.objects.get(round=world.sent, text="Close it")
    assert (added.country, added.number) == (world.recommendation.country, 2)
    audited(world.user, "committees.recommendation.recorded", added)


def follow_up_form(w):
    return {"reviewed_on": today().isoformat(), "status": "partially", "note": "Bill tabled"}


def followed_up(world, response):
    redirected_to(response, "committees:recommendation", world.sent.pk, world.recommendation.pk, exact=True)
    follow_up = FollowUp.objects.get(recommendation=world.recommendation)
    assert (follow_up.status, follow_up.note, follow_up.recorded_by) == ("partially", "Bill tabled", world.user)
    audited(world.user, "committees.follow_up.recorded", follow_up)


def correction_form(w):
    return {"finding": "Gap found", "text": "Close the gap", "version": w.recommendation.version}


def corrected(world, response):
    redirected_to(response, "committees:recommendation", world.sent.pk, world.recommendation.pk, exact=True)
    recommendation = Recommendation.objects.get(pk=world.recommendation.pk)
    assert (recommendation.text, recommendation.version) == ("Close the gap", 2)
    audited(world.user, "committees.recommendation.corrected", recommendation)


PAGE_WRITES = {
    "committees:round_open": (open_form, opened),
    "committees:round_dispatch": (dispatch_form, dispatched),
    "committees:round_reminders": (lambda w: {}, reminded),
    "committees:round_report": (report_form, report_linked),
    "committees:round_programme": (programme_form, programme_set),
    "committees:recommendation_add": (recommendation_form, recommendation_added),
    "committees:recommendation": (follow_up_form, followed_up),
    "committees:recommendation_edit": (correction_form, corrected),
}


def test_every_page_write_has_a_scenario():
    assert set(PAGE_WRITES) == set(page_writes(PAGES))


@pytest.mark.parametrize(("route", "visitor"), [(n, v) for n in page_writes(PAGES) for v in VISITORS])
def test_page_write(visitor_client, world, route, visitor, django_capture_on_commit_callbacks):
    form, took_effect = PAGE_WRITES[route]
    path = reverse(route, args=page_args(route, world))
    state = StateBefore(database_state)

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_client.post(path, form(world))

    check_page_write(visitor, world, response, path, PAGES[route].write, took_effect, state)


# --- API -------------------------------------------------------------------------------------------------------------


def api_url(route: str, w: World) -> str:
    path = route.split(" ", 1)[1]
    round = w.draft if path.endswith("/dispatch") else w.sent
    return path.format(round_id=round.pk, rec_id=w.recommendation.pk)


def api_opened(world, response):
    assert response.status_code == 201
    round = AssessmentRound.objects.get(number=84)
    assert response.json()["id"] == round.pk
    audited(world.user, "committees.round.opened", round)


def api_dispatched(world, response):
    assert response.status_code == 200
    assert response.json()["questionnaire_status"] == "open"
    audited(world.user, "committees.round.dispatched", world.draft)


def api_reminded(world, response):
    assert response.status_code == 200
    assert response.json()["added"] != []
    audited(world.user, "committees.round.respondents_added", world.sent)


def api_recommended(world, response):
    assert response.status_code == 201
    added = Recommendation.objects.get(round=world.sent, number=2)
    assert response.json()["id"] == added.pk
    audited(world.user, "committees.recommendation.recorded", added)


def api_corrected(world, response):
    assert response.status_code == 200
    assert Recommendation.objects.get(pk=world.recommendation.pk).text == "Close the gap"
    audited(world.user, "committees.recommendation.corrected", world.recommendation)


def api_followed_up(world, response):
    assert response.status_code == 201
    follow_up = FollowUp.objects.get(recommendation=world.recommendation)
    assert response.json()["id"] == follow_up.pk
    audited(world.user, "committees.follow_up.recorded", follow_up)


API_WRITES = {
    "POST /api/v1/committee/rounds": (
        lambda w: {"number": 84, "title": "Sanctions", "articles": [13], "opened_on": "2026-01-10"},
        api_opened,
    ),
    "POST /api/v1/committee/rounds/{round_id}/dispatch": (dispatch_form, api_dispatched),
    "POST /api/v1/committee/rounds/{round_id}/reminders": (lambda w: {}, api_reminded),
    "POST /api/v1/committee/rounds/{round_id}/recommendations": (
        lambda w: {"country": w.recommendation.country.iso2, "finding": "Gap", "text": "Close it"},
        api_recommended,
    ),
    "PUT /api/v1/committee/rounds/{round_id}/recommendations/{rec_id}": (correction_form, api_corrected),
    "POST /api/v1/committee/rounds/{round_id}/recommendations/{rec_id}/follow-ups": (follow_up_form, api_followed_up),
}
API_READS = api_reads(API_ROUTES)


def test_every_api_write_has_a_scenario():
    assert set(API_WRITES) == set(api_writes(API_ROUTES))


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_READS for v in VISITORS])
def test_api_read(client, world, route, visitor):
    response = client.get(api_url(route, world), **bearer(world))

    check_api_read(visitor, response, API_ROUTES[route])


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_WRITES for v in VISITORS])
def test_api_write(client, world, route, visitor, django_capture_on_commit_callbacks):
    body, took_effect = API_WRITES[route]
    state = StateBefore(database_state)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_request(client, route, api_url(route, world), body(world), **bearer(world))

    check_api_write(visitor, world, response, API_ROUTES[route], took_effect, state)

"""Assessment rounds over /api/v1/committee/rounds: the same rules, audit and e-mails as the pages."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.api import SAMPLE_HEADER
from octopus.committees.models import AssessmentRound, Committee, FollowUp, Recommendation
from octopus.committees.services import rounds as services
from octopus.committees.tests.test_rounds import tcy_round
from octopus.testing.helpers import assert_problem, bearer_for, make_user

BASE = "/api/v1/committee/rounds"


@pytest.fixture
def staff(db):
    return make_user(Role.TCY_SECRETARIAT)


@pytest.fixture
def auth(staff):
    return bearer_for(staff)


def post(client, path, body, auth):
    return client.post(path, body, content_type="application/json", **auth)


def test_open_a_round_then_read_it(client, staff, auth):
    body = {"number": 97, "title": "Sanctions", "articles": [13, 11], "opened_on": "2026-06-01"}

    created = post(client, BASE, body, auth)
    listed = client.get(BASE, **auth)

    round = AssessmentRound.objects.get(number=97)
    assert created.status_code == 201
    assert created.json() == {
        "id": round.pk,
        "number": 97,
        "title": "Sanctions",
        "articles": [11, 13],
        "opened_on": "2026-06-01",
        "opened_at": None,
        "questionnaire": round.questionnaire_id,
        "questionnaire_status": "draft",
        "deadline": None,
        "report": None,
        "is_sample": False,
        "version": 1,
        "progress": {"not_started": 0, "draft": 0, "submitted": 0, "reopened": 0, "expected": 0},
    }
    assert [(r["number"], r["progress"]) for r in listed.json()] == [(97, {"expected": 0, "submitted": 0})]
    assert AuditEntry.objects.about(round).get(action="committees.round.opened").user == staff


def test_a_sample_round_says_so_in_the_body_and_a_header(client, staff, auth):
    tcy_round(staff, number=97)
    real = client.get(BASE, **auth)
    tcy = Committee.objects.get(code="T-CY")
    services.open_round(
        tcy,
        number=98,
        title="Sample round",
        articles=tcy.treaty.articles.filter(number=16),
        opened_on=timezone.localdate(),
        user=staff,
        is_sample=True,
    )

    both = client.get(BASE, **auth)

    assert ([r["is_sample"] for r in real.json()], SAMPLE_HEADER in real.headers) == ([False], False)
    assert [(r["number"], r["is_sample"]) for r in both.json()] == [(98, True), (97, False)]  # latest first
    assert both.headers[SAMPLE_HEADER] == "true"


def test_opening_refusals_are_problems(client, staff, auth):
    tcy_round(staff, number=97)

    unknown = post(client, BASE, {"number": 98, "title": "X", "articles": [999], "opened_on": "2026-06-01"}, auth)
    twice = post(client, BASE, {"number": 97, "title": "X", "articles": [16], "opened_on": "2026-06-01"}, auth)
    untitled = post(client, BASE, {"number": 98, "title": "", "articles": [16], "opened_on": "2026-06-01"}, auth)

    assert assert_problem(unknown, 422)["errors"] == [
        {"field": "articles", "message": "Article 999 is not among the choices."}
    ]
    assert assert_problem(twice, 422)["detail"] == "T-CY already has a round 97."
    assert assert_problem(untitled, 422)["errors"][0]["field"] == "title"
    assert AssessmentRound.objects.filter(number=98).count() == 0


def test_dispatch_reminders_recommendations_and_follow_ups(client, staff, auth, django_capture_on_commit_callbacks):
    focal = make_user(Role.FOCAL_POINT)  # Georgia
    round = tcy_round(staff)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    path = f"{BASE}/{round.pk}"

    past = post(client, f"{path}/dispatch", {"deadline": "2000-01-01"}, auth)
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(client, f"{path}/dispatch", {"deadline": deadline.isoformat()}, auth)
    with django_capture_on_commit_callbacks(execute=True):
        reminded = post(client, f"{path}/reminders", {}, auth)

    assert assert_problem(past, 422)["detail"].startswith("The deadline must be after the day of dispatch")
    parties = len(services.expected_countries(round))
    assert sent.status_code == 200
    assert (sent.json()["questionnaire_status"], sent.json()["deadline"]) == ("open", deadline.isoformat())
    assert sent.json()["progress"]["not_started"] == sent.json()["progress"]["expected"] == parties
    assert reminded.json()["countries"] == ["GE"] and reminded.json()["recipients"] == 1
    assert [m.to for m in mail.outbox].count([focal.email]) == 2  # the invitation, then the reminder

    added = post(client, f"{path}/recommendations", {"country": "ge", "article": 16, "finding": "F", "text": "T"}, auth)
    rec = Recommendation.objects.get(round=round)
    assert added.status_code == 201
    assert added.json() == {
        "id": rec.pk,
        "country": "GE",
        "number": 1,
        "article": 16,
        "finding": "F",
        "text": "T",
        "latest_status": None,
        "latest_reviewed_on": None,
        "is_sample": False,
        "version": 1,
    }
    wrong_article = post(
        client, f"{path}/recommendations", {"country": "GE", "article": 31, "finding": "F", "text": "T"}, auth
    )
    not_assessed = post(client, f"{path}/recommendations", {"country": "CN", "finding": "F", "text": "T"}, auth)
    assert assert_problem(wrong_article, 422)["errors"][0]["field"] == "article"
    assert assert_problem(not_assessed, 422)["errors"][0]["field"] == "country"

    today = timezone.localdate().isoformat()
    follow_ups = f"{path}/recommendations/{rec.pk}/follow-ups"
    followed = post(client, follow_ups, {"reviewed_on": today, "status": "implemented"}, auth)
    bad_status = post(client, follow_ups, {"reviewed_on": today, "status": "done"}, auth)
    missing = post(
        client, f"{path}/recommendations/999999/follow-ups", {"reviewed_on": today, "status": "implemented"}, auth
    )
    assert followed.status_code == 201 and followed.json()["status"] == "implemented"
    assert assert_problem(bad_status, 422)["errors"][0]["field"] == "status"
    assert_problem(missing, 404)
    assert FollowUp.objects.count() == 1

    listed = client.get(f"{path}/recommendations", **auth)
    assert [(r["country"], r["latest_status"], r["latest_reviewed_on"]) for r in listed.json()] == [
        ("GE", "implemented", today)
    ]


def test_a_stale_correction_is_a_conflict(client, staff, auth, django_capture_on_commit_callbacks):
    round = tcy_round(staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_round(round, deadline=timezone.localdate() + datetime.timedelta(days=9), user=staff)
    rec = services.record_recommendation(
        round, country=round.questionnaire.responses.first().country, finding="F", text="T", user=staff
    )
    path = f"{BASE}/{round.pk}/recommendations/{rec.pk}"

    first = client.put(path, {"finding": "F2", "text": "T2", "version": 1}, content_type="application/json", **auth)
    stale = client.put(path, {"finding": "F3", "text": "T3", "version": 1}, content_type="application/json", **auth)

    assert (first.status_code, first.json()["version"], first.json()["text"]) == (200, 2, "T2")
    assert_problem(stale, 409)
    assert Recommendation.objects.get(pk=rec.pk).text == "T2"


def test_unknown_rounds_are_404(client, auth):
    assert_problem(client.get(f"{BASE}/999999", **auth), 404)
    assert_problem(post(client, f"{BASE}/999999/dispatch", {"deadline": "2099-01-01"}, auth), 404)

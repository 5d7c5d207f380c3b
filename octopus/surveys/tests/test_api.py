"""Questionnaires and responses over the API: building, answering with versions (409), refusals per question
(422 with `errors`), submission and reopening, and what each reader sees."""

import pytest

from octopus.accounts.models import AuditEntry
from octopus.api import SAMPLE_HEADER
from octopus.countries.models import Country
from octopus.surveys import services
from octopus.surveys.models import Answer, Questionnaire, QuestionnaireStatus, ResponseState
from octopus.surveys.tests.conftest import COMPLETE, PDF, upload
from octopus.testing.helpers import assert_problem, bearer_for

API = "/api/v1"


def put(client, url, body, user):
    return client.put(url, body, content_type="application/json", **bearer_for(user))


def post(client, url, body, user):
    return client.post(url, body, content_type="application/json", **bearer_for(user))


def test_staff_build_and_open_a_questionnaire(client, staff):
    created = post(
        client,
        f"{API}/questionnaires",
        {"code": "stats", "title": "Statistics", "purpose": "statistics", "closes_on": "2027-03-31"},
        staff,
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    section = post(client, f"{API}/questionnaires/{pk}/sections", {"title": "Cases", "article": "185/2"}, staff)
    assert (section.status_code, section.json()["order"]) == (201, 1)
    section_id = section.json()["id"]
    number = post(
        client,
        f"{API}/questionnaires/{pk}/questions",
        {
            "section": section_id,
            "code": "cases",
            "text": "Cases",
            "type": "number",
            "min_value": "0",
            "max_value": "500",
            "required": True,
        },
        staff,
    )
    choice = post(
        client,
        f"{API}/questionnaires/{pk}/questions",
        {
            "section": section_id,
            "code": "unit",
            "text": "Unit",
            "type": "choice",
            "choices": [{"value": "police", "label": "Police"}, {"value": "court"}],
        },
        staff,
    )
    assert number.status_code == 201
    assert (number.json()["min_value"], number.json()["max_value"], number.json()["required"]) == ("0", "500", True)
    assert choice.json()["choices"] == [{"value": "police", "label": "Police"}, {"value": "court", "label": "court"}]

    opened = post(client, f"{API}/questionnaires/{pk}/open", {}, staff)

    assert (opened.status_code, opened.json()["status"]) == (200, "open")
    detail = client.get(f"{API}/questionnaires/{pk}", **bearer_for(staff)).json()
    assert [(s["title"], [q["code"] for q in s["questions"]]) for s in detail["sections"]] == [
        ("Cases", ["cases", "unit"])
    ]
    late = post(client, f"{API}/questionnaires/{pk}/sections", {"title": "Late"}, staff)
    assert assert_problem(late, 422)["detail"] == "The questionnaire is no longer a draft: its questions cannot change."
    closed = post(client, f"{API}/questionnaires/{pk}/close", {}, staff)
    assert Questionnaire.objects.get(pk=pk).status == QuestionnaireStatus.CLOSED == closed.json()["status"]


def test_a_badly_defined_question_is_a_422(client, staff, questionnaire):
    draft = services.create_questionnaire(user=staff, code="draft", title="Draft", purpose="statistics")
    section = services.add_section(draft, user=staff, title="S")

    unknown_section = post(
        client,
        f"{API}/questionnaires/{draft.pk}/questions",
        {"section": questionnaire.sections.first().pk, "code": "x", "text": "X", "type": "text"},
        staff,
    )
    one_choice = post(
        client,
        f"{API}/questionnaires/{draft.pk}/questions",
        {"section": section.pk, "code": "x", "text": "X", "type": "choice", "choices": [{"value": "a"}]},
        staff,
    )

    assert assert_problem(unknown_section, 422)["errors"] == [
        {"field": "section", "message": "Select a valid choice. That choice is not one of the available choices."}
    ]
    assert assert_problem(one_choice, 422)["detail"] == "A choice question needs at least two choices."
    assert draft.questions.count() == 0


def test_a_focal_point_answers_over_the_api_with_versions(client, focal, colleague, response):
    url = f"{API}/responses/{response.pk}"

    saved = put(client, f"{url}/answers", {"version": 1, "answers": {"law": "Code", "orders": 12}}, focal)

    assert saved.status_code == 200
    body = saved.json()
    assert (body["version"], body["state"], body["answers"]) == (2, "draft", {"law": "Code", "orders": "12"})
    stale = put(client, f"{url}/answers", {"version": 1, "answers": {"law": "Overwrite"}}, colleague)
    assert assert_problem(stale, 409)["detail"] == (
        "Someone else saved these answers since you opened them. Reload to see their changes; nothing of yours was "
        "saved."
    )
    invalid = put(
        client,
        f"{url}/answers",
        {"version": 2, "answers": {"orders": 5000, "compliance": "perfect", "nope": "x"}},
        colleague,
    )
    assert sorted(assert_problem(invalid, 422)["errors"], key=lambda e: e["field"]) == [
        {"field": "compliance", "message": "“perfect” is not one of the options."},
        {"field": "nope", "message": "There is no such question in this questionnaire."},
        {"field": "orders", "message": "Enter a number of at most 1000."},
    ]
    assert Answer.objects.get(response=response, question__code="law").value == "Code"

    missing = post(client, f"{url}/submit", {"version": 2}, focal)
    assert assert_problem(missing, 422)["errors"] == [
        {"field": "compliance", "message": "This question must be answered."}
    ]
    put(client, f"{url}/answers", {"version": 2, "answers": {"compliance": "largely"}}, focal)
    submitted = post(client, f"{url}/submit", {"version": 3}, focal)
    assert submitted.status_code == 200
    assert (submitted.json()["state"], submitted.json()["revisions"][0]["number"]) == ("submitted", 1)
    assert submitted.json()["revisions"][0]["submitted_by"] == "focal_point@example.org"
    locked = put(client, f"{url}/answers", {"version": 4, "answers": {"law": "Later"}}, focal)
    assert "locked" in assert_problem(locked, 422)["detail"]


def test_staff_reopen_over_the_api_and_read_the_compilation(client, staff, focal, response, questionnaire):
    saved = services.save_answers(
        response, COMPLETE, version=1, user=focal, files={"legislation": upload("l.pdf", PDF)}
    )
    services.submit_response(saved, version=saved.version, user=focal)

    compilation = client.get(f"{API}/questionnaires/{questionnaire.pk}/compilation", **bearer_for(staff)).json()
    reopened = post(client, f"{API}/responses/{response.pk}/reopen", {"reason": "Give the statistics"}, staff)

    assert compilation["questions"] == [
        "law",
        "compliance",
        "orders",
        "in_force",
        "authority",
        "channels",
        "legislation",
    ]
    assert [(row["country"], row["revision"]) for row in compilation["rows"]] == [("GE", 1)]
    assert compilation["rows"][0]["answers"]["legislation"] == {"name": "l.pdf", "size": len(PDF), "type": "pdf"}
    assert compilation["rows"][0]["answers"]["orders"] == "12"
    assert (reopened.status_code, reopened.json()["state"]) == (200, ResponseState.REOPENED)
    entry = AuditEntry.objects.get(action="surveys.response.reopened")
    assert (entry.user, entry.data) == (staff, {"reason": "Give the statistics"})
    empty = post(client, f"{API}/responses/{response.pk}/reopen", {"reason": ""}, staff)
    assert assert_problem(empty, 422)["errors"][0]["field"] == "reason"


def test_a_focal_point_sees_only_its_own_country(client, staff, focal, questionnaire, response):
    armenia = services.start_response(questionnaire, country=Country.objects.get(iso2="AM"), user=staff)

    responses = client.get(f"{API}/responses", **bearer_for(focal)).json()
    questionnaires = client.get(f"{API}/questionnaires", **bearer_for(focal)).json()

    assert [(item["id"], item["country"]) for item in responses["items"]] == [(response.pk, "GE")]
    assert [item["code"] for item in questionnaires["items"]] == ["tcy-round-3"]
    assert_problem(client.get(f"{API}/responses/{armenia.pk}", **bearer_for(focal)), 404)
    assert_problem(put(client, f"{API}/responses/{armenia.pk}/answers", {"version": 1, "answers": {}}, focal), 404)
    all_responses = client.get(f"{API}/responses", **bearer_for(staff)).json()
    assert sorted(item["country"] for item in all_responses["items"]) == ["AM", "GE"]


def test_a_sample_questionnaire_and_its_replies_say_so_in_the_body_and_a_header(client, staff, georgia, response):
    sample = services.create_questionnaire(
        user=staff, code="sample", title="Sample", purpose="statistics", is_sample=True
    )
    services.add_question(
        services.add_section(sample, user=staff, title="S"), user=staff, code="a", text="A", type="text"
    )
    services.start_response(services.open_questionnaire(sample, user=staff), country=georgia, user=staff)
    headers = bearer_for(staff)

    real = client.get(f"{API}/responses", {"questionnaire": response.questionnaire_id}, **headers)
    invented = client.get(f"{API}/responses", {"questionnaire": sample.pk}, **headers)
    listed = client.get(f"{API}/questionnaires", **headers)

    assert ([r["is_sample"] for r in real.json()["items"]], SAMPLE_HEADER in real.headers) == ([False], False)
    assert ([r["is_sample"] for r in invented.json()["items"]], invented.headers[SAMPLE_HEADER]) == ([True], "true")
    assert [(q["code"], q["is_sample"]) for q in listed.json()["items"]] == [("sample", True), ("tcy-round-3", False)]
    assert listed.headers[SAMPLE_HEADER] == "true"


def test_the_workspace_session_reads_the_api(client, focal, response):
    client.force_login(focal)

    reply = client.get(f"{API}/responses/{response.pk}")

    assert (reply.status_code, reply.json()["version"]) == (200, 1)
    assert_problem(
        client.put(
            f"{API}/responses/{response.pk}/answers", {"version": 1, "answers": {}}, content_type="application/json"
        ),
        401,
    )


@pytest.mark.parametrize("count", [1, 3])
def test_api_lists_load_in_a_fixed_number_of_queries(client, staff, count, django_assert_num_queries):
    for number in range(count):
        questionnaire = services.create_questionnaire(user=staff, code=f"q{number}", title="Q", purpose="statistics")
        services.add_question(
            services.add_section(questionnaire, user=staff, title="S"), user=staff, code="a", text="A", type="text"
        )
        services.open_questionnaire(questionnaire, user=staff)
        for iso2 in ("GE", "AM"):
            services.start_response(questionnaire, country=Country.objects.get(iso2=iso2), user=staff)
    headers = bearer_for(staff)

    # The token with its user, the token's use recorded, the memberships, the count and the rows.
    with django_assert_num_queries(5):
        assert len(client.get(f"{API}/questionnaires", **headers).json()["items"]) == count
    with django_assert_num_queries(4):
        assert len(client.get(f"{API}/responses", **headers).json()["items"]) == 2 * count

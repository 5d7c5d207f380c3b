"""The questionnaire pages: building, answering (draft, submit, conflict, refusals keeping what was typed),
following and compiling."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry
from octopus.surveys import services
from octopus.surveys.models import Answer, Question, Questionnaire, QuestionnaireStatus, Response, ResponseState
from octopus.surveys.tests.conftest import COMPLETE, PDF, PNG, build_questionnaire, upload


def answer_form(response, **answers) -> dict:
    """The answering form as a browser posts it: every field, a-<code>, with the version the page holds."""
    data = {"version": response.version, "action": "save"}
    for code, value in answers.items():
        data[f"a-{code}"] = value
    return data


def signed_in(client, user):
    client.force_login(user)
    return client


# ---- building ---------------------------------------------------------------------------------------------------


def test_staff_create_a_questionnaire_and_build_it(client, staff):
    signed_in(client, staff)

    created = client.post(
        reverse("surveys:questionnaire_create"),
        {"code": "stats-2026", "title": "Statistics 2026", "purpose": "statistics", "closes_on": "2027-01-31"},
    )
    questionnaire = Questionnaire.objects.get(code="stats-2026")
    assert created.url == reverse("surveys:questionnaire", args=[questionnaire.pk])

    added = client.post(
        reverse("surveys:questionnaire_section_add", args=[questionnaire.pk]),
        {"section-title": "Cases", "section-article": "185/2"},
    )
    section = questionnaire.sections.get()
    assert (added.status_code, section.title, section.article, section.order) == (302, "Cases", "185/2", 1)

    question = {
        "question-section": section.pk,
        "question-code": "cases",
        "question-text": "Cases opened",
        "question-type": "number",
        "question-min_value": "0",
        "question-max_value": "100000",
        "question-required": "on",
    }
    client.post(reverse("surveys:questionnaire_question_add", args=[questionnaire.pk]), question)
    choice = {
        "question-section": section.pk,
        "question-code": "unit",
        "question-text": "Who counts them?",
        "question-type": "choice",
        "question-choices": "police | Police\nprosecution | Prosecution",
    }
    client.post(reverse("surveys:questionnaire_question_add", args=[questionnaire.pk]), choice)
    upload_question = {
        "question-section": section.pk,
        "question-code": "report",
        "question-text": "Annual report",
        "question-type": "file",
        "question-file_types": ["pdf"],
        "question-max_file_size_kb": "2048",
    }
    client.post(reverse("surveys:questionnaire_question_add", args=[questionnaire.pk]), upload_question)

    questions = {q.code: q for q in questionnaire.questions.all()}
    assert (str(questions["cases"].min_value), str(questions["cases"].max_value), questions["cases"].required) == (
        "0.0000",
        "100000.0000",
        True,
    )
    assert questions["unit"].choices == [
        {"value": "police", "label": "Police"},
        {"value": "prosecution", "label": "Prosecution"},
    ]
    assert (questions["report"].file_types, questions["report"].max_file_size) == (["pdf"], 2048 * 1024)

    page = client.get(reverse("surveys:questionnaire", args=[questionnaire.pk]))
    html = page.content.decode()
    assert "Cases opened" in html and "Police; Prosecution" in html and "min 0 max 100000" in html

    opened = client.post(reverse("surveys:questionnaire_open", args=[questionnaire.pk]))
    questionnaire.refresh_from_db()
    assert (opened.status_code, questionnaire.status) == (302, QuestionnaireStatus.OPEN)
    assert client.get(reverse("surveys:questionnaire", args=[questionnaire.pk])).context["question_form"] is None


def test_a_badly_defined_question_is_refused_on_the_page_keeping_what_was_typed(client, staff):
    questionnaire = build_questionnaire(staff)
    section = questionnaire.sections.first()
    signed_in(client, staff)

    response = client.post(
        reverse("surveys:questionnaire_question_add", args=[questionnaire.pk]),
        {
            "question-section": section.pk,
            "question-code": "range",
            "question-text": "Orders in 2024",
            "question-type": "number",
            "question-min_value": "10",
            "question-max_value": "1",
        },
    )

    assert response.status_code == 400
    form = response.context["question_form"]
    assert form.non_field_errors() == ["The minimum must not be greater than the maximum."]
    assert 'value="Orders in 2024"' not in response.content.decode()  # a textarea holds it instead
    assert ">\nOrders in 2024</textarea>" in response.content.decode()
    assert not Question.objects.filter(code="range").exists()


def test_staff_ask_countries_to_answer_and_follow_them(client, staff, questionnaire, focal):
    signed_in(client, staff)
    armenia_pk, georgia_pk = (
        Response._meta.get_field("country").related_model.objects.get(iso2=code).pk for code in ("AM", "GE")
    )

    asked = client.post(
        reverse("surveys:questionnaire_progress", args=[questionnaire.pk]),
        {"respondents-countries": [armenia_pk, georgia_pk]},
    )

    assert asked.status_code == 302
    assert sorted(questionnaire.responses.values_list("country__iso2", flat=True)) == ["AM", "GE"]
    georgia = questionnaire.responses.get(country__iso2="GE")
    services.save_answers(georgia, {"law": "Code"}, version=georgia.version, user=focal)
    page = client.get(reverse("surveys:questionnaire_progress", args=[questionnaire.pk]))
    rows = {str(r.respondent): (r.state, r.last_saved_at is not None) for r in page.context["responses"]}
    assert rows == {"Armenia": ("draft", False), "Georgia": ("draft", True)}


def test_staff_reopen_a_submitted_response_with_a_reason(client, staff, response, focal):
    saved = services.save_answers(response, COMPLETE, version=response.version, user=focal)
    services.submit_response(saved, version=saved.version, user=focal)
    signed_in(client, staff)
    assert "data-reopen" in client.get(reverse("surveys:response", args=[response.pk])).content.decode()

    refused = client.post(reverse("surveys:response_reopen", args=[response.pk]), {"reason": ""})
    response.refresh_from_db()
    assert (refused.status_code, response.state) == (302, ResponseState.SUBMITTED)

    client.post(reverse("surveys:response_reopen", args=[response.pk]), {"reason": "Article 16: give the statistics"})

    response.refresh_from_db()
    assert response.state == ResponseState.REOPENED
    client.force_login(focal)
    page = client.get(reverse("surveys:response", args=[response.pk]))
    assert page.context["editable"] is True
    assert "because: Article 16: give the statistics" in page.content.decode()


# ---- answering --------------------------------------------------------------------------------------------------


def test_a_focal_point_saves_a_draft_then_submits_and_the_response_is_locked(client, focal, response):
    signed_in(client, focal)
    page = client.get(reverse("surveys:response", args=[response.pk]))
    assert page.context["editable"] is True
    assert [section.title for section, _items in page.context["form"].sections()] == [
        "Expedited preservation",
        "Authorities",
    ]

    saved = client.post(
        reverse("surveys:response", args=[response.pk]),
        answer_form(
            response,
            law="Criminal Procedure Code",
            compliance="largely",
            orders="12",
            in_force="yes",
            channels=["MLA", "24/7 network"],
            legislation=upload("law.pdf", PDF),
        ),
    )

    assert saved.status_code == 302
    response.refresh_from_db()
    answers = {a.question.code: a.value for a in response.answers.select_related("question")}
    assert answers == {
        "law": "Criminal Procedure Code",
        "compliance": "largely",
        "orders": "12",
        "in_force": True,
        "channels": ["24/7 network", "MLA"],
        "legislation": {"name": "law.pdf", "size": len(PDF), "type": "pdf"},
    }
    submitted = client.post(
        reverse("surveys:response", args=[response.pk]),
        {
            **answer_form(
                response,
                law="Criminal Procedure Code",
                compliance="largely",
                orders="12",
                in_force="yes",
                channels=["MLA", "24/7 network"],
            ),
            "action": "submit",
        },
    )

    assert submitted.status_code == 302
    response.refresh_from_db()
    assert response.state == ResponseState.SUBMITTED
    assert response.revisions.get().data["legislation"]["name"] == "law.pdf"
    locked = client.get(reverse("surveys:response", args=[response.pk]))
    html = locked.content.decode()
    assert locked.context["editable"] is False
    assert "data-answer-form" not in html
    assert "The response is locked" in html
    assert [(r.number, r.submitted_by) for r in locked.context["revisions"]] == [(1, focal)]
    again = client.post(reverse("surveys:response", args=[response.pk]), answer_form(response, law="Changed"))
    assert again.status_code == 400
    assert Answer.objects.get(response=response, question__code="law").value == "Criminal Procedure Code"


def test_refused_answers_are_shown_next_to_their_questions_and_nothing_typed_is_lost(client, focal, response):
    signed_in(client, focal)

    refused = client.post(
        reverse("surveys:response", args=[response.pk]),
        answer_form(
            response, law="Typed text is kept", orders="5000", authority="minister", legislation=upload("law.pdf", PNG)
        ),
    )

    assert refused.status_code == 400
    form = refused.context["form"]
    assert form.errors["a-authority"] == ["Select a valid choice. minister is not one of the available choices."]
    html = refused.content.decode()
    assert ">\nTyped text is kept</textarea>" in html
    assert 'value="5000"' in html
    assert Answer.objects.filter(response=response).count() == 0

    refused = client.post(
        reverse("surveys:response", args=[response.pk]),
        answer_form(response, law="Typed text is kept", orders="5000", legislation=upload("law.pdf", PNG)),
    )
    form = refused.context["form"]
    assert form.errors["a-orders"] == ["Enter a number of at most 1000."]
    assert form.errors["a-legislation"] == [
        "This file is not of an accepted type (judged by its content, not its name); upload PDF, Word (DOCX)."
    ]
    assert '<div class="invalid-feedback d-block" data-field-error="orders">' in refused.content.decode()
    assert ">\nTyped text is kept</textarea>" in refused.content.decode()
    too_large = client.post(
        reverse("surveys:response", args=[response.pk]),
        answer_form(response, legislation=upload("law.pdf", PDF + b"0" * 2000)),
    )
    assert too_large.context["form"].errors["a-legislation"] == ["The file is too large (2.0 KB); the limit is 1.0 KB."]
    response.refresh_from_db()
    assert (response.version, Answer.objects.filter(response=response).count()) == (1, 0)


def test_submitting_with_a_required_answer_missing_saves_the_draft_and_names_the_question(client, focal, response):
    signed_in(client, focal)

    refused = client.post(
        reverse("surveys:response", args=[response.pk]),
        {**answer_form(response, law="Only the law"), "action": "submit"},
    )

    assert refused.status_code == 400
    form = refused.context["form"]
    assert form.errors["a-compliance"] == ["This question must be answered."]
    response.refresh_from_db()
    assert (response.state, response.version) == (ResponseState.DRAFT, 2)
    assert form.data["version"] == 2  # saving again goes on from the saved draft
    assert Answer.objects.get(response=response, question__code="law").value == "Only the law"


def test_a_stale_page_shows_the_conflict_and_keeps_the_text_without_overwriting(client, focal, colleague, response):
    services.save_answers(response, {"law": "The colleague's text"}, version=1, user=colleague)
    signed_in(client, focal)

    stale = client.post(reverse("surveys:response", args=[response.pk]), answer_form(response, law="My own text"))

    assert stale.status_code == 409
    html = stale.content.decode()
    assert "colleague@example.ge saved changes at" in stale.context["conflict"]
    assert "reload to see them — your text is kept in the page" in stale.context["conflict"]
    assert ">\nMy own text</textarea>" in html
    assert 'name="version" value="1"' in html  # saving again is refused again until the page is reloaded
    assert Answer.objects.get(response=response, question__code="law").value == "The colleague's text"


def test_autosave_answers_json_with_the_new_version_a_conflict_and_errors(client, focal, colleague, response):
    signed_in(client, focal)
    url = reverse("surveys:response_autosave", args=[response.pk])

    saved = client.post(url, answer_form(response, law="Draft", orders="3"))

    assert saved.status_code == 200
    body = saved.json()
    assert body["version"] == 2 and body["message"].startswith("Saved at ")
    assert AuditEntry.objects.filter(action="surveys.response.saved", user=focal).count() == 1

    stale = client.post(url, answer_form(response, law="Older tab"))  # still version 1
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("focal_point@example.org saved changes at ")

    wrong = client.post(url, {**answer_form(response, orders="-1"), "version": 2})
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == [{"field": "orders", "message": "Enter a number of at least 0."}]
    response.refresh_from_db()
    assert response.version == 2
    assert Answer.objects.get(response=response, question__code="law").value == "Draft"


def test_a_closed_questionnaire_is_read_only(client, focal, staff, response, questionnaire):
    services.save_answers(response, {"law": "Kept"}, version=1, user=focal)
    services.close_questionnaire(questionnaire, user=staff)
    signed_in(client, focal)

    page = client.get(reverse("surveys:response", args=[response.pk]))

    assert page.context["editable"] is False
    assert "This questionnaire is closed: answers can no longer be changed." in page.content.decode()
    assert page.context["readonly"][0][1][0][1] == "Kept"


def test_past_the_deadline_a_late_reply_is_still_accepted_and_the_page_says_so(client, focal, response, questionnaire):
    signed_in(client, focal)
    on_time = client.get(reverse("surveys:response", args=[response.pk])).content.decode()
    today = timezone.localdate()
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1)
    )

    late = client.get(reverse("surveys:response", args=[response.pk]))
    saved = services.save_answers(response, {"law": "Late but here"}, version=1, user=focal)

    assert "data-late" not in on_time
    assert "The deadline has passed: a late reply is still accepted" in late.content.decode()
    assert late.context["editable"] is True and saved.version == 2


def test_answer_files_download_as_attachments_to_those_who_may_read(client, focal, staff, response):
    services.save_answers(response, {}, version=1, user=focal, files={"legislation": upload("Law 2024.pdf", PDF)})
    url = reverse("surveys:response_file", args=[response.pk, "legislation"])
    signed_in(client, focal)

    download = client.get(url)

    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="Law 2024.pdf"'
    assert (download["Content-Type"], download["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
    assert b"".join(download.streaming_content) == PDF
    assert client.get(reverse("surveys:response_file", args=[response.pk, "law"])).status_code == 404


# ---- lists ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 4])
def test_lists_load_in_a_fixed_number_of_queries(client, staff, focal, count, django_assert_num_queries):
    from octopus.countries.models import Country

    for number in range(count):
        questionnaire = services.open_questionnaire(build_questionnaire(staff, code=f"q-{number}"), user=staff)
        for iso2 in ("GE", "AM"):
            services.start_response(questionnaire, country=Country.objects.get(iso2=iso2), user=staff)
    signed_in(client, staff)

    # Session, user, memberships, the count and the rows, and the sample-data banner: whatever the number of rows.
    with django_assert_num_queries(6):
        page = client.get(reverse("surveys:questionnaires"))
    assert len(page.context["questionnaires"]) == count
    # As above, with the questionnaires and countries of the filters.
    with django_assert_num_queries(8):
        page = client.get(reverse("surveys:responses"))
    assert len(page.context["responses"]) == 2 * count

    signed_in(client, focal)
    # A focal point: Django's model permissions are read too (the rules say no to `manage_questionnaires`), and no
    # country filter.
    with django_assert_num_queries(9):
        page = client.get(reverse("surveys:responses"))
    assert [r.country.iso2 for r in page.context["responses"]] == ["GE"] * count


def test_a_persons_response_is_for_staff_only(client, staff, focal, questionnaire):
    from octopus.people.models import Person

    person = Person.objects.create(first_name="Nino", last_name="Beridze")
    evaluation = services.start_response(questionnaire, person=person, user=staff)
    url = reverse("surveys:response", args=[evaluation.pk])

    client.force_login(focal)
    assert client.get(url).status_code == 404
    assert client.post(url, answer_form(evaluation, law="Typed by a focal point")).status_code == 404
    client.force_login(staff)
    page = client.get(url)
    saved = client.post(url, answer_form(evaluation, law="Entered by the secretariat"))

    assert (page.status_code, page.context["editable"], saved.status_code) == (200, True, 302)
    assert Answer.objects.get(response=evaluation, question__code="law").value == "Entered by the secretariat"

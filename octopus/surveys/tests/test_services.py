import pytest
from django.db import IntegrityError, transaction

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.lib.errors import ConflictError, DomainError
from octopus.surveys import services
from octopus.surveys.models import (
    Answer,
    Purpose,
    QuestionnaireStatus,
    QuestionType,
    Response,
    ResponseRevision,
    ResponseState,
)
from octopus.surveys.services import AnswersInvalid
from octopus.surveys.tests.conftest import COMPLETE, PDF, PNG, build_questionnaire, docx_bytes, upload, xlsx_bytes
from octopus.testing.helpers import make_user


def refused(response, answers, *, files=None, user=None) -> dict[str, str]:
    """Save answers that must be refused; the errors per question code."""
    with pytest.raises(AnswersInvalid) as refusal:
        services.save_answers(response, answers, version=response.version, user=user, files=files)
    return refusal.value.errors


def assert_nothing_saved(response):
    response.refresh_from_db()
    assert response.version == 1
    assert list(Answer.objects.filter(response=response)) == []


# ---- building a questionnaire -----------------------------------------------------------------------------------


def test_a_questionnaire_keeps_its_sections_and_questions_in_order(staff):
    questionnaire = build_questionnaire(staff)

    assert [(s.order, s.title, s.article) for s in questionnaire.sections.all()] == [
        (1, "Expedited preservation", "185/16"),
        (2, "Authorities", "185/17"),
    ]
    assert [(q.section.order, q.order, q.code) for q in questionnaire.questions.select_related("section")] == [
        (1, 1, "law"),
        (1, 2, "compliance"),
        (1, 3, "orders"),
        (1, 4, "in_force"),
        (2, 1, "authority"),
        (2, 2, "channels"),
        (2, 3, "legislation"),
    ]
    assert questionnaire.questions.get(code="channels").choices == [
        {"value": "24/7 network", "label": "24/7 network"},
        {"value": "MLA", "label": "MLA"},
        {"value": "Direct request", "label": "Direct request"},
    ]
    assert questionnaire.status == QuestionnaireStatus.DRAFT
    assert AuditEntry.objects.filter(action="surveys.question.added").count() == 7


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"type": QuestionType.NUMBER, "min_value": 10, "max_value": 1},
            "The minimum must not be greater than the maximum.",
        ),
        ({"type": QuestionType.CHOICE, "choices": ["only"]}, "A choice question needs at least two choices."),
        ({"type": QuestionType.CHOICE, "choices": ["a", "a"]}, "The choice “a” is given twice."),
        ({"type": QuestionType.TEXT, "choices": ["a", "b"]}, "Only choice questions have choices."),
        ({"type": QuestionType.TEXT, "max_value": 3}, "Only number questions have a minimum and a maximum."),
        ({"type": QuestionType.FILE, "file_types": ["exe"]}, "Unknown file types: exe."),
        ({"type": "essay"}, "Unknown question type “essay”."),
        ({"type": QuestionType.TEXT, "code": "law"}, "The code “law” is already used in this questionnaire."),
    ],
)
def test_a_badly_defined_question_is_refused(staff, fields, message):
    questionnaire = build_questionnaire(staff)
    section = questionnaire.sections.first()
    fields = {"code": "new", **fields}

    with pytest.raises(DomainError) as refusal:
        services.add_question(section, user=staff, text="A question", **fields)

    assert str(refusal.value) == message
    assert questionnaire.questions.count() == 7


def test_a_questionnaire_opens_only_with_a_question_and_then_its_questions_are_fixed(staff):
    empty = services.create_questionnaire(user=staff, code="empty", title="Empty", purpose=Purpose.STATISTICS)
    with pytest.raises(DomainError, match="Add at least one question before opening the questionnaire."):
        services.open_questionnaire(empty, user=staff)

    questionnaire = services.open_questionnaire(build_questionnaire(staff), user=staff)

    assert questionnaire.status == QuestionnaireStatus.OPEN
    with pytest.raises(DomainError, match="no longer a draft"):
        services.add_question(
            questionnaire.sections.first(), user=staff, code="late", text="Late", type=QuestionType.TEXT
        )
    with pytest.raises(DomainError, match="already exists"):
        services.create_questionnaire(user=staff, code="empty", title="Again", purpose=Purpose.STATISTICS)


# ---- respondents ------------------------------------------------------------------------------------------------


def test_a_country_has_one_response_that_its_focal_points_share(questionnaire, georgia, focal, colleague):
    first = services.start_response(questionnaire, country=georgia, user=focal)
    second = services.start_response(questionnaire, country=georgia, user=colleague)

    assert second.pk == first.pk
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1
    assert AuditEntry.objects.filter(action="surveys.response.started").count() == 1


def test_a_response_has_exactly_one_respondent(questionnaire, georgia, focal):
    with pytest.raises(DomainError, match="exactly one respondent"):
        services.start_response(questionnaire, user=focal)
    with transaction.atomic(), pytest.raises(IntegrityError, match="response_one_respondent"):
        Response.objects.create(questionnaire=questionnaire)


def test_no_response_starts_on_a_draft_questionnaire(staff, georgia, focal):
    draft = build_questionnaire(staff)

    with pytest.raises(DomainError, match="not open for answers"):
        services.start_response(draft, country=georgia, user=focal)


# ---- saving drafts ----------------------------------------------------------------------------------------------


def test_valid_answers_are_saved_as_typed_values(response, focal):
    saved = services.save_answers(
        response,
        {**COMPLETE, "orders": "12.50", "authority": "judge", "channels": ["MLA", "24/7 network"]},
        version=1,
        user=focal,
    )

    assert saved.version == 2
    assert saved.state == ResponseState.DRAFT
    assert {a.question.code: a.value for a in saved.answers.select_related("question")} == {
        "law": "Criminal Procedure Code, Art. 136",
        "compliance": "largely",
        "orders": "12.5",
        "in_force": True,
        "authority": "judge",
        "channels": ["24/7 network", "MLA"],  # in the order of the options
    }
    assert set(saved.answers.values_list("updated_by", flat=True)) == {focal.pk}
    entry = AuditEntry.objects.get(action="surveys.response.saved")
    assert entry.data == {
        "questions": ["authority", "channels", "compliance", "in_force", "law", "orders"],
        "version": 2,
    }


def test_an_empty_value_clears_an_answer(response, focal):
    response = services.save_answers(response, {"law": "Code", "orders": 3}, version=1, user=focal)

    response = services.save_answers(response, {"orders": ""}, version=2, user=focal)

    assert {a.question.code: a.value for a in response.answers.select_related("question")} == {
        "law": "Code",
        "orders": None,
    }


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"orders": 1001}, {"orders": "Enter a number of at most 1000."}),
        ({"orders": -1}, {"orders": "Enter a number of at least 0."}),
        ({"orders": "twelve"}, {"orders": "Enter a number."}),
        ({"orders": True}, {"orders": "Enter a number."}),
        ({"authority": "minister"}, {"authority": "“minister” is not one of the options."}),
        ({"channels": ["MLA", "fax"]}, {"channels": "“fax” is not one of the options."}),
        ({"channels": "MLA"}, {"channels": "Choose among the options."}),
        ({"compliance": "mostly"}, {"compliance": "“mostly” is not one of the options."}),
        ({"in_force": "yes"}, {"in_force": "Answer yes or no."}),
        ({"law": 12}, {"law": "Enter text."}),
        ({"legislation": "law.pdf"}, {"legislation": "Upload a file."}),
        ({"nonsense": "x"}, {"nonsense": "There is no such question in this questionnaire."}),
    ],
)
def test_a_wrong_answer_is_refused_with_a_message_and_nothing_is_saved(response, focal, answers, errors):
    assert refused(response, {"law": "A valid answer", **answers}, user=focal) == errors
    assert_nothing_saved(response)


def test_every_wrong_answer_is_reported_at_once(response, focal):
    errors = refused(response, {"law": "Fine", "orders": 5000, "authority": "minister", "in_force": 1}, user=focal)

    assert errors == {
        "orders": "Enter a number of at most 1000.",
        "authority": "“minister” is not one of the options.",
        "in_force": "Answer yes or no.",
    }
    assert_nothing_saved(response)


def test_an_accepted_file_is_stored_under_a_private_name_judged_by_its_content(response, focal, settings):
    saved = services.save_answers(
        response, {}, version=1, user=focal, files={"legislation": upload("Code pénal.pdf", PDF)}
    )

    answer = saved.answers.get(question__code="legislation")
    assert answer.value == {"name": "Code pénal.pdf", "size": len(PDF), "type": "pdf"}
    assert answer.file.name.startswith(f"surveys/{response.questionnaire_id}/{response.pk}/")
    assert answer.file.name.endswith(".pdf")
    assert "Code" not in answer.file.name
    assert (settings.MEDIA_ROOT / answer.file.name).read_bytes() == PDF


def test_a_docx_is_recognised_inside_its_archive(response, focal):
    saved = services.save_answers(
        response, {}, version=1, user=focal, files={"legislation": upload("law.docx", docx_bytes())}
    )

    assert saved.answers.get(question__code="legislation").value["type"] == "docx"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("law.pdf", PNG),  # an image named .pdf
        ("law.pdf", b"MZ\x90\x00 an executable"),
        ("law.docx", xlsx_bytes()),  # a spreadsheet named .docx: a zip, but not a Word file
        ("law.pdf", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_file_of_a_forbidden_type_is_refused_by_its_content_whatever_its_name(
    response, focal, settings, name, content
):
    errors = refused(response, {}, files={"legislation": upload(name, content)}, user=focal)

    assert errors == {
        "legislation": "This file is not of an accepted type (judged by its content, not its name); "
        "upload PDF, Word (DOCX)."
    }
    assert_nothing_saved(response)
    assert not (settings.MEDIA_ROOT / "surveys").exists()


def test_a_file_over_the_size_limit_is_refused(response, focal, settings):
    errors = refused(response, {}, files={"legislation": upload("law.pdf", PDF + b" " * 2000)}, user=focal)

    assert errors == {"legislation": "The file is too large (2.0 KB); the limit is 1.0 KB."}
    assert_nothing_saved(response)
    assert not (settings.MEDIA_ROOT / "surveys").exists()


def test_a_file_for_a_question_that_takes_none_is_refused(response, focal):
    errors = refused(response, {}, files={"law": upload("law.pdf", PDF)}, user=focal)

    assert errors == {"law": "This question does not take a file."}
    assert_nothing_saved(response)


def test_a_stale_version_is_refused_and_the_other_persons_answer_is_kept(response, focal, colleague):
    # Both focal points of Georgia opened the draft at version 1; the first saves.
    services.save_answers(response, {"law": "Criminal Procedure Code"}, version=1, user=focal)

    with pytest.raises(ConflictError, match="Someone else saved these answers since you opened them"):
        services.save_answers(
            response, {"law": "Law on electronic communications", "orders": 4}, version=1, user=colleague
        )

    response.refresh_from_db()
    assert response.version == 2
    assert {a.question.code: (a.value, a.updated_by) for a in response.answers.select_related("question")} == {
        "law": ("Criminal Procedure Code", focal)
    }


def test_nothing_is_saved_once_the_questionnaire_is_closed(response, focal, staff):
    services.close_questionnaire(response.questionnaire, user=staff)

    with pytest.raises(DomainError, match="This questionnaire is closed"):
        services.save_answers(response, COMPLETE, version=1, user=focal)
    assert_nothing_saved(response)


# ---- submitting and reopening -----------------------------------------------------------------------------------


def test_submission_needs_every_required_answer(response, focal):
    response = services.save_answers(response, {"orders": 3}, version=1, user=focal)

    with pytest.raises(AnswersInvalid) as refusal:
        services.submit_response(response, version=2, user=focal)

    assert refusal.value.errors == {
        "law": "This question must be answered.",
        "compliance": "This question must be answered.",
    }
    response.refresh_from_db()
    assert (response.state, response.version, response.submitted_at) == (ResponseState.DRAFT, 2, None)
    assert not ResponseRevision.objects.exists()


def test_submission_freezes_the_answers_and_locks_the_response(response, focal, colleague):
    response = services.save_answers(
        response, COMPLETE, version=1, user=focal, files={"legislation": upload("law.pdf", PDF)}
    )
    path = response.answers.get(question__code="legislation").file.name

    response = services.submit_response(response, version=2, user=focal)

    assert (response.state, response.version, response.submitted_by) == (ResponseState.SUBMITTED, 3, focal)
    revision = ResponseRevision.objects.get(response=response)
    assert (revision.number, revision.submitted_by, revision.submitted_at) == (1, focal, response.submitted_at)
    assert revision.data == {
        "law": "Criminal Procedure Code, Art. 136",
        "compliance": "largely",
        "orders": "12",
        "in_force": True,
        "legislation": {"name": "law.pdf", "size": len(PDF), "type": "pdf", "path": path},
    }
    with pytest.raises(DomainError, match="This response has been submitted and is locked"):
        services.save_answers(response, {"law": "Changed"}, version=3, user=colleague)
    with pytest.raises(DomainError, match="This response has been submitted and is locked"):
        services.submit_response(response, version=3, user=colleague)
    assert response.answers.get(question__code="law").value == "Criminal Procedure Code, Art. 136"
    assert ResponseRevision.objects.count() == 1


def test_reopening_gives_the_draft_back_and_keeps_the_history(response, focal, staff):
    response = services.save_answers(response, COMPLETE, version=1, user=focal)
    response = services.submit_response(response, version=2, user=focal)

    response = services.reopen_response(response, user=staff, reason="Article 17 answer missing")
    assert (response.state, response.version) == (ResponseState.REOPENED, 4)
    response = services.save_answers(response, {"compliance": "compliant"}, version=4, user=focal)
    response = services.submit_response(response, version=5, user=focal)

    assert response.state == ResponseState.SUBMITTED
    assert [(r.number, r.data["compliance"]) for r in response.revisions.all()] == [(1, "largely"), (2, "compliant")]
    assert AuditEntry.objects.get(action="surveys.response.reopened").data == {"reason": "Article 17 answer missing"}


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.DONOR, Role.FINANCE_OFFICER])
def test_only_staff_reopen_a_response(response, focal, role):
    response = services.save_answers(response, COMPLETE, version=1, user=focal)
    response = services.submit_response(response, version=2, user=focal)
    user = focal if role == Role.FOCAL_POINT else make_user(role)

    with pytest.raises(DomainError, match="Only the secretariat or programme staff can reopen"):
        services.reopen_response(response, user=user, reason="Please")

    response.refresh_from_db()
    assert (response.state, response.version) == (ResponseState.SUBMITTED, 3)


def test_reopening_needs_a_reason_and_a_submitted_response(response, staff):
    with pytest.raises(DomainError, match="Only a submitted response can be reopened."):
        services.reopen_response(response, user=staff, reason="Why not")
    with pytest.raises(DomainError, match="Say why the response is reopened"):
        services.reopen_response(response, user=staff, reason="  ")


def test_a_person_answers_an_evaluation(staff):
    from octopus.people.models import Person

    evaluation = services.create_questionnaire(user=staff, code="eval", title="Evaluation", purpose=Purpose.EVALUATION)
    section = services.add_section(evaluation, user=staff, title="The workshop")
    services.add_question(section, user=staff, code="useful", text="Useful?", type=QuestionType.YES_NO, required=True)
    services.open_questionnaire(evaluation, user=staff)
    person = Person.objects.create(last_name="Beridze", country=Country.objects.get(iso2="GE"))

    response = services.start_response(evaluation, person=person, user=None)
    response = services.save_answers(response, {"useful": True}, version=1, user=None)
    response = services.submit_response(response, version=2, user=None)

    assert (response.person, response.country, response.state) == (person, None, ResponseState.SUBMITTED)
    assert response.revisions.get().data == {"useful": True}


def test_an_autosave_that_changes_nothing_keeps_the_version(response, focal, colleague):
    response = services.save_answers(response, {"law": "Code", "orders": 3}, version=1, user=focal)

    unchanged = services.save_answers(
        response, {"law": "Code", "orders": "3.0", "in_force": None}, version=2, user=colleague
    )

    assert unchanged.version == 2
    assert set(unchanged.answers.values_list("updated_by", flat=True)) == {focal.pk}
    assert AuditEntry.objects.filter(action="surveys.response.saved").count() == 1


def test_a_file_replaced_after_reopening_leaves_the_submitted_one_in_place(response, focal, staff, settings):
    response = services.save_answers(
        response, COMPLETE, version=1, user=focal, files={"legislation": upload("v1.pdf", PDF)}
    )
    response = services.submit_response(response, version=2, user=focal)
    response = services.reopen_response(response, user=staff, reason="Attach the amended law")

    response = services.save_answers(
        response, {}, version=response.version, user=focal, files={"legislation": upload("v2.docx", docx_bytes())}
    )

    first = response.revisions.get().data["legislation"]
    current = response.answers.get(question__code="legislation")
    assert current.value == {"name": "v2.docx", "size": len(docx_bytes()), "type": "docx"}
    assert current.file.name != first["path"]
    assert (settings.MEDIA_ROOT / first["path"]).read_bytes() == PDF

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from octopus.countries.models import Country
from octopus.lib.exports import to_xlsx
from octopus.surveys import services
from octopus.surveys.exports import CompilationExport
from octopus.surveys.models import ResponseState
from octopus.surveys.queries import compiled, numeric_answers, progress
from octopus.surveys.tests.conftest import COMPLETE, PDF, upload


def answered(questionnaire, iso2, answers, *, user, submit=True, files=None):
    response = services.start_response(questionnaire, country=Country.objects.get(iso2=iso2), user=user)
    response = services.save_answers(response, answers, version=response.version, user=user, files=files)
    if submit:
        response = services.submit_response(response, version=response.version, user=user)
    return response


def test_the_compilation_shows_exactly_the_submitted_answers(questionnaire, focal, staff, django_assert_num_queries):
    answered(questionnaire, "GE", {**COMPLETE, "channels": ["MLA"]}, user=focal)
    answered(questionnaire, "AM", {**COMPLETE, "compliance": "partially", "orders": 0}, user=focal)
    answered(questionnaire, "MD", {**COMPLETE, "law": "Draft only"}, user=focal, submit=False)
    # Albania submitted, was reopened and is correcting: the compilation keeps its submitted answers.
    albania = answered(questionnaire, "AL", {**COMPLETE, "compliance": "compliant"}, user=focal)
    albania = services.reopen_response(albania, user=staff, reason="Check Article 16")
    services.save_answers(albania, {"compliance": "not_compliant"}, version=albania.version, user=focal)

    with django_assert_num_queries(2):
        compilation = compiled(questionnaire)
        table = {
            (question.code, str(row.respondent)): value
            for question, replies in compilation.by_question()
            for row, value in replies
        }

    assert [str(row.respondent) for row in compilation.rows] == ["Albania", "Armenia", "Georgia"]
    assert [row.revision_number for row in compilation.rows] == [1, 1, 1]
    assert [q.code for q in compilation.questions] == [
        "law",
        "compliance",
        "orders",
        "in_force",
        "authority",
        "channels",
        "legislation",
    ]
    assert {key: value for key, value in table.items() if key[0] in ("compliance", "orders", "channels")} == {
        ("compliance", "Albania"): "compliant",
        ("compliance", "Armenia"): "partially",
        ("compliance", "Georgia"): "largely",
        ("orders", "Albania"): "12",
        ("orders", "Armenia"): "0",
        ("orders", "Georgia"): "12",
        ("channels", "Albania"): None,
        ("channels", "Armenia"): None,
        ("channels", "Georgia"): ["MLA"],
    }


def test_the_compilation_query_count_does_not_grow_with_respondents(questionnaire, focal, django_assert_num_queries):
    for iso2 in ("GE", "AM", "AZ", "MD", "UA", "AL", "RS", "ME"):
        answered(questionnaire, iso2, COMPLETE, user=focal)

    with django_assert_num_queries(2):
        compilation = compiled(questionnaire)
        labels = [str(row.respondent) for row in compilation.rows]

    assert len(labels) == 8


def test_progress_counts_responses_by_state_and_who_has_not_started(
    questionnaire, focal, staff, django_assert_num_queries
):
    answered(questionnaire, "GE", COMPLETE, user=focal)
    answered(questionnaire, "AM", {"law": "Draft"}, user=focal, submit=False)
    albania = answered(questionnaire, "AL", COMPLETE, user=focal)
    services.reopen_response(albania, user=staff, reason="Incomplete")
    parties = list(Country.objects.filter(iso2__in=["GE", "AM", "AL", "MD", "UA"]).order_by("name"))

    with django_assert_num_queries(1):
        result = progress(questionnaire, expected_countries=parties)
        states = [(str(response.respondent), response.state) for response in result.responses]

    assert states == [
        ("Albania", ResponseState.REOPENED),
        ("Armenia", ResponseState.DRAFT),
        ("Georgia", ResponseState.SUBMITTED),
    ]
    assert result.counts == {"draft": 1, "submitted": 1, "reopened": 1, "not_started": 2}
    assert [country.iso2 for country in result.not_started] == ["MD", "UA"]


def test_the_compilation_exports_to_xlsx_one_row_per_respondent(questionnaire, focal):
    answered(
        questionnaire,
        "GE",
        {**COMPLETE, "orders": "12.5", "authority": "judge", "channels": ["24/7 network", "MLA"]},
        user=focal,
        files={"legislation": upload("Code.pdf", PDF)},
    )
    answered(questionnaire, "AM", {**COMPLETE, "law": "=HYPERLINK(1)", "in_force": False}, user=focal)

    content = to_xlsx(CompilationExport(compiled(questionnaire)))

    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet.title == "tcy-round-3"
    assert rows[0] == [
        "Respondent",
        "Revision",
        "Submitted at",
        "law",
        "compliance",
        "orders",
        "in_force",
        "authority",
        "channels",
        "legislation",
    ]
    assert [row[:2] + row[3:] for row in rows[1:]] == [
        ["Armenia", 1, "'=HYPERLINK(1)", "Largely compliant", 12, "No", None, None, None],
        [
            "Georgia",
            1,
            "Criminal Procedure Code, Art. 136",
            "Largely compliant",
            12.5,
            "Yes",
            "Judge",
            "24/7 network; MLA",
            "Code.pdf",
        ],
    ]
    assert all(isinstance(row[2], datetime.datetime) for row in rows[1:])


def test_numbers_stay_exact_in_the_compilation(questionnaire, focal):
    answered(questionnaire, "GE", {**COMPLETE, "orders": "999.9999"}, user=focal)

    row = compiled(questionnaire).rows[0]

    assert Decimal(row.answers["orders"]) == Decimal("999.9999")


def test_numeric_answers_give_each_respondents_submitted_number(questionnaire, focal):
    answered(questionnaire, "GE", {**COMPLETE, "orders": "12.5"}, user=focal)
    answered(questionnaire, "AM", {**COMPLETE, "orders": None}, user=focal)
    answered(questionnaire, "AL", {**COMPLETE, "orders": 7}, user=focal, submit=False)

    assert numeric_answers(questionnaire, "orders") == {Country.objects.get(iso2="GE"): Decimal("12.5")}

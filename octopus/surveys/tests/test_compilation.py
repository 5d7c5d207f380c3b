"""The compiled replies on the page (by question, by respondent) and exported to XLSX and DOCX, read back."""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from octopus.accounts.models import AuditEntry
from octopus.countries.models import Country
from octopus.events.tests.sample_files import MARK, docx_paragraphs, file_name, is_marked, sample_sheets
from octopus.lib.downloads import SAMPLE_NOTE
from octopus.people.services import create_person
from octopus.surveys import services
from octopus.surveys.models import Questionnaire
from octopus.surveys.tests.conftest import COMPLETE, PDF, upload


def submitted(questionnaire, iso2, answers, *, user, files=None, submit=True):
    response = services.start_response(questionnaire, country=Country.objects.get(iso2=iso2), user=user)
    response = services.save_answers(response, answers, version=response.version, user=user, files=files)
    if submit:
        response = services.submit_response(response, version=response.version, user=user)
    return response


@pytest.fixture
def replies(questionnaire, focal):
    georgia = submitted(
        questionnaire,
        "GE",
        {**COMPLETE, "channels": ["MLA", "Direct request"], "authority": "judge"},
        user=focal,
        files={"legislation": upload("ge-law.pdf", PDF)},
    )
    armenia = submitted(
        questionnaire, "AM", {**COMPLETE, "law": "Law on ERs", "orders": "7.5", "in_force": False}, user=focal
    )
    submitted(questionnaire, "MD", {"law": "Only a draft"}, user=focal, submit=False)
    return georgia, armenia


def test_the_compilation_page_shows_replies_side_by_side(client, staff, questionnaire, replies):
    georgia, _armenia = replies
    client.force_login(staff)

    by_question = client.get(reverse("surveys:questionnaire_compilation", args=[questionnaire.pk]))
    by_respondent = client.get(reverse("surveys:questionnaire_compilation", args=[questionnaire.pk]) + "?by=respondent")

    table = {
        (question.code, str(row.respondent)): text
        for question, answers in by_question.context["by_question"]
        for row, text, _href in answers
    }
    assert table[("law", "Armenia")] == "Law on ERs"
    assert table[("law", "Georgia")] == "Criminal Procedure Code, Art. 136"
    assert table[("compliance", "Georgia")] == "Largely compliant"
    assert table[("orders", "Armenia")] == "7.5"
    assert (table[("in_force", "Armenia")], table[("in_force", "Georgia")]) == ("No", "Yes")
    assert table[("channels", "Georgia")] == "MLA; Direct request"
    assert (table[("authority", "Armenia")], table[("authority", "Georgia")]) == ("", "Judge")
    assert table[("legislation", "Georgia")] == "ge-law.pdf"
    assert {respondent for _code, respondent in table} == {"Armenia", "Georgia"}  # never Moldova's draft
    html = by_question.content.decode()
    file_link = reverse("surveys:response_file", args=[georgia.pk, "legislation"]) + "?revision=1"
    assert f'<a href="{file_link}" data-file>ge-law.pdf</a>' in html
    assert [str(row.respondent) for row, _answers in by_respondent.context["by_respondent"]] == ["Armenia", "Georgia"]
    assert b"".join(client.get(file_link).streaming_content) == PDF


def test_the_compilation_exports_to_xlsx(client, staff, questionnaire, replies):
    client.force_login(staff)

    response = client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, "xlsx"]))

    assert response["Content-Disposition"] == 'attachment; filename="tcy-round-3-compilation.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
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
        ["Armenia", 1, "Law on ERs", "Largely compliant", 7.5, "No", None, None, None],
        [
            "Georgia",
            1,
            "Criminal Procedure Code, Art. 136",
            "Largely compliant",
            12,
            "Yes",
            "Judge",
            "MLA; Direct request",
            "ge-law.pdf",
        ],
    ]


def test_the_compilation_exports_to_docx_with_a_table_per_question(client, staff, questionnaire, replies):
    client.force_login(staff)

    response = client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, "docx"]))

    assert response["Content-Disposition"] == 'attachment; filename="tcy-round-3-compilation.docx"'
    document = Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Assessment of Articles 16 and 17")
    assert paragraphs[1][1].startswith("Compiled on ")
    assert paragraphs[1][1].endswith(" from 2 submitted responses (latest revision of each).")
    assert [text for style, text in paragraphs if style == "Heading 1"] == [
        "1. Expedited preservation (185/16)",
        "2. Authorities (185/17)",
    ]
    assert [text for style, text in paragraphs if style == "Heading 2"] == [
        "law: Which law provides for preservation?",
        "compliance: Level of implementation",
        "orders: Preservation orders issued in 2025",
        "in_force: Is the law in force?",
        "authority: Who orders preservation?",
        "channels: Channels used",
        "legislation: Attach the law",
    ]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    assert len(tables) == 7
    assert tables[0] == [
        ["Respondent", "Answer"],
        ["Armenia", "Law on ERs"],
        ["Georgia", "Criminal Procedure Code, Art. 136"],
    ]
    assert tables[2] == [["Respondent", "Answer"], ["Armenia", "7.5"], ["Georgia", "12"]]
    assert tables[4] == [["Respondent", "Answer"], ["Armenia", "—"], ["Georgia", "Judge"]]
    assert tables[6] == [["Respondent", "Answer"], ["Armenia", "—"], ["Georgia", "ge-law.pdf"]]


def test_a_sample_questionnaire_says_so_in_both_exports(client, staff, questionnaire, replies):
    client.force_login(staff)
    real = client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, "docx"]))
    assert not is_marked(real) and MARK not in docx_paragraphs(real)[0]
    Questionnaire.objects.filter(pk=questionnaire.pk).update(is_sample=True)

    xlsx = client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, "xlsx"]))
    docx = client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, "docx"]))

    (rows,) = sample_sheets(xlsx)
    assert file_name(xlsx) == "tcy-round-3-compilation-SAMPLE-DATA.xlsx"
    assert rows[0][:3] == ("Respondent", "Revision", "Submitted at") and [row[0] for row in rows[1:]] == [
        "Armenia",
        "Georgia",
    ]
    assert file_name(docx) == "tcy-round-3-compilation-SAMPLE-DATA.docx"
    paragraphs = docx_paragraphs(docx)
    assert paragraphs[0] == str(SAMPLE_NOTE) and paragraphs[1] == "Assessment of Articles 16 and 17"


def test_a_reply_from_a_sample_person_marks_the_compilation(client, staff, questionnaire, replies):
    person = create_person(user=staff, first_name="Sam", last_name="Sample", is_sample=True)
    response = services.start_response(questionnaire, person=person, user=staff)
    response = services.save_answers(response, {**COMPLETE, "law": "Invented"}, version=response.version, user=staff)
    services.submit_response(response, version=response.version, user=staff)
    client.force_login(staff)

    xlsx = client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, "xlsx"]))
    docx = client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, "docx"]))

    assert [row[0] for row in sample_sheets(xlsx)[0][1:]] == ["Armenia", "Georgia", "Sam SAMPLE"]
    assert is_marked(docx) and docx_paragraphs(docx)[0] == str(SAMPLE_NOTE)


def downloads():
    return list(AuditEntry.objects.filter(action="surveys.compilation.downloaded"))


def test_a_compilation_naming_people_is_in_the_audit_log_and_one_of_countries_is_not(
    client, staff, questionnaire, replies
):
    client.force_login(staff)
    client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, "xlsx"]))
    assert downloads() == []  # only countries answered

    person = create_person(user=staff, first_name="Ana", last_name="Evaluator")
    response = services.start_response(questionnaire, person=person, user=staff)
    response = services.save_answers(response, {**COMPLETE, "law": "Mine"}, version=response.version, user=staff)
    services.submit_response(response, version=response.version, user=staff)
    for fmt in ("xlsx", "docx"):
        assert (
            client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, fmt])).status_code
            == 200
        )

    docx, xlsx = downloads()
    assert [(e.user, e.object_type, e.object_id) for e in (docx, xlsx)] == [
        (staff, "surveys.questionnaire", str(questionnaire.pk))
    ] * 2
    assert xlsx.data == {"file": "tcy-round-3-compilation.xlsx", "rows": 1}  # one person among the respondents
    assert docx.data == {"file": "tcy-round-3-compilation.docx", "rows": 1}


def test_an_unknown_export_format_is_not_found(client, staff, questionnaire):
    client.force_login(staff)

    assert (
        client.get(reverse("surveys:questionnaire_compilation_export", args=[questionnaire.pk, "pdf"])).status_code
        == 404
    )


@pytest.mark.parametrize("count", [1, 3])
def test_the_compilation_page_loads_in_a_fixed_number_of_queries(
    client, staff, questionnaire, focal, count, django_assert_num_queries
):
    for iso2 in ("GE", "AM", "AL")[:count]:
        submitted(questionnaire, iso2, COMPLETE, user=focal)
    client.force_login(staff)

    # Session, user, memberships, the questionnaire, the compiled rows, the questions, the sample-data banner.
    with django_assert_num_queries(7):
        page = client.get(reverse("surveys:questionnaire_compilation", args=[questionnaire.pk]))

    assert len(page.context["compilation"].rows) == count

"""The register's pages: the public register with its filters, sorting, CSV and empty state; a document's page and
its files, served only to those who may read them; the workspace's register, forms and translation requests."""

import csv
import datetime
import io
from decimal import Decimal

import docx
import openpyxl
import pypdf
import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.committees.models import Document, LanguageVersion
from octopus.committees.services import documents
from octopus.committees.tests.test_documents import (
    docx_bytes,
    pdf_bytes,
    plenary,
    record,
    upload,
    with_original,
)
from octopus.events.tests.sample_files import file_name, real_sheets, sample_sheets
from octopus.testing.helpers import make_user

D = datetime.date


@pytest.fixture
def staff(db):
    return make_user(Role.TCY_SECRETARIAT)


@pytest.fixture
def register(staff):
    """A public adopted report with its English PDF, a restricted working document with its file, and a withdrawn
    opinion; beside them, the 12 Guidance Notes of the reference data."""
    report, _ = with_original(staff, symbol="T-CY(2099)1", title="Assessment report on preservation")
    report = documents.change_document_status(
        report, to="adopted", written_procedure=True, adopted_on=D(2099, 5, 2), user=staff
    )
    restricted, _ = with_original(
        staff, symbol="T-CY(2099)2", title="Draft compilation", type="working_document", circulation="circulated"
    )
    withdrawn = record(staff, symbol="T-CY(2098)3", title="Opinion on a protocol", type="opinion")
    withdrawn = documents.change_document_status(withdrawn, to="withdrawn", user=staff)
    return {"report": report, "restricted": restricted, "withdrawn": withdrawn}


def symbols(response) -> list[str]:
    return [d.symbol or f"GN{d.number}" for d in response.context["documents"]]


# --- the public register -------------------------------------------------------------------------------------------


def test_the_public_register_lists_public_documents_only_in_a_fixed_number_of_queries(
    client, register, django_assert_num_queries
):
    with django_assert_num_queries(4):  # count, page, language versions; whether sample data is loaded
        response = client.get(reverse("committees:tcy_documents"))

    assert response.status_code == 200
    listed = symbols(response)
    # the report, the 12 Guidance Notes and the 4 assessment reports of the reference data
    assert "T-CY(2099)1" in listed and len(listed) == 17
    assert "T-CY(2099)2" not in listed and "T-CY(2098)3" not in listed
    html = response.content.decode()
    assert "By written procedure, 2 May 2099" in html
    assert "At T-CY 12, December 2014" in html  # known to the month: shown as far as it is known
    assert f'href="{reverse("committees:tcy_document_file", args=[register["report"].pk, "en"])}"' in html
    assert 'href="?type=guidance_note"' in html


def test_the_public_register_filters_by_type_status_year_and_text(client, register):
    def listed(**query):
        return symbols(client.get(reverse("committees:tcy_documents"), query))

    assert listed(type="guidance_note", status="adopted") == ["GN1", "GN2", "GN10"] + ["GNNone"] * 7
    assert listed(type="guidance_note", status="draft") == ["GN3", "GN8"]
    assert listed(year="2099") == ["T-CY(2099)1"]
    # with the two reference reports on the preservation provisions
    assert sorted(listed(q="preservation report")) == ["T-CY(2012)10", "T-CY(2015)24", "T-CY(2099)1"]
    assert listed(q="2099") == ["T-CY(2099)1"]
    assert listed(year="2017") == ["GN10"]  # adopted by written procedure on 28 February 2017
    assert listed(year="2016", type="guidance_note") == ["GNNone"]  # Terrorism, adopted November 2016
    assert listed(status="withdrawn") == []  # not a choice of the public register: no row rather than all rows


def test_the_public_register_sorts_by_a_column_both_ways(client, register):
    ascending = client.get(reverse("committees:tcy_documents"), {"type": "guidance_note", "sort": "title"})
    descending = client.get(reverse("committees:tcy_documents"), {"type": "guidance_note", "sort": "-title"})

    titles = [d.title for d in ascending.context["documents"]]
    assert titles == sorted(titles) and titles[0] == "Botnets"
    assert [d.title for d in descending.context["documents"]] == titles[::-1]
    header = ascending.context["columns"][1]
    assert (header["key"], header["arrow"], header["query"]) == ("title", "▲", "type=guidance_note&sort=-title")


def test_the_empty_register_says_what_to_do(client, register):
    response = client.get(reverse("committees:tcy_documents"), {"q": "no such document"})

    assert list(response.context["documents"]) == []
    assert "No document matches these filters" in response.content.decode()


def test_the_public_csv_holds_the_filtered_public_register(client, register):
    response = client.get(reverse("committees:tcy_documents_csv"), {"year": "2099"})

    assert response["Content-Disposition"] == 'attachment; filename="tcy-documents.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Symbol",
        "Title",
        "Type",
        "Number",
        "Status",
        "Adoption",
        "Adopted on",
        "Adoption date known to the",
        "English",
        "French",
        "Source",
    ]
    assert rows[1][:9] == [
        "T-CY(2099)1",
        "Assessment report on preservation",
        "Assessment report",
        "",
        "Adopted",
        "By written procedure, 2 May 2099",
        "2099-05-02",
        "day",
        "PDF (original)",
    ]
    assert len(rows) == 2


# --- a document and its files --------------------------------------------------------------------------------------


def test_a_public_document_page_shows_its_facts_and_files(client, register):
    note = Document.objects.get(type="guidance_note", number=1)
    response = client.get(reverse("committees:tcy_document", args=[note.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "At the 8th plenary (T-CY 8), December 2012" in html
    assert "No file is available for this document yet." in html


@pytest.mark.parametrize("visitor", ["anonymous", Role.DONOR.value, "no_role", Role.FOCAL_POINT.value])
def test_a_restricted_or_withdrawn_document_and_its_file_exist_only_for_those_who_may_read_them(
    client, register, visitor
):
    user = make_user(visitor)
    if user:
        client.force_login(user)
    restricted, withdrawn = register["restricted"], register["withdrawn"]
    may = visitor == Role.FOCAL_POINT.value

    page = client.get(reverse("committees:tcy_document", args=[restricted.pk]))
    file = client.get(reverse("committees:tcy_document_file", args=[restricted.pk, "en"]))
    gone = client.get(reverse("committees:tcy_document", args=[withdrawn.pk]))

    assert (page.status_code, file.status_code, gone.status_code) == ((200, 200, 200) if may else (404, 404, 404))
    if may:
        assert file["Content-Type"] == "application/pdf"
        assert file["Content-Disposition"] == 'attachment; filename="t-cy20992-en.pdf"'
        assert (file["X-Content-Type-Options"], file["Cache-Control"]) == ("nosniff", "private, no-store")
        assert pypdf.PdfReader(io.BytesIO(b"".join(file.streaming_content))).metadata.title == "original"


def test_a_translation_is_public_once_delivered_and_a_working_file_until_then(client, register, staff):
    report = register["report"]
    documents.request_translation(
        report, language="fr", word_count=5000, deadline=D(2099, 6, 1), cost=Decimal("900"), user=staff
    )
    french = documents.upload_language_version(
        report, language="fr", upload=upload("fr.pdf", pdf_bytes()), user=staff, version=1
    )
    file = reverse("committees:tcy_document_file", args=[report.pk, "fr"])

    working = client.get(file)
    listed = client.get(reverse("committees:tcy_document", args=[report.pk])).content.decode()
    client.force_login(make_user(Role.FOCAL_POINT))
    delegate = client.get(file)
    client.logout()
    french = documents.update_translation(french, status="in_progress", user=staff, version=french.version)
    documents.update_translation(french, status="delivered", user=staff, version=french.version)
    delivered = client.get(file)

    assert (working.status_code, delegate.status_code, delivered.status_code) == (404, 200, 200)
    assert 'data-version="fr"' not in listed and 'data-version="en"' in listed


def test_a_public_file_is_an_attachment_of_the_type_found_at_upload(client, register, staff):
    report = register["report"]
    documents.upload_language_version(
        report, language="fr", upload=upload("rapport.pdf", docx_bytes("Rapport")), user=staff
    )

    response = client.get(reverse("committees:tcy_document_file", args=[report.pk, "fr"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="t-cy20991-fr.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert docx.Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs[0].text == "Rapport"
    assert client.get(reverse("committees:tcy_document_file", args=[report.pk, "de"])).status_code == 404
    note = Document.objects.get(type="guidance_note", number=1)
    assert client.get(reverse("committees:tcy_document_file", args=[note.pk, "en"])).status_code == 404  # no file


# --- the workspace -------------------------------------------------------------------------------------------------


def test_the_workspace_register_holds_every_document_and_exports_it(client, register, staff, django_assert_num_queries):
    client.force_login(staff)
    client.get(reverse("committees:tcy_register"))  # the session is read once

    with django_assert_num_queries(7):  # session, user, roles, count, page, language versions, sample data?
        response = client.get(reverse("committees:tcy_register"), {"year": "2099"})
    restricted_only = client.get(reverse("committees:tcy_register"), {"public": "no"})
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("committees:tcy_register_export", args=["xlsx"]), {"public": "no"}).content)
    )

    assert symbols(response) == ["T-CY(2099)1", "T-CY(2099)2"]
    assert symbols(restricted_only) == ["T-CY(2099)2"]
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "Symbol",
        "Title",
        "Type",
        "Number",
        "Status",
        "Adoption",
        "Adopted on",
        "Adoption date known to the",
        "Circulation",
    )
    assert rows[1][:9] == (
        "T-CY(2099)2",
        "Draft compilation",
        "Working document",
        None,
        "Draft",
        None,
        None,
        None,
        "Circulated to the members",
    )
    assert len(rows) == 2
    assert (
        client.get(reverse("committees:tcy_register"), {"status": "withdrawn"}).context["documents"][0].symbol
        == "T-CY(2098)3"
    )
    assert client.get(reverse("committees:tcy_register_export", args=["pdf"])).status_code == 404


def test_the_registers_say_when_they_list_a_sample_document(client, register, staff):
    sample, _ = with_original(staff, symbol="T-CY(2099)9", title="Sample report", is_sample=True)
    client.force_login(staff)

    workspace = sample_sheets(client.get(reverse("committees:tcy_register_export", args=["xlsx"]), {"year": "2099"}))[0]
    public = client.get(reverse("committees:tcy_documents_csv"), {"year": "2099"})
    real = real_sheets(client.get(reverse("committees:tcy_register_export", args=["xlsx"]), {"public": "no"}))[0]

    assert workspace[0][:2] == ("Symbol", "Title")  # the note above, then the header
    assert sorted(row[0] for row in workspace[1:]) == ["T-CY(2099)1", "T-CY(2099)2", "T-CY(2099)9"]
    assert file_name(public) == "tcy-documents-SAMPLE-DATA.csv"
    assert list(csv.reader(io.StringIO(public.content.decode())))[0][0] == "Symbol"
    assert [row[0] for row in real] == ["Symbol", "T-CY(2099)2"]  # the filter leaves out the sample document
    documents.request_translation(sample, language="fr", word_count=10, deadline=D(2099, 3, 1), cost=1, user=staff)
    requests, totals = sample_sheets(client.get(reverse("committees:tcy_translations_export", args=["xlsx"])))
    assert requests[0][0] == "Symbol" and requests[1][0] == "T-CY(2099)9"
    assert totals[0][0] == "Deadline year"


def test_recording_a_document_through_the_page(client, staff):
    client.force_login(staff)
    blank = client.get(reverse("committees:tcy_document_create")).context["form"]

    response = client.post(
        reverse("committees:tcy_document_create"),
        {"symbol": "T-CY(2099)7", "title": "Agenda of T-CY 99", "type": "agenda", "circulation": "public"},
    )
    refused = client.post(
        reverse("committees:tcy_document_create"), {"symbol": "T-CY(2099)7", "title": "Again", "type": "agenda"}
    )
    numbered = client.post(
        reverse("committees:tcy_document_create"), {"title": "Note", "type": "guidance_note", "number": "1"}
    )

    document = Document.objects.get(symbol="T-CY(2099)7")
    assert response.status_code == 302 and response.url == reverse("committees:tcy_document_manage", args=[document.pk])
    assert blank["circulation"].value() == "draft"  # a working draft until the secretariat circulates it
    assert (document.title, document.status, document.circulation, document.changed_by) == (
        "Agenda of T-CY 99",
        "draft",
        "public",
        staff,
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors == {"symbol": ["T-CY(2099)7 is already in the register."]}
    assert refused.context["form"]["title"].value() == "Again"
    assert numbered.context["form"].errors == {
        "number": ["This number is already taken by another document of this type."]
    }


def test_a_stale_correction_shows_the_conflict_and_keeps_what_was_typed(client, staff):
    document = record(staff)
    client.force_login(staff)
    fields = {"symbol": document.symbol, "type": document.type, "source": ""}
    documents.correct_document(document, title="Changed by a colleague", user=staff, version=1)

    response = client.post(
        reverse("committees:tcy_document_edit", args=[document.pk]), {**fields, "title": "Mine", "version": 1}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.non_field_errors() == [
        "Someone changed this record while you were editing it; reload to see their change."
    ]
    assert (form["title"].value(), form["version"].value()) == ("Mine", 2)
    assert Document.objects.get(pk=document.pk).title == "Changed by a colleague"
    blind = client.post(reverse("committees:tcy_document_edit", args=[document.pk]), {**fields, "title": "Blind"})
    assert blind.status_code == 400 and blind.context["form"].errors == {"version": ["This field is required."]}
    saved = client.post(
        reverse("committees:tcy_document_edit", args=[document.pk]), {**fields, "title": "Mine", "version": 2}
    )
    assert saved.status_code == 302 and Document.objects.get(pk=document.pk).title == "Mine"


def test_adopting_at_a_meeting_or_by_written_procedure_through_the_page(client, staff):
    meeting = plenary(staff)
    first, second = record(staff), record(staff, symbol="T-CY(2099)2")
    client.force_login(staff)
    url = reverse("committees:tcy_document_status", args=[first.pk])

    page = client.get(url)
    unsaid = client.post(url, {"to": "adopted", "version": 1})
    written_without_day = client.post(url, {"to": "adopted", "written_procedure": "on", "version": 1})
    adopted = client.post(url, {"to": "adopted", "adopted_at": meeting.pk, "version": 1})
    by_writing = client.post(
        reverse("committees:tcy_document_status", args=[second.pk]),
        {"to": "adopted", "written_procedure": "on", "adopted_on": "2099-07-01", "version": 1},
    )

    assert [value for value, _label in page.context["form"].fields["to"].choices] == [
        "consultation",
        "adopted",
        "withdrawn",
    ]
    assert unsaid.context["form"].errors == {
        "adopted_at": ["Say how it was adopted: at which meeting, or by written procedure."]
    }
    assert written_without_day.context["form"].errors == {
        "adopted_on": ["Give the day of adoption by written procedure."]
    }
    assert adopted.status_code == 302 and by_writing.status_code == 302
    first, second = Document.objects.get(pk=first.pk), Document.objects.get(pk=second.pk)
    assert (first.status, first.adopted_at, first.adopted_on) == ("adopted", meeting, D(2019, 6, 5))
    assert (second.status, second.written_procedure, second.adopted_on) == ("adopted", True, D(2099, 7, 1))
    history = client.get(reverse("committees:tcy_document_manage", args=[first.pk])).context["history"]
    assert [entry.action for entry in history] == ["committees.document.adopted", "committees.document.recorded"]


def test_uploading_through_the_page_is_judged_by_content(client, staff):
    document = record(staff)
    client.force_login(staff)
    url = reverse("committees:tcy_document_upload", args=[document.pk, "en"])

    refused = client.post(url, {"file": upload("report.pdf", b"plain text named report.pdf")})
    stored = client.post(url, {"file": upload("report.pdf", pdf_bytes("Stored"))})

    assert refused.status_code == 400
    assert refused.context["form"].errors["file"][0].startswith("This file is not a PDF or a Word (DOCX) document")
    assert stored.status_code == 302
    row = LanguageVersion.objects.get(document=document, language="en")
    assert (row.file_type, row.file_name, row.uploaded_by) == ("pdf", "report.pdf", staff)
    page = client.get(reverse("committees:tcy_document_manage", args=[document.pk])).content.decode()
    assert "Replace file" in page and 'data-action="committees.language_version.uploaded"' in page
    assert "File uploaded (English) — tcy_secretariat@example.org" in page
    replaced = client.post(url, {"file": upload("again.pdf", pdf_bytes()), "version": 1})
    conflict = client.post(url, {"file": upload("third.pdf", pdf_bytes()), "version": 1})
    assert replaced.status_code == 302  # version 1 was current; now 2
    assert conflict.status_code == 400 and conflict.context["form"]["version"].value() == 2
    assert conflict.context["form"].non_field_errors() == [
        "Someone changed this record while you were editing it; reload to see their change."
    ]


def test_translation_requests_with_totals_exports_and_who_keeps_them(client, staff):
    first, _ = with_original(staff)
    second, _ = with_original(staff, symbol="T-CY(2099)2")
    asked = documents.request_translation(
        first, language="fr", word_count=1000, deadline=D(2099, 3, 1), cost=Decimal("150.00"), user=staff
    )
    documents.request_translation(
        second, language="fr", word_count=500, deadline=D(2099, 4, 1), cost=Decimal("75.50"), user=staff
    )
    documents.update_translation(asked, user=staff, version=1, status="delivered")
    focal, finance = make_user(Role.FOCAL_POINT), make_user(Role.FINANCE_OFFICER)
    client.force_login(focal)

    page = client.get(reverse("committees:tcy_translations"))
    refused = client.get(reverse("committees:tcy_translation", args=[asked.pk]))
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("committees:tcy_translations_export", args=["xlsx"])).content)
    )
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("committees:tcy_translations_export", args=["csv"]), {"status": "requested"}
                ).content.decode()
            )
        )
    )

    assert [(t["year"], t["status"], t["words"], t["cost"]) for t in page.context["totals"]] == [
        (2099, "delivered", 1000, Decimal("150.00")),
        (2099, "requested", 500, Decimal("75.50")),
    ]
    assert (page.context["total_words"], page.context["total_cost"]) == (1500, Decimal("225.50"))
    assert refused.status_code == 403
    assert workbook.sheetnames == ["Translation requests", "Totals"]
    assert list(workbook["Totals"].iter_rows(values_only=True))[1:] == [
        (2099, "Translation delivered", 1, 1000, 150),
        (2099, "Translation requested", 1, 500, 75.5),
    ]
    assert rows == [
        ["Symbol", "Title", "Into", "Status", "Words", "Deadline", "Cost (EUR)"],
        [
            "T-CY(2099)2",
            "Assessment report on Article 99",
            "French",
            "Translation requested",
            "500",
            "2099-04-01",
            "75.50",
        ],
    ]
    client.force_login(finance)
    second_fr = LanguageVersion.objects.get(document=second, language="fr")
    saved = client.post(
        reverse("committees:tcy_translation", args=[second_fr.pk]),
        {"status": "in_progress", "word_count": "520", "deadline": "2099-04-02", "cost": "80", "version": 1},
    )
    assert saved.status_code == 302
    second_fr.refresh_from_db()
    assert (second_fr.translation_status, second_fr.word_count, second_fr.cost) == ("in_progress", 520, Decimal(80))
    assert AuditEntry.objects.about(second_fr).order_by("pk").last().user == finance


def test_the_translation_list_loads_in_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    for n in range(3):
        document, _ = with_original(staff, symbol=f"T-CY(2099){n}")
        documents.request_translation(document, language="fr", word_count=10, deadline=None, cost=1, user=staff)
    client.force_login(staff)
    client.get(reverse("committees:tcy_translations"))

    with django_assert_num_queries(7):  # session, user, roles, count, page, totals, sample data?
        response = client.get(reverse("committees:tcy_translations"))

    assert len(response.context["requests"]) == 3
    assert [(t["year"], t["requests"], t["cost"]) for t in response.context["totals"]] == [(None, 3, Decimal(3))]

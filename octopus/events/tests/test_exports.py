"""An event's lists as CSV (read with csv) and XLSX (read with openpyxl); formulas neutralised in both; sample data
said in the file. Also the download helpers themselves (octopus.downloads)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from octopus.accounts.models import AuditEntry, Role
from octopus.events import services
from octopus.events.models import Event, Registration
from octopus.events.tests.conftest import make_event, person
from octopus.events.tests.sample_files import file_name, is_marked, real_sheets, sample_sheets, sheets
from octopus.lib.downloads import CSV, PDF, SAMPLE_NOTE, attachment, contains_sample, table_download
from octopus.lib.exports import Table
from octopus.testing.helpers import make_user

FORMULA = '=HYPERLINK("http://evil.example/x","Click")'


@pytest.fixture
def office(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def registered(staff, event, form):
    first = services.register_person(form, person_fields=person(1, first_name=FORMULA), by_staff=True)
    second = services.register_person(form, person_fields=person(2, sex="male"), by_staff=True)
    services.check_in(first, day=event.starts_on, user=staff)
    services.check_in(first, day=event.ends_on, user=staff)
    services.fund_travel(second, user=staff, dsa_rate=Decimal("120.00"), nights=3, ticket_cost=Decimal("410.50"))
    return first, second


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def read_xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_registrations_csv_and_xlsx_neutralise_formulas(office, event, registered):
    rows = read_csv(office.get(f"/workspace/events/{event.slug}/export/registrations.csv"))
    assert rows[0][:3] == ["Last name", "First name", "Country"]
    assert [row[:2] for row in rows[1:]] == [["Beridze1", "'" + FORMULA], ["Beridze2", "Nino2"]]
    assert rows[1][rows[0].index("Days attended")] == "2"
    assert rows[2][rows[0].index("State")] == "Approved"

    sheet = read_xlsx(office.get(f"/workspace/events/{event.slug}/export/registrations.xlsx"))
    assert sheet[1][1] == "'" + FORMULA
    assert sheet[1][sheet[0].index("Days attended")] == 2
    assert sheet[2][sheet[0].index("Sex")] == "Male"


def test_attendance_export_has_a_row_per_check_in(office, event, registered):
    rows = read_xlsx(office.get(f"/workspace/events/{event.slug}/export/attendance.xlsx"))

    assert [(row[0], row[4]) for row in rows[1:]] == [
        ("Beridze1", datetime.datetime(2016, 5, 10)),
        ("Beridze1", datetime.datetime(2016, 5, 11)),
    ]
    assert read_csv(office.get(f"/workspace/events/{event.slug}/export/attendance.csv"))[1][1] == "'" + FORMULA


def test_travel_export_gives_committed_costs(office, event, registered):
    rows = read_csv(office.get(f"/workspace/events/{event.slug}/export/travel.csv"))
    header, row = rows[0], rows[1]

    assert row[0] == "Beridze2"
    assert row[header.index("DSA (EUR)")] == "360.00"
    assert row[header.index("Committed (EUR)")] == "770.50"


def test_unknown_exports_are_404(office, event):
    assert office.get(f"/workspace/events/{event.slug}/export/people.csv").status_code == 404
    assert office.get(f"/workspace/events/{event.slug}/export/registrations.pdf").status_code == 404


@pytest.mark.parametrize(
    ("visitor", "status"),
    [("anonymous", 302), ("no_role", 403), ("focal_point", 403), ("donor", 403), ("finance_officer", 200)],
)
def test_who_may_export(client, event, visitor, status):
    user = make_user(visitor)
    if user:
        client.force_login(user)
    assert client.get(f"/workspace/events/{event.slug}/export/travel.xlsx").status_code == status


def test_finance_officer_exports_registrations(client, event, registered):
    client.force_login(make_user(Role.FINANCE_OFFICER))
    assert len(read_csv(client.get(f"/workspace/events/{event.slug}/export/registrations.csv"))) == 3


def test_exports_read_in_a_fixed_number_of_queries(office, event, form, registered):
    def queries(what):
        with CaptureQueriesContext(connection) as captured:
            assert office.get(f"/workspace/events/{event.slug}/export/{what}.csv").status_code == 200
        return len(captured)

    before = {what: queries(what) for what in ("registrations", "attendance", "travel")}
    form.capacity = None
    form.save()
    for n in range(3, 8):
        more = services.register_person(form, person_fields=person(n), by_staff=True)
        services.check_in(more, day=event.starts_on, user=None)
        services.fund_travel(more, user=None, dsa_rate=Decimal(100), nights=1)

    assert {what: queries(what) for what in before} == before


@pytest.mark.parametrize(("what", "rows"), [("registrations", 2), ("attendance", 2), ("travel", 1)])
def test_each_export_is_in_the_audit_log_with_who_the_event_and_its_rows(office, staff, event, registered, what, rows):
    AuditEntry.objects.all().delete()

    read_xlsx(office.get(f"/workspace/events/{event.slug}/export/{what}.xlsx"))

    entry = AuditEntry.objects.get()
    about = (entry.action, entry.user, entry.object_type, entry.object_id)
    assert about == (f"events.{what}.downloaded", staff, "events.event", str(event.pk))
    assert entry.data == {"file": f"{event.slug}-{what}.xlsx", "rows": rows}


def test_a_refused_or_unknown_export_leaves_no_download_in_the_log(client, office, event, registered):
    AuditEntry.objects.all().delete()
    office.get(f"/workspace/events/{event.slug}/export/registrations.pdf")
    client.force_login(make_user("focal_point"))
    client.get(f"/workspace/events/{event.slug}/export/registrations.csv")

    assert not AuditEntry.objects.exists()


# --- sample data ------------------------------------------------------------------------------------------------


def test_the_exports_of_a_sample_event_say_so_in_every_sheet_and_in_their_name(office, event, registered):
    Event.objects.filter(pk=event.pk).update(is_sample=True)

    for what in ("registrations", "attendance", "travel"):
        (rows,) = sample_sheets(office.get(f"/workspace/events/{event.slug}/export/{what}.xlsx"))
        assert rows[0][:2] == ("Last name", "First name"), what  # the header moves to row 2
    (rows,) = sample_sheets(office.get(f"/workspace/events/{event.slug}/export/registrations.xlsx"))
    assert [row[:2] for row in rows[1:]] == [("Beridze1", "'" + FORMULA), ("Beridze2", "Nino2")]
    response = office.get(f"/workspace/events/{event.slug}/export/registrations.csv")
    assert file_name(response) == f"{event.slug}-registrations-SAMPLE-DATA.csv"
    assert read_csv(response)[0][:2] == ["Last name", "First name"]  # CSV: a header, then rows, always


def test_a_sample_registration_marks_the_export_of_a_real_event(office, event, registered):
    real = office.get(f"/workspace/events/{event.slug}/export/registrations.xlsx")
    assert file_name(real) == f"{event.slug}-registrations.xlsx"
    assert real_sheets(real)[0][0][:2] == ("Last name", "First name")

    Registration.objects.filter(pk=registered[1].pk).update(is_sample=True)

    (rows,) = sample_sheets(office.get(f"/workspace/events/{event.slug}/export/registrations.xlsx"))
    assert len(rows) == 3


# --- octopus.downloads --------------------------------------------------------------------------------------------


def test_contains_sample_asks_each_queryset_once_whether_it_holds_a_sample_record(
    staff, event, django_assert_num_queries
):
    sample = make_event(staff, slug="sample-2016", is_sample=True)
    real = Event.objects.filter(pk=event.pk)

    with django_assert_num_queries(1):
        assert contains_sample(real) is False
    with django_assert_num_queries(2):
        assert contains_sample(real, Event.objects.filter(pk=sample.pk)) is True
    assert contains_sample(Event.objects.none()) is False
    assert contains_sample() is False


def test_an_attachment_of_sample_data_says_so_in_its_name():
    plain = attachment(b"%PDF", name="badges.pdf", content_type=PDF)
    marked = attachment(b"%PDF", name="badges.pdf", content_type=PDF, sample=True)
    bare = attachment("x", name="notes", content_type=CSV, sample=True)

    assert plain["Content-Disposition"] == 'attachment; filename="badges.pdf"'
    assert marked["Content-Disposition"] == 'attachment; filename="badges-SAMPLE-DATA.pdf"'
    assert (marked["Content-Type"], marked.content) == (PDF, b"%PDF")
    assert file_name(bare) == "notes-SAMPLE-DATA"


def tables() -> tuple[Table, Table]:
    return Table("People", ["Name", "Age"], [["Ana", 31]]), Table("Places", ["City"], [["Tbilisi"]])


def test_a_table_download_of_sample_data_has_the_note_above_the_header_of_every_sheet():
    response = table_download("xlsx", "people", *tables(), sample=True)

    assert file_name(response) == "people-SAMPLE-DATA.xlsx"
    assert sample_sheets(response) == [[("Name", "Age"), ("Ana", 31)], [("City",), ("Tbilisi",)]]


def test_a_table_download_of_real_data_starts_with_its_header():
    response = table_download("xlsx", "people", *tables())

    assert file_name(response) == "people.xlsx" and not is_marked(response)
    assert sheets(response) == [[("Name", "Age"), ("Ana", 31)], [("City",), ("Tbilisi",)]]
    csv_response = table_download("csv", "people", *tables())
    assert file_name(csv_response) == "people.csv"
    assert read_csv(csv_response) == [["Name", "Age"], ["Ana", "31"]]


def test_a_table_with_its_own_note_marks_the_whole_download():
    table, more = tables()
    table.sample_note = "SAMPLE DATA — this programme is invented."

    response = table_download("xlsx", "people", table, more)

    assert file_name(response) == "people-SAMPLE-DATA.xlsx"
    first, second = sheets(response)
    assert first[0][0] == "SAMPLE DATA — this programme is invented."  # its own note is kept
    assert second[0][0] == str(SAMPLE_NOTE) and second[1] == ("City",)
    assert file_name(table_download("csv", "people", *tables(), sample=True)) == "people-SAMPLE-DATA.csv"
    with pytest.raises(Http404):
        table_download("pdf", "people", *tables(), sample=True)


def test_a_download_tells_its_sent_callback_the_file_name_and_the_rows_written():
    sent = []
    table, more = tables()
    table._rows = [["Ana", 31], ["Nino", 40]]

    table_download("xlsx", "people", table, more, sample=True, sent=lambda *args: sent.append(args))
    attachment(b"%PDF", name="badges.pdf", content_type=PDF, sent=lambda *args: sent.append(args))

    assert sent == [("people-SAMPLE-DATA.xlsx", 2), ("badges.pdf",)]

"""An event's lists as CSV (read with csv) and XLSX (read with openpyxl); formulas neutralised in both."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from octopus.accounts.models import Role
from octopus.conftest import make_user
from octopus.events import services
from octopus.events.tests.conftest import person

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

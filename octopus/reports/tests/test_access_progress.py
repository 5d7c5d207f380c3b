"""Who reads and keeps progress reports: every kind of visitor (`octopus.testing.helpers.VISITORS`) × every page
under workspace/reports/. Those who read the programme (`results.view_programme`: staff, the finance officer, focal
points, and a donor for the programmes it funds) read its reports; programme staff and administrators
(`results.manage`) create reports and keep their sections; anyone else is refused the standard way and nothing is
written. A programme a donor does not fund is a 404 to it, as on the results pages."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.reports import services
from octopus.reports.models import Report, ReportSection, SectionKey
from octopus.results.models import Programme, ProgrammeFunder
from octopus.testing.access_matrix import (
    StateBefore,
    Visit,
    check_page_read,
    check_page_write,
    each_visitor,
    methods_answered_but_not_served,
    page_reads,
    page_writes,
    redirected_to,
    served_pages,
)
from octopus.testing.helpers import VISITORS, PageAccess, make_user

D = datetime.date
MANAGERS = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value})
READERS = MANAGERS | {
    Role.FINANCE_OFFICER.value,
    Role.TCY_SECRETARIAT.value,
    Role.FOCAL_POINT.value,
    Role.DONOR.value,  # the donor of the access tests (DONOR-1) funds the programme
}
PREFIXES = ("workspace/reports/",)

PAGES = {
    "reports:report_list": PageAccess(read=READERS, write=MANAGERS),  # POST creates a report
    "reports:report": PageAccess(read=READERS, write=MANAGERS),  # POST saves a section or moves it on
    "reports:report_pdf": PageAccess(read=READERS, write=None),  # the report as a PDF
}


@dataclass
class World(Visit):
    report: Report


@pytest.fixture
def report(db) -> Report:
    programme = Programme.objects.create(
        code="funded",
        title="Funded programme",
        starts_on=D(2014, 1, 1),
        ends_on=D(2019, 12, 31),
        budget_ceiling=Decimal(1000),
        implementing_office="C-PROC",
    )
    ProgrammeFunder.objects.create(programme=programme, donor_code="DONOR-1", name="Donor one")
    return services.create_report(programme, period_start=D(2016, 1, 1), period_end=D(2016, 12, 31))


def make_world(**visit) -> World:
    return World(**visit)


def path_of(report: Report):
    def path(route: str) -> str:
        if route == "reports:report_list":
            return reverse(route, args=[report.programme.code])
        return reverse(route, args=[report.programme.code, report.pk])

    return path


def database_state() -> dict:
    return {
        "reports": list(Report.objects.order_by("pk").values("pk", "title", "version")),
        "sections": list(ReportSection.objects.order_by("pk").values("pk", "text", "status", "version")),
    }


def created(world, response):
    made = Report.objects.get(title="Second half of 2017")
    redirected_to(response, "reports:report", made.programme.code, made.pk)
    assert made.created_by == world.user


def saved(world, response):
    section = world.report.sections.get(key=SectionKey.SUMMARY)
    assert response.status_code == 302
    assert (section.text, section.version) == ("Written in the access test.", 2)


def forms(report: Report) -> dict:
    summary = report.sections.get(key=SectionKey.SUMMARY)
    return {
        "reports:report_list": (
            {"title": "Second half of 2017", "period_start": "2017-07-01", "period_end": "2017-12-31"},
            created,
        ),
        "reports:report": ({"section": summary.pk, "text": "Written in the access test.", "version": 1}, saved),
    }


def test_every_page_under_workspace_reports_has_an_expectation():
    assert served_pages(PREFIXES) == set(PAGES)


@pytest.mark.parametrize("route", page_reads(PAGES))
def test_page_read(report, route):
    path = path_of(report)(route)
    for visitor, world in each_visitor(make_world, report=report):
        state = StateBefore(database_state)

        response = world.client.get(path)

        check_page_read(visitor, response, path, PAGES[route].read)
        state.assert_unchanged(visitor)


@pytest.mark.parametrize("route", page_writes(PAGES))
def test_page_write(report, route):
    path = path_of(report)(route)
    form, took_effect = forms(report)[route]
    for visitor, world in each_visitor(make_world, report=report):
        state = StateBefore(database_state)

        response = world.client.post(path, form)

        check_page_write(visitor, world, response, path, PAGES[route].write, took_effect, state)


@pytest.mark.parametrize("route", list(PAGES))
def test_a_programme_the_donor_does_not_fund_is_a_404_to_it(report, client, route):
    ProgrammeFunder.objects.filter(programme=report.programme).update(donor_code="OTHER")
    client.force_login(make_user(Role.DONOR.value))

    assert client.get(path_of(report)(route)).status_code == 404


def test_every_visitor_is_in_the_matrix():
    assert set(VISITORS) >= READERS | MANAGERS


def test_no_page_answers_a_method_it_does_not_serve(report, client):
    client.force_login(make_user(Role.PROGRAMME_STAFF.value))

    assert methods_answered_but_not_served(client, PAGES, path_of(report)) == {}

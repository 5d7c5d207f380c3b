"""The results framework in a real browser: dashboard, drill-down into an indicator, the IPTT exported and opened."""

import io
import os

import openpyxl
import pytest

from octopus.accounts.models import Role
from octopus.results.tests.conftest import approved, build_programme, make_reviewer
from octopus.testing.helpers import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_open_the_dashboard_drill_into_an_indicator_and_export_the_iptt(page, live_server):
    built = build_programme(make_user(Role.PROGRAMME_STAFF), make_reviewer())
    approved(built, built.workshops, "2015", 9)
    approved(built, built.workshops, "2016", 14)
    sign_in(page, live_server, built.staff)

    page.goto("/workspace/results/test-programme/?at=2019-12-31")
    page.wait_for_selector('[data-chart="progress-spec"][data-chart-ready="true"]', timeout=20_000)
    row = page.locator('[data-indicator="1.1"]')
    assert row.locator("[data-actual]").inner_text() == "23"
    assert row.locator("[data-status]").get_attribute("data-status") == "within_ceiling"
    page.screenshot(path=os.environ.get("OCTOPUS_SCREENSHOT_RESULTS", "/tmp/octopus-results.png"), full_page=True)

    row.get_by_role("link", name="Workshops held").click()
    page.wait_for_selector('[data-chart="indicator-chart"][data-chart-ready="true"]', timeout=20_000)
    assert page.locator('[data-period="2016"] td').nth(2).inner_text() == "14"
    page.locator('[data-period="2016"] [data-drilldown]').click()
    page.wait_for_url("**/records/?period=2016**")
    assert page.locator("[data-records] tr").count() == 1
    assert "1.1 2016: 14" in page.locator("[data-records]").inner_text()

    page.goto("/workspace/results/test-programme/iptt/?at=2019-12-31")
    with page.expect_download() as download:
        page.locator('[data-export="xlsx"]').click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))["IPTT"]  # noqa: SIM115
    header = [cell.value for cell in sheet[1]]
    workshops = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "1.1")
    unit = "(in the row's unit)"  # every figure is a number cell; the comparator has a column of its own
    assert workshops[header.index(f"LoP actual {unit}")] == 23
    assert (workshops[header.index("LoP target comparator")], workshops[header.index(f"LoP target {unit}")]) == (
        "up to",
        25,
    )
    assert workshops[header.index(f"2016 actual {unit}")] == 14
    assert page.outside_requests == []
    assert page.problems == []

"""The portal in a real browser: Debian's Chromium driven by Playwright, with no network beyond localhost."""

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_counts_map_and_timeline_from_localhost_only(page):
    page.goto("/")

    page.wait_for_selector('[data-chart="map-spec"][data-chart-ready="true"]', timeout=20_000)
    page.wait_for_selector('[data-chart="timeline-spec"][data-chart-ready="true"]', timeout=20_000)
    countries_drawn = page.locator('[data-chart="map-spec"] svg path').count()
    party_count = page.locator('[data-treaty="185"] [data-count="party"]').inner_text()
    page.screenshot(path=os.environ.get("OCTOPUS_SCREENSHOT", "/tmp/octopus-home.png"), full_page=True)

    assert countries_drawn > 150
    assert int(party_count) >= 70
    assert page.locator("[data-freshness]").inner_text().startswith("Reference data compiled from sources dated up")
    assert page.outside_requests == []
    assert page.problems == []  # no script error and no Content-Security-Policy violation


def test_a_country_on_the_map_opens_its_page(page):
    page.goto("/")
    page.wait_for_selector('[data-chart="map-spec"][data-chart-ready="true"]', timeout=20_000)

    page.locator('[data-chart="map-spec"] path[aria-label^="Germany"]').click()

    page.wait_for_url("**/countries/DE/", timeout=10_000)
    assert page.locator("h1").inner_text() == "Germany"


def test_a_visitor_follows_a_country_link_and_sees_its_status_with_sources(page):
    page.goto("/")
    page.locator('[data-treaty="185"]').get_by_role("link", name="States and their status").click()
    page.wait_for_url("**/countries/?treaty=185")

    page.get_by_role("link", name="France", exact=True).click()

    page.wait_for_url("**/countries/FR/")
    status = page.locator('[data-treaty="185"] [data-status]')
    assert status.get_attribute("data-status") == "party"
    assert "since 1 May 2006" in status.inner_text()
    assert page.get_by_text("CoE Treaty Office chart").first.is_visible()
    assert page.problems == []


def test_the_at_view_shows_the_world_as_it_stood_on_that_date(page):
    page.goto("/")
    page.locator("#at").fill("2004-07-01")
    page.get_by_role("button", name="Show").click()

    page.wait_for_url("**/?at=2004-07-01")
    page.wait_for_selector('[data-chart="map-spec"][data-chart-ready="true"]', timeout=20_000)
    # Albania, Croatia, Estonia, Hungary and Lithuania: in force on 1 July 2004.
    assert page.locator('[data-treaty="185"] [data-count="party"]').inner_text() == "5"

    page.goto("/countries/FR/?at=2006-04-30")
    assert page.locator('[data-treaty="185"] [data-status]').get_attribute("data-status") == "ratified"
    assert page.problems == []


def test_api_docs_page_works_under_the_content_security_policy(page):
    page.goto("/api/v1/docs")

    page.wait_for_selector("text=treaty-status", timeout=20_000)
    assert page.outside_requests == []
    assert page.problems == []

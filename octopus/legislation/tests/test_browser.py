"""A legislation profile in a real browser, as the issue's acceptance walks it: Georgia's focal point records what
its law now provides on Article 6, staff approve it, and the public profile and heat map show the change."""

import datetime

import pytest
from django.utils import timezone

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.legislation.models import Assessment, ReviewState
from octopus.legislation.services.profiles import record_assessment
from octopus.testing.helpers import make_user, sign_in
from octopus.treaties.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_focal_point_edits_an_article_staff_approve_and_the_public_sees_it(page, live_server):
    staff, focal = make_user(Role.PROGRAMME_STAFF), make_user(Role.FOCAL_POINT)  # the focal point is Georgia's
    georgia = Country.objects.get(iso2="GE")
    misuse = Article.objects.get(treaty__number=185, number=6)
    record_assessment(
        georgia,
        misuse,
        level="not_in_place",
        source="tcy_assessment",
        reviewed=True,
        user=staff,
        assessed_on=datetime.date(2015, 3, 1),
    )
    today = timezone.localdate()
    provisions = "Criminal Code, Article 286: production and sale of devices for illegal access."

    # Georgia's focal point opens its country's profile from the workspace and records a statement on Article 6.
    sign_in(page, live_server, focal)
    page.goto("/workspace/legislation/")
    page.get_by_role("link", name="Edit your country's profile").click()
    page.wait_for_url("**/workspace/legislation/countries/GE/")
    page.locator("tr[data-article='6'] [data-action='record']").click()
    page.get_by_label("Compliance").select_option("in_place")
    page.get_by_label("Source").select_option("self_report")
    page.get_by_label("As of").fill(today.isoformat())
    page.get_by_label("Provisions of national law").fill(provisions)
    page.get_by_role("button", name="Record as a draft").click()
    page.wait_for_url("**/workspace/legislation/countries/GE/**")
    draft = Assessment.objects.get(country=georgia, article=misuse, state=ReviewState.DRAFT)
    assert draft.recorded_by == focal

    # Until staff review it, the public still sees the old level.
    public = page.context.browser.new_context(base_url=live_server.url).new_page()
    public.goto("/legislation/GE/")
    assert public.locator("tr[data-article='6'] td[data-level]").get_attribute("data-level") == "not_in_place"
    assert provisions not in public.content()

    # Staff find it in the review queue, see the change proposed, and accept it.
    reviewer = page.context.browser.new_context(base_url=live_server.url).new_page()
    sign_in(reviewer, live_server, staff)
    reviewer.goto("/workspace/legislation/review/")
    row = reviewer.locator(f"tr[data-assessment='{draft.pk}']")
    assert "Georgia" in row.inner_text()
    row.get_by_role("button", name="Accept").click()
    reviewer.locator(f"tr[data-assessment='{draft.pk}']").wait_for(state="detached")
    draft.refresh_from_db()
    assert (draft.state, draft.reviewed_by) == (ReviewState.REVIEWED, staff)

    # The public profile and the heat map now show Article 6 in place in Georgia.
    public.goto("/legislation/GE/")
    assert public.locator("tr[data-article='6'] td[data-level]").get_attribute("data-level") == "in_place"
    assert provisions in public.locator("tr[data-article='6'] [data-provisions]").inner_text()
    public.goto("/legislation/")
    georgia_row = public.locator("tr[data-iso2='GE']")
    column = public.locator("thead th[data-article]").evaluate_all(
        "cells => cells.findIndex(cell => cell.dataset.article === '6')"
    )
    assert georgia_row.locator("td[data-level]").nth(column).get_attribute("data-level") == "in_place"
    assert georgia_row.locator("td[data-share]").inner_text().strip() == "100.0 %"
    assert page.problems == [] and page.outside_requests == []
    public.context.close()
    reviewer.context.close()

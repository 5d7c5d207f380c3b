"""A contribution in a real browser, as the issue's acceptance walks it: the finance officer records a pledge in US
dollars, the agreement and a first instalment, and the funding gap on the dashboard shrinks by what was signed."""

import datetime
from decimal import Decimal

import pytest

from octopus.accounts.models import Role
from octopus.funding.models import Contribution, DonorKind
from octopus.funding.services.contributions import record_donor
from octopus.funding.services.rates import record_rate
from octopus.testing.helpers import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date
DASHBOARD = "/workspace/funding/?programme=cybercrime-octopus&at=2016-12-31"


def kpi(page, key: str) -> str:
    return page.locator(f"[data-kpi='{key}'] [data-value]").inner_text().strip()


def test_the_finance_officer_records_a_pledge_an_agreement_and_a_receipt_in_dollars(page, live_server):
    finance = make_user(Role.FINANCE_OFFICER)
    record_rate("USD", D(2016, 3, 1), Decimal("1.25"), source="ECB reference rate", user=finance)
    record_donor(code="sample-state", name="Sample State", kind=DonorKind.STATE, user=finance)
    sign_in(page, live_server, finance)

    # Nothing is recorded yet: the page says so and names the ceiling, with no zeros passed off as figures.
    page.goto(DASHBOARD)
    assert "No contribution recorded for this programme yet" in page.locator("[data-empty-title]").inner_text()
    assert "3,500,000.00 EUR" in page.locator("[data-ceiling]").inner_text()
    assert page.locator("[data-kpi='gap']").count() == 0

    # The pledge, in dollars.
    page.goto("/workspace/funding/contributions/")
    page.locator("[data-action=pledge]").click()
    page.get_by_label("Programme").select_option(label="Cybercrime@Octopus")
    page.get_by_label("Donor").select_option(label="Sample State")
    page.get_by_label("Title").fill("Support to Output 3")
    page.get_by_label("Currency").fill("usd")
    page.get_by_label("Amount pledged").fill("150000.00")
    page.get_by_label("Pledged on").fill("2016-03-01")
    page.get_by_role("button", name="Record the pledge").click()
    contribution = Contribution.objects.get(title="Support to Output 3")
    page.wait_for_url(f"**/workspace/funding/contributions/{contribution.pk}/")
    assert "= EUR 120,000.00" in page.locator("[data-pledged]").inner_text()

    # The agreement binds less than was pledged; its EUR value uses the rate of the week.
    agreement = page.locator("[data-agreement-form]")
    agreement.get_by_label("Signed on").fill("2016-03-04")
    agreement.get_by_label("Amount signed").fill("125000.00")
    agreement.get_by_role("button", name="Save the agreement").click()
    page.locator("[data-status='signed']").wait_for()
    assert "1 EUR = 1.25" in page.locator("[data-signed] [data-rate]").inner_text()

    # A first instalment.
    receipt = page.locator("[data-receipt-form]")
    receipt.get_by_label("Value date").fill("2016-03-07")
    receipt.get_by_label("Amount received").fill("62500.00")
    receipt.get_by_role("button", name="Record the receipt").click()
    page.locator("[data-receipts] [data-receipt]").wait_for()
    assert page.locator("[data-receipts] [data-value]").inner_text() == "50,000.00"

    # The dashboard: the gap shrank by the 100,000.00 EUR signed; 50,000.00 EUR came in.
    page.goto(DASHBOARD)
    assert kpi(page, "signed") == "100,000.00 EUR"
    assert kpi(page, "received") == "50,000.00 EUR"
    assert kpi(page, "gap") == "3,400,000.00 EUR"

    # Bringing in the costs other apps know runs in a real transaction (here: nothing to bring in).
    page.goto("/workspace/funding/expenditure/")
    page.get_by_role("button", name="Bring in costs from events and the committee").click()
    assert "Nothing new to bring in" in page.locator(".alert").first.inner_text()
    assert page.problems == [] and page.outside_requests == []

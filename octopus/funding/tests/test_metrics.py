"""The funding metrics for the logframe and reports: values, breakdowns and drill-downs at period boundaries."""

import datetime
from decimal import Decimal

import pytest

from octopus.accounts.models import Role
from octopus.funding.models import ContributionStatus, CostCategory, Earmark
from octopus.funding.tests.test_position import (
    COMMITTED,
    SPENT,
    budget,
    contribution,
    donor,
    expense,
    node,
    rate,
    receipt,
)
from octopus.lib.metrics import MetricError, reading, registry
from octopus.testing.helpers import make_user

D = Decimal
P = {"programme": "cybercrime-octopus"}
pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def money():
    a, b = donor("a", "Alpha"), donor("b", "Beta")
    signed = contribution(
        a,
        "1000000.00",
        day("2023-01-10"),
        status=ContributionStatus.SIGNED,
        signed_on=day("2023-02-01"),
        signed="900000.00",
    )
    receipt(signed, "400000.00", day("2023-03-01"))
    receipt(signed, "300000.00", day("2024-03-01"))
    usd = rate("USD", day("2023-05-01"), "1.10")
    in_dollars = contribution(b, "110000.00", day("2023-05-01"), currency="USD", rate_row=usd)
    receipt(in_dollars, "11000.00", day("2023-12-31"), usd)  # 10,000.00 EUR
    Earmark.objects.create(contribution=in_dollars, amount=D("55000.00"), node=node("3"))
    contribution(donor("c"), "50000.00", day("2023-03-01"), status=ContributionStatus.CANCELLED)
    budget(1, day("2023-01-01"), [("1", CostCategory.STAFF, 2023, "100000.00")])
    budget(
        2,
        day("2024-01-01"),
        [("3", CostCategory.EVENTS, 2024, "200000.00"), ("A3.1", CostCategory.EXPERTS, 2024, "30000.00")],
    )
    expense("1", CostCategory.STAFF, SPENT, day("2023-06-30"), "50000.00")
    expense("A3.1", CostCategory.EXPERTS, SPENT, day("2024-01-15"), "20000.00")
    expense("3", CostCategory.EVENTS, COMMITTED, day("2024-02-01"), "10000.00")  # committed: not spent
    expense("3", CostCategory.EVENTS, SPENT, day("2024-12-31"), "3000.00")


def value(key, start, end, **params):
    return registry.evaluate(key, day(start), day(end), **{**P, **params})


def test_pledged_counts_pledges_dated_in_the_period(money):
    assert value("funding.pledged", "2023-01-10", "2023-05-01") == D("1100000.00")  # both ends included
    assert value("funding.pledged", "2023-01-11", "2023-04-30") == D("0.00")  # cancelled one not counted
    assert registry.breakdown("funding.pledged", "donor", day("2023-01-01"), day("2023-12-31"), **P) == {
        "Alpha": D("1000000.00"),
        "Beta": D("100000.00"),
    }
    records = registry.records("funding.pledged", day("2023-01-10"), day("2023-05-01"), **P)
    assert [c.donor.code for c in records] == ["a", "b"]


def test_received_counts_receipts_by_value_date(money):
    assert value("funding.received", "2023-03-01", "2023-12-31") == D("410000.00")
    assert value("funding.received", "2023-03-02", "2023-12-30") == D("0.00")
    assert value("funding.received", "2024-01-01", "2024-12-31") == D("300000.00")
    assert registry.breakdown("funding.received", "donor", day("2023-01-01"), day("2023-12-31"), **P) == {
        "Alpha": D("400000.00"),
        "Beta": D("10000.00"),
    }
    records = registry.records("funding.received", day("2023-01-01"), day("2023-12-31"), **P)
    assert [r.eur for r in records] == [D("400000.00"), D("10000.00")]


def test_spent_counts_spending_not_commitments(money):
    assert value("funding.spent", "2024-01-01", "2024-12-31") == D("23000.00")
    assert value("funding.spent", "2024-01-16", "2024-12-30") == D("0.00")
    by_output = registry.breakdown("funding.spent", "output", day("2023-01-01"), day("2024-12-31"), **P)
    assert by_output == {"1": D("50000.00"), "3": D("23000.00")}  # A3.1 is part of output 3
    by_category = registry.breakdown("funding.spent", "category", day("2024-01-01"), day("2024-12-31"), **P)
    assert by_category == {"Experts": D("20000.00"), "Events": D("3000.00")}
    assert len(list(registry.records("funding.spent", day("2024-01-01"), day("2024-12-31"), **P))) == 2


def test_gap_on_the_periods_last_day(money):
    assert value("funding.gap", "2023-01-01", "2023-01-31") == D("3500000.00")
    assert value("funding.gap", "2023-01-01", "2023-02-01") == D("2600000.00")
    assert [c.donor.code for c in registry.records("funding.gap", day("2023-01-01"), day("2023-02-01"), **P)] == ["a"]


def test_budget_spent_share_of_an_output(money):
    # Budget 1 (2023) has nothing for output 3: no share.
    assert value("funding.budget_spent_share", "2023-01-01", "2023-12-31", output="3") is None
    # Budget 2: 230,000 for output 3 (A3.1 included); 20,000 spent by 30 June 2024, 23,000 by the year's end.
    assert value("funding.budget_spent_share", "2024-01-01", "2024-06-30", output="3") == D("8.7")
    assert value("funding.budget_spent_share", "2024-01-01", "2024-12-31", output="3") == D("10.0")
    records = registry.records("funding.budget_spent_share", day("2024-01-01"), day("2024-12-30"), output="3", **P)
    assert [e.eur for e in records] == [D("20000.00")]
    # Output 1 is not in budget 2: no share once it is in force.
    assert value("funding.budget_spent_share", "2023-01-01", "2023-12-31", output="1") == D("50.0")
    assert value("funding.budget_spent_share", "2024-01-01", "2024-12-31", output="1") is None


def test_metrics_read_once_per_reading_and_refuse_bad_parameters(money, django_assert_num_queries):
    with reading():
        value("funding.pledged", "2023-01-01", "2023-12-31")
        with django_assert_num_queries(0):
            assert value("funding.pledged", "2024-01-01", "2024-12-31") == D("0.00")
            assert value("funding.gap", "2024-01-01", "2024-12-31") == D("2600000.00")
    with pytest.raises(MetricError, match="Unknown programme"):
        registry.evaluate("funding.pledged", day("2023-01-01"), day("2023-12-31"), programme="nope")
    with pytest.raises(MetricError, match="output"):
        registry.evaluate("funding.budget_spent_share", day("2023-01-01"), day("2023-12-31"))
    # No programme: all programmes.
    assert registry.evaluate("funding.pledged", day("2023-01-01"), day("2023-12-31")) == D("1100000.00")


def test_money_indicators_are_left_out_of_the_results_a_donor_or_a_focal_point_reads(client, programme, signed_usd):
    from django.urls import reverse

    from octopus.results.services import add_funder, define_indicator
    from octopus.testing.helpers import bearer_for

    staff = make_user(Role.PROGRAMME_STAFF)
    add_funder(programme, donor_code="DONOR-1", name="Donor one", user=staff)
    money = define_indicator(
        programme.nodes.get(code="O"),
        code="F.1",
        title="Funds signed by every donor",
        user=staff,
        metric_key="funding.pledged",
        unit="EUR",
    )
    dashboard = reverse("results:results_dashboard", args=[programme.code])
    records = reverse("results:results_records", args=[programme.code, money.pk])

    def seen(user) -> tuple[bool, int, bool]:
        client.force_login(user)
        # On the programme's last day, in the logframe version the indicator was added to (the latest).
        page = client.get(dashboard, {"at": "2020-12-31"}).content.decode()
        api = client.get(f"/api/v1/programmes/{programme.code}/values", {"at": "2020-12-31"}, **bearer_for(user))
        codes = [row["indicator"] for row in api.json()["indicators"]]
        return "Funds signed by every donor" in page, client.get(records).status_code, "F.1" in codes

    assert seen(staff) == (True, 200, True)
    assert seen(make_user(Role.DONOR)) == (False, 404, False)
    assert seen(make_user(Role.FOCAL_POINT)) == (False, 404, False)

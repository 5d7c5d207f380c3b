"""Money counted for its own programme (issue 15): the funding metrics read the programme from the reading, a cost
brought in from an event several programmes share is split by their shares to the cent, an event serving no
programme brings in nothing and is reported, figures that need more data say what is missing (page, exports and
API alike), and sample money never touches a real programme."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.events.models import Event, Kind, Registration, Travel, TravelStatus
from octopus.funding.exports import position_csv, position_data, position_xlsx
from octopus.funding.models import ContributionStatus, CostCategory, Expenditure, ExpenditureStatus
from octopus.funding.queries import MONTH_DAYS, cost_per_unit, funding_position
from octopus.funding.services import budget, contributions
from octopus.funding.services.budget import split_cost
from octopus.funding.tests.test_position import (
    SPENT,
    assert_sums,
    contribution,
    donor,
    expense,
    glacy,
    node,
    programme,
    receipt,
)
from octopus.funding.tests.test_position import budget as budget_of
from octopus.lib.errors import DomainError
from octopus.lib.metrics import reading, registry
from octopus.people.models import Person
from octopus.results.assignments import programme_scope
from octopus.results.queries import programme_results
from octopus.results.services import assign_programmes, define_indicator, latest_version
from octopus.testing.helpers import bearer_for, make_user

D = Decimal
day = datetime.date
pytestmark = pytest.mark.django_db
FUNDING_METRICS = ("funding.pledged", "funding.received", "funding.spent", "funding.gap")


def values(of, at) -> dict[str, list]:
    """Indicator code → its value in every period and to date, as programme_results gives them (in the logframe
    version the indicators were defined in: the latest)."""
    results = programme_results(of, at, version=latest_version(of))
    return {row.indicator.code: [p.actual for p in row.periods] + [row.to_date.actual] for row in results.indicators}


@pytest.fixture
def money_indicators():
    """Indicators of Cybercrime@Octopus computed from every funding metric, with no `programme` parameter: the
    reading gives the programme."""
    staff = make_user(Role.PROGRAMME_STAFF)
    objective = programme().nodes.get(code="O")
    for n, key in enumerate(FUNDING_METRICS):
        define_indicator(
            objective, code=f"F.{n + 1}", title=key, user=staff, metric_key=key, unit="EUR", frequency="year"
        )
    define_indicator(
        objective,
        code="F.9",
        title="Output 3 spent",
        user=staff,
        metric_key="funding.budget_spent_share",
        metric_params={"output": "3"},
        measure="percent",
        accumulation="latest",
        frequency="year",
    )


def test_money_of_another_programme_changes_none_of_cybercrime_octopus_funding_values(money_indicators):
    seed = programme()
    ours = contribution(
        donor("a"),
        "1000000.00",
        day(2016, 1, 10),
        status=ContributionStatus.SIGNED,
        signed_on=day(2016, 2, 1),
        signed="900000.00",
    )
    receipt(ours, "400000.00", day(2016, 3, 1))
    expense("3", CostCategory.EVENTS, SPENT, day(2016, 6, 30), "5000.00")
    budget_of(1, day(2016, 1, 1), [("3", CostCategory.EVENTS, 2016, "100000.00")])
    before = values(seed, day(2019, 12, 31))
    assert before["F.3"][-1] == D("5000.00") and before["F.9"][-1] == D("5.0")

    # GLACY+ records money of its own: a pledge signed and received, a budget, an expense on its output 3.
    other = glacy()
    theirs = contribution(
        donor("b"),
        "2000000.00",
        day(2016, 4, 1),
        status=ContributionStatus.SIGNED,
        signed_on=day(2016, 4, 2),
        signed="2000000.00",
        programme_row=other,
    )
    receipt(theirs, "1500000.00", day(2016, 5, 1))
    Expenditure.objects.create(
        programme=other,
        node=other.nodes.get(code="3"),
        category=CostCategory.EVENTS,
        status=SPENT,
        spent_on=day(2016, 7, 1),
        description="Workshop of GLACY+",
        currency="EUR",
        amount=D("7777.77"),
        eur=D("7777.77"),
    )
    budget_of(1, day(2016, 1, 1), [], programme_row=other)

    assert values(seed, day(2019, 12, 31)) == before
    # Outside a programme's reading the metrics count every programme; an explicit programme wins over the reading.
    assert registry.evaluate("funding.spent", day(2016, 1, 1), day(2016, 12, 31)) == D("12777.77")
    with reading(programme_scope(seed)):
        assert registry.evaluate("funding.spent", day(2016, 1, 1), day(2016, 12, 31)) == D("5000.00")
        assert registry.evaluate("funding.spent", day(2016, 1, 1), day(2016, 12, 31), programme="glacy-plus") == D(
            "7777.77"
        )


def test_sample_money_counts_only_in_a_reading_that_counts_sample_records():
    seed = programme()
    expense("3", CostCategory.EVENTS, SPENT, day(2016, 6, 30), "100.00")
    sample = expense("3", CostCategory.EVENTS, SPENT, day(2016, 6, 30), "900.00")
    Expenditure.objects.filter(pk=sample.pk).update(is_sample=True)  # as if it had slipped in
    period = (day(2016, 1, 1), day(2016, 12, 31))
    assert registry.evaluate("funding.spent", *period) == D("1000.00")  # outside a reading: everything
    with reading(programme_scope(seed)):  # a real programme never counts a sample row
        assert registry.evaluate("funding.spent", *period) == D("100.00")
        assert [e.eur for e in registry.records("funding.spent", *period)] == [D("100.00")]


# --- costs of a shared event -------------------------------------------------------------------------------------


def test_split_cost_puts_the_remainder_on_the_largest_share():
    assert split_cost(D("1000.01"), {1: D(50), 2: D(50)}) == {1: D("500.01"), 2: D("500.00")}  # tie: lowest id
    assert split_cost(D("100.00"), {3: D("33.33"), 1: D("33.33"), 2: D("33.34")}) == {
        3: D("33.33"),
        1: D("33.33"),
        2: D("33.34"),
    }
    assert split_cost(D("0.02"), {1: D(30), 2: D(70)}) == {1: D("0.00"), 2: D("0.02")}
    parts = split_cost(D("12345.67"), {1: D("12.5"), 2: D("60"), 3: D("27.5")})
    assert sum(parts.values()) == D("12345.67") and parts == {1: D("1543.20"), 2: D("7407.42"), 3: D("3395.05")}


def travel_to(event, cost: str) -> Travel:
    person = Person.objects.create(first_name="Ana", last_name=f"Traveller {event.pk}")
    registration = Registration.objects.create(event=event, person=person, state="approved")
    return Travel.objects.create(
        registration=registration,
        status=TravelStatus.RECONCILED,
        ticket_cost=D("1.00"),
        nights=0,
        dsa_rate=D("0.00"),
        actual_cost=D(cost),
        reconciled_on=event.ends_on,
    )


def conference(slug="shared-conference"):
    return Event.objects.create(
        title="Octopus 2016",
        slug=slug,
        kind=Kind.OCTOPUS_CONFERENCE,
        starts_on=day(2016, 11, 16),
        ends_on=day(2016, 11, 18),
    )


def test_a_shared_conference_splits_its_travel_cost_to_the_cent(client):
    seed, other = programme(), glacy()
    finance = make_user(Role.FINANCE_OFFICER)
    event = conference()
    activity = node("A1.1")
    assign_programmes(event, [(seed, D(50), activity), (other, D(50), None)])
    travel = travel_to(event, "1000.01")

    assert budget.sync_costs(seed, user=finance)["added"] == 1
    assert budget.sync_costs(other, user=finance)["added"] == 1

    rows = {row.programme.code: row for row in Expenditure.objects.filter(source_travel=travel)}
    # The seed programme was recorded first (the lower id): with equal shares it takes the remaining cent.
    assert (rows["cybercrime-octopus"].eur, rows["glacy-plus"].eur) == (D("500.01"), D("500.00"))
    assert sum(row.eur for row in rows.values()) == D("1000.01")
    assert {row.share for row in rows.values()} == {D("50.00")}
    assert rows["cybercrime-octopus"].node == node("1")  # the output of the activity the event serves there
    assert rows["glacy-plus"].node == other.nodes.get(code="1")  # no activity: by kind, the conference is output 1
    for of in (seed, other):
        assert_sums(funding_position(of, day(2016, 12, 31)))
    assert funding_position(seed, day(2016, 12, 31)).spent == D("500.01")
    client.force_login(finance)
    page = client.get(reverse("funding:expenditure_edit", args=[rows["glacy-plus"].pk])).content.decode()
    assert "this is this programme's share of the cost, 50 %" in page

    # A re-run changes nothing; moving the event wholly to GLACY+ removes the seed's part at its next sync.
    assert budget.sync_costs(seed, user=finance)["added"] == 0
    assign_programmes(event, [(other, D(100), None)])
    assert budget.sync_costs(seed, user=finance)["removed"] == 1
    assert budget.sync_costs(other, user=finance)["updated"] == 1
    assert [(r.programme.code, r.eur, r.share) for r in Expenditure.objects.filter(source_travel=travel)] == [
        ("glacy-plus", D("1000.01"), D("100.00"))
    ]


def test_an_event_serving_no_programme_brings_in_no_cost_and_is_reported():
    finance = make_user(Role.FINANCE_OFFICER)
    travel = travel_to(conference("nobodys-conference"), "700.00")

    counts = budget.sync_costs(programme(), user=finance)

    assert counts == {"added": 0, "updated": 0, "removed": 0, "skipped_closed": 0, "not_assigned": 1}
    assert not Expenditure.objects.filter(source_travel=travel).exists()


def test_the_sync_page_says_how_many_costs_are_not_assigned(client):
    client.force_login(make_user(Role.FINANCE_OFFICER))
    travel_to(conference("nobodys-conference"), "700.00")

    response = client.post(reverse("funding:funding_sync_costs"), {"programme": "cybercrime-octopus"}, follow=True)

    assert "1 not brought in: their event serves no programme" in response.content.decode()


# --- figures that need more data -------------------------------------------------------------------------------


def test_burn_rate_needs_months_of_expenditure():
    seed = programme()
    signed = contribution(
        donor("a"),
        "5000.00",
        day(2016, 1, 1),
        status=ContributionStatus.SIGNED,
        signed_on=day(2016, 1, 2),
        signed="5000.00",
    )
    receipt(signed, "5000.00", day(2016, 1, 15))
    expense("3", CostCategory.EVENTS, SPENT, day(2016, 5, 1), "1200.00")

    early = funding_position(seed, day(2016, 6, 30))
    assert early.burn_rate is None and early.runs_out is None
    assert early.missing == {
        "burn_rate": "fewer than 3 months of expenditure recorded (the first on 2016-05-01)",
        "runs_out": "no burn rate yet (fewer than 3 months of expenditure recorded (the first on 2016-05-01))",
    }

    later = funding_position(seed, day(2016, 8, 1))  # three months after the first expenditure
    assert later.burn_rate == D("100.00") and later.missing == {}
    assert later.runs_out == day(2016, 8, 1) + datetime.timedelta(days=int(D("3800.00") / D("100.00") * MONTH_DAYS))

    dormant = funding_position(seed, day(2018, 1, 1))
    assert dormant.burn_rate == D("0.00")  # a fact: nothing was spent in the 12 months
    assert dormant.runs_out is None
    assert dormant.missing == {"runs_out": "nothing spent in the last 12 months: no rate to project"}


def test_page_exports_and_api_give_the_same_missing_text(client):
    seed = programme()
    contribution(donor("a"), "1000.00", day(2016, 1, 1))  # a pledge, no expenditure yet
    finance = make_user(Role.FINANCE_OFFICER)
    client.force_login(finance)
    missing = "no expenditure recorded yet"
    no_workshops = "no workshops recorded for this programme"

    html = client.get(reverse("funding:funding_position"), {"at": "2016-12-31"}).content.decode()
    assert f"data-missing>{missing}</div>" in html and no_workshops in html
    assert "0.00 <span" not in html.split('data-kpi="burn_rate"')[1].split("</div></div></div>")[0]

    position = funding_position(seed, day(2016, 12, 31))
    units = cost_per_unit(seed, day(2016, 12, 31))
    book = openpyxl.load_workbook(io.BytesIO(position_xlsx(position, units)))
    totals = {row[0]: row[1:] for row in book["Totals"].iter_rows(min_row=2, values_only=True)}
    assert totals["Burn rate per month"] == (None, "EUR per month", missing)
    per_unit = {row[0]: row for row in book["Cost per output unit"].iter_rows(min_row=2, values_only=True)}
    assert per_unit["per workshop held"][4] is None and per_unit["per workshop held"][5] == no_workshops
    rows = list(csv.DictReader(io.StringIO(position_csv(position, units))))
    burn = next(row for row in rows if row["Measure"] == "Burn rate per month")
    assert (burn["Value"], burn["Unit"], burn["What is missing"]) == ("", "EUR per month", missing)
    assert position_data(position)["burn_rate"] is None and position_data(position)["missing"]["burn_rate"] == missing

    api = client.get("/api/v1/funding/position", {"programme": seed.code, "at": "2016-12-31"}, **bearer_for(finance))
    assert api.status_code == 200
    data = api.json()
    assert (data["burn_rate"], data["missing"]["burn_rate"], data["runs_out"]) == (None, missing, None)
    assert data["currency"] == "EUR"
    workshop = next(row for row in data["unit_costs"] if row["key"] == "workshop")
    assert (workshop["per_unit"], workshop["missing"]) == (None, no_workshops)


def test_an_empty_programme_shows_no_zeros_but_says_what_to_do(client):
    client.force_login(make_user(Role.FINANCE_OFFICER))

    html = client.get(reverse("funding:funding_position"), {"programme": "cybercrime-octopus"}).content.decode()

    assert "No contribution recorded for this programme yet: record a pledge." in html
    assert "data-kpis" not in html and 'data-action="first-pledge"' in html
    assert "3,500,000.00 EUR" in html  # the ceiling is a fact of the programme document


# --- sample money ----------------------------------------------------------------------------------------------


def test_sample_money_is_refused_on_a_real_programme():
    finance = make_user(Role.FINANCE_OFFICER)
    seed = programme()
    sample_donor = contributions.record_donor(code="S", name="Sample", kind="state", user=finance, is_sample=True)

    with pytest.raises(DomainError, match="Sample money is recorded only on a sample programme"):
        contributions.pledge_contribution(
            seed,
            sample_donor,
            title="x",
            currency="EUR",
            amount=D("1.00"),
            pledged_on=day(2016, 1, 1),
            user=finance,
            is_sample=True,
        )
    with pytest.raises(DomainError, match="Sample money"):
        budget.record_expenditure(
            seed,
            node=node("3"),
            category="staff",
            status=ExpenditureStatus.SPENT,
            spent_on=day(2016, 1, 1),
            description="x",
            currency="EUR",
            amount=D("1.00"),
            user=finance,
            is_sample=True,
        )
    with pytest.raises(DomainError, match="Sample money"):
        budget.adopt_budget(
            seed,
            adopted_on=day(2016, 1, 1),
            lines=[(node("3"), "staff", 2016, D("1.00"))],
            user=finance,
            is_sample=True,
        )
    assert not seed.contributions.exists() and not seed.expenditure.exists() and not seed.budgets.exists()

"""The funding position (issue 7): exact values on a hand-made set, the as-at rule, totals equal to the sum of
their rows on generated data, a fixed number of queries, the exports opened back, and who may see the page."""

import csv
import datetime
import io
import random
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.events.tests.sample_files import file_name, real_sheets, sample_sheets
from octopus.funding.exports import position_csv, position_data, position_xlsx
from octopus.funding.models import (
    Budget,
    BudgetKind,
    BudgetLine,
    Contribution,
    ContributionStatus,
    CostCategory,
    Donor,
    DonorKind,
    Earmark,
    ExchangeRate,
    Expenditure,
    ExpenditureStatus,
    Receipt,
)
from octopus.funding.money import to_eur
from octopus.funding.queries import cost_per_unit, funding_position
from octopus.results.models import Programme, ResultNode
from octopus.results.services import assign_programmes
from octopus.testing.helpers import make_user

D = Decimal
AT = datetime.date(2024, 6, 30)
pytestmark = pytest.mark.django_db


# --- small local builders (rows written directly: these tests are about reading them) --------------------------------


def programme() -> Programme:
    return Programme.objects.get(code="cybercrime-octopus")


def glacy() -> Programme:
    """Another real programme C-PROC runs at the same time (GLACY+), created for the tests that need one, with the
    outputs "1"–"3" costs are brought to."""
    from octopus.results import services as results

    found = Programme.objects.filter(code="glacy-plus").first()
    if found is None:
        found = results.create_programme(
            code="glacy-plus",
            title="GLACY+ (test)",
            starts_on=datetime.date(2016, 3, 1),
            ends_on=datetime.date(2026, 2, 28),
            budget_ceiling=D("18890000.00"),
            implementing_office="C-PROC",
            user=None,
        )
        objective = results.add_node(found, level="objective", code="O", title="GLACY+ objective", user=None)
        for code in ("1", "2", "3"):
            results.add_node(
                found, level="output", code=code, title=f"GLACY+ output {code}", parent=objective, user=None
            )
    return found


def node(code: str) -> ResultNode:
    return ResultNode.objects.get(programme__code="cybercrime-octopus", code=code)


def donor(code: str, name: str | None = None) -> Donor:
    return Donor.objects.create(code=code, name=name or code.upper(), kind=DonorKind.STATE)


def rate(currency: str, day: datetime.date, units: str) -> ExchangeRate:
    return ExchangeRate.objects.create(currency=currency, day=day, units_per_eur=D(units), source="ECB reference")


def contribution(
    who,
    amount,
    pledged_on,
    *,
    currency="EUR",
    rate_row=None,
    status=ContributionStatus.PLEDGED,
    signed_on=None,
    signed=None,
    signed_rate=None,
    programme_row=None,
) -> Contribution:
    amount = D(amount)
    eur = amount if rate_row is None else to_eur(amount, rate_row.units_per_eur)
    fields = {}
    if signed is not None:
        signed = D(signed)
        signed_eur = signed if signed_rate is None else to_eur(signed, signed_rate.units_per_eur)
        fields = {"signed_on": signed_on, "signed_amount": signed, "signed_rate": signed_rate, "signed_eur": signed_eur}
    return Contribution.objects.create(
        programme=programme_row or programme(),
        donor=who,
        title="Contribution",
        currency=currency,
        status=status,
        pledged_on=pledged_on,
        pledged_amount=amount,
        pledged_eur=eur,
        pledged_rate=rate_row,
        **fields,
    )


def receipt(of: Contribution, amount, day, rate_row=None) -> Receipt:
    amount = D(amount)
    eur = amount if rate_row is None else to_eur(amount, rate_row.units_per_eur)
    return Receipt.objects.create(contribution=of, received_on=day, amount=amount, eur=eur, rate=rate_row)


def budget(number: int, adopted_on, lines, programme_row=None) -> Budget:
    made = Budget.objects.create(
        programme=programme_row or programme(),
        number=number,
        adopted_on=adopted_on,
        kind=BudgetKind.ORIGINAL if number == 1 else BudgetKind.REVISED,
    )
    for code, category, year, amount in lines:
        BudgetLine.objects.create(budget=made, node=node(code), category=category, year=year, amount_eur=D(amount))
    return made


def expense(code, category, status, day, amount, **links) -> Expenditure:
    return Expenditure.objects.create(
        programme=programme(),
        node=node(code),
        category=category,
        status=status,
        spent_on=day,
        description="Cost",
        currency="EUR",
        amount=D(amount),
        eur=D(amount),
        **links,
    )


SPENT, COMMITTED = ExpenditureStatus.SPENT, ExpenditureStatus.COMMITTED


@pytest.fixture
def hand_made():
    """A small set whose position on 30 June 2024 is worked out by hand in the tests."""
    a, b = donor("a", "Alpha"), donor("b", "Beta")
    a_money = contribution(
        a,
        "1000000.00",
        datetime.date(2023, 1, 10),
        status=ContributionStatus.SIGNED,
        signed_on=datetime.date(2023, 2, 1),
        signed="900000.00",
    )
    receipt(a_money, "400000.00", datetime.date(2023, 3, 1))
    receipt(a_money, "300000.00", datetime.date(2024, 3, 1))
    receipt(a_money, "200000.00", datetime.date(2024, 7, 15))  # after the day
    usd = rate("USD", datetime.date(2023, 5, 1), "1.10")
    b_money = contribution(b, "110000.00", datetime.date(2023, 5, 1), currency="USD", rate_row=usd)
    Earmark.objects.create(contribution=b_money, amount=D("55000.00"), node=node("3"))
    contribution(donor("c"), "50000.00", datetime.date(2023, 1, 1), status=ContributionStatus.CANCELLED)
    contribution(donor("d"), "70000.00", datetime.date(2024, 8, 1))  # pledged after the day
    budget(1, datetime.date(2023, 1, 1), [("1", CostCategory.STAFF, 2023, "100000.00")])
    budget(
        2,
        datetime.date(2024, 1, 1),
        [
            ("1", CostCategory.STAFF, 2023, "120000.00"),
            ("3", CostCategory.EVENTS, 2024, "200000.00"),
            ("A3.1", CostCategory.EXPERTS, 2024, "30000.00"),
        ],
    )
    budget(3, datetime.date(2024, 9, 1), [("1", CostCategory.STAFF, 2024, "999999.00")])  # adopted after the day
    expense("1", CostCategory.STAFF, SPENT, datetime.date(2023, 6, 30), "50000.00")  # a year before: not in burn
    expense("A3.1", CostCategory.EXPERTS, SPENT, datetime.date(2024, 1, 15), "20000.00")
    expense("3", CostCategory.EVENTS, COMMITTED, datetime.date(2024, 6, 30), "10000.00")
    expense("3", CostCategory.EVENTS, SPENT, datetime.date(2024, 7, 1), "99.00")  # after the day


def test_position_values_on_a_hand_made_set(hand_made):
    p = funding_position(programme(), AT)
    assert (p.ceiling, p.pledged, p.signed, p.received) == (
        D("3500000.00"),
        D("1100000.00"),
        D("900000.00"),
        D("700000.00"),
    )
    assert (p.spent, p.committed, p.available, p.gap) == (D("70000.00"), D("10000.00"), D("620000.00"), D("2600000.00"))
    assert p.earmarked == D("50000.00")  # USD 55,000 at the pledge's 1.10
    assert p.budget.number == 2 and p.budget_total == D("350000.00")
    assert p.spent_last_12_months == D("20000.00")  # 30 June 2023 itself is outside the 12 months
    assert p.burn_rate == D("1666.67")
    days = int(D("620000.00") / D("1666.67") * D("365.25") / 12)
    assert p.runs_out == AT + datetime.timedelta(days=days)
    assert p.runs_out.year == 2055
    donors = {row.code: (row.pledged, row.signed, row.received, row.earmarked) for row in p.donors}
    assert donors == {
        "a": (D("1000000.00"), D("900000.00"), D("700000.00"), D("0.00")),
        "b": (D("100000.00"), D("0.00"), D("0.00"), D("50000.00")),
        "c": (D("0.00"), D("0.00"), D("0.00"), D("0.00")),  # cancelled: shown, counts nothing
    }
    outputs = {row.code: (row.budget, row.spent, row.committed, row.share_spent) for row in p.outputs}
    assert outputs["1"] == (D("120000.00"), D("50000.00"), D("0.00"), D("41.7"))
    assert outputs["3"] == (D("230000.00"), D("20000.00"), D("10000.00"), D("8.7"))  # A3.1 rolled up to 3
    assert outputs["2"] == (D("0.00"), D("0.00"), D("0.00"), None)
    years = {row.year: (row.budget, row.received, row.spent, row.committed) for row in p.years}
    assert years == {
        2023: (D("120000.00"), D("400000.00"), D("50000.00"), D("0.00")),
        2024: (D("230000.00"), D("300000.00"), D("20000.00"), D("10000.00")),
    }
    categories = {row.category: (row.budget, row.spent, row.committed) for row in p.categories if row.budget}
    assert categories == {
        "staff": (D("120000.00"), D("50000.00"), D("0.00")),
        "events": (D("200000.00"), D("0.00"), D("10000.00")),
        "experts": (D("30000.00"), D("20000.00"), D("0.00")),
    }
    assert_sums(p)


def test_as_at_rule_counts_rows_dated_on_or_before_the_day(hand_made):
    before_signing = funding_position(programme(), datetime.date(2023, 1, 31))
    assert (before_signing.pledged, before_signing.signed, before_signing.gap) == (
        D("1000000.00"),
        D("0.00"),
        D("3500000.00"),
    )
    assert before_signing.budget.number == 1 and before_signing.budget_total == D("100000.00")
    on_signing = funding_position(programme(), datetime.date(2023, 2, 1))
    assert (on_signing.signed, on_signing.gap) == (D("900000.00"), D("2600000.00"))
    later = funding_position(programme(), datetime.date(2024, 9, 1))
    assert later.received == D("900000.00") and later.pledged == D("1170000.00") and later.budget.number == 3
    assert later.spent == D("70099.00")
    nothing = funding_position(programme(), datetime.date(2022, 12, 31))
    assert nothing.is_empty and nothing.burn_rate is None and nothing.runs_out is None
    assert nothing.missing == {
        "burn_rate": "no expenditure recorded yet",
        "runs_out": "no burn rate yet (no expenditure recorded yet)",
    }


def test_runs_out_now_when_nothing_is_available(hand_made):
    expense("1", CostCategory.STAFF, COMMITTED, datetime.date(2024, 5, 1), "700000.00")
    p = funding_position(programme(), AT)
    assert p.available == D("-80000.00") and p.runs_out == AT


def test_a_donors_view_holds_only_its_money(hand_made):
    p = funding_position(programme(), AT, donor_codes={"a"})
    assert (p.pledged, p.signed, p.received, p.earmarked) == (
        D("1000000.00"),
        D("900000.00"),
        D("700000.00"),
        D("0.00"),
    )
    assert [row.code for row in p.donors] == ["a"]
    assert p.spent is None and p.gap is None and p.ceiling is None and p.outputs == [] and p.categories == []
    assert {row.year: row.received for row in p.years} == {2023: D("400000.00"), 2024: D("300000.00")}
    assert funding_position(programme(), AT, donor_codes=set()).donors == []
    assert_sums(p)


def assert_sums(p) -> None:
    """Every total equals the sum of its rows, by donor, output, year and category."""
    zero = D("0.00")
    for attribute in ("pledged", "signed", "received", "earmarked"):
        assert sum((getattr(row, attribute) for row in p.donors), zero) == getattr(p, attribute), attribute
    assert sum((row.received for row in p.years), zero) == p.received
    if p.donor_view:
        return
    budget_total = p.budget_total or zero
    for rows in (p.outputs, p.years, p.categories):
        assert sum((row.budget for row in rows), zero) == budget_total
        assert sum((row.spent for row in rows), zero) == p.spent
        assert sum((row.committed for row in rows), zero) == p.committed
    assert p.available == p.received - p.spent - p.committed


def generate(seed: int, size: int) -> None:
    """Random contributions, receipts, earmarks, budgets and expenditure with odd cents and currencies."""
    rng = random.Random(seed)
    day = lambda: datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(5 * 365))  # noqa: E731
    money = lambda top: D(rng.randrange(1, top * 100)) / 100  # noqa: E731
    rates = {
        cur: rate(cur, datetime.date(2020, 1, 1) + datetime.timedelta(days=seed), f"{rng.uniform(0.5, 3):.6f}")
        for cur in ("USD", "GBP")
    }
    donors = [donor(f"gen-{seed}-{i}") for i in range(max(2, size // 5))]
    codes = ["1", "2", "3", "A3.1", "A1.1"]
    codes = [code for code in codes if ResultNode.objects.filter(programme__code="cybercrime-octopus", code=code)]
    for _ in range(size):
        currency = rng.choice(["EUR", "USD", "GBP"])
        rate_row = rates.get(currency)
        status = rng.choice(list(ContributionStatus))
        pledged_on = day()
        signed = money(50000) if status in (ContributionStatus.SIGNED, ContributionStatus.CLOSED) else None
        made = contribution(
            rng.choice(donors),
            money(50000),
            pledged_on,
            currency=currency,
            rate_row=rate_row,
            status=status,
            signed=signed,
            signed_on=pledged_on + datetime.timedelta(days=30),
            signed_rate=rate_row,
        )
        for _receipt in range(rng.randrange(3)):
            receipt(made, money(20000), day(), rate_row)
        if rng.random() < 0.5:
            Earmark.objects.create(contribution=made, amount=money(1000), node=node(rng.choice(codes)))
    first = Budget.objects.filter(programme=programme()).count() + 1
    for number in (first, first + 1):
        lines = {
            (rng.choice(codes), rng.choice(CostCategory.values), rng.randrange(2021, 2026)): money(90000)
            for _ in range(size)
        }
        budget(
            number,
            datetime.date(2021, 1, 1) + datetime.timedelta(days=200 * number),
            [(*key, amount) for key, amount in lines.items()],
        )
    for _ in range(size * 2):
        expense(rng.choice(codes), rng.choice(CostCategory.values), rng.choice([SPENT, COMMITTED]), day(), money(9000))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_equal_the_sum_of_their_rows_on_generated_data(seed):
    generate(seed, 25)
    for at in (datetime.date(2021, 6, 30), datetime.date(2022, 12, 31), datetime.date(2025, 12, 31)):
        p = funding_position(programme(), at)
        assert_sums(p)
        # The totals agree with a sum over the rows themselves, in Python.
        live = Contribution.objects.exclude(status=ContributionStatus.CANCELLED).filter(pledged_on__lte=at)
        assert p.pledged == sum((c.pledged_eur for c in live), D("0.00"))
        receipts = Receipt.objects.filter(received_on__lte=at)
        assert p.received == sum((r.eur for r in receipts), D("0.00"))
        for code in {row.code for row in p.donors}:
            assert_sums(funding_position(programme(), at, donor_codes={code}))


def test_position_takes_a_fixed_number_of_queries(django_assert_num_queries):
    seed, at = programme(), datetime.date(2025, 12, 31)
    generate(7, 3)
    with django_assert_num_queries(10):
        small = funding_position(seed, at)
    generate(8, 40)
    with django_assert_num_queries(10):
        large = funding_position(seed, at)
    assert len(large.donors) > len(small.donors)
    with django_assert_num_queries(5):
        funding_position(seed, at, donor_codes={"gen-8-1"})


def test_cost_per_unit_says_what_is_missing_without_units_or_spending(hand_made):
    costs = {cost.key: cost for cost in cost_per_unit(programme(), AT)}
    assert costs["workshop"].spent == D("20000.00")  # output 3 with its activity A3.1
    # No workshop of this programme: no cost per workshop, and the reason instead of a misleading figure.
    assert (costs["workshop"].units, costs["workshop"].per_unit) == (0, None)
    assert costs["workshop"].missing == "no workshops recorded for this programme"
    assert costs["country"].spent == D("0.00") and costs["country"].per_unit is None
    assert costs["country"].missing == "no legislative advice recorded for this programme"


def test_cost_per_workshop_from_the_events_held(hand_made):
    from octopus.events.models import Kind, Status
    from octopus.events.tests.conftest import make_event

    staff = make_user(Role.PROGRAMME_STAFF)
    for n, kind in enumerate([Kind.IN_COUNTRY_WORKSHOP, Kind.REGIONAL_WORKSHOP, Kind.TRAINING]):
        held = make_event(
            staff, slug=f"event-{n}", kind=kind, starts_on=datetime.date(2024, 2, 1 + n * 3), status=Status.HELD
        )
        assign_programmes(held, [(programme(), D(100), None)])
    # A workshop of another programme counts for none of this programme's costs per unit.
    other = make_event(
        staff,
        slug="glacy-workshop",
        kind=Kind.IN_COUNTRY_WORKSHOP,
        starts_on=datetime.date(2024, 3, 1),
        status=Status.HELD,
    )
    assign_programmes(other, [(glacy(), D(100), None)])
    expense("3", CostCategory.EVENTS, SPENT, datetime.date(2024, 2, 10), "1234.56", event=held)
    costs = {cost.key: cost for cost in cost_per_unit(programme(), AT)}
    assert (costs["workshop"].spent, costs["workshop"].units) == (D("21234.56"), 2)  # the training is no workshop
    assert costs["workshop"].per_unit == D("10617.28")
    assert costs["participant"].spent == D("1234.56")  # linked to the training
    assert costs["participant"].units == 0 and costs["participant"].per_unit is None  # nobody attended yet
    assert costs["participant"].missing == "no participants at trainings or workshops recorded for this programme"
    assert costs["country"].per_unit is None


# --- exports -------------------------------------------------------------------------------------------------------


def test_xlsx_export_holds_the_same_numbers(hand_made):
    p = funding_position(programme(), AT)
    book = openpyxl.load_workbook(io.BytesIO(position_xlsx(p)))
    assert book.sheetnames == ["Totals", "Donors", "Outputs", "Years", "Categories"]
    totals = {row[0]: row[1] for row in book["Totals"].iter_rows(min_row=2, values_only=True)}
    assert D(str(totals["Received"])) == p.received and D(str(totals["Funding gap"])) == p.gap
    assert D(str(totals["Burn rate per month"])) == D("1666.67")
    donors = list(book["Donors"].iter_rows(min_row=2, values_only=True))
    assert donors[-1][1] == "Total" and D(str(donors[-1][2])) == p.pledged
    assert sum(D(str(row[2])) for row in donors[:-1]) == p.pledged
    cell = book["Donors"]["C2"]
    assert cell.number_format == "#,##0.00"  # whole amounts keep their two decimals
    years = list(book["Years"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in years] == [2023, 2024, "Total"]


def test_position_data_for_the_api(hand_made):
    data = position_data(funding_position(programme(), AT))
    assert (data["gap"], data["burn_rate"], data["runs_out"][:4]) == ("2600000.00", "1666.67", "2055")
    assert [row["received"] for row in data["donors"]] == ["700000.00", "0.00", "0.00"]
    donor = position_data(funding_position(programme(), AT, donor_codes={"b"}))
    assert donor["spent"] is None and donor["donors"][0]["earmarked"] == "50000.00" and "outputs" in donor


def test_csv_export_holds_the_same_numbers(hand_made):
    p = funding_position(programme(), AT)
    rows = list(csv.DictReader(io.StringIO(position_csv(p))))
    value = {(row["Table"], row["Row"], row["Measure"]): row["Value"] for row in rows}
    assert value[("Totals", "", "Available")] == "620000.00"
    assert value[("Donors", "a Alpha", "Received (EUR)")] == "700000.00"
    assert value[("Donors", "Total", "Earmarked (EUR)")] == "50000.00"
    assert value[("Outputs", "3 " + node("3").title, "Spent (EUR)")] == "20000.00"
    assert value[("Categories", "Total", "Committed (EUR)")] == "10000.00"
    assert {row["Unit"] for row in rows if row["Table"] in ("Donors", "Years", "Categories")} == {"EUR"}


# --- the page ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROGRAMME_STAFF, Role.FINANCE_OFFICER, Role.ADMINISTRATOR])
def test_managers_see_the_position(client, hand_made, role):
    client.force_login(make_user(role))
    response = client.get(reverse("funding:funding_position"), {"at": "2024-06-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kpi="gap"' in html and "2,600,000.00" in html and "funding-years-spec" in html
    assert 'data-table="donors"' in html and "1,100,000.00" in html
    export = client.get(reverse("funding:funding_position_export", args=["xlsx"]), {"at": "2024-06-30"})
    assert export.status_code == 200 and export["Content-Disposition"].endswith('2024-06-30.xlsx"')


@pytest.mark.parametrize("role", [Role.DONOR, Role.FOCAL_POINT])
def test_donors_and_focal_points_are_refused(client, role):
    client.force_login(make_user(role))
    assert client.get(reverse("funding:funding_position")).status_code == 403
    assert client.get(reverse("funding:funding_position_export", args=["csv"])).status_code == 403


def test_empty_state_invites_the_finance_officer_to_record_a_pledge(client):
    client.force_login(make_user(Role.FINANCE_OFFICER))
    html = client.get(reverse("funding:funding_position")).content.decode()
    assert "data-empty" in html and "Record the first pledge" in html
    client.force_login(make_user(Role.PROGRAMME_STAFF))
    html = client.get(reverse("funding:funding_position")).content.decode()
    assert "data-empty" in html and "Record the first pledge" not in html


def test_sample_rows_are_flagged_on_the_page_and_in_the_exports(staff_client, hand_made):
    url = reverse("funding:funding_position_export", args=["xlsx"])
    real = real_sheets(staff_client.get(url, {"at": "2024-06-30"}))
    assert [rows[0][0] for rows in real] == ["Measure", "Donor code", "Output", "Year", "Cost category", "Unit"]

    Contribution.objects.filter(donor__code="b").update(is_sample=True)
    position = funding_position(programme(), AT)
    assert position.sample_rows == 1
    html = staff_client.get(reverse("funding:funding_position"), {"at": "2024-06-30"}).content.decode()
    assert "data-sample-warning" in html and "1 record behind these figures is sample data" in html
    marked = staff_client.get(url, {"at": "2024-06-30"})
    assert file_name(marked).endswith("-2024-06-30-SAMPLE-DATA.xlsx")
    assert [rows[0][0] for rows in sample_sheets(marked)] == [rows[0][0] for rows in real]  # header in row 2
    csv_response = staff_client.get(reverse("funding:funding_position_export", args=["csv"]), {"at": "2024-06-30"})
    assert file_name(csv_response).endswith("-SAMPLE-DATA.csv")
    assert csv_response.content.decode().startswith("Table,Row,Measure")


def test_unknown_programme_or_format_is_404(staff_client):
    assert staff_client.get(reverse("funding:funding_position"), {"programme": "nope"}).status_code == 404
    assert staff_client.get("/workspace/funding/position.pdf").status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts_in_a_browser(page, live_server):
    from octopus.testing.helpers import sign_in

    signing = {"status": ContributionStatus.SIGNED, "signed_on": datetime.date(2023, 2, 1), "signed": "900000.00"}
    a_money = contribution(donor("a", "Alpha"), "1000000.00", datetime.date(2023, 1, 10), **signing)
    receipt(a_money, "400000.00", datetime.date(2023, 3, 1))
    expense("1", CostCategory.STAFF, SPENT, datetime.date(2024, 1, 10), "50000.00")
    sign_in(page, live_server, make_user(Role.FINANCE_OFFICER))
    page.goto("/workspace/funding/?at=2024-06-30")
    for chart in ("funding-years-spec", "funding-gap-spec"):
        page.wait_for_selector(f'[data-chart="{chart}"][data-chart-ready="true"]', timeout=20_000)
    assert page.locator('[data-kpi="gap"] [data-value]').inner_text().startswith("2,600,000.00")
    assert page.problems == [] and page.outside_requests == []
    page.screenshot(path="/tmp/octopus-funding-position.png", full_page=True)

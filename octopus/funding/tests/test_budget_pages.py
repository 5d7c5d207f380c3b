"""The budget and expenditure pages: adopting the original budget and a revision through the grid, the totals and
the comparison they show, closing a year, recording and correcting expenditure (and the refusals, with what was
typed kept), the list's totals and exports, bringing in costs from events, and who may read and write."""

import csv
import datetime
import io
import random
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.events import services as event_services
from octopus.events.models import TravelStatus
from octopus.events.tests.conftest import make_event, open_form, person
from octopus.events.tests.sample_files import file_name, real_sheets, sample_sheets
from octopus.funding.models import Budget, BudgetKind, ClosedYear, CostCategory, Expenditure
from octopus.funding.services import budget as services
from octopus.funding.services.rates import record_rate
from octopus.results import services as results_services
from octopus.testing.helpers import assert_page_refused, make_user

CODE = "cybercrime-octopus"


# `finance` (the finance officer) and `programme` (the seed programme) come from this folder's conftest.


@pytest.fixture
def outputs(programme):
    return {node.code: node for node in programme.nodes.filter(level="output")}


@pytest.fixture
def finance_client(client, finance):
    client.force_login(finance)
    return client


def cell(node, category, year) -> str:
    return f"cell-{node.pk}-{category}-{year}"


def page_of(response) -> str:
    return response.content.decode()


def money(text: str) -> Decimal:
    return Decimal(text) if text else Decimal("0.00")


def read_grid(html: str) -> dict:
    """The budget grid as numbers: {row: {year: amount}}, the row totals, column totals and the grand total."""
    table = html[html.index("data-budget-grid") :]
    table = table[: table.index("</table>")]
    rows, row_totals, differences = {}, {}, {}
    for key, body in re.findall(r'<tr data-row="([^"]+)">(.*?)</tr>', table, re.S):
        rows[key] = {
            int(year): money(amount) for year, amount in re.findall(r'data-cell="(\d+)" data-amount="([^"]*)"', body)
        }
        row_totals[key] = Decimal(re.search(r'data-row-total="([^"]+)"', body).group(1))
        found = re.search(r'data-difference="([^"]+)"', body)
        if found:
            differences[key] = Decimal(found.group(1))
    column_totals = re.findall(r'data-column-total="(\d+)" data-amount="([^"]+)"', table)
    columns = {int(year): Decimal(amount) for year, amount in column_totals}
    grand = Decimal(re.search(r'data-grand-total="([^"]+)"', table).group(1))
    return {"rows": rows, "row_totals": row_totals, "columns": columns, "grand": grand, "differences": differences}


def assert_totals_add_up(grid: dict) -> None:
    for key, cells in grid["rows"].items():
        assert grid["row_totals"][key] == sum(cells.values(), Decimal(0)), key
    for year, total in grid["columns"].items():
        assert total == sum((cells.get(year, Decimal(0)) for cells in grid["rows"].values()), Decimal(0)), year
    assert grid["grand"] == sum(grid["row_totals"].values(), Decimal(0)) == sum(grid["columns"].values(), Decimal(0))


def adopt(client, programme, cells: dict, *, adopted_on="2015-01-20", decision="Steering committee"):
    data = {"programme": programme.code, "adopted_on": adopted_on, "decision": decision, **cells}
    return client.post(reverse("funding:budget_adopt"), data)


# --- budgets -------------------------------------------------------------------------------------------------------


def test_adopt_the_original_then_a_revision_and_compare(finance_client, programme, outputs):
    one, two, three = outputs["1"], outputs["2"], outputs["3"]
    page = finance_client.get(reverse("funding:budget_adopt") + f"?programme={CODE}")
    assert page.status_code == 200
    assert f'name="{cell(one, "staff", 2015)}"' in page_of(page)

    response = adopt(
        finance_client,
        programme,
        {
            cell(one, "staff", 2015): "100000.00",
            cell(one, "staff", 2016): "0.10",
            cell(one, "travel", 2016): "50000.50",
            cell(three, "events", 2016): "12345.67",
        },
    )
    assert response.status_code == 302, page_of(response)
    original = Budget.objects.get(programme=programme)
    assert (original.number, original.kind, original.decision) == (1, BudgetKind.ORIGINAL, "Steering committee")
    assert original.lines.count() == 4

    grid = read_grid(page_of(finance_client.get(reverse("funding:budget") + f"?programme={CODE}")))
    assert_totals_add_up(grid)
    assert grid["grand"] == Decimal("162346.27")
    assert grid["rows"]["1-staff"] == {2015: Decimal("100000.00"), 2016: Decimal("0.10")}
    assert grid["differences"] == {}  # nothing to compare the original with

    # The revision's grid comes prefilled with the budget in force.
    prefilled = page_of(finance_client.get(reverse("funding:budget_adopt")))
    assert re.search(rf'name="{cell(one, "staff", 2015)}" value="100000.00"', prefilled)

    response = adopt(
        finance_client,
        programme,
        {
            cell(one, "staff", 2015): "90000.00",
            cell(one, "staff", 2016): "0.10",
            cell(one, "travel", 2016): "50000.50",
            cell(two, "experts", 2017): "5000",
        },
        adopted_on="2016-06-30",
        decision="Revision 1",
    )
    assert response.status_code == 302, page_of(response)
    revised = Budget.objects.get(programme=programme, number=2)
    assert revised.kind == BudgetKind.REVISED

    html = page_of(finance_client.get(reverse("funding:budget")))
    grid = read_grid(html)
    assert_totals_add_up(grid)
    assert grid["grand"] == Decimal("145000.60")
    assert grid["differences"] == {
        "1-staff": Decimal("-10000.00"),
        "1-travel": Decimal("0.00"),
        "2-experts": Decimal("5000.00"),
        "3-events": Decimal("-12345.67"),  # dropped from the revision: shown at 0, with what it was
    }
    assert re.search(r'data-difference-total="-17345.67"', html)
    assert 'data-version="1"' in html and 'data-version="2"' in html

    # The original stays viewable as it was.
    grid = read_grid(page_of(finance_client.get(reverse("funding:budget") + "?version=1")))
    assert grid["grand"] == Decimal("162346.27")
    assert finance_client.get(reverse("funding:budget") + "?version=9").status_code == 404


def test_a_refused_budget_keeps_what_was_typed(finance_client, programme, outputs):
    one = outputs["1"]
    response = adopt(finance_client, programme, {cell(one, "staff", 2015): "-5", cell(one, "travel", 2015): "12.50"})
    assert response.status_code == 400
    html = page_of(response)
    assert "cannot be negative" in html
    assert 'value="-5"' in html and 'value="12.50"' in html
    assert not Budget.objects.exists()

    response = adopt(finance_client, programme, {cell(one, "staff", 2015): "10"}, adopted_on="2999-01-01")
    assert response.status_code == 400
    assert 'value="10"' in page_of(response)
    assert not Budget.objects.exists()

    response = adopt(finance_client, programme, {})
    assert response.status_code == 400
    assert "at least one amount" in page_of(response)


# --- closing a year and expenditure --------------------------------------------------------------------------------


def expenditure_data(node, **fields) -> dict:
    return {
        "programme": CODE,
        "node": node.pk,
        "category": "experts",
        "status": "spent",
        "spent_on": "2016-03-01",
        "description": "Expert fee, desk review",
        "currency": "EUR",
        "amount": "1500.00",
        "event": "",
        "advice": "",
        **fields,
    }


def test_a_closed_year_refuses_expenditure_in_it(finance_client, finance, programme, outputs):
    # Without the confirmation nothing is closed.
    response = finance_client.post(
        reverse("funding:budget_close_year"), {"programme": CODE, "year": "2016"}, follow=True
    )
    assert "Tick the box" in page_of(response)
    assert not ClosedYear.objects.exists()

    response = finance_client.post(
        reverse("funding:budget_close_year"), {"programme": CODE, "year": "2016", "confirm": "on"}
    )
    assert response.status_code == 302
    assert ClosedYear.objects.filter(programme=programme, year=2016).exists()
    assert 'data-closed-year="2016"' in page_of(finance_client.get(response.url))

    response = finance_client.post(reverse("funding:expenditure_new"), expenditure_data(outputs["3"]))
    assert response.status_code == 400
    html = page_of(response)
    assert "2016 is closed" in html
    assert 'value="Expert fee, desk review"' in html  # what was typed is kept
    assert not Expenditure.objects.exists()

    # Recorded in an open year, then moved into the closed one: refused, unchanged.
    response = finance_client.post(
        reverse("funding:expenditure_new"), expenditure_data(outputs["3"], spent_on="2017-02-01")
    )
    assert response.status_code == 302
    row = Expenditure.objects.get()
    response = finance_client.post(
        reverse("funding:expenditure_edit", args=[row.pk]),
        expenditure_data(outputs["3"], spent_on="2016-12-31", version=row.version),
    )
    assert response.status_code == 400
    assert "2016 is closed" in page_of(response)
    row.refresh_from_db()
    assert (row.spent_on, row.version) == (datetime.date(2017, 2, 1), 1)


def test_expenditure_refusals_keep_what_was_typed(finance_client, finance, programme, outputs):
    other = results_services.create_programme(
        code="glacy",
        title="GLACY",
        starts_on=datetime.date(2016, 1, 1),
        ends_on=datetime.date(2019, 12, 31),
        budget_ceiling=Decimal("1000000.00"),
        implementing_office="C-PROC",
        user=None,
    )
    elsewhere = results_services.add_node(other, level="output", code="1", title="Another output", user=None)
    response = finance_client.post(
        reverse("funding:expenditure_new"), expenditure_data(elsewhere, spent_on="2017-01-10")
    )
    assert response.status_code == 400
    assert "is not an output of Cybercrime@Octopus" in page_of(response)
    assert "(glacy)" in page_of(response)  # outputs are labelled with their programme when there are several

    response = finance_client.post(reverse("funding:expenditure_new"), expenditure_data(outputs["3"], amount="-1"))
    assert response.status_code == 400
    assert "cannot be negative" in page_of(response)

    response = finance_client.post(
        reverse("funding:expenditure_new"), expenditure_data(outputs["3"], currency="usd", amount="1000.00")
    )
    assert response.status_code == 400
    html = page_of(response)
    assert "No EUR rate for USD" in html
    assert 'value="usd"' in html and 'value="1000.00"' in html  # as typed
    assert not Expenditure.objects.exists()

    # With the rate recorded it goes through, at the rate of the day.
    record_rate("USD", datetime.date(2016, 2, 26), Decimal("1.1000"), source="ECB", user=finance)
    response = finance_client.post(
        reverse("funding:expenditure_new"), expenditure_data(outputs["3"], currency="USD", amount="1000.00")
    )
    assert response.status_code == 302
    row = Expenditure.objects.get()
    assert (row.amount, row.eur) == (Decimal("1000.00"), Decimal("909.09"))

    # Someone corrected it meanwhile: a stale version is a conflict, nothing overwritten.
    services.update_expenditure(
        row,
        user=finance,
        version=1,
        **{
            "node": outputs["3"],
            "category": "experts",
            "status": "spent",
            "spent_on": row.spent_on,
            "description": "Changed elsewhere",
            "currency": "USD",
            "amount": Decimal("1000.00"),
        },
    )
    response = finance_client.post(
        reverse("funding:expenditure_edit", args=[row.pk]),
        expenditure_data(outputs["3"], description="Mine", version=1),
    )
    assert response.status_code == 400
    assert "Someone changed this record" in page_of(response)
    assert Expenditure.objects.get().description == "Changed elsewhere"


# --- the list, totals and exports ----------------------------------------------------------------------------------


@pytest.fixture
def spending(finance, programme, outputs):
    record_rate("USD", datetime.date(2017, 3, 1), Decimal("1.0627"), source="ECB", user=finance)
    common = {"user": finance, "description": "Row"}
    services.record_expenditure(
        programme,
        node=outputs["1"],
        category="events",
        status="spent",
        spent_on=datetime.date(2017, 3, 2),
        currency="USD",
        amount=Decimal("333.33"),
        **common,
    )
    services.record_expenditure(
        programme,
        node=outputs["3"],
        category="experts",
        status="committed",
        spent_on=datetime.date(2017, 5, 2),
        currency="EUR",
        amount=Decimal("0.05"),
        **common,
    )
    services.record_expenditure(
        programme,
        node=outputs["3"],
        category="travel",
        status="spent",
        spent_on=datetime.date(2018, 1, 9),
        currency="EUR",
        amount=Decimal("1234.56"),
        **common,
    )


def list_totals(html: str) -> tuple[list[Decimal], Decimal]:
    rows = [Decimal(value) for value in re.findall(r'data-eur="([^"]+)"', html)]
    return rows, Decimal(re.search(r'data-total="([^"]+)"', html).group(1))


def test_the_list_total_is_the_sum_of_its_rows_and_exports_read_back(finance_client, spending):
    html = page_of(finance_client.get(reverse("funding:expenditure")))
    rows, total = list_totals(html)
    assert len(rows) == 3
    assert total == sum(rows) == Decimal("313.66") + Decimal("0.05") + Decimal("1234.56")

    for query in (
        "status=spent",
        "output=3",
        "year=2017",
        "category=travel&sort=-eur",
        "source=typed",
        "source=travel",
    ):
        response = finance_client.get(reverse("funding:expenditure") + f"?programme={CODE}&{query}")
        assert response.status_code == 200
        rows, total = list_totals(page_of(response)) if "data-total" in page_of(response) else ([], Decimal(0))
        assert total == sum(rows, Decimal(0)), query
    assert list_totals(page_of(finance_client.get(reverse("funding:expenditure") + "?status=spent")))[1] == Decimal(
        "1548.22"
    )

    csv_text = finance_client.get(
        reverse("funding:expenditure_export", args=["csv"]) + "?status=spent"
    ).content.decode()
    records = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(records) == 2
    assert sum(Decimal(record["EUR"]) for record in records) == Decimal("1548.22")
    assert {record["Currency"] for record in records} == {"USD", "EUR"}

    content = finance_client.get(reverse("funding:expenditure_export", args=["xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header, *data = list(sheet.values)
    eur = header.index("EUR")
    assert sum(Decimal(str(row[eur])) for row in data) == total_of_everything(finance_client)


def test_an_expenditure_export_holding_a_sample_row_says_so(finance_client, spending):
    Expenditure.objects.filter(category="travel").update(is_sample=True)
    url = reverse("funding:expenditure_export", args=["xlsx"])

    (rows,) = sample_sheets(finance_client.get(url))
    (real,) = real_sheets(finance_client.get(url + "?status=committed"))

    assert rows[0][:2] == ("Date", "Output") and len(rows) == 4  # the note, the header, then every row
    assert real[0][:2] == ("Date", "Output") and len(real) == 2
    assert file_name(finance_client.get(url)) == f"expenditure-{CODE}-SAMPLE-DATA.xlsx"
    assert not AuditEntry.objects.filter(action__endswith=".downloaded").exists()  # typed rows name no one


def total_of_everything(client) -> Decimal:
    return list_totals(page_of(client.get(reverse("funding:expenditure"))))[1]


# --- costs brought in ----------------------------------------------------------------------------------------------


def test_sync_brings_travel_in_once_and_it_is_edited_where_it_comes_from(finance_client, programme, outputs):
    staff = make_user(Role.PROGRAMME_STAFF)
    event = make_event(staff, slug="workshop-sync", dsa_rate=Decimal("180.00"))
    results_services.assign_programmes(event, [(programme, Decimal(100), None)])  # its costs follow its programme
    registration = event_services.register_person(open_form(event), person_fields=person(1), by_staff=True)
    travel = event_services.fund_travel(registration, user=staff, ticket_cost=Decimal("412.37"), nights=3)
    event_services.update_travel(travel, version=travel.version, user=staff, status=TravelStatus.APPROVED)

    response = finance_client.post(reverse("funding:funding_sync_costs"), {"programme": CODE}, follow=True)
    html = page_of(response)
    assert "1 added" in html
    row = Expenditure.objects.get(source_travel=travel)
    assert (row.eur, row.status, row.node) == (Decimal("952.37"), "committed", outputs["3"])
    assert 'data-source="travel"' in html

    response = finance_client.post(reverse("funding:funding_sync_costs"), {"programme": CODE}, follow=True)
    assert "0 added" in page_of(response)
    assert Expenditure.objects.count() == 1

    html = page_of(finance_client.get(reverse("funding:expenditure") + "?source=travel"))
    assert f'data-expenditure-row="{row.pk}"' in html
    assert f'data-expenditure-row="{row.pk}"' not in page_of(
        finance_client.get(reverse("funding:expenditure") + "?source=typed")
    )
    # The travel row names the traveller: its download is in the audit log.
    finance_client.get(reverse("funding:expenditure_export", args=["csv"]))
    entry = AuditEntry.objects.get(action="funding.expenditure.downloaded")
    expected = ("finance_officer@example.org", "results.programme", str(programme.pk))
    assert (entry.user.email, entry.object_type, entry.object_id) == expected
    assert (entry.data["rows"], entry.data["travellers"]) == (1, 1)

    page = page_of(finance_client.get(reverse("funding:expenditure_edit", args=[row.pk])))
    assert "Edit it where it comes from" in page
    assert reverse("events:event_travel", args=[event.slug]) in page
    response = finance_client.post(
        reverse("funding:expenditure_edit", args=[row.pk]),
        expenditure_data(outputs["1"], spent_on="2017-01-01", version=1),
    )
    assert response.status_code == 400
    assert Expenditure.objects.get().node == outputs["3"]


# --- who may do what -----------------------------------------------------------------------------------------------


def test_staff_read_but_only_the_finance_officer_writes(client, finance, programme, outputs):
    row = services.record_expenditure(
        programme,
        node=outputs["2"],
        category="staff",
        status="spent",
        spent_on=datetime.date(2017, 1, 5),
        description="Salary",
        currency="EUR",
        amount=Decimal("10.00"),
        user=finance,
    )
    client.force_login(make_user(Role.PROGRAMME_STAFF))
    for name in ("funding:budget", "funding:expenditure"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert 'data-action="adopt"' not in page_of(response) and "data-sync-costs" not in page_of(response)
        assert "data-close-year" not in page_of(response) and 'data-action="record"' not in page_of(response)
    assert client.get(reverse("funding:expenditure_export", args=["csv"])).status_code == 200
    detail = client.get(reverse("funding:expenditure_edit", args=[row.pk]))
    assert detail.status_code == 200
    assert "Salary" in page_of(detail) and "data-expenditure-form" not in page_of(detail)

    assert client.get(reverse("funding:budget_adopt")).status_code == 403
    assert client.get(reverse("funding:expenditure_new")).status_code == 403
    posts = {
        reverse("funding:budget_adopt"): {
            "programme": CODE,
            "adopted_on": "2015-01-01",
            cell(outputs["1"], "staff", 2015): "1",
        },
        reverse("funding:budget_close_year"): {"programme": CODE, "year": "2015", "confirm": "on"},
        reverse("funding:expenditure_new"): expenditure_data(outputs["3"], spent_on="2017-01-01"),
        reverse("funding:funding_sync_costs"): {"programme": CODE},
        reverse("funding:expenditure_edit", args=[row.pk]): expenditure_data(
            outputs["3"], spent_on="2017-01-01", version=1
        ),
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert not Budget.objects.exists() and not ClosedYear.objects.exists()
    assert Expenditure.objects.count() == 1 and Expenditure.objects.get().version == 1


@pytest.mark.parametrize("visitor", [Role.DONOR, Role.FOCAL_POINT, "no_role", "anonymous"])
def test_donors_focal_points_and_the_public_see_no_budget(client, visitor, finance, programme, outputs):
    row = services.record_expenditure(
        programme,
        node=outputs["2"],
        category="staff",
        status="spent",
        spent_on=datetime.date(2017, 1, 5),
        description="Salary",
        currency="EUR",
        amount=Decimal("10.00"),
        user=finance,
    )
    user = make_user(visitor)
    if user is not None:
        client.force_login(user)
    paths = [
        reverse("funding:budget"),
        reverse("funding:budget_adopt"),
        reverse("funding:expenditure"),
        reverse("funding:expenditure_new"),
        reverse("funding:expenditure_export", args=["csv"]),
        reverse("funding:expenditure_edit", args=[row.pk]),
    ]
    for path in paths:
        assert_page_refused(client.get(path), visitor, path)
    for path in (reverse("funding:budget_close_year"), reverse("funding:funding_sync_costs")):
        assert_page_refused(client.post(path, {"programme": CODE, "year": "2015", "confirm": "on"}), visitor, path)
    assert not ClosedYear.objects.exists()


def xlsx(rows) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "budget.xlsx"
    return out


def test_a_spreadsheet_fills_the_grid_to_check_before_adopting(finance_client, programme, outputs):
    sheet = xlsx(
        [
            ["Output", "Category", "Year", "Amount"],
            [1, "staff", 2015, 1000.5],
            ["3", "Travel and DSA", 2016, "250.25"],
            [None, None, None, None],
        ]
    )
    response = finance_client.post(reverse("funding:budget_adopt"), {"programme": CODE, "load": "1", "sheet": sheet})
    assert response.status_code == 200
    html = page_of(response)
    assert "2 lines, 1,250.75 EUR" in html
    assert re.search(rf'name="{cell(outputs["1"], "staff", 2015)}" value="1000.50"', html)
    assert re.search(rf'name="{cell(outputs["3"], "travel", 2016)}" value="250.25"', html)
    assert not Budget.objects.exists()  # filled, not adopted

    bad = xlsx(
        [
            ["output", "category", "year", "amount"],
            [9, "staff", 2015, 1],
            [1, "food", 2030, -2],
            [1, "staff", 2015, "1.234"],
        ]
    )
    response = finance_client.post(reverse("funding:budget_adopt"), {"programme": CODE, "load": "1", "sheet": bad})
    assert response.status_code == 400
    html = page_of(response)
    assert "Line 2: “9” is not an output of the programme (1, 2, 3)." in html
    assert (
        "Line 3: “food” is not a cost category; “2030” is not a year of the programme (2014–2019); the amount "
        "cannot be negative." in html
    )
    assert "Line 4: the amount has more than 2 decimal places." in html

    not_a_sheet = io.BytesIO(b"output,category,year,amount\n1,staff,2015,1\n")
    not_a_sheet.name = "budget.csv"
    response = finance_client.post(
        reverse("funding:budget_adopt"), {"programme": CODE, "load": "1", "sheet": not_a_sheet}
    )
    assert response.status_code == 400
    assert "This is not an XLSX spreadsheet" in page_of(response)


def test_grid_totals_are_the_sums_of_their_cells_on_generated_budgets(finance_client, finance, programme, outputs):
    generator = random.Random(7)
    for number in (1, 2, 3):
        lines = {
            (
                generator.choice(list(outputs.values())),
                generator.choice(list(CostCategory)).value,
                generator.randint(2014, 2019),
            ): Decimal(generator.randint(0, 10**9)) / 100
            for _line in range(60)
        }
        services.adopt_budget(
            programme,
            adopted_on=datetime.date(2014 + number, 1, 1),
            user=finance,
            lines=[(*key, amount) for key, amount in lines.items()],
        )
        grid = read_grid(page_of(finance_client.get(reverse("funding:budget"))))
        assert_totals_add_up(grid)
        assert grid["grand"] == sum(lines.values(), Decimal(0))
        if number > 1:  # each difference is this budget's row less the one before
            previous = read_grid(page_of(finance_client.get(reverse("funding:budget") + f"?version={number - 1}")))
            for key, difference in grid["differences"].items():
                assert difference == grid["row_totals"][key] - previous["row_totals"].get(key, Decimal(0)), key

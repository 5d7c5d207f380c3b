"""The IPTT as a table, an XLSX workbook and a PDF, read back and checked cell by cell."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from octopus.accounts.models import Role, User
from octopus.lib.exports import Table, to_csv, to_xlsx
from octopus.lib.metrics import registry
from octopus.results import services
from octopus.results.exports import IPTTExport, iptt_pdf, iptt_table, iptt_xlsx
from octopus.results.queries import programme_results
from octopus.testing.helpers import make_user

D = datetime.date
AT = D(2017, 6, 30)
FORMULA_TITLE = '=HYPERLINK("http://example.org/x","Click me")'
UNIT = "(in the row's unit)"
# Every figure is a number cell, its unit the row's Unit column (named in the header); a target's comparator has a
# column of its own; beside the records' count, the published and official figures with their difference.
FIXED = [
    "Code",
    "Indicator",
    "Level",
    "Unit",
    "Accumulation",
    "Counts",
    f"Baseline {UNIT}",
    "LoP target comparator",
    f"LoP target {UNIT}",
    f"LoP target upper bound {UNIT}",
    f"LoP actual {UNIT}",
    "LoP actual from",
    f"LoP records' count {UNIT}",
    f"LoP official {UNIT}",
    "LoP official as of",
    f"LoP computed on that day {UNIT}",
    f"LoP difference, computed − official {UNIT}",
    "LoP difference explained by",
    "LoP % of target",
    "LoP status",
]


def period_columns(label: str) -> list[str]:
    return [f"{label} target comparator", f"{label} target {UNIT}", f"{label} actual {UNIT}", f"{label} % of target"]


HEADER = FIXED + period_columns("2015") + period_columns("2016") + period_columns("2017")


def column(name: str) -> int:
    return HEADER.index(name)


def columns(period: str) -> slice:
    """The four columns of a period: target comparator, target, actual, % of target."""
    first = column(f"{period} target comparator")
    return slice(first, first + 4)


def approved(indicator, period, value, *, staff, approver):
    entry = services.enter_manual_value(
        indicator, period=period, value=Decimal(value), evidence_url="https://example.org/evidence", user=staff
    )
    entry = services.submit_manual_value(entry, user=staff)
    return services.approve_manual_value(entry, user=approver)


@pytest.fixture
def programme(db):
    """Three years, 2015–2017: a computed and a distinct-semester indicator on the objective, manual counts by year
    and by semester on an output, an ordinal, an awaiting and a formula-looking indicator on an activity."""
    staff = make_user(Role.PROGRAMME_STAFF)
    approver = User.objects.create_user(email="approver@example.org", password="a-long-test-password")
    programme = services.create_programme(
        code="iptt-test",
        title="IPTT Test Programme",
        starts_on=D(2015, 1, 1),
        ends_on=D(2017, 12, 31),
        budget_ceiling=Decimal("1000000"),
        implementing_office="C-PROC",
        user=staff,
    )
    version = services.latest_version(programme)
    objective = services.add_node(programme, level="objective", code="O", title="Countries act", user=staff)
    output = services.add_node(
        programme, level="output", code="1", title="Workshops held", parent=objective, user=staff
    )
    activity = services.add_node(programme, level="activity", code="1.1", title="Advice", parent=output, user=staff)

    def target(indicator, period, comparator, value, upper=None):
        services.set_target(
            indicator,
            version=version,
            period=period,
            comparator=comparator,
            value=Decimal(value),
            upper=upper,
            user=staff,
        )

    parties = services.define_indicator(
        objective,
        code="O.1",
        title="Parties and invited States",
        unit="States",
        accumulation="latest",
        frequency="year",
        metric_key="treaties.parties_and_invited",
        metric_params={"treaty": 185},
        user=staff,
    )
    target(parties, "life", "ge", 20)
    services.define_indicator(
        objective,
        code="O.2",
        title="Parties and invited States, distinct by semester",
        unit="States",
        accumulation="distinct",
        frequency="semester",
        metric_key="treaties.parties_and_invited",
        metric_params={"treaty": 185},
        user=staff,
    )
    workshops = services.define_indicator(
        output,
        code="1.1",
        title="Workshops",
        unit="workshops",
        manual=True,
        baseline_value=Decimal("3"),
        user=staff,
    )
    target(workshops, "life", "le", 25)
    target(workshops, "2016", "ge", 5)
    approved(workshops, "2015", 4, staff=staff, approver=approver)
    approved(workshops, "2016", 7, staff=staff, approver=approver)
    services.enter_manual_value(  # a draft: not counted
        workshops, period="2017", value=Decimal(9), evidence_url="https://example.org/draft", user=staff
    )
    by_semester = services.define_indicator(
        output, code="1.2", title="Trainings", unit="trainings", manual=True, frequency="semester", user=staff
    )
    target(by_semester, "life", "range", 10, Decimal(20))
    target(by_semester, "2015-S2", "eq", 3)
    for period, value in (("2015-S1", 2), ("2015-S2", 3), ("2016-S1", 1)):
        approved(by_semester, period, value, staff=staff, approver=approver)
    stock = services.define_indicator(
        output,
        code="1.3",
        title="Trained prosecutors in post",
        unit="prosecutors",
        manual=True,
        frequency="semester",
        accumulation="latest",
        user=staff,
    )
    target(stock, "life", "eq", 4)
    for period, value in (("2015-S1", 10), ("2015-S2", 12), ("2016-S1", 8)):
        approved(stock, period, value, staff=staff, approver=approver)
    stage = services.define_indicator(
        activity,
        code="A.1",
        title="Stage of the cybercrime law",
        measure="ordinal",
        scale=["none", "draft", "adopted"],
        accumulation="latest",
        manual=True,
        baseline_value=Decimal(0),
        user=staff,
    )
    target(stage, "life", "ge", 2)
    approved(stage, "2016", 2, staff=staff, approver=approver)
    services.define_indicator(
        activity,
        code="A.2",
        title="Countries advised",
        metric_key="example.not_yet_registered",
        allow_unregistered=True,
        user=staff,
    )
    services.define_indicator(activity, code="A.3", title=FORMULA_TITLE, manual=True, user=staff)
    return programme


def sheet_rows(data: bytes, name: str = "IPTT") -> dict:
    sheet = load_workbook(io.BytesIO(data))[name]
    rows = list(sheet.iter_rows(values_only=True))
    return {"header": list(rows[0]), **{row[0]: list(row) for row in rows[1:]}}


def parties_on(day):
    return registry.evaluate("treaties.parties_and_invited", D(2015, 1, 1), day, treaty=185)


@pytest.mark.django_db
def test_xlsx_has_the_header_and_each_number_in_its_cell(programme):
    results = programme_results(programme, AT)

    rows = sheet_rows(iptt_xlsx(iptt_table(results), results))

    assert rows["header"] == HEADER
    assert rows["1.1"] == [
        "1.1",
        "Workshops",
        "Output 1",
        "workshops",
        "Sum over periods",
        "approved values entered by hand",
        3,
        "up to",
        25,
        None,
        11,  # 4 + 7; the 2017 draft does not count
        "approved values",
        None,  # no published figure: no records' count beside it
        None,
        None,
        None,
        None,
        None,
        44,
        "Under the ceiling",
        None,
        None,
        4,
        None,
        "at least",
        5,
        7,
        140,
        None,
        None,
        None,
        None,
    ]
    life = slice(column("LoP target comparator"), column("LoP actual from"))
    outcome = slice(column("LoP % of target"), column("LoP status") + 1)
    # A range: % of its upper bound.
    assert (rows["1.2"][life], rows["1.2"][outcome]) == (["between", 10, 20, 6], [30, "Behind"])
    # An ordinal: the baseline, the target and the actual are the steps of its scale.
    stage = rows["A.1"]
    assert stage[column(f"Baseline {UNIT}") : column("LoP actual from")] == [
        "none",
        "at least",
        "adopted",
        None,
        "adopted",
    ]
    assert stage[outcome] == [100, "Met"]
    assert [stage[columns(year)] for year in ("2015", "2016", "2017")] == [
        [None] * 4,
        [None, None, "adopted", None],
        [None] * 4,
    ]
    awaiting = rows["A.2"]
    assert awaiting[life] == [None, None, None, "awaiting data source"]
    assert (awaiting[column("LoP actual from")], awaiting[outcome]) == (None, [None, "No target"])
    assert [awaiting[columns(year)] for year in ("2015", "2016", "2017")] == [
        [None, None, "awaiting data source", None]
    ] * 3


@pytest.mark.django_db
def test_xlsx_writes_the_computed_indicator_from_the_records(programme):
    results = programme_results(programme, AT)

    row = sheet_rows(iptt_xlsx(iptt_table(results), results))["O.1"]

    assert row[column("LoP target comparator") : column("LoP actual from") + 1] == [
        "at least",
        20,
        None,
        parties_on(AT),
        "records",
    ]
    percent = Decimal(parties_on(AT) * 100 / 20).quantize(Decimal("0.1"))
    assert row[column("LoP % of target") : column("LoP status") + 1] == [percent, "Met"]
    assert row[column(f"2015 actual {UNIT}")] == parties_on(D(2015, 12, 31))
    assert row[column(f"2016 actual {UNIT}")] == parties_on(D(2016, 12, 31))


@pytest.mark.django_db
def test_semesters_make_the_year_by_their_accumulation(programme):
    results = programme_results(programme, AT)

    rows = sheet_rows(iptt_xlsx(iptt_table(results, frequency="year"), results))

    # sum: the semesters' total; latest: the last semester with a value; distinct: not made from the semesters.
    actual = [column(f"{year} actual {UNIT}") for year in ("2015", "2016", "2017")]
    assert rows["1.2"][columns("2015")] == [None, None, 5, None]  # the semester target is not a year's
    assert [rows["1.2"][i] for i in actual] == [5, 1, None]
    assert [rows["1.3"][i] for i in actual] == [12, 8, None]
    assert [rows["O.2"][i] for i in actual] == ["—", "—", "—"]


@pytest.mark.django_db
def test_semester_columns_leave_a_yearly_indicator_blank(programme):
    results = programme_results(programme, AT)

    table = iptt_table(results, frequency="semester")

    assert [p.key for p in table.columns] == ["2015-S1", "2015-S2", "2016-S1", "2016-S2", "2017-S1", "2017-S2"]
    by_code = {row.indicator.code: row for row in table.rows}
    assert [c.applies for c in by_code["1.1"].cells] == [False] * 6
    assert [c.actual_text for c in by_code["1.1"].cells] == [""] * 6
    trainings = by_code["1.2"].cells
    assert [c.actual for c in trainings] == [2, 3, 1, None, None, None]
    assert (trainings[1].target, trainings[1].percent, trainings[1].status_label) == ("= 3", 100, "Met")
    header = IPTTExport(table, results).header()
    assert header[len(FIXED) : len(FIXED) + 4] == period_columns("2015 S1")
    assert len(header) == len(FIXED) + 4 * 6


@pytest.mark.django_db
def test_a_level_shows_only_its_boxes_and_unknown_choices_fall_back(programme):
    results = programme_results(programme, AT)

    activities = iptt_table(results, level="activity")
    everything = iptt_table(results, frequency="monthly", level="tier")

    assert [s.heading for s in activities.sections] == ["Activity 1.1: Advice"]
    assert [r.indicator.code for r in activities.rows] == ["A.1", "A.2", "A.3"]
    assert (everything.frequency, everything.level) == ("year", "")
    assert [s.node.code for s in everything.sections] == ["O", "1", "1.1"]


@pytest.mark.django_db
def test_a_formula_looking_title_is_text_in_xlsx_and_csv(programme):
    results = programme_results(programme, AT)
    export = IPTTExport(iptt_table(results), results)

    sheet = load_workbook(io.BytesIO(iptt_xlsx(export.table, results)))["IPTT"]
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "A.3")
    csv_text = to_csv(export)

    assert (cell.value, cell.data_type) == ("'" + FORMULA_TITLE, "s")
    assert "'=HYPERLINK(" in csv_text and next(csv.reader(io.StringIO(csv_text))) == HEADER


@pytest.mark.django_db
def test_xlsx_about_sheet_says_what_the_figures_are(programme):
    results = programme_results(programme, AT)

    about = sheet_rows(iptt_xlsx(iptt_table(results), results), "About")

    assert about["header"] == ["Item", "Value"]
    assert about["Programme"] == ["Programme", "IPTT Test Programme"]
    assert about["Figures as of"] == ["Figures as of", "2017-06-30"]
    assert about["Logframe version"] == ["Logframe version", "1"]
    assert about["Decision"] == ["Decision", "Original logframe."]
    assert about["Generated at"][1].startswith(datetime.date.today().isoformat()[:4])
    assert about["Note"][1].startswith(
        "Computed values come from the records; values entered by hand count only once approved."
    )


@pytest.mark.django_db
def test_pdf_shows_the_programme_and_the_values(programme):
    results = programme_results(programme, AT)

    pdf = iptt_pdf(iptt_table(results), results)

    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert "IPTT Test Programme" in text
    assert "figures as of 30 June 2017" in text
    assert "logframe version 1" in text
    assert "1.1 Workshops" in text
    assert "≤ 25" in text and "44%" in text and "140%" in text
    assert "adopted" in text and "awaiting" in text


@pytest.mark.django_db
def test_the_table_and_its_files_take_no_query(programme, django_assert_num_queries):
    results = programme_results(programme, AT)

    with django_assert_num_queries(0):
        table = iptt_table(results)
        iptt_xlsx(table, results)
        iptt_pdf(table, results)


def test_xlsx_base_writes_numbers_and_dates_as_such_and_guards_text():
    export = Table(
        "A list: of things?",
        ["name", "amount", "count", "day"],
        [["-1+2", Decimal("1234.50"), 3, D(2016, 5, 1)], ["@SUM(A1)", Decimal("2.00"), None, None]],
    )

    sheet = load_workbook(io.BytesIO(to_xlsx(export)))["A list  of things"]

    assert [c.value for c in sheet[1]] == ["name", "amount", "count", "day"]
    assert sheet[1][0].font.bold and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == ["'-1+2", 1234.5, 3, datetime.datetime(2016, 5, 1)]
    assert (sheet["B2"].number_format, sheet["B3"].number_format, sheet["D2"].number_format) == (
        "#,##0.00",
        "#,##0",
        "yyyy-mm-dd",
    )
    assert sheet["A3"].value == "'@SUM(A1)"
    assert to_csv(export) == to_csv(
        export.header(), [["-1+2", "1234.50", 3, "2016-05-01"], ["@SUM(A1)", "2.00", None, None]]
    )

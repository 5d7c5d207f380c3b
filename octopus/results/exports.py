"""The IPTT (indicator performance tracking table): baseline, target and actual per period, per indicator, by level.

`iptt_table` turns a programme's results (`queries.programme_results`) into a plain table: the workspace page
renders it, `IPTTExport` feeds the CSV/XLSX base of `octopus.lib.exports`, and `iptt_pdf` renders it through a
template. Nothing here queries the database: every number comes from the results it is given.

An indicator's values are by its own frequency. In the columns of another frequency:
- a semester indicator in yearly columns shows the year as its accumulation makes it from the semesters (sum: their
  total; latest: the last one with a value); a distinct count cannot be made from the semesters' counts (a country
  counted in both semesters counts once in the year), so it shows "—" rather than a wrong sum;
- a yearly (or life-of-programme) indicator in semester columns shows nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from octopus.lib.exports import Export, Table, to_xlsx
from octopus.results.calculations import Goal, Status, accumulate
from octopus.results.models import Accumulation, Comparator, Frequency, Indicator, Level, Measure, ResultNode
from octopus.results.periods import SEMESTER, YEAR, Period, periods_of
from octopus.results.queries import IndicatorResult, PeriodResult, ProgrammeResults

IPTT_FREQUENCIES = (YEAR, SEMESTER)
COMPARATOR_SIGNS = {Comparator.EXACTLY: "=", Comparator.AT_MOST: "≤", Comparator.AT_LEAST: "≥"}
NOT_ADDITIVE = "—"  # a distinct count that the semesters' counts cannot make


def number_text(value) -> str:
    """A number as people read it: no trailing zeros, at most two decimals, grouped as the language groups."""
    if value is None:
        return ""
    value = Decimal(value)
    exponent = value.normalize().as_tuple().exponent
    decimals = min(2, max(0, -exponent)) if isinstance(exponent, int) else 0
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def value_text(indicator: Indicator, value) -> str:
    """An indicator's value as people read it: an ordinal by its scale label, a number without trailing zeros."""
    if value is None:
        return ""
    if indicator.measure == Measure.ORDINAL and indicator.scale:
        return indicator.label_for(value)
    return number_text(value)


def target_text(indicator: Indicator, goal: Goal | None) -> str:
    """“= 4”, “≤ 25”, “≥ 20”, “10–20”; empty without a target."""
    if goal is None:
        return ""
    if goal.comparator == Comparator.RANGE:
        return f"{value_text(indicator, goal.value)}–{value_text(indicator, goal.upper)}"
    return f"{COMPARATOR_SIGNS[Comparator(goal.comparator)]} {value_text(indicator, goal.value)}"


@dataclass
class IPTTCell:
    """One period of one indicator: target, actual, % of target, status. `actual_text` is what people read; `number`
    is the actual when it reads as a plain number (so exports write it as a number), None otherwise."""

    period: Period
    target: str = ""
    actual: Decimal | None = None
    actual_text: str = ""
    number: Decimal | None = None
    percent: Decimal | None = None
    status: Status | None = None
    applies: bool = True  # False where the indicator has no value of this period's kind

    @property
    def percent_text(self) -> str:
        return "" if self.percent is None else f"{number_text(self.percent)}%"

    @property
    def status_label(self) -> str:
        return self.status.label if self.status is not None else ""

    @property
    def export_actual(self):
        return self.number if self.number is not None else (self.actual_text or None)


@dataclass
class IPTTRow:
    result: IndicatorResult
    life: IPTTCell  # life of programme: target, value to date, % met, status
    cells: list[IPTTCell]  # one per column of the table

    @property
    def indicator(self) -> Indicator:
        return self.result.indicator

    @property
    def node(self) -> ResultNode:
        return self.result.indicator.node

    @property
    def level(self) -> str:
        return f"{self.node.get_level_display()} {self.node.code}"

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def measure(self) -> str:
        return self.indicator.get_measure_display()

    @property
    def accumulation(self) -> str:
        return self.indicator.get_accumulation_display()

    @property
    def direction(self) -> str:
        return self.indicator.get_direction_display()

    @property
    def baseline(self) -> Decimal | None:
        return self.result.baseline

    @property
    def baseline_text(self) -> str:
        return value_text(self.indicator, self.result.baseline)

    @property
    def export_baseline(self):
        if self.result.baseline is None:
            return None
        if self.indicator.measure == Measure.ORDINAL and self.indicator.scale:
            return self.baseline_text
        return self.result.baseline

    @property
    def awaiting(self) -> bool:
        return self.result.awaiting


@dataclass
class IPTTSection:
    node: ResultNode
    rows: list[IPTTRow]

    @property
    def heading(self) -> str:
        return f"{self.node.get_level_display()} {self.node.code}: {self.node.title}"


@dataclass
class IPTTTable:
    frequency: str  # "year" or "semester": the kind of the columns
    level: str  # "" for every level, else the level shown
    columns: list[Period]
    sections: list[IPTTSection]
    at: datetime.date
    life: Period

    @property
    def rows(self) -> list[IPTTRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def frequency_label(self) -> str:
        return str(Frequency(self.frequency).label)

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level else _("All levels")


def iptt_table(results: ProgrammeResults, *, frequency: str = YEAR, level: str = "") -> IPTTTable:
    """The IPTT of a programme's results: columns of `frequency` ("year" or "semester") over the programme's life,
    one section per logframe box that has indicators, only boxes of `level` when given. An unknown frequency reads
    as "year" and an unknown level as every level; the table says which it used."""
    frequency = frequency if frequency in IPTT_FREQUENCIES else YEAR
    level = level if level in Level.values else ""
    columns = periods_of(frequency, results.life.start, results.life.end)
    sections = []
    for node_results in results.nodes:
        if not node_results.indicators or (level and node_results.node.level != level):
            continue
        rows = [_row(result, columns, results.at) for result in node_results.indicators]
        sections.append(IPTTSection(node_results.node, rows))
    return IPTTTable(
        frequency=frequency, level=level, columns=columns, sections=sections, at=results.at, life=results.life
    )


def _row(result: IndicatorResult, columns: list[Period], at: datetime.date) -> IPTTRow:
    indicator = result.indicator
    life = _cell(result, result.to_date, at)
    if indicator.measure == Measure.QUALITATIVE and not result.awaiting and result.latest_text:
        life.actual_text = result.latest_text
    return IPTTRow(result=result, life=life, cells=[_column_cell(result, column, at) for column in columns])


def _cell(result: IndicatorResult, found: PeriodResult, at: datetime.date) -> IPTTCell:
    indicator = result.indicator
    cell = IPTTCell(period=found.period, target=target_text(indicator, found.goal), status=found.status)
    if result.awaiting:
        cell.actual_text = _("awaiting data source") if found.period.start <= at else ""
        return cell
    cell.actual, cell.percent = found.actual, found.percent
    _show(cell, indicator, found.actual)
    return cell


def _show(cell: IPTTCell, indicator: Indicator, value: Decimal | None) -> None:
    cell.actual_text = value_text(indicator, value)
    plain = value is not None and not (indicator.measure == Measure.ORDINAL and indicator.scale)
    cell.number = value if plain else None


def _column_cell(result: IndicatorResult, column: Period, at: datetime.date) -> IPTTCell:
    indicator = result.indicator
    if indicator.frequency == column.kind:
        found = result.period(column.key)
        if found is not None:
            return _cell(result, found, at)
    if not (indicator.frequency == SEMESTER and column.kind == YEAR):
        return IPTTCell(period=column, applies=False)
    # A semester indicator in a yearly column: the year from its semesters, without a target of its own.
    cell = IPTTCell(period=column)
    semesters = [p for p in result.periods if p.period.start.year == column.start.year]
    if result.awaiting:
        cell.actual_text = _("awaiting data source") if column.start <= at else ""
    elif indicator.accumulation == Accumulation.DISTINCT:
        cell.actual_text = NOT_ADDITIVE if any(p.period.start <= at for p in semesters) else ""
    else:
        cell.actual = accumulate(indicator.accumulation, [p.actual for p in semesters])
        _show(cell, indicator, cell.actual)
    return cell


# --- exports -----------------------------------------------------------------------------------------------------


COMPARATOR_WORDS = {
    Comparator.EXACTLY: _lazy("exactly"),
    Comparator.AT_MOST: _lazy("up to"),
    Comparator.AT_LEAST: _lazy("at least"),
    Comparator.RANGE: _lazy("between"),
}


def _comparator(goal: Goal | None) -> str | None:
    return str(COMPARATOR_WORDS[Comparator(goal.comparator)]) if goal is not None else None


def _goal_cell(indicator: Indicator, value):
    """A target as the actual beside it is written: an ordinal step by its label, a number otherwise."""
    if value is None:
        return None
    return indicator.label_for(value) if indicator.measure == Measure.ORDINAL and indicator.scale else value


def _counts(result: IndicatorResult) -> str:
    if result.source == "manual":
        return _("approved values entered by hand")
    return _("all States") if result.reach == "global" else _("this programme's records")


def _actual_from(result: IndicatorResult, found: PeriodResult) -> str | None:
    if found.actual is None:
        return None
    if found.published:
        return _("published figure")
    return _("approved values") if result.source == "manual" else _("records")


class IPTTExport(Export):
    """The IPTT as rows: the fixed columns of each indicator, then target, actual and % per period. Every figure
    is a number cell (the comparator of a target sits in a column of its own); the unit of every figure is the
    row's Unit column, named in each figure's header. Where a published or official figure stands beside the
    records' count, both are written, with the difference and what explains it."""

    frozen_columns = 2
    FIXED = 20  # columns before the periods

    def __init__(self, table: IPTTTable, results: ProgrammeResults):
        self.table, self.results = table, results
        self.title = "IPTT"
        if results.programme.is_sample:
            self.sample_note = _("SAMPLE DATA — every figure of this programme is invented, not real.")

    def header(self) -> list[str]:
        unit = {"unit": _("in the row's unit")}
        fixed = [
            _("Code"),
            _("Indicator"),
            _("Level"),
            _("Unit"),
            _("Accumulation"),
            _("Counts"),
            _("Baseline (%(unit)s)") % unit,
            _("LoP target comparator"),
            _("LoP target (%(unit)s)") % unit,
            _("LoP target upper bound (%(unit)s)") % unit,
            _("LoP actual (%(unit)s)") % unit,
            _("LoP actual from"),
            _("LoP records' count (%(unit)s)") % unit,
            _("LoP official (%(unit)s)") % unit,
            _("LoP official as of"),
            _("LoP computed on that day (%(unit)s)") % unit,
            _("LoP difference, computed − official (%(unit)s)") % unit,
            _("LoP difference explained by"),
            _("LoP % of target"),
            _("LoP status"),
        ]
        periods = []
        for period in self.table.columns:
            names = {"period": period.label, **unit}
            periods += [
                _("%(period)s target comparator") % names,
                _("%(period)s target (%(unit)s)") % names,
                _("%(period)s actual (%(unit)s)") % names,
                _("%(period)s %% of target") % names,
            ]
        return fixed + periods

    def rows(self):
        for row in self.table.rows:
            found = row.result.to_date
            official = found.official[-1] if found.official else None
            goal = found.goal
            values = [
                row.indicator.code,
                row.indicator.title,
                row.level,
                row.unit,
                row.accumulation,
                _counts(row.result),
                row.export_baseline,
                _comparator(goal),
                _goal_cell(row.indicator, None if goal is None else goal.value),
                _goal_cell(row.indicator, None if goal is None else goal.upper),
                row.life.export_actual,
                _actual_from(row.result, found),
                found.recorded if found.published else None,
                None if official is None else official.value,
                None if official is None else official.as_of,
                None if official is None else official.computed,
                None if official is None else official.difference,
                None if official is None else (", ".join(official.explained_by) or None),
                row.life.percent,
                row.life.status_label or None,
            ]
            for cell, column in zip(row.cells, self.table.columns, strict=True):
                period_goal = None
                if cell.applies and row.indicator.frequency == column.kind:
                    period_result = row.result.period(column.key)
                    period_goal = period_result.goal if period_result is not None else None
                values += [
                    _comparator(period_goal),
                    _goal_cell(row.indicator, None if period_goal is None else period_goal.value),
                    cell.export_actual,
                    cell.percent,
                ]
            yield values

    def number_format(self, column: int, value) -> str | None:
        # % of target is kept to the one decimal it is computed with.
        if column == self.FIXED - 2 or (column >= self.FIXED and (column - self.FIXED) % 4 == 3):
            return "0.0"
        return None


def about_rows(table: IPTTTable, results: ProgrammeResults, generated_at: datetime.datetime) -> list[list[str]]:
    version = results.version
    return [
        [_("Programme"), results.programme.title],
        [_("Figures as of"), results.at.isoformat()],
        [_("Logframe version"), str(version.number)],
        [_("In force from"), version.valid_from.isoformat()],
        [_("Decision"), version.decision],
        [_("Columns"), table.frequency_label],
        [_("Levels"), table.level_label],
        [_("Generated at"), timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M %Z")],
        [
            _("Note"),
            _(
                "Computed values come from the records; values entered by hand count only once approved. "
                "% met is the actual as a share of the target (of its lower bound for a range)."
            ),
        ],
    ]


def iptt_xlsx(table: IPTTTable, results: ProgrammeResults) -> bytes:
    """The IPTT as an XLSX workbook: the sheet "IPTT" and a sheet "About" saying what the figures are."""
    about = Table(_("About"), [_("Item"), _("Value")], about_rows(table, results, timezone.now()))
    return to_xlsx(IPTTExport(table, results), about)


def iptt_pdf(table: IPTTTable, results: ProgrammeResults) -> bytes:
    """The IPTT as a landscape A4 PDF. Nothing is fetched: the template carries its own style and no image, and
    the fetcher allows only inline `data:` addresses."""
    html = render_to_string(
        "results/iptt_pdf.html",
        {"table": table, "results": results, "programme": results.programme, "generated_at": timezone.now()},
    )
    return HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()

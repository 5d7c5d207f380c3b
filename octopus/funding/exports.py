"""The funding position as a download: XLSX with one sheet per table (totals, donors, outputs, years, categories,
cost per output unit) and CSV with the same figures as one long table (table, row, measure, value, unit, what is
missing). Amounts are numbers with 2 decimals and every amount names its currency (EUR) in its header or unit; a
figure that needs more data to mean anything is an empty cell with what is missing beside it, the same text the
page and the API give. A position built on sample records says so (`holds_sample`): in the first row of every
sheet, and in the CSV's row counting them."""

from decimal import Decimal

from django.utils.translation import gettext as _

from octopus.funding.queries import Position, UnitCost
from octopus.lib.downloads import mark_sample
from octopus.lib.exports import DECIMAL_FORMAT, Table, to_csv, to_xlsx


class MoneyTable(Table):
    """A table whose Decimal cells are amounts: always shown with 2 decimals (1,000.00, not 1,000)."""

    def number_format(self, column: int, value) -> str | None:
        return DECIMAL_FORMAT if isinstance(value, Decimal) else None


def _eur(label: str) -> str:
    return _("%(label)s (EUR)") % {"label": label}


def _totals(position: Position) -> list[tuple[str, object, str, str]]:
    """(measure, value, unit, what is missing) of the totals."""
    eur, missing = "EUR", position.missing
    rows = [
        (_("Budget ceiling"), position.ceiling, eur, ""),
        (_("Current budget"), position.budget_total, eur, ""),
        (_("Pledged"), position.pledged, eur, ""),
        (_("Signed"), position.signed, eur, ""),
        (_("Received"), position.received, eur, ""),
        (_("Earmarked"), position.earmarked, eur, ""),
        (_("Spent"), position.spent, eur, ""),
        (_("Committed"), position.committed, eur, ""),
        (_("Available"), position.available, eur, ""),
        (_("Funding gap"), position.gap, eur, ""),
        (_("Spent in the last 12 months"), position.spent_last_12_months, eur, ""),
        (_("Burn rate per month"), position.burn_rate, _("EUR per month"), missing.get("burn_rate", "")),
    ]
    rows = [row for row in rows if row[1] is not None or row[3] or not position.donor_view]
    runs_out = position.runs_out.strftime("%Y-%m") if position.runs_out else None
    if not position.donor_view:
        rows.append((_("Runs out (month)"), runs_out, _("month"), missing.get("runs_out", "")))
    # A figure built on sample rows says so in the file too, not only on the page.
    rows.append((_("Sample records behind these figures (not real amounts)"), position.sample_rows, _("records"), ""))
    rows.append((_("As at"), position.at, _("day"), ""))
    return rows


def _unit_costs(unit_costs: list[UnitCost]) -> MoneyTable:
    return MoneyTable(
        _("Cost per output unit"),
        [_("Unit"), _eur(_("Spent")), _("Units"), _("Counted"), _eur(_("Per unit")), _("What is missing")],
        [[str(u.label), u.spent, u.units, str(u.unit_label), u.per_unit, u.missing] for u in unit_costs],
        frozen_columns=1,
    )


def tables(position: Position, unit_costs: list[UnitCost] | None = None) -> list[Table]:
    """The position's tables, each with its total row last (labelled "Total"), then the cost per output unit."""
    total = _("Total")
    totals_table = MoneyTable(
        _("Totals"),
        [_("Measure"), _("Value"), _("Unit"), _("What is missing")],
        [list(row) for row in _totals(position)],
    )
    donors = MoneyTable(
        _("Donors"),
        [_("Donor code"), _("Donor"), _eur(_("Pledged")), _eur(_("Signed")), _eur(_("Received")), _eur(_("Earmarked"))],
        [
            *[[r.code, r.name, r.pledged, r.signed, r.received, r.earmarked] for r in position.donors],
            ["", total, position.pledged, position.signed, position.received, position.earmarked],
        ],
        frozen_columns=2,
    )
    result = [totals_table, donors]
    if not position.donor_view:
        budget_total = position.budget_total or Decimal("0.00")
        result.append(
            MoneyTable(
                _("Outputs"),
                [
                    _("Output"),
                    _("Title"),
                    _eur(_("Budget")),
                    _eur(_("Spent")),
                    _eur(_("Committed")),
                    _("% of budget spent"),
                ],
                [
                    *[[r.code, r.title, r.budget, r.spent, r.committed, r.share_spent] for r in position.outputs],
                    ["", total, budget_total, position.spent, position.committed, position.share_spent],
                ],
                frozen_columns=1,
            )
        )
        result.append(
            MoneyTable(
                _("Years"),
                [_("Year"), _eur(_("Budget")), _eur(_("Received")), _eur(_("Spent")), _eur(_("Committed"))],
                [
                    *[[r.year, r.budget, r.received, r.spent, r.committed] for r in position.years],
                    [total, budget_total, position.received, position.spent, position.committed],
                ],
                frozen_columns=1,
            )
        )
        result.append(
            MoneyTable(
                _("Categories"),
                [_("Cost category"), _eur(_("Budget")), _eur(_("Spent")), _eur(_("Committed"))],
                [
                    *[[r.label, r.budget, r.spent, r.committed] for r in position.categories],
                    [total, budget_total, position.spent, position.committed],
                ],
                frozen_columns=1,
            )
        )
        if unit_costs:
            result.append(_unit_costs(unit_costs))
    else:
        result.append(
            MoneyTable(
                _("Years"),
                [_("Year"), _eur(_("Received"))],
                [*[[r.year, r.received] for r in position.years], [total, position.received]],
            )
        )
    return result


def holds_sample(position: Position) -> bool:
    """The position is a sample programme's, or sample records are behind its figures."""
    return position.programme.is_sample or position.sample_rows > 0


def position_xlsx(position: Position, unit_costs: list[UnitCost] | None = None) -> bytes:
    sheets = tables(position, unit_costs)
    if holds_sample(position):
        mark_sample(*sheets)
    return to_xlsx(*sheets)


def _unit_of(measure: str, value) -> str:
    if measure.endswith("(EUR)"):
        return "EUR"
    if measure == _("% of budget spent"):
        return "%"
    return ""


def long_rows(position: Position, unit_costs: list[UnitCost] | None = None) -> list[list]:
    """Every figure of every table as (table, row, measure, value, unit, what is missing), totals rows included."""
    rows = []
    for table in tables(position, unit_costs):
        header = table.header()
        for row in table.rows():
            if table.title == _("Totals"):
                rows.append([table.title, "", *row])
                continue
            if table.title == _("Cost per output unit"):
                label, spent, units, counted, per_unit, missing = row
                rows.append([table.title, label, header[1], spent, "EUR", ""])
                rows.append([table.title, label, header[2], units, counted, ""])
                rows.append([table.title, label, header[4], per_unit, "EUR", missing])
                continue
            label_columns = 2 if header[1] in (_("Donor"), _("Title")) else 1
            label = " ".join(str(cell) for cell in row[:label_columns] if cell not in ("", None))
            for measure, value in zip(header[label_columns:], row[label_columns:], strict=True):
                rows.append([table.title, label, measure, value, _unit_of(measure, value), ""])
    return rows


def position_csv(position: Position, unit_costs: list[UnitCost] | None = None) -> str:
    rows = [
        [table, row, measure, f"{value:.2f}" if isinstance(value, Decimal) else value, unit, missing]
        for table, row, measure, value, unit, missing in long_rows(position, unit_costs)
    ]
    header = [_("Table"), _("Row"), _("Measure"), _("Value"), _("Unit"), _("What is missing")]
    return to_csv(header, rows)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def position_data(position: Position) -> dict:
    """The position as JSON-ready data (amounts as strings with 2 decimals, never floats), for the API."""
    figures = (
        "ceiling",
        "budget_total",
        "pledged",
        "signed",
        "received",
        "earmarked",
        "spent",
        "committed",
        "available",
        "gap",
        "spent_last_12_months",
        "burn_rate",
    )
    return {
        "programme": position.programme.code,
        "at": position.at.isoformat(),
        "donor_view": position.donor_view,
        "sample_rows": position.sample_rows,
        "currency": "EUR",
        **{name: _money(getattr(position, name)) for name in figures},
        "runs_out": position.runs_out.isoformat() if position.runs_out else None,
        "missing": dict(position.missing),
        "budget_number": position.budget.number if position.budget else None,
        "donors": [
            {
                "code": r.code,
                "name": r.name,
                "pledged": _money(r.pledged),
                "signed": _money(r.signed),
                "received": _money(r.received),
                "earmarked": _money(r.earmarked),
            }
            for r in position.donors
        ],
        "outputs": [
            {
                "code": r.code,
                "title": r.title,
                "budget": _money(r.budget),
                "spent": _money(r.spent),
                "committed": _money(r.committed),
                "share_spent": _money(r.share_spent),
            }
            for r in position.outputs
        ],
        "years": [
            {
                "year": r.year,
                "budget": _money(r.budget),
                "received": _money(r.received),
                "spent": _money(r.spent),
                "committed": _money(r.committed),
            }
            for r in position.years
        ],
        "categories": [
            {
                "category": r.category,
                "budget": _money(r.budget),
                "spent": _money(r.spent),
                "committed": _money(r.committed),
            }
            for r in position.categories
        ],
    }

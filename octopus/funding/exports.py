"""The funding position as a download: XLSX with one sheet per table (totals, donors, outputs, years, categories)
and CSV with the same figures as one long table (table, row, measure, EUR). Amounts are numbers with 2 decimals."""

from decimal import Decimal

from django.utils.translation import gettext as _

from octopus.funding.queries import Position
from octopus.lib.exports import DECIMAL_FORMAT, Table, to_csv, to_xlsx


class MoneyTable(Table):
    """A table whose Decimal cells are amounts: always shown with 2 decimals (1,000.00, not 1,000)."""

    def number_format(self, column: int, value) -> str | None:
        return DECIMAL_FORMAT if isinstance(value, Decimal) else None


def _totals(position: Position) -> list[tuple[str, Decimal | int | None]]:
    rows = [
        (_("Budget ceiling"), position.ceiling),
        (_("Current budget"), position.budget_total),
        (_("Pledged"), position.pledged),
        (_("Signed"), position.signed),
        (_("Received"), position.received),
        (_("Earmarked"), position.earmarked),
        (_("Spent"), position.spent),
        (_("Committed"), position.committed),
        (_("Available"), position.available),
        (_("Funding gap"), position.gap),
        (_("Spent in the last 12 months"), position.spent_last_12_months),
        (_("Burn rate per month"), position.burn_rate),
    ]
    rows = [(name, value) for name, value in rows if value is not None or not position.donor_view]
    # A figure built on sample rows says so in the file too, not only on the page.
    return rows + [(_("Sample records behind these figures (not real amounts)"), position.sample_rows)]


def tables(position: Position) -> list[Table]:
    """The position's tables, each with its total row last (labelled "Total")."""
    total = _("Total")
    totals = _totals(position)
    runs_out = position.runs_out
    totals_table = MoneyTable(
        _("Totals"),
        [_("Measure"), _("EUR")],
        [*[[name, value] for name, value in totals], [_("Runs out (month)"), runs_out.strftime("%Y-%m") if runs_out
                                                      else ""], [_("As at"), position.at]],
    )  # fmt: skip
    donors = MoneyTable(
        _("Donors"),
        [_("Donor code"), _("Donor"), _("Pledged"), _("Signed"), _("Received"), _("Earmarked")],
        [*[[r.code, r.name, r.pledged, r.signed, r.received, r.earmarked] for r in position.donors],
         ["", total, position.pledged, position.signed, position.received, position.earmarked]],
        frozen_columns=2,
    )  # fmt: skip
    result = [totals_table, donors]
    if not position.donor_view:
        result.append(
            MoneyTable(
                _("Outputs"),
                [_("Output"), _("Title"), _("Budget"), _("Spent"), _("Committed"), _("% of budget spent")],
                [
                    *[[r.code, r.title, r.budget, r.spent, r.committed, r.share_spent] for r in position.outputs],
                    [
                        "",
                        total,
                        position.budget_total or Decimal("0.00"),
                        position.spent,
                        position.committed,
                        position.share_spent,
                    ],
                ],
                frozen_columns=1,
            )  # fmt: skip
        )
        result.append(
            MoneyTable(
                _("Years"),
                [_("Year"), _("Budget"), _("Received"), _("Spent"), _("Committed")],
                [
                    *[[r.year, r.budget, r.received, r.spent, r.committed] for r in position.years],
                    [
                        total,
                        position.budget_total or Decimal("0.00"),
                        position.received,
                        position.spent,
                        position.committed,
                    ],
                ],
                frozen_columns=1,
            )  # fmt: skip
        )
        result.append(
            MoneyTable(
                _("Categories"),
                [_("Cost category"), _("Budget"), _("Spent"), _("Committed")],
                [
                    *[[r.label, r.budget, r.spent, r.committed] for r in position.categories],
                    [total, position.budget_total or Decimal("0.00"), position.spent, position.committed],
                ],
                frozen_columns=1,
            )  # fmt: skip
        )
    else:
        result.append(
            MoneyTable(
                _("Years"),
                [_("Year"), _("Received")],
                [*[[r.year, r.received] for r in position.years], [total, position.received]],
            )
        )
    return result


def position_xlsx(position: Position) -> bytes:
    return to_xlsx(*tables(position))


def long_rows(position: Position) -> list[list]:
    """Every figure of every table as (table, row, measure, EUR), totals rows included."""
    rows = []
    for table in tables(position):
        header = table.header()
        for row in table.rows():
            if table.title == _("Totals"):
                rows.append([table.title, "", row[0], row[1]])
                continue
            label_columns = 2 if header[1] in (_("Donor"), _("Title")) else 1
            label = " ".join(str(cell) for cell in row[:label_columns] if cell not in ("", None))
            for measure, value in zip(header[label_columns:], row[label_columns:], strict=True):
                rows.append([table.title, label, measure, value])
    return rows


def position_csv(position: Position) -> str:
    rows = [[table, row, measure, f"{value:.2f}" if isinstance(value, Decimal) else value]
            for table, row, measure, value in long_rows(position)]  # fmt: skip
    return to_csv([_("Table"), _("Row"), _("Measure"), _("Value")], rows)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def position_data(position: Position) -> dict:
    """The position as JSON-ready data (amounts as strings with 2 decimals, never floats), for the API."""
    figures = ("ceiling", "budget_total", "pledged", "signed", "received", "earmarked", "spent", "committed",
               "available", "gap", "spent_last_12_months", "burn_rate")  # fmt: skip
    return {
        "programme": position.programme.code,
        "at": position.at.isoformat(),
        "donor_view": position.donor_view,
        "sample_rows": position.sample_rows,
        **{name: _money(getattr(position, name)) for name in figures},
        "runs_out": position.runs_out.isoformat() if position.runs_out else None,
        "budget_number": position.budget.number if position.budget else None,
        "donors": [{"code": r.code, "name": r.name, "pledged": _money(r.pledged), "signed": _money(r.signed),
                    "received": _money(r.received), "earmarked": _money(r.earmarked)} for r in position.donors],
        "outputs": [{"code": r.code, "title": r.title, "budget": _money(r.budget), "spent": _money(r.spent),
                     "committed": _money(r.committed), "share_spent": _money(r.share_spent)} for r in position.outputs],
        "years": [{"year": r.year, "budget": _money(r.budget), "received": _money(r.received),
                   "spent": _money(r.spent), "committed": _money(r.committed)} for r in position.years],
        "categories": [{"category": r.category, "budget": _money(r.budget), "spent": _money(r.spent),
                        "committed": _money(r.committed)} for r in position.categories],
    }  # fmt: skip

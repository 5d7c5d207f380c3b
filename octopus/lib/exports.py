"""Table exports: a header and rows in, file content out (Django-free).

An export is a class that yields a header and rows (`Export`); `to_csv` and `to_xlsx` render any of them, so every
list of the workspace downloads the same way (DESIGN.md §7.12). PDFs are rendered from templates by their app.
"""

import abc
import csv
import datetime
import io
import math
import re
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 cannot carry: openpyxl refuses a string that holds one, so they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Sheet names: at most 31 characters, none of these.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH = 8, 60


def safe_cell(value) -> str:
    """Text of a cell; text that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class Export(abc.ABC):
    """A table to download: a title, a header and rows. Subclasses override `header` and `rows` (and `title`).

    Cells are plain values: text, int, Decimal, float, date, datetime (written with the wall time it carries;
    pass local times), bool or None (empty).
    """

    title: str = ""
    frozen_columns: int = 0  # leftmost columns kept in view when scrolling sideways (XLSX)
    # Set for a table holding sample data: the sheet's first row says so (and the header moves to the second).
    sample_note: str = ""

    @abc.abstractmethod
    def header(self) -> list[str]: ...

    @abc.abstractmethod
    def rows(self) -> Iterable[list]: ...

    def number_format(self, column: int, value) -> str | None:
        """The spreadsheet number format of a numeric cell in `column` (0-based); None for the default
        (whole numbers without decimals, others with two)."""
        return None


class Table(Export):
    """An export from a header and rows already at hand."""

    def __init__(self, title: str, header: list[str], rows: Iterable[Iterable], *, frozen_columns: int = 0):
        self.title = title
        self._header = list(header)
        self._rows = rows
        self.frozen_columns = frozen_columns

    def header(self) -> list[str]:
        return self._header

    def rows(self) -> Iterable[list]:
        return (list(row) for row in self._rows)


def to_csv(export: Export | list[str], rows: Iterable[Iterable] | None = None) -> str:
    """CSV text of an export, or of a header and rows: `to_csv(export)` or `to_csv(header, rows)`."""
    if isinstance(export, Export):
        header, rows = export.header(), export.rows()
    else:
        header, rows = export, rows or []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def to_xlsx(export: Export, *more: Export) -> bytes:
    """An XLSX workbook with one sheet per export, named by its title: a bold header row kept in view, columns
    sized to their content, numbers and dates as numbers and dates, text guarded against formulas as in CSV."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for item in (export, *more):
        sheet = workbook.create_sheet(_sheet_name(item.title, used))
        header = [_text(name) for name in item.header()]
        top = 1
        if item.sample_note:
            sheet.append([_text(item.sample_note)])
            sheet["A1"].font = Font(bold=True, color="9C0006")
            top = 2
        sheet.append(header)
        for cell in sheet[top]:
            cell.font = bold
        widths = [len(name) for name in header]
        for row_number, row in enumerate(item.rows(), start=top + 1):
            for column, raw in enumerate(row):
                value, number_format, width = _xlsx_value(raw)
                cell = sheet.cell(row=row_number, column=column + 1, value=value)
                if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                    number_format = item.number_format(column, raw) or number_format
                if number_format:
                    cell.number_format = number_format
                if column < len(widths):
                    widths[column] = max(widths[column], width)
                else:
                    widths.append(width)
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.freeze_panes = sheet.cell(row=top + 1, column=item.frozen_columns + 1)
        if sheet.max_row > top:
            sheet.auto_filter.ref = f"A{top}:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(value) -> str:
    return _ILLEGAL_XML.sub("", safe_cell(value))


def _xlsx_value(value) -> tuple[object, str | None, int]:
    """(what openpyxl writes, its number format, the width it needs in characters)."""
    if value is None:
        return None, None, 0
    if isinstance(value, bool):
        return value, None, 5
    if isinstance(value, int):
        return value, None, len(str(value))
    if isinstance(value, (Decimal, float)):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:
            return _text(value), None, len(str(value))
        # Decimals go in as they are: openpyxl writes their exact digits, never a float's rounding.
        whole = value == int(value)
        shown = f"{value:,.0f}" if whole else f"{value:,.2f}"
        return value, WHOLE_FORMAT if whole else DECIMAL_FORMAT, len(shown)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None), DATETIME_FORMAT, 16
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT, 10
    text = _text(value)
    return text, None, max((len(line) for line in text.splitlines()), default=0)


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub(" ", _ILLEGAL_XML.sub("", str(title or ""))).strip().strip("'")[:31] or "Sheet"
    name, number = base, 1
    while name.lower() in used:
        number += 1
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.lower())
    return name

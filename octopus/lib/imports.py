"""The one import pipeline: a file of rows in, every error out with its line and column, or everything written.

An import is a small declaration (`Declaration`): its columns (name, header spellings, required or not, a parser of
the cell's text), how a batch of rows is checked against the database (`check`), and how it is written (`write`).
The pipeline does the rest, the same way for every import:

1. the upload is streamed to a file on disk (`stage`), never held in memory;
2. the file is sniffed by its content (`sniff`): an XLSX workbook, or CSV text (UTF-8, or Windows-1252 as Excel
   writes it; ";" or "," between cells);
3. every row is read streaming (openpyxl read-only, the csv reader) and parsed (`check_file`), and EVERY error
   is reported with its line and column — a preview shows them before anything is written;
4. the rows are checked once more and written in ONE transaction (`write_file`), batch by batch with progress:
   nothing is written if any row has an error or a writer refuses one; the job runs it in the background.

Memory stays flat however long the file: rows go through in batches, and only the errors (and the first rows, for
a preview) are kept. A declaration with cross-row checks that need every row at once says `batch_size = None`.
Django appears only where the file is stored and the transaction opened.
"""

import codecs
import csv
import datetime
import os
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from octopus.lib.errors import DomainError
from octopus.lib.files import FileType, detect_file_type

CSV, XLSX = "csv", "xlsx"
STAGED = "private/imports/"  # uploads waiting between the preview and the job (the job deletes its file)
CHUNK = 64 * 1024


class ImportRefused(DomainError):
    """The file cannot be read, or some rows are wrong; nothing was written."""


class CellError(ValueError):
    """Raised by a column's parser: the message says what is wrong with the cell."""


def header_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key of a header cell."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass(frozen=True)
class Column:
    name: str
    headers: tuple[str, ...] = ()  # the spellings a header may use (the name itself is always accepted)
    required: bool = False  # the header must name it
    parse: Callable[[str], Any] | None = None  # text → value, CellError when it cannot

    def keys(self) -> set[str]:
        return {header_key(spelling) for spelling in (self.name.replace("_", " "), *self.headers)}


@dataclass(frozen=True)
class Problem:
    """One error, where it is: the sheet (workbooks with several), the line, the column (when one is to blame)."""

    line: int
    message: str
    column: str = ""
    sheet: str = ""

    def place(self) -> str:
        if self.sheet:
            return _("Sheet “%(sheet)s”, line %(line)s") % {"sheet": self.sheet, "line": self.line}
        return _("Line %(line)s") % {"line": self.line}

    def __str__(self) -> str:
        return f"{self.place()}: {self.message}"


@dataclass
class Row:
    line: int
    values: dict[str, str]  # column → the cell's text
    sheet: str = ""
    parsed: dict[str, Any] = field(default_factory=dict)  # column → the parser's value
    problems: list[Problem] = field(default_factory=list)
    item: Any = None  # what the declaration's check made of the row (a planned line, say)

    def error(self, message: str, column: str = "") -> None:
        self.problems.append(Problem(self.line, str(message), column, self.sheet))

    @property
    def ok(self) -> bool:
        return not self.problems


class Declaration:
    """What an import is. Subclasses set `columns` and override `check` and `write`; `start` prepares what both
    need from the database (lookup tables, the record imported into) and `finish` says what was done."""

    columns: tuple[Column, ...] = ()
    formats: tuple[str, ...] = (CSV, XLSX)
    all_sheets = False  # read every sheet of a workbook, not only the first
    names_sheets = False  # each row (and each error's place) names its sheet
    batch_size: int | None = 500

    def start(self, options: dict) -> Any:
        return {}

    def header_problem(self, missing: list[Column], sheet: str) -> str:
        names = ", ".join(column.name.replace("_", " ") for column in missing)
        expected = ", ".join(column.name.replace("_", " ") for column in self.columns)
        return _("The first line must name the columns; missing: %(missing)s. Expected: %(all)s.") % {
            "missing": names,
            "all": expected,
        }

    def check(self, rows: list[Row], context) -> None:
        """Add the errors of these rows (row.error); may set row.item for the writer and the preview."""

    def write(self, rows: list[Row], context) -> None:
        """Write these rows (all checked, none in error); raise DomainError to refuse one, undoing everything."""
        raise NotImplementedError

    def finish(self, context) -> dict:
        return {}

    def refuse(self, problems: list[Problem], context) -> ImportRefused:
        """The refusal of a file with errors, listing every one."""
        return refusal(problems)

    def tally(self, row: Row) -> str:
        """What a checked row counts as in a preview's totals."""
        return "error" if row.problems else "ok"


# --- the file ---------------------------------------------------------------------------------------------------


def stage(upload, *, prefix: str = STAGED) -> str:
    """Stream an upload to the private folder; the stored name."""
    base = os.path.basename(getattr(upload, "name", "") or "upload")
    return default_storage.save(f"{prefix}{base}", upload)


def discard(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)


def sniff(path: str, formats: Iterable[str] = (CSV, XLSX)) -> str:
    """CSV or XLSX, judged by the content; ImportRefused with what to do otherwise."""
    with open(path, "rb") as handle:
        head = handle.read(16)
        found = detect_file_type(head, handle) if head.startswith(b"PK") else None
    if found == FileType.XLSX and XLSX in formats:
        return XLSX
    if found is None and CSV in formats and b"\x00" not in head and not head.startswith((b"PK", b"%PDF", b"\xd0\xcf")):
        return CSV
    if formats == (XLSX,) or list(formats) == [XLSX]:
        raise ImportRefused(_("This file is not an Excel workbook (.xlsx)."))
    raise ImportRefused(_("Upload an .xlsx or .csv file."))


def _csv_encoding(path: str) -> str:
    """UTF-8 when the whole file decodes as such (checked streaming), else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _csv_lines(path: str) -> Iterator[tuple[str, Iterator[tuple[int, list]]]]:
    encoding = _csv_encoding(path)
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        first = handle.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        yield "", ((reader.line_num, cells) for cells in reader)


def _xlsx_lines(path: str, all_sheets: bool) -> Iterator[tuple[str, Iterator[tuple[int, list]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportRefused(_("This file could not be read as an XLSX workbook."))
    try:
        for sheet in workbook.worksheets if all_sheets else workbook.worksheets[:1]:
            yield sheet.title, enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def read(declaration: Declaration, path: str, fmt: str | None = None) -> Iterator[Row]:
    """Every non-empty row of the file, numbered as the spreadsheet numbers it (the header is line 1), its cells
    parsed by their columns' parsers (errors on the row). ImportRefused when a header lacks a required column."""
    fmt = fmt or sniff(path, declaration.formats)
    sheets = _csv_lines(path) if fmt == CSV else _xlsx_lines(path, declaration.all_sheets)
    columns = {column.name: column for column in declaration.columns}
    found_any = False
    for sheet, lines in sheets:
        mapping = None
        for number, cells in lines:
            if mapping is None:
                if any(cell_text(cell) for cell in cells):
                    mapping = _header_map(declaration, cells, sheet)
                continue
            values = {name: cell_text(cells[i]) if i < len(cells) else "" for i, name in mapping.items()}
            if not any(values.values()):
                continue
            found_any = True
            named = sheet if declaration.names_sheets else ""
            row = Row(number, {name: values.get(name, "") for name in columns}, named)
            for name, column in columns.items():
                if column.parse is not None and row.values[name]:
                    try:
                        row.parsed[name] = column.parse(row.values[name])
                    except CellError as error:
                        row.error(str(error), name)
            yield row
    if not found_any:
        raise ImportRefused(_("The file has a header but no line below it."))


def _header_map(declaration: Declaration, header, sheet: str) -> dict[int, str]:
    found: dict[int, str] = {}
    keys = {column.name: column.keys() for column in declaration.columns}
    for index, cell in enumerate(header):
        key = header_key(cell_text(cell))
        for name, spellings in keys.items():
            if key in spellings and name not in found.values():
                found[index] = name
                break
    missing = [c for c in declaration.columns if c.required and c.name not in found.values()]
    if missing:
        raise ImportRefused(declaration.header_problem(missing, sheet))
    return found


def batches(rows: Iterable[Row], size: int | None) -> Iterator[list[Row]]:
    if size is None:
        yield list(rows)
        return
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- checking and writing ---------------------------------------------------------------------------------------


@dataclass
class Report:
    """What a check of the whole file found: every problem, the row count, and the first rows for a preview."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    shown: list[Row] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # the declaration's tally of every row
    context: Any = None  # what the declaration's start prepared, after the check

    @property
    def ok(self) -> bool:
        return not self.problems

    def error_text(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def check_file(declaration: Declaration, path: str, options: dict, *, keep: int = 0) -> Report:
    """Read and check every row, writing nothing; keep the first `keep` rows (and every row in error) for a
    preview."""
    return check_rows(declaration, read(declaration, path), options, keep=keep)


def check_rows(declaration: Declaration, rows: Iterable[Row], options: dict, *, keep: int = 0) -> Report:
    report = Report()
    report.context = context = declaration.start(options)
    for batch in batches(rows, declaration.batch_size):
        declaration.check(batch, context)
        for row in batch:
            report.rows += 1
            report.counts[declaration.tally(row)] += 1
            report.problems.extend(row.problems)
            if report.rows <= keep or (keep and row.problems):
                report.shown.append(row)
    return report


def refusal(problems: list[Problem]) -> ImportRefused:
    return ImportRefused(
        _("Nothing was imported; correct these lines first:") + "\n" + "\n".join(str(p) for p in problems)
    )


def write_file(declaration: Declaration, path: str, options: dict, **hooks) -> dict:
    """Check every row of the file again and write them all in one transaction (see `write_rows`)."""
    return write_rows(declaration, read(declaration, path), options, **hooks)


def write_rows(
    declaration: Declaration,
    rows: Iterable[Row],
    options: dict,
    *,
    progress: Callable[[int], None] = lambda done: None,
    confirm: Callable[[], None] = lambda: None,
) -> dict:
    """Check every row again and write them all in one transaction; the outcome the declaration gives. On any error
    the rest of the file is still checked, so that the refusal lists them all, and nothing is written."""
    with transaction.atomic():
        context = declaration.start(options)
        problems: list[Problem] = []
        done = 0
        for batch in batches(rows, declaration.batch_size):
            declaration.check(batch, context)
            for row in batch:
                problems.extend(row.problems)
            if not problems:
                declaration.write(batch, context)
            done += len(batch)
            progress(done)
        if problems:
            raise declaration.refuse(problems, context)
        outcome = declaration.finish(context)
        confirm()
        return outcome


def count_rows(declaration: Declaration, path: str) -> int:
    return sum(1 for _row in read(declaration, path))

"""The one import pipeline (octopus.lib.imports): every error with its line and column, nothing written on any
error, and flat memory however long the file (100,000 rows)."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from octopus.lib import imports
from octopus.lib.imports import CellError, Column, Declaration, ImportRefused

pytestmark = pytest.mark.django_db


def whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CellError(f"“{text}” is not a whole number.") from None


class Counting(Declaration):
    """The cheapest importer there is: two columns, a check, and a writer that keeps only a total."""

    columns = (Column("name", ("label",), required=True), Column("amount", parse=whole))

    def start(self, options):
        return {"written": 0}

    def check(self, rows, context):
        for row in rows:
            if not row.values["name"]:
                row.error("the name is missing.", "name")

    def write(self, rows, context):
        context["written"] += sum(row.parsed.get("amount", 0) for row in rows)

    def finish(self, context):
        return {"written": context["written"]}


def csv_file(tmp_path, rows: int, bad: dict | None = None):
    path = tmp_path / f"rows-{rows}.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("Label,Amount\n")
        for n in range(rows):
            out.write(bad.get(n, f"row {n},1\n") if bad else f"row {n},1\n")
    return str(path)


def test_every_error_is_reported_with_its_line_and_column_and_nothing_is_written(tmp_path):
    path = csv_file(tmp_path, 6, bad={1: ",1\n", 3: "row 3,three\n", 4: ",x\n"})

    report = imports.check_file(Counting(), path, {})
    with pytest.raises(ImportRefused) as refused:
        imports.write_file(Counting(), path, {})

    assert [(p.line, p.column, p.message) for p in report.problems] == [
        (3, "name", "the name is missing."),
        (5, "amount", "“three” is not a whole number."),
        (6, "amount", "“x” is not a whole number."),
        (6, "name", "the name is missing."),
    ]
    assert str(refused.value).splitlines()[1:] == [str(p) for p in report.problems]
    assert str(report.problems[0]) == "Line 3: the name is missing."


def test_the_upload_is_sniffed_by_its_content(tmp_path):
    staged = imports.stage(SimpleUploadedFile("rows.xlsx", b"Label,Amount\nrow,1\n"))
    path = imports.default_storage.path(staged)
    assert imports.sniff(path) == imports.CSV  # named .xlsx, but CSV text: read as what it is
    with pytest.raises(ImportRefused, match="not an Excel workbook"):
        imports.sniff(path, (imports.XLSX,))
    (tmp_path / "fake.csv").write_bytes(b"%PDF-1.7 not rows")
    with pytest.raises(ImportRefused, match="Upload an .xlsx or .csv file."):
        imports.sniff(str(tmp_path / "fake.csv"))


def peak_memory(path: str) -> tuple[int, dict]:
    tracemalloc.start()
    try:
        outcome = imports.write_file(Counting(), path, {}, progress=lambda done: None)
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()


def test_a_hundred_thousand_rows_import_in_flat_memory(tmp_path):
    small, large = csv_file(tmp_path, 10_000), csv_file(tmp_path, 100_000)

    small_peak, small_outcome = peak_memory(small)
    large_peak, large_outcome = peak_memory(large)

    assert (small_outcome, large_outcome) == ({"written": 10_000}, {"written": 100_000})
    assert large_peak < 2 * small_peak, (small_peak, large_peak)
    assert large_peak < 5 * 1024 * 1024  # a few batches of rows at most, whatever the length of the file

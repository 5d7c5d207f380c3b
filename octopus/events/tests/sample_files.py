"""Downloads read back to check what they say about sample data (octopus.downloads): the file's name, the first row of
every XLSX sheet, every page of a PDF, the first paragraph of a DOCX. Shared by the apps' export tests."""

import io

import docx
from openpyxl import load_workbook
from pypdf import PdfReader

from octopus.lib.downloads import SAMPLE_NOTE, SAMPLE_SUFFIX

MARK = "SAMPLE DATA"


def file_name(response) -> str:
    assert response.status_code == 200
    return response["Content-Disposition"].split('filename="', 1)[1].rstrip('"')


def is_marked(response) -> bool:
    """The file's name says it holds sample data."""
    stem, _dot, _extension = file_name(response).rpartition(".")
    return stem.endswith(SAMPLE_SUFFIX)


def sheets(response) -> list[list[tuple]]:
    """Every sheet of an XLSX download as its rows of values."""
    book = load_workbook(io.BytesIO(response.content))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


def sample_sheets(response) -> list[list[tuple]]:
    """The sheets of an XLSX download marked as sample data (its name, and the note alone in row 1 of every sheet),
    each without that row: its header first."""
    assert is_marked(response) and file_name(response).endswith(".xlsx")
    found = sheets(response)
    for rows in found:
        assert rows[0][0] == str(SAMPLE_NOTE) and not any(rows[0][1:])
    return [rows[1:] for rows in found]


def real_sheets(response) -> list[list[tuple]]:
    """The sheets of an XLSX download of real data: no mark in its name nor in any sheet (its header in row 1)."""
    assert not is_marked(response)
    found = sheets(response)
    assert not any(MARK in str(rows[0][0]) for rows in found if rows)
    return found


def pdf_pages(response) -> list[str]:
    """The text of every page of a PDF download."""
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def docx_paragraphs(response) -> list[str]:
    assert response.status_code == 200
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(response.content)).paragraphs]

"""Uploaded files, judged by their content (`detect_file_type`), never by the name the uploader gave, which is
kept for display and download only; documents (a law's text, an advice's analysis, a committee document) are PDF
or Word."""

import io
import os
import re
import zipfile

from django.db import models
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from octopus.lib.errors import DomainError


class FileType(models.TextChoices):
    """File types an answer may carry, recognised by their content (never by their name)."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


def detect_file_type(head: bytes, content) -> str | None:
    """The FileType of a file from its first bytes (and, for Office files, the parts the archive holds)."""
    if head.startswith(b"%PDF-"):
        return FileType.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            content.seek(0)
            with zipfile.ZipFile(io.BytesIO(content.read())) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return FileType.DOCX
        if "xl/workbook.xml" in names:
            return FileType.XLSX
    return None


DOCUMENT_FILE_TYPES = (FileType.PDF, FileType.DOCX)
MAX_DOCUMENT_FILE_SIZE = 20 * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_document_file(upload) -> str:
    """The FileType of an uploaded document, judged by its content; DomainError saying why it is refused."""
    if upload.size > MAX_DOCUMENT_FILE_SIZE:
        raise DomainError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": _megabytes(upload.size), "limit": _megabytes(MAX_DOCUMENT_FILE_SIZE)}
        )
    if upload.size == 0:
        raise DomainError(_("The file is empty."))
    upload.seek(0)
    found = detect_file_type(upload.read(16), upload)
    upload.seek(0)
    if found not in DOCUMENT_FILE_TYPES:
        raise DomainError(
            _(
                "This file is not a PDF or a Word (DOCX) document (judged by its content, not its name); upload one of "
                "those."
            )
        )
    return found


def clean_file_name(name: str, default: str = "document") -> str:
    """The name the uploader gave, for display and download only (the stored name is random): no folders, no
    control characters."""
    base = os.path.basename(str(name or "").replace("\\", "/"))
    return re.sub(r"[\x00-\x1f\x7f]", "", base)[:200] or default


CONTENT_TYPES: dict[str, str] = {
    FileType.PDF: "application/pdf",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileType.PNG: "image/png",
    FileType.JPEG: "image/jpeg",
}


def send_document(file, *, name: str, file_type: str | None, private: bool) -> FileResponse:
    """A stored file as a download of the type found at upload, never rendered by the browser; a `private` one
    (restricted, a draft, an answer) is kept out of shared caches. No file, or one of an unknown type: 404."""
    if not file or file_type not in CONTENT_TYPES:
        raise Http404
    return send_file(file, name=name, content_type=CONTENT_TYPES[file_type], private=private)


def send_file(file, *, name: str, content_type: str = "application/octet-stream", private: bool = True) -> FileResponse:
    """A stored file as a download, never rendered by the browser (see `send_document`)."""
    if not file:
        raise Http404
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response

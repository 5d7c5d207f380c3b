"""Compiled replies as a table (one row per respondent, one column per question, DESIGN.md §7.12) and as a Word
document (per section a heading, per question a table of respondents and their answers). Compiled replies holding
sample data (`holds_sample`) say so: the Word document in its first paragraph, the table through
`octopus.lib.downloads.table_download`."""

import io
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document

from octopus.lib.downloads import mark_sample_docx
from octopus.lib.exports import Export
from octopus.surveys.models import QuestionType
from octopus.surveys.queries import Compilation


class CompilationExport(Export):
    frozen_columns = 1

    def __init__(self, compilation: Compilation):
        self.compilation = compilation
        self.title = compilation.questionnaire.code

    def header(self) -> list[str]:
        return [_("Respondent"), _("Revision"), _("Submitted at")] + [
            question.code for question in self.compilation.questions
        ]

    def rows(self):
        for row in self.compilation.rows:
            submitted = timezone.localtime(row.submitted_at).replace(tzinfo=None) if row.submitted_at else None
            cells = [str(row.respondent), row.revision_number, submitted]
            cells += [_cell(question, row.answers.get(question.code)) for question in self.compilation.questions]
            yield cells


# Characters XML cannot carry: python-docx refuses text holding one, so they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml(text) -> str:
    return _ILLEGAL_XML.sub("", str(text))


def answer_text(question, value) -> str:
    """An answer as a reader sees it: labels of options, Yes/No, the file's name; empty when unanswered."""
    cell = _cell(question, value)
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f")
    return _xml(cell)


def holds_sample(compilation: Compilation) -> bool:
    """The questionnaire is sample data, or a person who answered it is."""
    return compilation.questionnaire.is_sample or any(
        row.response.person is not None and row.response.person.is_sample for row in compilation.rows
    )


def compilation_docx(compilation: Compilation) -> bytes:
    """The compiled replies as a DOCX: the title, a "compiled on" line, then per section a heading and per
    question its text and a table Respondent | Answer, one row per respondent that submitted."""
    questionnaire = compilation.questionnaire
    document = Document()
    if holds_sample(compilation):
        mark_sample_docx(document)
    document.add_heading(_xml(questionnaire.title), level=0)
    compiled_on = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    document.add_paragraph(
        _("Compiled on %(date)s from %(count)s submitted responses (latest revision of each).")
        % {"date": compiled_on, "count": len(compilation.rows)}
    )
    section = None
    for question, replies in compilation.by_question():
        if question.section_id != getattr(section, "pk", None):
            section = question.section
            title = f"{section.order}. {section.title}" + (f" ({section.article})" if section.article else "")
            document.add_heading(_xml(title), level=1)
        document.add_heading(_xml(f"{question.code}: {question.text}"), level=2)
        if not replies:
            document.add_paragraph(_("No response submitted yet."))
            continue
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        header = table.rows[0].cells
        header[0].text, header[1].text = _("Respondent"), _("Answer")
        for row, value in replies:
            cells = table.add_row().cells
            cells[0].text = _xml(row.respondent)
            cells[1].text = answer_text(question, value) or "—"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _cell(question, value):
    if value is None:
        return None
    kind = question.type
    if kind == QuestionType.NUMBER:
        return Decimal(value)
    if kind == QuestionType.YES_NO:
        return _("Yes") if value else _("No")
    if kind in (QuestionType.CHOICE, QuestionType.COMPLIANCE):
        return question.choice_labels().get(value, value)
    if kind == QuestionType.MULTI_CHOICE:
        labels = question.choice_labels()
        return "; ".join(labels.get(item, item) for item in value)
    if kind == QuestionType.FILE:
        return value.get("name", "")
    return value

"""Compiled replies as a table: one row per respondent, one column per question (DESIGN.md §7.12)."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

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

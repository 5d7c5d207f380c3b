"""Input for the budget and expenditure pages: a budget to adopt (a grid of EUR per output × cost category × year),
closing a year, the expenditure list's filters, and an expenditure typed by the finance officer. Forms check the
shape of what is typed (money to the cent, not negative; a currency is three letters); `octopus.funding.services.
budget` checks that it makes sense (a closed year, an output of another programme, a rate missing for a day) and
says so in words users read."""

import zipfile
from decimal import Decimal

from django import forms
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from octopus.events.models import Event
from octopus.funding.forms.contributions import CurrencyField
from octopus.funding.models import MONEY, CostCategory, Expenditure, ExpenditureStatus
from octopus.legislation.models import Advice
from octopus.lib.files import FileType, detect_file_type
from octopus.lib.forms import ServiceModelForm
from octopus.lib.widgets import DateInput
from octopus.results.models import Level, Programme, ResultNode

NOT_NEGATIVE = _("An amount cannot be negative; type 0 or leave the cell empty.")


def amount_field(label, **kwargs) -> forms.DecimalField:
    """Money to the cent (as the database stores it), zero or more."""
    return forms.DecimalField(
        label=label, min_value=Decimal(0), error_messages={"min_value": NOT_NEGATIVE}, **MONEY, **kwargs
    )


def outputs_of(programme: Programme):
    return ResultNode.objects.filter(programme=programme, level=Level.OUTPUT).order_by("order", "code")


def output_label(node: ResultNode) -> str:
    return f"{node.code} {node.title}"


# --- adopting a budget ---------------------------------------------------------------------------------------------


class BudgetForm(forms.Form):
    """A budget to adopt: when and by what decision, and one cell per output × cost category × year (EUR). An empty
    cell (or 0) is no line. The cells come prefilled from the budget in force, so a revision changes what differs."""

    adopted_on = forms.DateField(label=_("Adopted on"), widget=DateInput())
    decision = forms.CharField(
        label=_("Decision"),
        max_length=300,
        required=False,
        help_text=_("Who adopted it and where it is recorded, e.g. “Steering committee, 12 March 2016”."),
    )

    def __init__(self, *args, outputs, years, amounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.outputs, self.years = list(outputs), list(years)
        amounts = amounts or {}
        for node in self.outputs:
            for category in CostCategory:
                for year in self.years:
                    name, label = self.cell_name(node, category, year), f"{node.code} · {category.label} · {year}"
                    self.fields[name] = amount_field(
                        label,
                        required=False,
                        widget=forms.TextInput(
                            attrs={
                                "inputmode": "decimal",
                                "class": "form-control form-control-sm text-end",
                                "size": 9,
                                "aria-label": label,
                            }
                        ),
                    )
                    amount = amounts.get((node.pk, category.value, year))
                    if amount:
                        self.initial[name] = amount

    @staticmethod
    def cell_name(node, category, year) -> str:
        return f"cell-{node.pk}-{category}-{year}"

    def grid(self) -> list[dict]:
        """The cells as the template lays them out: a row per output × category, a bound field per year."""
        return [
            {
                "node": node,
                "category": category,
                "first": index == 0,
                "cells": [self[self.cell_name(node, category.value, year)] for year in self.years],
            }
            for node in self.outputs
            for index, category in enumerate(CostCategory)
        ]

    def lines(self) -> list[tuple]:
        """(node, category, year, amount_eur) for every cell with an amount."""
        return [
            (node, category.value, year, amount)
            for node in self.outputs
            for category in CostCategory
            for year in self.years
            if (amount := self.cleaned_data.get(self.cell_name(node, category.value, year)))
        ]

    def clean(self):
        data = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError(_("Type at least one amount: a budget without lines plans nothing."))
        return data


# --- closing a year ------------------------------------------------------------------------------------------------


class CloseYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    confirm = forms.BooleanField(
        label=_("I understand that no expenditure can be recorded in or moved into this year once it is closed."),
        error_messages={"required": _("Tick the box to confirm: closing a year cannot be undone here.")},
    )


# --- the expenditure list ------------------------------------------------------------------------------------------


class Source:
    TYPED, TRAVEL, TRANSLATION, INTERPRETATION = "typed", "travel", "translation", "interpretation"
    CHOICES = [
        (TYPED, _("Typed here")),
        (TRAVEL, _("Participants' travel (events)")),
        (TRANSLATION, _("Translation (committee)")),
        (INTERPRETATION, _("Interpretation (committee)")),
    ]


# Sortable columns: the key in the address → the ordering it gives (the list's own order breaks ties).
SORTS = {
    "spent_on": ("spent_on",),
    "output": ("node__order", "node__code"),
    "category": ("category",),
    "description": ("description",),
    "status": ("status",),
    "eur": ("eur",),
}
DEFAULT_ORDER = ("-spent_on", "pk")


def ordering(sort: str) -> list:
    key = sort.lstrip("-")
    if key not in SORTS:
        return list(DEFAULT_ORDER)
    descending = sort.startswith("-")
    return [*(F(name).desc() if descending else F(name).asc() for name in SORTS[key]), *DEFAULT_ORDER]


class ExpenditureFilterForm(forms.Form):
    output = forms.ModelChoiceField(
        label=_("Output"),
        queryset=ResultNode.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All outputs"),
    )
    category = forms.ChoiceField(
        label=_("Cost category"), choices=[("", _("All categories")), *CostCategory.choices], required=False
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Committed and spent")), *ExpenditureStatus.choices], required=False
    )
    source = forms.ChoiceField(label=_("Source"), choices=[("", _("All sources")), *Source.CHOICES], required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(f"{d}{k}", f"{d}{k}") for k in SORTS for d in ("", "-")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["output"].queryset = outputs_of(programme)
        self.fields["output"].label_from_instance = output_label

    def filter(self, rows):
        """The rows that match, in the order asked; none when a filter is not understood."""
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_data
        if data["output"]:
            rows = rows.filter(node=data["output"])
        if data["category"]:
            rows = rows.filter(category=data["category"])
        if data["year"]:
            rows = rows.filter(spent_on__year=data["year"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        source = data["source"]
        if source == Source.TYPED:
            rows = rows.filter(source_travel=None, source_translation=None, source_interpretation=None)
        elif source:
            rows = rows.exclude(**{f"source_{source}": None})
        return rows.order_by(*ordering(data["sort"] or ""))


# --- an expenditure ------------------------------------------------------------------------------------------------


def event_label(event: Event) -> str:
    return f"{event.title} ({event.starts_on:%Y-%m-%d})"


def advice_label(advice: Advice) -> str:
    return f"{advice.country.name}: {advice.reviewed} ({advice.starts_on:%Y-%m-%d})"


class ExpenditureForm(ServiceModelForm):
    """An expenditure the finance officer types (costs from events and the committee are brought in, not typed).
    New: for the programme chosen on the list; a correction carries the `version` read."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    currency = CurrencyField(initial="EUR")
    amount = amount_field(
        _("Amount"), help_text=_("In the currency above; its EUR value is computed with the rate of the day.")
    )

    class Meta:
        model = Expenditure
        fields = ["node", "category", "status", "spent_on", "description", "currency", "amount", "event", "advice"]
        widgets = {"spent_on": DateInput()}
        labels = {"event": _("Event (optional)"), "advice": _("Advice mission (optional)")}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        # Every output is offered (the programme's first); the service refuses an output of another programme,
        # saying so, rather than the form hiding the choice.
        nodes = ResultNode.objects.filter(level=Level.OUTPUT).select_related("programme")
        self.fields["node"].queryset = sorted_outputs(nodes, programme)
        several = Programme.objects.count() > 1
        self.fields["node"].label_from_instance = (
            (lambda node: f"{output_label(node)} ({node.programme.code})") if several else output_label
        )
        self.fields["event"].queryset = Event.objects.order_by("-starts_on", "pk")
        self.fields["event"].label_from_instance = event_label
        self.fields["advice"].queryset = Advice.objects.select_related("country").order_by("-starts_on", "pk")
        self.fields["advice"].label_from_instance = advice_label
        for name in ("event", "advice"):
            self.fields[name].empty_label = _("None")
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a correction without the version read would overwrite blindly
        else:
            self.initial.setdefault("spent_on", timezone.localdate())


def sorted_outputs(nodes, programme: Programme):
    """Outputs with those of `programme` first, then the others by programme."""
    first = Case(When(programme=programme, then=Value(0)), default=Value(1), output_field=IntegerField())
    return nodes.order_by(first, "programme__code", "order", "code")


# --- a budget from a spreadsheet -----------------------------------------------------------------------------------

SHEET_COLUMNS = ("output", "category", "year", "amount")
MAX_SHEET_BYTES = 2 * 1024 * 1024


class BudgetSheetForm(forms.Form):
    sheet = forms.FileField(
        label=_("Spreadsheet (XLSX)"),
        help_text=_(
            "First row: output, category, year, amount. One row per line: the output's code (1, 2, 3), the "
            "cost category (its name or code, e.g. “Travel and DSA” or travel), the year and the EUR amount. "
            "The grid is filled from it for you to check before adopting."
        ),
    )


def _category(value) -> str | None:
    text = str(value or "").strip().lower()
    for category in CostCategory:
        if text in (category.value, str(category.label).lower()):
            return category.value
    return None


def _whole(value) -> str:
    """A cell as text, 3.0 (how a spreadsheet may store the output code 3) as "3"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value if value is not None else "").strip()


def read_budget_sheet(upload, *, outputs, years) -> tuple[dict, list[str]]:
    """The amounts of a budget spreadsheet as {(node pk, category, year): Decimal}, and the errors found, each with
    its line number (nothing is taken from a sheet with errors)."""
    if upload.size > MAX_SHEET_BYTES:
        return {}, [str(_("The file is larger than 2 MB; a budget sheet is a few hundred lines."))]
    head = upload.read(8)
    if detect_file_type(head, upload) != FileType.XLSX:
        return {}, [str(_("This is not an XLSX spreadsheet. Save the sheet as Excel (.xlsx) and upload it again."))]
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return {}, [str(_("The spreadsheet could not be read. Save it again as Excel (.xlsx) and upload it."))]
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [str(cell or "").strip().lower() for cell in next(rows, ())]
    missing = [name for name in SHEET_COLUMNS if name not in header]
    if missing:
        return {}, [
            str(
                _("Line 1 must name the columns %(columns)s; missing: %(missing)s.")
                % {"columns": ", ".join(SHEET_COLUMNS), "missing": ", ".join(missing)}
            )
        ]
    index = {name: header.index(name) for name in SHEET_COLUMNS}
    nodes = {node.code: node for node in outputs}
    amounts, errors = {}, []
    for line, row in enumerate(rows, start=2):
        values = {name: row[position] if position < len(row) else None for name, position in index.items()}
        if all(value in (None, "") for value in values.values()):
            continue
        problems = []
        node = nodes.get(_whole(values["output"]))
        if node is None:
            problems.append(
                _("“%(value)s” is not an output of the programme (%(codes)s)")
                % {"value": _whole(values["output"]), "codes": ", ".join(nodes)}
            )
        category = _category(values["category"])
        if category is None:
            problems.append(_("“%(value)s” is not a cost category") % {"value": _whole(values["category"])})
        try:
            year = int(_whole(values["year"]))
        except ValueError:
            year = None
        if year not in years:
            problems.append(
                _("“%(value)s” is not a year of the programme (%(first)s–%(last)s)")
                % {"value": _whole(values["year"]), "first": years[0], "last": years[-1]}
            )
        try:
            amount = Decimal(_whole(values["amount"]) or "0")
        except ArithmeticError:
            amount = None
        if amount is None or not amount.is_finite():
            problems.append(_("“%(value)s” is not an amount") % {"value": _whole(values["amount"])})
        elif amount < 0:
            problems.append(_("the amount cannot be negative"))
        elif amount != amount.quantize(Decimal("0.01")):
            problems.append(_("the amount has more than 2 decimal places"))
        if not problems and (node.pk, category, year) in amounts:
            problems.append(
                _("output %(code)s, %(category)s, %(year)s is given twice")
                % {"code": node.code, "category": CostCategory(category).label, "year": year}
            )
        if problems:
            errors.append(
                str(_("Line %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(map(str, problems))})
            )
            continue
        amounts[(node.pk, category, year)] = amount.quantize(Decimal("0.01"))
    if not errors and not amounts:
        errors.append(str(_("The sheet has no lines under its header.")))
    return ({} if errors else amounts), errors

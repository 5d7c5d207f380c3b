"""Forms of the country statistics pages: filtering the table, choosing what to enter, the figures of a country's
year from a published source, and preparing a year's questionnaire."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.legislation.models import EXECUTED_WITHIN_RECEIVED, Figure
from octopus.legislation.services.statistics import FIGURE_HELP, SECTIONS, check_year
from octopus.lib.errors import DomainError
from octopus.lib.widgets import QuickSelect


def _checked_year(year: int) -> int:
    try:
        check_year(year)
    except DomainError as error:
        raise forms.ValidationError(str(error)) from None
    return year


class StatisticsFilterForm(forms.Form):
    country = forms.ModelChoiceField(
        Country.objects.order_by("name"), label=_("Country"), required=False, to_field_name="iso2", widget=QuickSelect
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2200)

    def __init__(self, *args, countries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if countries is not None:  # a focal point chooses among its own countries only
            self.fields["country"].queryset = Country.objects.filter(iso2__in=countries).order_by("name")


class ChooseYearForm(forms.Form):
    """Which country and year to enter figures for, from a published source."""

    country = forms.ModelChoiceField(
        Country.objects.order_by("name"), label=_("Country"), to_field_name="iso2", widget=QuickSelect
    )
    year = forms.IntegerField(label=_("Year of the figures"))

    def clean_year(self):
        return _checked_year(self.cleaned_data["year"])


class QuestionnaireYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the figures"))

    def clean_year(self):
        return _checked_year(self.cleaned_data["year"])


def version_name(figure: str) -> str:
    return f"version_{figure}"


class FiguresForm(forms.Form):
    """Every figure of one country's year, blank when the source does not give it, with the citation of the
    published source and the version of each figure already recorded (a correction made meanwhile is a conflict,
    never overwritten)."""

    citation = forms.CharField(
        label=_("Published source"),
        max_length=500,
        help_text=_("Where these figures are published: the report, its date and page, or its address."),
        error_messages={"required": _("Cite the published source of these figures.")},
    )

    def __init__(self, *args, recorded=None, **kwargs):
        """`recorded`: {figure: Statistic} already recorded for the country's year."""
        self.recorded = recorded or {}
        super().__init__(*args, **kwargs)
        for figure in Figure:
            self.fields[figure.value] = forms.IntegerField(
                label=figure.label,
                required=False,
                help_text=FIGURE_HELP[figure],
                error_messages={"invalid": _("Enter a whole number."), "min_value": _("A figure cannot be negative.")},
                min_value=0,
                max_value=2_000_000_000,
                initial=self.recorded[figure].value if figure in self.recorded else None,
            )
            self.fields[version_name(figure)] = forms.IntegerField(
                required=False,
                widget=forms.HiddenInput,
                initial=self.recorded[figure].version if figure in self.recorded else None,
            )
        self.order_fields([figure.value for figure in Figure] + ["citation"])

    def sections(self):
        """[(title, [bound fields])] as the questionnaire groups them."""
        return [(title, [self[figure.value] for figure in figures]) for title, figures in SECTIONS]

    def clean(self):
        cleaned = super().clean()
        # As the service will see them: what is typed, else what is recorded.
        values = {str(figure): row.value for figure, row in self.recorded.items()}
        values.update({f.value: cleaned[f.value] for f in Figure if cleaned.get(f.value) is not None})
        for executed, received in EXECUTED_WITHIN_RECEIVED.items():
            done, got = values.get(executed.value), values.get(received.value)
            if done is not None and got is not None and done > got and executed.value not in self.errors:
                self.add_error(
                    executed.value,
                    _("%(executed)s (%(done)s) cannot be more than %(received)s (%(got)s).")
                    % {"executed": executed.label, "done": done, "received": received.label, "got": got},
                )
        return cleaned

    def changed_figures(self) -> tuple[dict[str, int], dict[str, int]]:
        """The figures typed that differ from those recorded, and the versions read of the recorded ones among
        them: what to hand to `record_figures` (an unchanged figure keeps its source and citation)."""
        values, versions = {}, {}
        for figure in Figure:
            value = self.cleaned_data.get(figure.value)
            row = self.recorded.get(figure)
            if value is None or (row is not None and row.value == value):
                continue
            values[figure.value] = value
            if row is not None:
                version = self.cleaned_data.get(version_name(figure))
                # No version read: the figure was recorded after the form was opened, a conflict too.
                versions[figure.value] = version if version is not None else 0
        return values, versions

    def show_current_versions(self, recorded) -> None:
        """After a conflict: the versions now recorded go in the form, so saving again is a deliberate choice."""
        self.data = self.data.copy()
        for figure, row in recorded.items():
            self.data[self.add_prefix(version_name(figure))] = row.version


def default_questionnaire_year() -> int:
    return timezone.localdate().year - 1  # last year's figures are the ones countries can give

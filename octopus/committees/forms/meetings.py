"""Input for the meeting pages: numbering an event as a meeting, the agenda, documents attached to items,
interpretation, and the filters of the lists."""

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.committees.models import Document, InterpretationStatus
from octopus.committees.queries.meetings import OTHER, TCY, unlinked_meeting_events
from octopus.countries.models import Country
from octopus.events.forms.manage import parse_languages
from octopus.lib.widgets import QuickSelect


class MeetingForm(forms.Form):
    event = forms.ModelChoiceField(
        unlinked_meeting_events(),
        label=_("Event"),
        help_text=_("A T-CY plenary or Bureau meeting created in Events and not yet numbered."),
    )
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=32767, help_text=_("T-CY 16 → 16"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = unlinked_meeting_events()
        self.fields["event"].label_from_instance = lambda e: (
            f"{e.title} ({e.starts_on:%d %b %Y}, {e.get_kind_display()})"
        )


class AgendaItemForm(forms.Form):
    order = forms.IntegerField(
        label=_("Position"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("Where the item stands on the agenda; empty: at the end."),
    )
    number = forms.CharField(label=_("Item"), max_length=10, help_text=_("As on the agenda, e.g. 4 or 4.2."))
    title = forms.CharField(label=_("Title"), max_length=300)
    decision = forms.CharField(
        label=_("Decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("As in the list of decisions."),
    )
    report = forms.CharField(
        label=_("Abridged report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the meeting report says of the item."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("number", "title", "decision", "report")}


class DocumentChoiceForm(forms.Form):
    """A document of the register to attach to (or detach from) an item."""

    document = forms.ModelChoiceField(Document.objects.none(), label=_("Document"), widget=QuickSelect)

    def __init__(self, *args, committee_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["document"]
        field.queryset = Document.objects.filter(committee__in=committee_ids).order_by("symbol", "title")
        field.label_from_instance = lambda d: f"{d.symbol} – {d.title}" if d.symbol else d.title


class LanguagesField(forms.CharField):
    def to_python(self, value):
        return parse_languages(super().to_python(value))


class InterpretationForm(forms.Form):
    languages = LanguagesField(label=_("Languages"), help_text=_("Two-letter codes separated by commas, e.g. en, fr."))
    booths = forms.IntegerField(label=_("Booths"), min_value=1, max_value=50)
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=60)
    cost = forms.DecimalField(label=_("Cost (EUR)"), min_value=0, max_digits=10, decimal_places=2, initial=0)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("languages", "booths", "days", "cost", "note")}


class InterpretationChangeForm(InterpretationForm):
    status = forms.ChoiceField(label=_("Status"), choices=InterpretationStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_fields(self) -> dict:
        return {**super().service_fields(), "status": self.cleaned_data["status"]}

    @staticmethod
    def initial_for(request) -> dict:
        return {
            "languages": ", ".join(request.languages),
            "booths": request.booths,
            "days": request.days,
            "cost": request.cost,
            "note": request.note,
            "status": request.status,
            "version": request.version,
        }


class MeetingFilterForm(forms.Form):
    body = forms.ChoiceField(
        label=_("Meetings"),
        required=False,
        choices=[("", _("Plenaries and Bureau")), ("plenary", _("Plenaries")), ("bureau", _("Bureau meetings"))],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2200)


class ParticipationFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2200)
    scope = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[("", _("T-CY meetings and other fora")), (TCY, _("T-CY meetings")), (OTHER, _("Other fora"))],
    )
    country = forms.ModelChoiceField(
        Country.objects.order_by("name"), label=_("State"), required=False, widget=QuickSelect
    )

"""Input for the document register: its filters, a document's entry and correction, its status, the files of its
language versions and translation requests. Forms check the shape of what is typed (the API sends its input through
them too); the services in `octopus.committees.services.documents` check that it makes sense."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from octopus.committees.models import (
    CIRCULATION_STEPS,
    DOCUMENT_TRANSITIONS,
    Circulation,
    Document,
    DocumentStatus,
    DocumentType,
    Language,
    Meeting,
    TranslationStatus,
)
from octopus.committees.queries.documents import search_documents
from octopus.countries.models import Country
from octopus.lib.forms import ServiceModelForm
from octopus.lib.precision import Precision
from octopus.lib.widgets import DateInput, QuickSelect
from octopus.results.models import Level, ResultNode

# --- filters -------------------------------------------------------------------------------------------------------

# Sortable columns: the key in the address → the ordering it gives (the register's own order breaks ties).
SORTS = {
    "symbol": ("symbol",),
    "title": ("title",),
    "type": ("type", "number"),
    "status": ("status",),
    "adopted_on": ("adopted_on",),
}
DEFAULT_ORDER = ("type", "number", "title", "pk")


def ordering(sort: str) -> list:
    """The order_by() of a sort key such as "title" or "-adopted_on" (documents without a date come last)."""
    key = sort.lstrip("-")
    if key not in SORTS:
        return list(DEFAULT_ORDER)
    descending = sort.startswith("-")
    fields = [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in SORTS[key]]
    return [*fields, *DEFAULT_ORDER]


class DocumentFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *DocumentType.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[], required=False)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Adopted in that year, or with it in the symbol."),
    )
    q = forms.CharField(label=_("Symbol or title"), required=False, max_length=200)
    public = forms.ChoiceField(
        label=_("Access"),
        choices=[
            ("", _("Public and restricted")),
            ("yes", _("Public only")),
            ("no", _("Restricted only")),
            (Circulation.CIRCULATED, _("Circulated to the members")),
            (Circulation.DRAFT, _("Working drafts")),
        ],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[(f"{d}{k}", f"{d}{k}") for k in SORTS for d in ("", "-")]
    )

    def __init__(self, *args, workspace: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = DocumentStatus.choices
        if not workspace:
            # The public register never shows a withdrawn document, nor which ones are restricted.
            statuses = [(value, label) for value, label in statuses if value != DocumentStatus.WITHDRAWN]
            del self.fields["public"]
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        self.fields["sort"].widget = forms.HiddenInput()

    def filter(self, documents):
        """The documents that match, in the order asked; none when a filter is not understood."""
        if not self.is_bound:
            return documents.order_by(*DEFAULT_ORDER)
        if not self.is_valid():
            return documents.none()
        data = self.cleaned_data
        documents = search_documents(
            documents,
            type=data["type"],
            status=data["status"],
            year=data["year"],
            q=data["q"],
            public=data.get("public", ""),
        )
        return documents.order_by(*ordering(data["sort"] or ""))


class TranslationFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Deadline in"), required=False, min_value=1990, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))]
        + [(v, label) for v, label in TranslationStatus.choices if v != TranslationStatus.ORIGINAL],
    )
    language = forms.ChoiceField(label=_("Into"), required=False, choices=[("", _("Both")), *Language.choices])
    q = forms.CharField(label=_("Symbol or title"), required=False, max_length=200)

    def filter(self, requests):
        if not self.is_bound:
            return requests
        if not self.is_valid():
            return requests.none()
        data = self.cleaned_data
        if data["year"]:
            requests = requests.filter(deadline__year=data["year"])
        if data["status"]:
            requests = requests.filter(translation_status=data["status"])
        if data["language"]:
            requests = requests.filter(language=data["language"])
        for word in data["q"].split()[:10]:
            requests = requests.filter(Q(document__symbol__icontains=word) | Q(document__title__icontains=word))
        return requests


# --- a document ------------------------------------------------------------------------------------------------------


def meeting_choices():
    return Meeting.objects.select_related("committee", "event").order_by("-event__starts_on", "pk")


class MeetingField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=meeting_choices(), required=False, **kwargs)

    def label_from_instance(self, meeting):
        return f"{meeting} – {meeting.event.title} ({meeting.event.starts_on:%d.%m.%Y})"


ADOPTION_FIELDS = ("adopted_on", "adopted_precision", "adopted_at", "adopted_at_plenary", "written_procedure")


class DocumentForm(ServiceModelForm):
    """A new entry of the register, or a correction of one (with `version`). Correcting an adopted document also
    corrects how and when it was adopted; a status changes only through `StatusForm`."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    adopted_at = MeetingField(label=_("Adopted at"))

    class Meta:
        model = Document
        fields = ["symbol", "title", "type", "number", "circulation", "source", *ADOPTION_FIELDS]
        widgets = {"source": forms.Textarea(attrs={"rows": 3}), "adopted_on": DateInput()}
        help_texts = {
            "circulation": _(
                "A working draft is read by the secretariat only (and a country asked to comment on "
                "it); circulated, by every delegation; public, by everyone. Record an older document "
                "as it stands; a new one starts as a working draft."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a correction without the version read would overwrite blindly
            del self.fields["circulation"]  # it moves only by its steps (CirculationForm, CommentRequestForm)
        else:
            self.initial.setdefault("circulation", Circulation.DRAFT)
            self.fields["circulation"].required = False  # not given: a working draft
        if not (self.instance.pk and self.instance.status == DocumentStatus.ADOPTED):
            for name in ADOPTION_FIELDS:
                del self.fields[name]
        else:
            self.fields["adopted_precision"].required = False  # not given: the day is known

    def clean_adopted_precision(self):
        return self.cleaned_data.get("adopted_precision") or Precision.DAY

    def clean_circulation(self):
        return self.cleaned_data.get("circulation") or Circulation.DRAFT

    def clean_symbol(self):
        symbol = self.cleaned_data["symbol"].strip()
        if symbol and Document.objects.filter(symbol=symbol).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("%(symbol)s is already in the register."), params={"symbol": symbol})
        return symbol

    def clean(self):
        data = super().clean()
        number, type = data.get("number"), data.get("type")
        if (
            number is not None
            and type
            and Document.objects.filter(type=type, number=number).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("number", _("This number is already taken by another document of this type."))
        return data


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=DocumentStatus.choices)
    adopted_at = MeetingField(label=_("Adopted at the meeting"))
    written_procedure = forms.BooleanField(label=_("Adopted by written procedure"), required=False)
    adopted_on = forms.DateField(
        label=_("Day of adoption"),
        required=False,
        widget=DateInput(),
        help_text=_("For a written procedure; for a meeting, its last day unless you give another."),
    )
    adopted_precision = forms.ChoiceField(
        label=_("Date known to the"),
        choices=Precision.choices,
        initial=Precision.DAY,
        required=False,
        help_text=_("Month or year when a source gives no more: give any day of it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, document: Document | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if document is not None:
            allowed = DOCUMENT_TRANSITIONS[DocumentStatus(document.status)]
            self.fields["to"].choices = [(v, label) for v, label in DocumentStatus.choices if v in allowed]
            self.initial.setdefault("version", document.version)

    def clean_adopted_precision(self):
        return self.cleaned_data.get("adopted_precision") or Precision.DAY

    def clean(self):
        data = super().clean()
        if data.get("to") != DocumentStatus.ADOPTED:
            return data
        meeting, written = data.get("adopted_at"), data.get("written_procedure")
        if meeting and written:
            self.add_error("written_procedure", _("Adopted at a meeting or by written procedure, not both."))
        elif not meeting and not written and "adopted_at" not in self.errors:
            self.add_error("adopted_at", _("Say how it was adopted: at which meeting, or by written procedure."))
        elif written and not data.get("adopted_on") and "adopted_on" not in self.errors:
            self.add_error("adopted_on", _("Give the day of adoption by written procedure."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"to": data["to"], "version": data["version"]}
        if data["to"] == DocumentStatus.ADOPTED:
            kwargs.update(
                adopted_at=data["adopted_at"],
                written_procedure=data["written_procedure"],
                adopted_on=data["adopted_on"],
                adopted_precision=data.get("adopted_precision") or Precision.DAY,
            )
        return kwargs


class CirculationForm(forms.Form):
    """The next step of a document's circulation: circulated to the members, then public."""

    to = forms.ChoiceField(label=_("Next step"), choices=Circulation.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, document: Document | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if document is not None:
            allowed = CIRCULATION_STEPS[Circulation(document.circulation)]
            self.fields["to"].choices = [(v, label) for v, label in Circulation.choices if v in allowed]
            self.initial.setdefault("version", document.version)


class CommentRequestForm(forms.Form):
    """The country the secretariat asks to comment on a working draft (for an assessment report, one it assesses)."""

    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none(), widget=QuickSelect)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, document: Document | None = None, countries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.all() if countries is None else countries
        self.fields["country"].to_field_name = "iso2"
        if document is not None:
            self.initial.setdefault("version", document.version)


# --- language versions and translations ------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("PDF or Word (DOCX), at most 20 MB. It replaces the file of that language.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class TranslationRequestForm(forms.Form):
    word_count = forms.IntegerField(label=_("Words"), min_value=1, max_value=10_000_000)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    cost = forms.DecimalField(label=_("Cost (EUR)"), min_value=0, max_digits=10, decimal_places=2, required=False)

    def clean_cost(self):
        return self.cleaned_data["cost"] or 0


class TranslationForm(forms.Form):
    """A translation request as the language services keep it: its status, words, deadline and cost."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in TranslationStatus.choices if v != TranslationStatus.ORIGINAL],
    )
    word_count = forms.IntegerField(label=_("Words"), min_value=1, max_value=10_000_000, required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)
    cost = forms.DecimalField(label=_("Cost (EUR)"), min_value=0, max_digits=10, decimal_places=2, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    activity = forms.ModelChoiceField(
        label=_("Activity served"),
        queryset=ResultNode.objects.none(),
        required=False,
        empty_label=_("— no programme —"),
        help_text=_("The programme that pays for the translation: choosing its activity sets it."),
    )

    def __init__(self, *args, sample: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        activities = ResultNode.objects.filter(level=Level.ACTIVITY, programme__is_sample=sample)
        self.fields["activity"].queryset = activities.select_related("programme").order_by("programme__code", "code")
        self.fields["activity"].label_from_instance = lambda n: f"{n.programme.code} · {n.code} {n.title}"

    def clean_cost(self):
        return self.cleaned_data["cost"] or 0

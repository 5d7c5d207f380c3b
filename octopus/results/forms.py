"""Input for the results framework. Forms check the shape of what is typed; services check that it makes sense."""

import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.lib.metrics import registry
from octopus.lib.widgets import DateInput
from octopus.results.models import AssumptionStatus, Indicator, Level, ManualValue, Programme, ResultNode
from octopus.results.periods import LIFE, SEMESTER, YEAR, periods_of
from octopus.results.services import INDICATOR_FIELDS

DISAGGREGATIONS = [
    ("sex", _("Sex")),
    ("country", _("Country")),
    ("region", _("Region")),
    ("sector", _("Sector")),
    ("role", _("Role")),
]


def period_choices(programme: Programme, ends_on) -> list[tuple[str, str]]:
    """Every period of the programme a person can pick: the life, each year, each semester."""
    choices = [(LIFE, str(_("Life of programme")))]
    for kind in (YEAR, SEMESTER):
        choices += [(p.key, p.label) for p in periods_of(kind, programme.starts_on, ends_on)]
    return choices


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "code",
            "title",
            "starts_on",
            "ends_on",
            "budget_ceiling",
            "currency",
            "implementing_office",
            "funding",
            "description",
            "source",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "source": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("The programme must end after it starts."))
        return data


class RevisionForm(forms.Form):
    valid_from = forms.DateField(label=_("In force from"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Programme end under this version"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to keep the current end date."),
    )
    decision = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who decided the revision, when, and why (e.g. the steering committee of 12 May 2018)."),
    )


class NodeForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    parent = forms.ModelChoiceField(label=_("Under"), queryset=ResultNode.objects.none(), required=False)
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("e.g. 4 for an output, A4.1 for an activity"))
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    assumptions = forms.CharField(label=_("Assumptions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    risks = forms.CharField(label=_("Risks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = programme.nodes.exclude(level=Level.ACTIVITY)


class IndicatorForm(forms.ModelForm):
    metric_key = forms.ChoiceField(label=_("Computed by"), required=False)
    metric_params = forms.CharField(
        label=_("Metric parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('JSON, e.g. {"treaty": 185} or {"kinds": ["in_country_workshop"]}'),
    )
    scale = forms.CharField(
        label=_("Ordinal scale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For an ordinal measure: one label per line, lowest first."),
    )
    disaggregations = forms.MultipleChoiceField(
        label=_("Disaggregations"), choices=DISAGGREGATIONS, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Indicator
        fields = ["node", "code", *(name for name in INDICATOR_FIELDS if name not in ("manual", "order"))]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 2}),
            "means_of_verification": forms.Textarea(attrs={"rows": 2}),
            "baseline_on": DateInput(),
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = programme.nodes.all()
        self.fields["node"].label = _("Logframe box")
        keys = [(m.key, f"{m.title} ({m.key})") for m in registry]
        current = self.instance.metric_key if self.instance.pk else ""
        if current and current not in registry:
            keys.append((current, _("%(key)s — awaiting data source") % {"key": current}))
        self.fields["metric_key"].choices = [("", _("Entered by hand (with evidence and approval)")), *keys]
        if self.instance.pk:
            del self.fields["code"], self.fields["node"]
            if not self.is_bound:
                self.initial["version"] = self.instance.version
                self.initial["scale"] = "\n".join(self.instance.scale)
                self.initial["metric_params"] = (
                    json.dumps(self.instance.metric_params) if self.instance.metric_params else ""
                )

    def clean_metric_params(self):
        raw = self.cleaned_data.get("metric_params", "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("This is not valid JSON: %(error)s") % {"error": error.msg}) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Parameters are a JSON object, e.g. {"treaty": 185}.'))
        return value

    def clean_scale(self):
        return [line.strip() for line in self.cleaned_data.get("scale", "").splitlines() if line.strip()]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("node", "code", "version"):
            data.pop(name, None)
        data["manual"] = not data["metric_key"]
        return data


class TargetForm(forms.Form):
    logframe_version = forms.ModelChoiceField(label=_("Logframe version"), queryset=None)
    period = forms.ChoiceField(label=_("Period"))
    comparator = forms.ChoiceField(label=_("Comparator"), choices=[])
    value = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)
    upper = forms.DecimalField(
        label=_("Upper bound"), max_digits=14, decimal_places=2, required=False, help_text=_("For a range only.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, programme: Programme, **kwargs):
        from octopus.results.models import Comparator

        super().__init__(*args, **kwargs)
        versions = programme.versions.order_by("-number")
        self.fields["logframe_version"].queryset = versions
        self.fields["logframe_version"].initial = versions.first()
        latest = versions.first()
        self.fields["period"].choices = period_choices(programme, latest.ends_on)
        self.fields["comparator"].choices = Comparator.choices


EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_EXTENSIONS = {"pdf", "docx", "doc", "odt", "xlsx", "xls", "ods", "csv", "txt", "png", "jpg", "jpeg"}


class ManualValueForm(forms.ModelForm):
    period = forms.ChoiceField(label=_("Period"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ManualValue
        fields = ["category", "value", "text", "note", "evidence_url", "evidence_file"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, programme: Programme, ends_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(programme, ends_on)
        if self.instance.pk:
            del self.fields["period"], self.fields["category"]
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and hasattr(upload, "size"):
            if upload.size > EVIDENCE_MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 20 MB; link to it instead."))
            if upload.name.rsplit(".", 1)[-1].lower() not in EVIDENCE_EXTENSIONS:
                raise forms.ValidationError(
                    _("Attach a document, spreadsheet, image or text file (%(types)s).")
                    % {"types": ", ".join(sorted(EVIDENCE_EXTENSIONS))}
                )
        return upload

    def value_fields(self) -> dict:
        """What the entry and edit services take from this form."""
        return {name: self.cleaned_data[name] for name in ("value", "text", "note", "evidence_url", "evidence_file")}


class ReviewForm(forms.Form):
    DECISIONS = [("submit", _("Submit for approval")), ("approve", _("Approve")), ("return", _("Return"))]
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LockForm(forms.Form):
    period = forms.ChoiceField(label=_("Period to lock"))

    def __init__(self, *args, programme: Programme, ends_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(programme, ends_on)


class AssumptionReviewForm(forms.Form):
    on = forms.DateField(label=_("As of"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=AssumptionStatus.choices)
    note = forms.CharField(
        label=_("Finding"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What shows it: the events, decisions or sources behind the finding."),
    )


class SnapshotForm(forms.Form):
    title = forms.CharField(label=_("Report"), max_length=300, help_text=_("e.g. Progress report to donors, 2017"))
    as_of = forms.DateField(label=_("Figures as of"), widget=DateInput())


class RestatementForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    period = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for the restatement"), widget=forms.Textarea(attrs={"rows": 2}))


# --- the programmes a record serves (events, advice, rounds…) -----------------------------------------------------

HUNDRED = Decimal(100)


class ProgrammeShareForm(forms.Form):
    """One programme a record serves, its share of the cost and (optionally) the activity it serves there; an empty
    row is left out."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.order_by("starts_on", "code"),
        required=False,
        to_field_name="code",
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Choose one of the programmes listed.")},
    )
    share = forms.DecimalField(
        label=_("Share (%)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=HUNDRED,
        max_digits=5,
        decimal_places=2,
    )
    activity = forms.ModelChoiceField(
        label=_("Activity (optional)"),
        queryset=ResultNode.objects.filter(level=Level.ACTIVITY).select_related("programme"),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Choose one of the activities listed.")},
    )

    def clean(self):
        data = super().clean()
        programme, share, activity = data.get("programme"), data.get("share"), data.get("activity")
        if programme is None and activity is not None and "programme" not in self.errors:
            data["programme"] = programme = activity.programme  # choosing the activity names its programme
        if programme is None:
            if "programme" not in self.errors and (share is not None or activity is not None):
                self.add_error("programme", _("Choose the programme, or leave the whole row empty."))
            return data
        if share is None and "share" not in self.errors:
            self.add_error("share", _("Give the programme's share of the cost (more than 0, at most 100 %)."))
        if activity is not None and activity.programme_id != programme.pk:
            self.add_error(
                "activity",
                _("Activity %(code)s is not part of %(programme)s.") % {"code": activity.code, "programme": programme},
            )
        return data


class BaseProgrammeShareFormSet(forms.BaseFormSet):
    """The programmes a record serves: each named once, sample records only in sample programmes (and real ones
    only in real ones), shares summing to 100 %. `results.services.assign_programmes` checks the same again; here
    each refusal lands on the row and field it is about."""

    def __init__(self, *args, record=None, programmes=None, activities=None, **kwargs):
        self.record = record
        self.programme_choices, self.activity_choices = programmes, activities
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The choices are read once for every row (two queries, whatever the number of rows).
        if self.programme_choices is None:
            field = form.fields["programme"]
            self.programme_choices = list(field.choices)
            self.activity_choices = [("", form.fields["activity"].empty_label)] + [
                (node.pk, f"{node.programme.code} · {node.code} {node.title}")
                for node in form.fields["activity"].queryset.order_by("programme__starts_on", "programme__code", "code")
            ]
        form.fields["programme"].choices = self.programme_choices
        form.fields["activity"].choices = self.activity_choices
        return form

    def filled(self) -> list[forms.Form]:
        return [form for form in self.forms if form.cleaned_data.get("programme") is not None]

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.filled():
            programme = form.cleaned_data["programme"]
            if programme.pk in seen:
                form.add_error("programme", _("%(programme)s is named twice.") % {"programme": programme})
            elif bool(getattr(self.record, "is_sample", False)) != programme.is_sample:
                form.add_error(
                    "programme",
                    _("Sample records serve only sample programmes, and real records only real ones (%(programme)s).")
                    % {"programme": programme},
                )
            seen.add(programme.pk)
        filled = self.filled()
        total = sum((form.cleaned_data["share"] for form in filled if form.cleaned_data.get("share")), Decimal(0))
        if filled and total != HUNDRED and not any(form.errors for form in filled):
            message = _("The shares of the cost sum to %(total)s %%; they must sum to 100 %%.")
            filled[-1].add_error("share", message % {"total": plain(total)})

    def shares(self) -> list[tuple]:
        """(programme, share, activity) of each row filled in, for `assign_programmes`."""
        return [
            (f.cleaned_data["programme"], f.cleaned_data["share"], f.cleaned_data["activity"]) for f in self.filled()
        ]


ProgrammeShareFormSet = forms.formset_factory(
    ProgrammeShareForm, formset=BaseProgrammeShareFormSet, extra=1, max_num=10, validate_max=True
)


def plain(share: Decimal) -> str:
    """A share as typed: 100, 50, 33.33 (no trailing zeros)."""
    text = f"{share:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def programme_shares_formset(record, assignments, data=None):
    """The programmes form of `record`, filled with what it serves (one blank row more to add a programme)."""
    initial = [{"programme": a.programme.code, "share": plain(a.share), "activity": a.activity_id} for a in assignments]
    return ProgrammeShareFormSet(data, record=record, initial=initial, prefix="programmes")

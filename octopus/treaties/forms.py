from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.lib.widgets import DateInput, QuickSelect
from octopus.treaties.models import Treaty, TreatyAction


class TreatyActionForm(forms.ModelForm):
    """Input for recording or correcting one act; pages and the API both validate through it."""

    treaty = forms.ModelChoiceField(queryset=Treaty.objects.all(), to_field_name="number", label=_("Treaty"))
    country = forms.ModelChoiceField(
        queryset=Country.objects.all(), to_field_name="iso2", label=_("State"), widget=QuickSelect
    )

    class Meta:
        model = TreatyAction
        fields = ["treaty", "country", "kind", "date", "attested_on", "effective_on", "source", "note"]
        widgets = {
            "date": DateInput(),
            "attested_on": DateInput(),
            "effective_on": DateInput(),
            "source": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if not data.get("date") and not data.get("attested_on"):
            self.add_error("date", _("Give the date of the act, or fill in “attested by” if no source gives the day."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] for k in ("kind", "date", "attested_on", "effective_on", "source", "note")}


class TreatyActionCorrectionForm(TreatyActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(TreatyActionForm.Meta):
        fields = ["kind", "date", "attested_on", "effective_on", "source", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["country"], self.fields["treaty"]
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why is this action withdrawn?"), widget=forms.Textarea(attrs={"rows": 2}))


MAX_CHART = 5 * 1024 * 1024  # a chart has a line per State: a few hundred lines


class ChartUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Treaty Office chart"),
        help_text=_(
            "An .xlsx or .csv file whose first line names the columns: State, signature, ratification or accession "
            "(a trailing “a” marks an accession), entry into force, notes. Dates as YYYY-MM-DD or DD/MM/YYYY; an "
            "empty cell leaves what is recorded."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=500,
        help_text=_("Where the chart comes from, stored with each action (default: the file name and today)."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > MAX_CHART:
            raise forms.ValidationError(_("The file is larger than 5 MB; is it a Treaty Office chart?"))
        return upload

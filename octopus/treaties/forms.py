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

"""Forms of the progress report pages: a new report, a section's text, and a section's workflow step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.lib.widgets import DateInput


class ReportForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, help_text=_("Left empty, the title names the period.")
    )
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("The period must end after it starts."))
        programme = self.programme
        if programme is not None:
            if start and start < programme.starts_on:
                self.add_error(
                    "period_start",
                    _("The programme starts on %(day)s.") % {"day": programme.starts_on.isoformat()},
                )
            if end and end > programme.ends_on:
                self.add_error(
                    "period_end", _("The programme ends on %(day)s.") % {"day": programme.ends_on.isoformat()}
                )
        return cleaned


class SectionForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SectionStepForm(forms.Form):
    STEPS = [("submit", _("Submit")), ("approve", _("Approve")), ("return", _("Return"))]

    step = forms.ChoiceField(choices=STEPS)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("step") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say why the section is returned."))
        return cleaned

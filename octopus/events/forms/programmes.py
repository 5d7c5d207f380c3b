"""Input for the programmes an event serves: one row per programme (the activity it serves there, optional, and the
share of the event's cost it bears). The form checks the shape of each row; `results.services.assign_programmes`
checks that the rows make sense together (shares summing to 100, sample events only on the sample programme) and
its refusal is shown above the rows."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.results.models import Level, Programme, ResultNode


class ProgrammeShareForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("— programme —")
    )
    activity = forms.ModelChoiceField(
        label=_("Activity (optional)"),
        queryset=ResultNode.objects.none(),
        required=False,
        empty_label=_("— activity (optional) —"),
    )
    share = forms.DecimalField(
        label=_("Share of the cost (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("-starts_on", "code")
        self.fields["programme"].label_from_instance = lambda p: f"{p.title} ({p.code})"
        activities = ResultNode.objects.filter(level=Level.ACTIVITY).select_related("programme")
        self.fields["activity"].queryset = activities.order_by("programme__code", "code", "pk")
        self.fields["activity"].label_from_instance = lambda n: f"{n.programme.code} · {n.code} {n.title}"

    def clean(self):
        data = super().clean()
        programme, activity, share = data.get("programme"), data.get("activity"), data.get("share")
        if programme is None and activity is None and share is None:
            return data  # an empty row
        if programme is None and activity is not None:
            data["programme"] = programme = activity.programme  # the activity names its programme
        if programme is None and "programme" not in self.errors:
            self.add_error("programme", _("Choose the programme this row is about."))
        if share is None and "share" not in self.errors:
            self.add_error("share", _("Give the share of the cost this programme bears (100 if it is the only one)."))
        if programme is not None and activity is not None and activity.programme_id != programme.pk:
            self.add_error(
                "activity",
                _("Activity %(code)s is not part of %(programme)s.") % {"code": activity.code, "programme": programme},
            )
        return data


class BaseProgrammeSharesFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            programme = form.cleaned_data.get("programme")
            if programme is None:
                continue
            if programme.pk in seen:
                raise forms.ValidationError(_("%(programme)s is named twice; keep one row.") % {"programme": programme})
            seen.add(programme.pk)

    def shares(self) -> list[tuple]:
        """[(programme, share, activity or None)] of the rows filled in, for the service."""
        return [
            (f.cleaned_data["programme"], f.cleaned_data["share"], f.cleaned_data.get("activity"))
            for f in self.forms
            if f.cleaned_data.get("programme") is not None
        ]


ProgrammeSharesFormSet = forms.formset_factory(ProgrammeShareForm, formset=BaseProgrammeSharesFormSet, extra=2)


class ProgrammesVersionForm(forms.Form):
    """The version of the event the rows were read with: a change made meanwhile is refused, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def initial_rows(assignments) -> list[dict]:
    return [{"programme": a.programme, "activity": a.activity, "share": a.share} for a in assignments]

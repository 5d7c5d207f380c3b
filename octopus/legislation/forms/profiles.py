"""Input for keeping legislation profiles: a statement on an article, a law and its file, a review decision. Forms
check the shape of what is typed and say what is wrong field by field, with the services' own words; the services
(`octopus.legislation.services.profiles`) check again, for the API and commands."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.legislation.models import Law, Level, ReviewState, Source
from octopus.legislation.services.checks import check_choice, check_not_future
from octopus.lib.errors import DomainError
from octopus.lib.files import check_document_file
from octopus.lib.widgets import DateInput


def _refused(check, *args):
    """Run a service check and turn its refusal into the field's error, in the same words."""
    try:
        check(*args)
    except DomainError as error:
        raise ValidationError(str(error)) from error


class LawChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, law):
        label = str(law)
        return label if law.state == ReviewState.REVIEWED else f"{label} ({law.get_state_display().lower()})"


class AssessmentForm(forms.Form):
    """A statement on one article of one country's law. Level and source are free text to the form, so that a value
    outside the scale (a crafted request, an old bookmark) is refused with a message naming the scale."""

    level = forms.CharField(label=_("Compliance level"), widget=forms.Select(choices=[("", "—"), *Level.choices]))
    source = forms.CharField(label=_("Source"), widget=forms.Select(choices=[("", "—"), *Source.choices]))
    assessed_on = forms.DateField(
        label=_("As of"),
        widget=DateInput,
        help_text=_("The day the statement describes the law as it stood (not in the future)."),
    )
    provisions = forms.CharField(
        label=_("Provisions of national law"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("e.g. Criminal Code, Art. 284 (illegal access)."),
    )
    laws = LawChoiceField(
        label=_("Laws"), queryset=Law.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    citation = forms.CharField(
        label=_("Citation"), required=False, max_length=500, help_text=_("Where the source says so.")
    )
    reviewed = forms.BooleanField(
        label=_("Record as reviewed"),
        required=False,
        initial=True,
        help_text=_("Counted and public at once. Untick to leave it as a draft for another reviewer."),
    )

    def __init__(self, *args, country: Country, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["laws"].queryset = (
            Law.objects.filter(country=country).exclude(state=ReviewState.REJECTED).order_by("title")
        )
        if not staff:
            del self.fields["reviewed"]  # a focal point's statement is a draft until staff review it

    def clean_level(self):
        level = self.cleaned_data["level"]
        _refused(check_choice, level, Level, _("compliance level"))
        return level

    def clean_source(self):
        source = self.cleaned_data["source"]
        _refused(check_choice, source, Source, _("source"))
        return source

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        _refused(check_not_future, day, _("The date of an assessment"))
        return day


class LawForm(forms.Form):
    """A national law: its title, year, link and (optionally) its text as a PDF or Word file."""

    title = forms.CharField(label=_("Title"), max_length=300)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the official text is published."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("The text of the law: a PDF or a Word (DOCX) file of at most 20 MB."),
    )
    reviewed = forms.BooleanField(
        label=_("Record as reviewed"), required=False, initial=True, help_text=_("Public at once.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, staff: bool, law: Law | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if law is not None or not staff:
            # Only staff record a new law reviewed at once; a change keeps the state (staff) or makes it a draft.
            del self.fields["reviewed"]
        if law is not None:
            self.fields["version"].required = True
            self.fields["file"].help_text = _(
                "Replaces the file the law has. A PDF or a Word (DOCX) file of at most 20 MB."
            )
            if not self.is_bound:
                self.initial.update(title=law.title, year=law.year, url=law.url, version=law.version)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and year > timezone.localdate().year:
            raise ValidationError(_("The year %(year)s is in the future.") % {"year": year})
        return year

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            _refused(check_document_file, upload)
        return upload


class ReviewForm(forms.Form):
    """Accept or reject a draft (a statement or a law), for the version the reviewer saw."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    version = forms.IntegerField(min_value=1)


class WithdrawForm(forms.Form):
    version = forms.IntegerField(min_value=1)

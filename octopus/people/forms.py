"""Input for people and organisations. Forms check the shape of what is typed; services check that it makes sense."""

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.lib.widgets import QuickSelect
from octopus.people.models import Organisation, Person, Purpose
from octopus.people.queries import similar_people
from octopus.people.services import PERSON_FIELDS, find_person


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OrganisationChoiceField(forms.ModelChoiceField):
    # Names repeat across countries ("Cybercrime Division"): say whose.
    def label_from_instance(self, obj):
        return f"{obj} – {obj.country.name if obj.country else _('international')}"


class PersonForm(forms.ModelForm):
    organisation = OrganisationChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    country = CountryChoiceField(
        label=_("Country represented"), queryset=Country.objects.all(), required=False, widget=QuickSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    different_person = forms.BooleanField(
        label=_("This is someone else: add a new record anyway."),
        required=False,
        help_text=_("Only when the people listed above are not this person."),
    )

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.select_related("country")
        self.similar: list = []
        if self.instance.pk:
            del self.fields["different_person"]
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def clean(self):
        data = super().clean()
        # Before adding someone, show who they may already be (a record entered twice splits their history).
        if not self.instance.pk and not self.errors and not data.get("different_person"):
            self.similar = similar_people(
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                country=data.get("country"),
            )
            if self.similar:
                found = "; ".join(f"{person} (#{person.pk}, {reason})" for person, reason in self.similar[:5])
                self.add_error(
                    None,
                    _(
                        "This may be someone already recorded: %(found)s. Open their record, or confirm that this is "
                        "someone else."
                    )
                    % {"found": found},
                )
        return data

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip().lower()
        found = find_person(email=email)
        if found is not None and found.pk != self.instance.pk:
            raise forms.ValidationError(
                _("%(person)s is already recorded with this e-mail; edit that record, or merge the two.")
                % {"person": found}
            )
        return email

    def person_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}


class OrganisationForm(forms.ModelForm):
    country = CountryChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        widget=QuickSelect,
        help_text=_("Empty for an international organisation."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "sector", "country"]

    def validate_constraints(self):
        # The service says which organisation the name clashes with, in words; the database still holds the line.
        pass


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    granted = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Consents")), ("no", _("Refuses or withdraws"))],
        coerce=lambda value: value == "yes",
    )
    source = forms.CharField(
        label=_("How it was given"), max_length=200, help_text=_("Registration form, e-mail of 3 May…")
    )


class MergeForm(forms.Form):
    """Which of two records to keep; the other is folded into it."""

    keep = forms.ChoiceField(label=_("Keep"), widget=forms.RadioSelect)

    def __init__(self, *args, first: Person, second: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(p.pk), f"{p.full_name} (#{p.pk})") for p in (first, second)]
        self.fields["keep"].initial = str(first.pk)


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("e.g. Request by e-mail of 12 March 2026 (ref. DP-2026-04)"),
    )
    confirm = forms.BooleanField(
        label=_("I understand the name and contact details cannot be recovered."), required=True
    )


class OrganisationMergeForm(forms.Form):
    duplicate = OrganisationChoiceField(
        label=_("Organisation recorded twice"),
        queryset=Organisation.objects.none(),
        help_text=_("Its people move to this organisation, and it is deleted."),
    )

    def __init__(self, *args, keep: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = Organisation.objects.exclude(pk=keep.pk).select_related("country")

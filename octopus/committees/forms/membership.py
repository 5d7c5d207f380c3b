"""Input for the membership pages: admissions, representatives and the Bureau. Forms check the shape of what is
typed; the services check that it makes sense (a Party needs no admission, the Bureau comes from the Parties)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.committees.models import BureauRole, RepresentativeRole
from octopus.countries.models import Country
from octopus.events.forms.manage import DateInput
from octopus.lib.widgets import QuickSelect
from octopus.people.models import Organisation, Sector


def country_field(*, required: bool) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Country.objects.order_by("name"), required=required, label=_("State"), widget=QuickSelect
    )


def organisation_field(*, required: bool) -> forms.ModelChoiceField:
    # Observers that are not States are international organisations; others are not offered.
    return forms.ModelChoiceField(
        Organisation.objects.filter(sector=Sector.INTERNATIONAL_ORGANISATION).order_by("name"),
        required=required,
        label=_("Organisation"),
        widget=QuickSelect,
        help_text=_("International organisations recorded in People; add one there if it is missing."),
    )


class HolderMixin:
    """Exactly one of a State and an organisation."""

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("country")) == bool(cleaned.get("organisation")):
            message = _("Choose a State or an organisation (one of them).")
            self.add_error("country" if not self.errors.get("country") else None, message)
        return cleaned


class AdmissionForm(HolderMixin, forms.Form):
    country = country_field(required=False)
    organisation = organisation_field(required=False)
    admitted_on = forms.DateField(label=_("Admitted on"), widget=DateInput, initial=timezone.localdate)
    decision = forms.CharField(
        label=_("Decision"),
        max_length=300,
        required=False,
        help_text=_("The meeting or letter that admitted it, e.g. “T-CY 16 decision 3”."),
    )


class EndForm(forms.Form):
    """The last day of an admission, a seat or a term."""

    ends_on = forms.DateField(label=_("Last day"), widget=DateInput, initial=timezone.localdate)


class PersonFieldsMixin(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("A person already recorded with this e-mail is reused, not duplicated."),
    )

    def person_fields(self) -> dict:
        data = self.cleaned_data
        return {"first_name": data["first_name"], "last_name": data["last_name"], "email": data["email"]}


class RepresentativeForm(HolderMixin, PersonFieldsMixin):
    country = country_field(required=False)
    organisation = organisation_field(required=False)
    role = forms.ChoiceField(label=_("Role"), choices=RepresentativeRole.choices)
    starts_on = forms.DateField(label=_("From"), widget=DateInput, initial=timezone.localdate)

    field_order = ["country", "organisation", "role", "first_name", "last_name", "email", "starts_on"]

    def person_fields(self) -> dict:
        return {**super().person_fields(), "country": self.cleaned_data.get("country")}


class BureauTermForm(PersonFieldsMixin):
    country = country_field(required=True)
    role = forms.ChoiceField(label=_("Role"), choices=BureauRole.choices)
    starts_on = forms.DateField(label=_("From"), widget=DateInput, initial=timezone.localdate)
    ends_on = forms.DateField(
        label=_("Until"), widget=DateInput, required=False, help_text=_("The end of the term, if it is known.")
    )

    field_order = ["country", "role", "first_name", "last_name", "email", "starts_on", "ends_on"]

    def person_fields(self) -> dict:
        return {**super().person_fields(), "country": self.cleaned_data.get("country")}

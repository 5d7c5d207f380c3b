"""Input for delegations and nominations, check-in, funded travel and contributions to others' events. Forms check
the shape of what is typed; the services in `octopus.events.services` check that it makes sense."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.events.models import (
    DelegationCategory,
    Mode,
    OurRole,
    Registration,
    RegistrationState,
    TravelStatus,
)
from octopus.events.services import TRAVEL_FIELDS
from octopus.lib.widgets import DateInput, QuickSelect
from octopus.people.models import Person, Sex


class VersionField(forms.IntegerField):
    """The version of the record read when the form was shown, so a stale save is refused, not applied."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


# --- delegations -----------------------------------------------------------------------------------------------


class InviteForm(forms.Form):
    country = forms.ModelChoiceField(label=_("State"), queryset=Country.objects.order_by("name"), widget=QuickSelect)
    category = forms.ChoiceField(label=_("Category"), choices=DelegationCategory.choices)
    nominating_authority = forms.CharField(
        label=_("Nominating authority"),
        max_length=200,
        required=False,
        help_text=_("If known, e.g. the Ministry of Justice; the focal point may give it when nominating."),
    )


class CredentialsForm(forms.Form):
    received_on = forms.DateField(label=_("Credentials received on"), required=False, widget=DateInput())
    verified = forms.BooleanField(label=_("Credentials verified"), required=False)
    version = VersionField()


class MemberDecisionForm(forms.Form):
    """Approve or decline one nominated member (the registration's state, through the one state service)."""

    registration = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(
        choices=[(RegistrationState.APPROVED, _("Approve")), (RegistrationState.DECLINED, _("Decline"))]
    )
    version = VersionField()


class NominationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=30, required=False, help_text=_("Mr, Ms, Dr, Judge…"))
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", _("Not stated")), *Sex.choices],
        required=False,
        help_text=_("Optional; used only to count participants by sex."),
    )
    email = forms.EmailField(label=_("E-mail"), help_text=_("Where the confirmation of participation will go."))
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    head = forms.BooleanField(
        label=_("Head of delegation"),
        required=False,
        help_text=_("Replaces the head named before, if any."),
    )
    nominating_authority = forms.CharField(label=_("Nominating authority"), max_length=200, required=False)

    def person_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("title", "first_name", "last_name", "sex", "email", "position")}


# --- check-in --------------------------------------------------------------------------------------------------


class CheckInForm(forms.Form):
    """Where and how people are being checked in: a day of the event or one of its sessions, in person or online."""

    # A date, not a choice: a day outside the event reaches the service, whose refusal says which days are valid.
    day = forms.DateField(label=_("Day"), required=False, widget=forms.Select)
    session = forms.ModelChoiceField(label=_("Session"), queryset=None, required=False, empty_label=_("Whole day"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, required=False, initial=Mode.IN_PERSON)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["day"].widget.choices = [(d.isoformat(), date_format(d, "D j M Y")) for d in event.days]
        self.fields["session"].queryset = event.sessions.all()


class CheckInPersonForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)


class BadgeCheckInForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=None, required=False, empty_label=_("Today (whole day)")
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, initial=Mode.IN_PERSON)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = event.sessions.all()


# --- funded travel ---------------------------------------------------------------------------------------------


class FundTravelForm(forms.Form):
    registration = forms.ModelChoiceField(label=_("Participant"), queryset=None)
    eligible = forms.BooleanField(label=_("Eligible for funding"), required=False, initial=True)
    itinerary = forms.CharField(label=_("Itinerary"), max_length=300, required=False)
    ticket_cost = forms.DecimalField(
        label=_("Ticket cost (EUR)"), min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    nights = forms.IntegerField(label=_("Nights"), min_value=0, max_value=365, initial=0)
    dsa_rate = forms.DecimalField(
        label=_("DSA rate per night (EUR)"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the event's rate."),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        # People registered and not refused, who have no travel recorded yet.
        self.fields["registration"].queryset = (
            Registration.objects.filter(
                event=event,
                state__in=[RegistrationState.PENDING, RegistrationState.APPROVED, RegistrationState.WAITING],
            )
            .filter(travel__isnull=True)
            .select_related("person", "country")
            .order_by("person__last_name", "person__first_name")
        )
        self.fields["registration"].label_from_instance = lambda r: (
            f"{r.person.sort_name}" + (f" ({r.country.name})" if r.country else "")
        )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("registration")
        if data["dsa_rate"] is None:
            data.pop("dsa_rate")
        return data


class TravelForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TravelStatus.choices)
    eligible = forms.BooleanField(label=_("Eligible for funding"), required=False)
    requested_on = forms.DateField(label=_("Requested on"), widget=DateInput())
    itinerary = forms.CharField(label=_("Itinerary"), max_length=300, required=False)
    ticket_reference = forms.CharField(label=_("Booking reference"), max_length=60, required=False)
    ticket_cost = forms.DecimalField(label=_("Ticket cost (EUR)"), min_value=0, max_digits=10, decimal_places=2)
    nights = forms.IntegerField(label=_("Nights"), min_value=0, max_value=365)
    dsa_rate = forms.DecimalField(label=_("DSA rate per night (EUR)"), min_value=0, max_digits=8, decimal_places=2)
    advance_paid = forms.DecimalField(label=_("Advance paid (EUR)"), min_value=0, max_digits=10, decimal_places=2)
    proof_received = forms.BooleanField(label=_("Proof of travel received"), required=False)
    actual_cost = forms.DecimalField(
        label=_("Actual cost (EUR)"),
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("At reconciliation: what the travel really cost."),
    )
    reconciled_on = forms.DateField(label=_("Reconciled on"), required=False, widget=DateInput())
    version = VersionField()

    FIELDS = TRAVEL_FIELDS  # what the service records, all of it from this form

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


# --- contributions to others' events ---------------------------------------------------------------------------


class ContributionForm(forms.Form):
    our_role = forms.ChoiceField(label=_("Our role"), choices=OurRole.choices)
    audience_estimate = forms.IntegerField(
        label=_("Estimated audience"),
        min_value=0,
        required=False,
        help_text=_("An estimate: how many people the organiser says attended, or a head count of the room."),
    )
    countries_reached = forms.ModelMultipleChoiceField(
        label=_("Countries reached (estimate)"),
        queryset=Country.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    version = VersionField()


class DeployedForm(forms.Form):
    """One person who went for the programme, found in the people registry by e-mail."""

    email = forms.EmailField(label=_("E-mail of the person"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *OurRole.choices], required=False)

    def clean(self):
        data = super().clean()
        email, role = data.get("email"), data.get("role")
        if not email and not role:
            return data
        if not email:
            self.add_error("email", _("Give the e-mail of the person who went."))
            return data
        if not role:
            self.add_error("role", _("Give the role this person had."))
        person = Person.objects.current().filter(email=email.strip().lower()).order_by("pk").first()
        if person is None:
            self.add_error("email", _("No one with this e-mail is in the people registry; add them there first."))
        data["person"] = person
        return data


class BaseDeployedFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            person = form.cleaned_data.get("person")
            if person is None:
                continue
            if person.pk in seen:
                raise forms.ValidationError(_("%(person)s is listed twice; keep one row.") % {"person": person})
            seen.add(person.pk)

    def deployed(self) -> list[tuple]:
        """[(person, role)] of the rows filled in."""
        return [(f.cleaned_data["person"], f.cleaned_data["role"]) for f in self.forms if f.cleaned_data.get("person")]


DeployedFormSet = forms.formset_factory(DeployedForm, formset=BaseDeployedFormSet, extra=3)

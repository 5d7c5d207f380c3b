"""Input for the contribution pages: donors, a contribution's steps (pledge, agreement, receipts, cancellation), its
earmarks and reporting obligations, and exchange rates. Forms check the shape of what is typed (a currency is three
letters, an amount is positive money); `octopus.funding.services` checks that it makes sense (a receipt above what
was signed, earmarks above the contribution, a rate missing for a day) and says so in words users read."""

from decimal import Decimal

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.events.models import Event
from octopus.funding.models import ContributionStatus, Donor, ObligationKind
from octopus.lib.forms import ServiceModelForm
from octopus.lib.widgets import DateInput, QuickSelect
from octopus.results.models import Level, Programme, ResultNode


def money_field(label, **kwargs) -> forms.DecimalField:
    """A positive amount of money, to the cent (as the database stores it)."""
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=Decimal("0.01"), **kwargs)


class CurrencyField(forms.RegexField):
    """An ISO 4217 code: three letters, kept in capitals whatever was typed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Currency"))
        kwargs.setdefault("help_text", _("Three letters (ISO 4217), e.g. EUR, USD, GBP."))
        super().__init__(
            regex=r"^[A-Za-z]{3}$",
            max_length=3,
            min_length=3,
            error_messages={"invalid": _("Type the currency as its three letters, e.g. USD.")},
            widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
            **kwargs,
        )

    def to_python(self, value):
        return super().to_python(value).strip().upper()


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- the list ------------------------------------------------------------------------------------------------------

# Sortable columns: the key in the address → the ordering it gives (the list's own order breaks ties).
SORTS = {
    "donor": ("donor__name",),
    "title": ("title",),
    "pledged_on": ("pledged_on",),
    "pledged": ("pledged_eur",),
    "signed": ("signed_eur",),
    "received": ("received_eur",),
    "status": ("status",),
}
DEFAULT_ORDER = ("-pledged_on", "donor__name", "pk")


def ordering(sort: str) -> list:
    key = sort.lstrip("-")
    if key not in SORTS:
        return list(DEFAULT_ORDER)
    descending = sort.startswith("-")
    return [
        *(F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in SORTS[key]),
        *DEFAULT_ORDER,
    ]


class ContributionFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.order_by("title"),
        required=False,
        to_field_name="code",
        empty_label=_("All programmes"),
    )
    donor = forms.ModelChoiceField(
        label=_("Donor"),
        queryset=Donor.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All donors"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *ContributionStatus.choices], required=False
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=1990, max_value=2100, help_text=_("The year of the pledge.")
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(f"{d}{k}", f"{d}{k}") for k in SORTS for d in ("", "-")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, contributions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contributions is not None:  # only the donors the reader may see, and that have a contribution
            self.fields["donor"].queryset = Donor.objects.filter(pk__in=contributions.values("donor"))

    def filter(self, contributions):
        """The contributions that match, in the order asked; none when a filter is not understood."""
        if not self.is_bound:
            return contributions.order_by(*DEFAULT_ORDER)
        if not self.is_valid():
            return contributions.none()
        data = self.cleaned_data
        if data["programme"]:
            contributions = contributions.filter(programme=data["programme"])
        if data["donor"]:
            contributions = contributions.filter(donor=data["donor"])
        if data["status"]:
            contributions = contributions.filter(status=data["status"])
        if data["year"]:
            contributions = contributions.filter(pledged_on__year=data["year"])
        return contributions.order_by(*ordering(data["sort"] or ""))


# --- donors --------------------------------------------------------------------------------------------------------


class DonorForm(ServiceModelForm):
    """A new donor (with its code) or a correction of one (with `version`; the code stays: donor roles carry it)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Donor
        fields = ["code", "name", "kind", "country"]
        widgets = {"country": QuickSelect}
        help_texts = {
            "code": _("Short, e.g. “DE” or “MICROSOFT”: the code the donor's people carry in their donor role.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name")
        self.fields["country"].empty_label = _("None")
        if self.instance.pk:
            del self.fields["code"]
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True


# --- a contribution's steps ----------------------------------------------------------------------------------------


class PledgeForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.order_by("title"))
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=Donor.objects.all())
    title = forms.CharField(label=_("Title"), max_length=300)
    reference = forms.CharField(
        label=_("Reference"), max_length=60, required=False, help_text=_("The agreement's number, if there is one yet.")
    )
    currency = CurrencyField(initial="EUR")
    amount = money_field(_("Amount pledged"), help_text=_("In the currency above."))
    pledged_on = forms.DateField(label=_("Pledged on"), widget=DateInput())
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = list(self.fields["programme"].queryset[:2])
        if len(programmes) == 1:  # one programme: nothing to choose
            self.fields["programme"].initial = programmes[0].pk


class OnePageForm(forms.Form):
    """One of several forms on a contribution's page: its fields' ids start with its own name, so that two fields
    of one name (the amount signed, the amount received) never share an id and each label finds its field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class AgreementForm(OnePageForm):
    id_prefix = "agreement"

    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    amount = money_field(_("Amount signed"), help_text=_("In the contribution's currency: what the donor is bound to."))
    reference = forms.CharField(label=_("Agreement reference"), max_length=60, required=False)
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = version_field()


class ReceiptForm(OnePageForm):
    id_prefix = "receipt"
    received_on = forms.DateField(label=_("Value date"), widget=DateInput())
    amount = money_field(_("Amount received"), help_text=_("In the contribution's currency."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    override_reason = forms.CharField(
        label=_("Reason for receiving more than signed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the receipts would exceed the amount signed."),
    )


class CancelForm(OnePageForm):
    id_prefix = "cancel"
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    version = version_field()


class EarmarkForm(OnePageForm):
    id_prefix = "earmark"
    amount = money_field(_("Amount"), help_text=_("In the contribution's currency."))
    node = forms.ModelChoiceField(
        label=_("Output or activity"), queryset=ResultNode.objects.none(), required=False, empty_label=_("None")
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
        widget=QuickSelect,
    )
    event = forms.ModelChoiceField(
        label=_("Event"), queryset=Event.objects.none(), required=False, empty_label=_("None")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    PURPOSES = ("node", "country", "event")

    def __init__(self, *args, contribution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = ResultNode.objects.filter(
            level__in=(Level.OUTPUT, Level.ACTIVITY), programme=contribution.programme_id, retired_in__isnull=True
        ).order_by("order", "code")
        self.fields["node"].label_from_instance = lambda node: f"{node.code} {node.title}"
        self.fields["event"].queryset = Event.objects.order_by("-starts_on", "pk")
        self.fields["event"].label_from_instance = lambda event: f"{event.starts_on:%Y-%m-%d} {event.title}"

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in self.PURPOSES) and not any(name in self.errors for name in self.PURPOSES):
            self.add_error("node", _("Say what the money is for: an output or activity, a country or an event."))
        return data


class ObligationForm(OnePageForm):
    id_prefix = "obligation"
    kind = forms.ChoiceField(label=_("Report"), choices=ObligationKind.choices)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class SubmittedForm(forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())
    version = version_field()


# --- exchange rates ------------------------------------------------------------------------------------------------


class RateForm(forms.Form):
    currency = CurrencyField(help_text=_("Three letters (ISO 4217), not EUR."))
    day = forms.DateField(label=_("Day"), widget=DateInput())
    units_per_eur = forms.DecimalField(
        label=_("Units per EUR"),
        max_digits=18,
        decimal_places=8,
        min_value=Decimal("0.00000001"),
        help_text=_("How many units of the currency buy 1 EUR, as the ECB quotes it (e.g. 1.1023 for USD)."),
    )
    source = forms.CharField(
        label=_("Source"), max_length=300, help_text=_("Where the rate comes from, e.g. “ECB euro reference rate”.")
    )


class RateFilterForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), required=False)

    def __init__(self, *args, currencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", _("All currencies")), *((code, code) for code in currencies)]

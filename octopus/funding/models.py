"""Money of a programme (DESIGN.md §3): donors and their voluntary contributions from pledge to receipt, the
budget by output and cost category, expenditure, and the exchange rates behind every EUR figure.

Every amount is a `Decimal` stored with its currency; its EUR value is computed once, at the value date, with a
stored rate (`ExchangeRate`, with its source), and stored beside it, so any figure can be reproduced from the
rates and totals are sums of stored cents (`money.py`). A rate is quoted as units of the currency per 1 EUR.
"""

from typing import TypedDict

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.committees.models import InterpretationRequest, LanguageVersion
from octopus.countries.models import Country
from octopus.events.models import Event, Travel
from octopus.legislation.models import Advice
from octopus.results.models import Programme, ResultNode


class Digits(TypedDict):
    """The size of a decimal field, form field or expression, spread into it with `**`."""

    max_digits: int
    decimal_places: int


MONEY: Digits = {"max_digits": 14, "decimal_places": 2}


class DonorKind(models.TextChoices):
    STATE = "state", _("State")
    ORGANISATION = "organisation", _("International organisation")
    COMPANY = "company", _("Company")


class Donor(models.Model):
    """A State, an organisation or a company that contributes. Its `code` is the donor code its people's donor
    role carries (accounts.Membership.donor_code): that is how a donor sees its own contributions only."""

    code = models.SlugField(_("donor code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=DonorKind.choices)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_sample = models.BooleanField(_("sample data"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ExchangeRate(models.Model):
    """Units of `currency` for 1 EUR on a day, from a named source (e.g. the ECB reference rate)."""

    currency = models.CharField(_("currency"), max_length=3)
    day = models.DateField(_("day"))
    units_per_eur = models.DecimalField(_("units per EUR"), max_digits=18, decimal_places=8)
    source = models.CharField(_("source"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["currency", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "day"], name="exchange_rate_once_per_day"),
            models.CheckConstraint(name="exchange_rate_positive", condition=Q(units_per_eur__gt=0)),
        ]

    def __str__(self):
        return f"1 EUR = {self.units_per_eur} {self.currency} ({self.day})"


class ContributionStatus(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    SIGNED = "signed", _("Agreement signed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Contribution(models.Model):
    """A donor's voluntary contribution to a programme: pledged, then an agreement signed (the amount that binds),
    then received in instalments (`Receipt`). All in its own currency, each step with its EUR value on its day."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="contributions")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="contributions")
    reference = models.CharField(_("reference"), max_length=60, blank=True, help_text=_("The agreement's number."))
    title = models.CharField(_("title"), max_length=300)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=12, choices=ContributionStatus.choices, default=ContributionStatus.PLEDGED
    )
    pledged_on = models.DateField(_("pledged on"))
    pledged_amount = models.DecimalField(_("amount pledged"), **MONEY)
    pledged_eur = models.DecimalField(_("pledged (EUR)"), **MONEY)
    pledged_rate = models.ForeignKey(ExchangeRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    signed_amount = models.DecimalField(_("amount signed"), null=True, blank=True, **MONEY)
    signed_eur = models.DecimalField(_("signed (EUR)"), null=True, blank=True, **MONEY)
    signed_rate = models.ForeignKey(ExchangeRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    conditions = models.TextField(_("conditions"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-pledged_on", "pk"]
        constraints = [
            models.CheckConstraint(name="contribution_pledge_positive", condition=Q(pledged_amount__gt=0)),
            models.CheckConstraint(
                name="contribution_signed_positive", condition=Q(signed_amount__isnull=True) | Q(signed_amount__gt=0)
            ),
        ]

    def __str__(self):
        return f"{self.donor}: {self.title}"

    def get_absolute_url(self):
        """Its own page, where the drill-down behind a figure links it."""
        return reverse("funding:contribution_detail", args=[self.pk])

    @property
    def binding_amount(self):
        """What the donor is bound to give: the amount signed, else the pledge."""
        return self.signed_amount if self.signed_amount is not None else self.pledged_amount


class Receipt(models.Model):
    """An instalment received, in the contribution's currency, with its EUR value on the value date."""

    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="receipts")
    received_on = models.DateField(_("value date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    eur = models.DecimalField(_("EUR"), **MONEY)
    rate = models.ForeignKey(ExchangeRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    override_reason = models.TextField(
        _("reason for receiving more than signed"),
        blank=True,
        help_text=_("Required when the receipts would exceed the amount signed."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["contribution", "received_on", "pk"]
        constraints = [models.CheckConstraint(name="receipt_positive", condition=Q(amount__gt=0))]

    def __str__(self):
        return f"{self.amount} {self.contribution.currency} on {self.received_on}"


class ObligationKind(models.TextChoices):
    NARRATIVE = "narrative", _("Narrative report")
    FINANCIAL = "financial", _("Financial report")
    FINAL = "final", _("Final report")
    AUDIT = "audit", _("Audit")


class ReportingObligation(models.Model):
    """A report the agreement requires, by a date."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("report"), max_length=12, choices=ObligationKind.choices)
    due_on = models.DateField(_("due on"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} due {self.due_on}"


class Earmark(models.Model):
    """Part of a contribution (in its currency) tied to an output or activity, a country or an event; what is not
    earmarked is unearmarked. All earmarks of a contribution together never exceed what the donor is bound to."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="earmarks")
    amount = models.DecimalField(_("amount"), **MONEY)
    node = models.ForeignKey(
        ResultNode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("output or activity"),
    )
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["contribution", "pk"]
        constraints = [
            models.CheckConstraint(name="earmark_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="earmark_has_a_purpose",
                condition=Q(node__isnull=False) | Q(country__isnull=False) | Q(event__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.amount} of {self.contribution}"


class CostCategory(models.TextChoices):
    STAFF = "staff", _("Staff")
    EXPERTS = "experts", _("Experts")
    TRAVEL = "travel", _("Travel and DSA")
    EVENTS = "events", _("Events")
    LANGUAGE = "language", _("Translation and interpretation")
    EQUIPMENT = "equipment", _("Equipment")
    OVERHEADS = "overheads", _("Overheads")


class BudgetKind(models.TextChoices):
    ORIGINAL = "original", _("Original")
    REVISED = "revised", _("Revised")


class Budget(models.Model):
    """A programme's budget as adopted: the original, then each revision (never an edit of the one before)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="budgets")
    number = models.PositiveSmallIntegerField(_("number"))  # 1: the original; 2, 3…: revisions
    kind = models.CharField(_("kind"), max_length=10, choices=BudgetKind.choices)
    adopted_on = models.DateField(_("adopted on"))
    decision = models.CharField(_("decision"), max_length=300, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="budget_number_once")]

    def __str__(self):
        return f"{self.programme.code} budget {self.number} ({self.get_kind_display()})"


class BudgetLine(models.Model):
    """EUR planned for an output and a cost category in a year."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    node = models.ForeignKey(ResultNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("output"))
    category = models.CharField(_("cost category"), max_length=12, choices=CostCategory.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    amount_eur = models.DecimalField(_("amount (EUR)"), **MONEY)

    class Meta:
        ordering = ["budget", "node__code", "category", "year"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "node", "category", "year"], name="budget_line_once"),
            models.CheckConstraint(name="budget_line_not_negative", condition=Q(amount_eur__gte=0)),
        ]

    def __str__(self):
        return f"{self.node.code} {self.get_category_display()} {self.year}: {self.amount_eur}"


class ClosedYear(models.Model):
    """A financial year closed: no expenditure may be recorded in it any more."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="closed_years")
    year = models.PositiveSmallIntegerField(_("year"))
    closed_on = models.DateField(_("closed on"), default=timezone.localdate)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["programme", "year"]
        constraints = [models.UniqueConstraint(fields=["programme", "year"], name="closed_year_once")]

    def __str__(self):
        return f"{self.programme.code} {self.year} closed"


class ExpenditureStatus(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    SPENT = "spent", _("Spent")


class Expenditure(models.Model):
    """Money committed or spent against a budget line (output × cost category × the year of its day). A cost
    that another app already knows (a participant's travel, a translation, interpretation) is brought in from
    there, once per programme (`source_*` links, unique per programme), never typed again: a cost of an event several
    programmes share comes in as one row per programme, each its share of the cost (`share`), the parts summing to
    the cost to the cent."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="expenditure")
    node = models.ForeignKey(ResultNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("output"))
    category = models.CharField(_("cost category"), max_length=12, choices=CostCategory.choices)
    status = models.CharField(_("status"), max_length=10, choices=ExpenditureStatus.choices)
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    amount = models.DecimalField(_("amount"), **MONEY)
    eur = models.DecimalField(_("EUR"), **MONEY)
    rate = models.ForeignKey(ExchangeRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    advice = models.ForeignKey(
        Advice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("advice mission")
    )
    # A source brings in one row per programme its event serves (each its share of the cost): unique per programme.
    source_travel = models.ForeignKey(Travel, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_translation = models.ForeignKey(
        LanguageVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_interpretation = models.ForeignKey(
        InterpretationRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    share = models.DecimalField(
        _("share of the cost (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text=_("For a cost brought in from an event several programmes share: this programme's share."),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-spent_on", "pk"]
        verbose_name_plural = _("expenditure")
        constraints = [
            models.CheckConstraint(name="expenditure_not_negative", condition=Q(amount__gte=0)),
            *[
                models.UniqueConstraint(
                    fields=[source, "programme"],
                    condition=Q(**{f"{source}__isnull": False}),
                    name=f"expenditure_{source}_once_per_programme",
                )
                for source in ("source_travel", "source_translation", "source_interpretation")
            ],
        ]

    def __str__(self):
        return f"{self.description}: {self.amount} {self.currency}"

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country


class Treaty(models.Model):
    number = models.PositiveIntegerField(_("CETS number"), unique=True)
    short_name = models.CharField(_("short name"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    opened_on = models.DateField(_("opened for signature"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    months_to_entry_into_force = models.PositiveSmallIntegerField(
        _("months from deposit to entry into force"),
        null=True,
        blank=True,
        help_text=_(
            "For a State that consents once the treaty is in force, the treaty enters into force on the first day of "
            "the month after this many months from the deposit (3 for CETS 185, Arts. 36(4) and 37(2)). Empty when "
            "the treaty has another rule."
        ),
    )

    class Meta:
        ordering = ["number"]
        verbose_name_plural = _("treaties")

    def __str__(self):
        return f"CETS {self.number} – {self.short_name}"


class Article(models.Model):
    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveIntegerField(_("article"))
    title = models.CharField(_("title"), max_length=300)
    chapter = models.CharField(_("chapter"), max_length=200, blank=True)
    section = models.CharField(_("section"), max_length=200, blank=True)

    class Meta:
        ordering = ["treaty__number", "number"]
        constraints = [models.UniqueConstraint(fields=["treaty", "number"], name="article_unique_number")]

    def __str__(self):
        return f"Art. {self.number} – {self.title}"


class ActionKind(models.TextChoices):
    INVITED = "invited", _("Invitation to accede")
    SIGNED = "signed", _("Signature")
    RATIFIED = "ratified", _("Ratification")
    ACCEPTED = "accepted", _("Acceptance")
    APPROVED = "approved", _("Approval")
    ACCEDED = "acceded", _("Accession")
    IN_FORCE = "in_force", _("Entry into force")
    DENOUNCED = "denounced", _("Denunciation")
    RESERVATION = "reservation", _("Reservation")
    DECLARATION = "declaration", _("Declaration")


# Acts by which a State consents to be bound (Arts. 36 and 37 of CETS 185).
CONSENT_KINDS = frozenset({ActionKind.RATIFIED, ActionKind.ACCEPTED, ActionKind.APPROVED, ActionKind.ACCEDED})
# Acts that may occur once per State and treaty; reservations and declarations may be many.
ONCE_KINDS = frozenset(
    {ActionKind.INVITED, ActionKind.SIGNED, ActionKind.IN_FORCE, ActionKind.DENOUNCED} | CONSENT_KINDS
)


class Origin(models.TextChoices):
    REFERENCE = "reference", _("Reference data")
    IMPORT = "import", _("Treaty chart import")
    STAFF = "staff", _("Recorded by staff")


class TreatyAction(models.Model):
    """One dated act of a State under a treaty. Status is always derived from these, never stored.

    `date` is the day of the act (deposit for consent, the effective day for entry into force). Where no source
    gives the day, `date` is empty and `attested_on` is the day a source shows the act had happened by.
    """

    treaty = models.ForeignKey(Treaty, on_delete=models.PROTECT, related_name="actions")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="treaty_actions")
    kind = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    attested_on = models.DateField(
        _("attested by"), null=True, blank=True, help_text=_("For an undated act: a date by which it had happened.")
    )
    effective_on = models.DateField(
        _("takes effect"), null=True, blank=True, help_text=_("For a denunciation: the day it takes effect.")
    )
    source = models.TextField(_("source"), help_text=_("Where this is recorded; one source per line."))
    note = models.TextField(_("note"), blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.STAFF)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["treaty__number", "country__name", models.F("date").asc(nulls_last=True), "id"]
        indexes = [models.Index(fields=["treaty", "country"]), models.Index(fields=["treaty", "date"])]
        constraints = [
            models.CheckConstraint(
                name="action_dated_or_attested",
                condition=models.Q(date__isnull=False) | models.Q(attested_on__isnull=False),
            ),
        ]

    def __str__(self):
        when = self.date.isoformat() if self.date else _("date not recorded")
        return f"{self.country} – {self.get_kind_display()} of CETS {self.treaty.number} ({when})"

    @property
    def known_on(self) -> datetime.date | None:
        """The day from which the act is known to have effect (a denunciation: the day it takes effect)."""
        if self.kind == ActionKind.DENOUNCED:
            return self.effective_on or self.date or self.attested_on
        return self.date or self.attested_on

    @property
    def sources(self) -> list[str]:
        return [line.strip() for line in self.source.splitlines() if line.strip()]


class OfficialCount(models.Model):
    """An aggregate count stated by a source (Council of Europe news, governments), shown beside ours."""

    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="official_counts")
    as_of = models.DateField(_("as of"), null=True, blank=True)
    parties = models.PositiveIntegerField(_("Parties"), null=True, blank=True)
    signatories = models.PositiveIntegerField(_("signatories"), null=True, blank=True)
    invited = models.PositiveIntegerField(_("invited"), null=True, blank=True)
    source = models.TextField(_("source"))

    class Meta:
        ordering = ["treaty__number", models.F("as_of").asc(nulls_last=True), "id"]

    def __str__(self):
        return f"CETS {self.treaty.number} counts as of {self.as_of or 'undated'}"

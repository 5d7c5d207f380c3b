"""One registry of people and organisations across every event (DESIGN.md §3, §9).

A person is kept once: duplicates are merged into one record (the other keeps `merged_into`, so links made before
the merge still resolve). Personal data is held only for a purpose: consent is recorded per purpose, and a record
past its retention is anonymised in place, so that every count (by country, sex, sector, role) stays the same.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country, normalise_name


class Sector(models.TextChoices):
    POLICE = "police", _("Police")
    PROSECUTION = "prosecution", _("Prosecution")
    JUDICIARY = "judiciary", _("Judiciary")
    MINISTRY = "ministry", _("Ministry")
    CERT = "cert", _("CERT/CSIRT")
    DATA_PROTECTION = "data_protection", _("Data protection authority")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")


class Sex(models.TextChoices):
    """Asked only for disaggregation, and optional: blank means not stated."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Purpose(models.TextChoices):
    """What a person's data may be used for beyond running the event they registered for."""

    PUBLISH_LIST = "publish_list", _("Appear on published lists of participants")
    FUTURE_CONTACT = "future_contact", _("Be contacted about future events")


class OrganisationQuerySet(models.QuerySet):
    def real(self):
        return self.filter(is_sample=False)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("country"),
        help_text=_("Empty for an international organisation."),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="organisation_unique_name_per_country",
                condition=Q(country__isnull=False),
            ),
            models.UniqueConstraint(
                Lower("name"), name="organisation_unique_international_name", condition=Q(country__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class PersonQuerySet(models.QuerySet):
    def current(self):
        """People not merged into another record: the ones to list, count and link to."""
        return self.filter(merged_into__isnull=True)

    def consenting_to(self, purpose: str):
        return self.filter(consents__purpose=purpose, consents__granted=True)

    def with_consents(self):
        """Annotated with the consent per purpose (`consents_<purpose>`), so a list or export reads them at once."""
        return self.annotate(
            **{
                f"consents_{purpose}": Exists(
                    Consent.objects.filter(person=OuterRef("pk"), purpose=purpose, granted=True)
                )
                for purpose in Purpose.values
            }
        )


class Person(models.Model):
    title = models.CharField(_("title"), max_length=30, blank=True, help_text=_("Mr, Ms, Dr, Judge…"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)  # kept lower-case
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("country represented"),
    )
    # Lower-cased, accent- and punctuation-free "first last", to find people entered twice.
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged", editable=False
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name_plural = _("people")

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(f"{self.first_name} {self.last_name}")
        self.email = self.email.strip().lower()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "email"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Its own page, where the drill-down behind a figure links it."""
        return reverse("people:people_person", args=[self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name.upper()) if part)

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}".strip(", ")


class Consent(models.Model):
    """A person's current answer for one purpose; every change is in the audit log."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(
        _("how it was given"), max_length=200, blank=True, help_text=_("Registration form, e-mail of 3 May…")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "purpose"], name="consent_one_per_purpose")]

    def __str__(self):
        return f"{self.person}: {self.get_purpose_display()} – {'yes' if self.granted else 'no'}"

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Every role of the product. The public has no membership: anyone, signed in or not, may read public pages."""

    ADMINISTRATOR = "administrator", _("Administrator")
    PROGRAMME_STAFF = "programme_staff", _("Programme staff")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    TCY_SECRETARIAT = "tcy_secretariat", _("T-CY secretariat")
    FOCAL_POINT = "focal_point", _("Country focal point")
    DONOR = "donor", _("Donor")


class OctopusUserManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):
        # Sign-in is by e-mail; the username is kept equal to it for the admin and for uniqueness.
        email = self.normalize_email(email or username)
        return super()._create_user(email, email, password, **extra_fields)  # type: ignore[misc]  # not in the stubs

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[override]  # no username: e-mail
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[override]  # as create_user
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), unique=True)
    is_sample = models.BooleanField(
        _("sample account"), default=False, help_text=_("Created by the sample data loader, not a real person.")
    )

    objects: ClassVar[OctopusUserManager] = OctopusUserManager()

    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    def __str__(self):
        return self.get_full_name() or self.email


class Membership(models.Model):
    """A role held by a user, scoped where the role needs it: a focal point to one country, a donor to one donor.

    Scopes are natural keys (ISO 3166 alpha-2, donor code) because accounts sits below the apps that hold countries
    and donors (DESIGN.md §3).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    country_code = models.CharField(_("country (ISO alpha-2)"), max_length=2, blank=True)
    donor_code = models.CharField(_("donor code"), max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "country_code", "donor_code"], name="membership_unique_per_scope"
            ),
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    models.Q(role=Role.FOCAL_POINT, donor_code="") & ~models.Q(country_code="")
                    | models.Q(role=Role.DONOR, country_code="") & ~models.Q(donor_code="")
                    | ~models.Q(role__in=[Role.FOCAL_POINT, Role.DONOR]) & models.Q(country_code="", donor_code="")
                ),
            ),
        ]

    def __str__(self):
        scope = self.country_code or self.donor_code
        return f"{self.user} – {self.get_role_display()}" + (f" ({scope})" if scope else "")


class APITokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class APIToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the clear value is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = APITokenQuerySet.as_manager()

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "oct_" + secrets.token_urlsafe(32)


class AuditEntryQuerySet(models.QuerySet):
    def about(self, obj: models.Model):
        """The history of one record, under the key `log_action` writes it."""
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEntry(models.Model):
    """Who changed what, when, with the record before and after. Written only through services.log_action."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        return [
            (key, before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        ]

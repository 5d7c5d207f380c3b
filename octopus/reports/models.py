"""What a programme publishes about itself, beyond its records: whether it is public, its French title and
description, and the codes registries classify it by. Figures are never stored here: every output computes them
from the records."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from octopus.results.models import Programme

dac_code = RegexValidator(r"^\d{5}$", _("A DAC purpose code has five digits, such as 15130."))


def validate_dac_codes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Give a list of DAC purpose codes."))
    for code in value:
        dac_code(code)


class Publication(models.Model):
    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="publication")
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Published on the public site (project summary) and as an IATI activity file."),
    )
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    dac_sectors = models.JSONField(
        _("DAC purpose codes"),
        default=list,
        blank=True,
        validators=[validate_dac_codes],
        help_text=_(
            "OECD DAC 5-digit purpose codes that fit the programme, such as 15130 (legal and judicial development)."
        ),
    )
    topics = models.JSONField(_("topics"), default=list, blank=True, help_text=_("Themes, as registries list them."))
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return str(self.programme)


# --- progress reports (issue 17): the report record and its narrative sections; every figure is assembled from the
# records when the report is read (`reports.assembly`), never stored here.


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    # Donor and final reports come next; their kinds will be added here.


class Report(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices, default=ReportKind.PROGRESS)
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")), name="report_period_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SectionKey(models.TextChoices):
    """The narrative sections of a progress report, in the order the report shows them."""

    SUMMARY = "summary", _("Summary")
    CONTEXT = "context", _("Context")
    RISKS_AND_ASSUMPTIONS = "risks_and_assumptions", _("Risks and assumptions")
    LESSONS_LEARNT = "lessons_learnt", _("Lessons learnt")
    NEXT_STEPS = "next_steps", _("Next steps")


class SectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ReportSection(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=40, choices=SectionKey.choices)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=SectionStatus.choices, default=SectionStatus.DRAFT)
    comment = models.TextField(_("comment"), blank=True, help_text=_("Why it was returned."))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="report_section_once")]

    def __str__(self) -> str:
        return f"{self.report} — {self.get_key_display()}"

    @property
    def order(self) -> int:
        return SectionKey.values.index(self.key)

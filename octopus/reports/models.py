"""What a programme publishes about itself, beyond its records: whether it is public, its French title and
description, and the codes registries classify it by. Figures are never stored here: every output computes them
from the records."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
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

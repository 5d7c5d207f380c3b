import unicodedata

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def normalise_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key for matching country names from outside sources."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


# Names used by the Council of Europe Treaty Office and other sources that differ from our short names.
ALIASES = {
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Turkiye": "TR",
    "Republic of Moldova": "MD",
    "The former Yugoslav Republic of Macedonia": "MK",
    "Macedonia": "MK",
    "United States of America": "US",
    "USA": "US",
    "Ivory Coast": "CI",
    "Cape Verde": "CV",
    "Swaziland": "SZ",
    "Holy See": "VA",
    "Russia": "RU",
    "Russian Federation": "RU",
    "Republic of Korea": "KR",
    "Korea": "KR",
    "UK": "GB",
}


class CountryQuerySet(models.QuerySet["Country"]):
    def regions(self) -> list[str]:
        return list(self.exclude(region="").order_by("region").values_list("region", flat=True).distinct())

    def by_name_key(self) -> dict[str, "Country"]:
        """Every normalised name, official name, alias and ISO code → country, for imports."""
        countries = list(self)
        by_code = {c.iso2: c for c in countries}
        index: dict[str, Country] = {}
        for alias, iso2 in ALIASES.items():
            if iso2 in by_code:
                index[normalise_name(alias)] = by_code[iso2]
        for country in countries:
            for key in (country.iso2, country.iso3, country.official_name, country.name):
                if key:
                    index[normalise_name(key)] = country
        return index


class Country(models.Model):
    """A State or territory with an ISO 3166-1 code (Kosovo uses the user-assigned code XK)."""

    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3, help_text=_("Zero-padded, as in map data."))
    name = models.CharField(_("name"), max_length=100)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True, db_index=True)
    subregion = models.CharField(_("sub-region (UN M49)"), max_length=50, blank=True)
    coe_member = models.BooleanField(_("Council of Europe member State"), default=False)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """Its own page, where the drill-down behind a figure links it."""
        return reverse("treaties:country", args=[self.iso2])

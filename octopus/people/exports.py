"""People and organisations as tables for CSV and XLSX (the base in `octopus.lib.exports` renders them)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.lib.exports import Export
from octopus.people.models import Purpose


class PeopleExport(Export):
    frozen_columns = 2

    def __init__(self, people):
        self.people = people.with_consents()
        self.title = _("People")

    def header(self) -> list[str]:
        return [
            _("Last name"),
            _("First name"),
            _("Title"),
            _("Sex"),
            _("E-mail"),
            _("Phone"),
            _("Position"),
            _("Organisation"),
            _("Sector"),
            _("Country represented"),
            _("ISO"),
            *(_("Consent: %(purpose)s") % {"purpose": label} for label in Purpose.labels),
            _("Recorded on"),
            _("Sample"),
            _("ID"),
        ]

    def rows(self):
        for p in self.people.iterator(chunk_size=2000):
            organisation = p.organisation
            yield [
                p.last_name,
                p.first_name,
                p.title,
                p.get_sex_display(),
                p.email,
                p.phone,
                p.position,
                str(organisation) if organisation else "",
                organisation.get_sector_display() if organisation else "",
                p.country.name if p.country else "",
                p.country.iso2 if p.country else "",
                *(getattr(p, f"consents_{purpose}") for purpose in Purpose.values),
                timezone.localtime(p.created_at).date(),
                p.is_sample,
                p.pk,
            ]


class OrganisationsExport(Export):
    frozen_columns = 1

    def __init__(self, organisations):
        self.organisations = organisations
        self.title = _("Organisations")

    def header(self) -> list[str]:
        return [_("Name"), _("Acronym"), _("Sector"), _("Country"), _("ISO"), _("People"), _("ID")]

    def rows(self):
        for o in self.organisations:
            yield [
                o.name,
                o.acronym,
                o.get_sector_display(),
                o.country.name if o.country else _("International"),
                o.country.iso2 if o.country else "",
                o.people_count,
                o.pk,
            ]

"""An event's lists as tables for CSV and XLSX (octopus.lib.exports renders them and guards against formulas).

Each export reads its rows in a fixed number of queries, whatever the number of people.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.events.models import Attendance, Event, Registration, Travel
from octopus.lib.exports import Export


def _local(value):
    return timezone.localtime(value) if value else None


def _person_cells(registration: Registration) -> list:
    person = registration.person
    country = registration.country or person.country
    return [person.last_name, person.first_name, country.name if country else ""]


class RegistrationsExport(Export):
    """Everyone registered for the event, whatever the state, with the days they were checked in."""

    frozen_columns = 2

    def __init__(self, event: Event):
        self.event = event
        self.title = _("Registrations")

    def header(self) -> list[str]:
        return [
            _("Last name"),
            _("First name"),
            _("Country"),
            _("Title"),
            _("Sex"),
            _("E-mail"),
            _("Position"),
            _("Organisation"),
            _("Sector"),
            _("Role"),
            _("State"),
            _("Delegation"),
            _("Head of delegation"),
            _("Registered at"),
            _("Days attended"),
            _("Certificate code"),
        ]

    def rows(self):
        days = Prefetch("attendance", queryset=Attendance.objects.filter(session__isnull=True).order_by("day"))
        registrations = (
            self.event.registrations.select_related(
                "person", "person__organisation", "person__country", "country", "delegation__country"
            )
            .prefetch_related(days)
            .order_by("person__last_name", "person__first_name", "pk")
        )
        for registration in registrations:
            person = registration.person
            organisation = person.organisation
            yield [
                *_person_cells(registration),
                person.title,
                person.get_sex_display(),
                person.email,
                person.position,
                organisation.name if organisation else "",
                organisation.get_sector_display() if organisation else "",
                registration.get_role_display(),
                registration.get_state_display(),
                registration.delegation.country.name if registration.delegation else "",
                registration.is_head_of_delegation,
                _local(registration.created_at),
                len(registration.attendance.all()),
                registration.certificate_code or "",
            ]


class AttendanceExport(Export):
    """One row per check-in: a day, or a session."""

    frozen_columns = 2

    def __init__(self, event: Event):
        self.event = event
        self.title = _("Attendance")

    def header(self) -> list[str]:
        return [
            _("Last name"),
            _("First name"),
            _("Country"),
            _("Role"),
            _("Day"),
            _("Session"),
            _("Mode"),
            _("Checked in at"),
        ]

    def rows(self):
        attendance = (
            Attendance.objects.filter(registration__event=self.event)
            .select_related("registration__person", "registration__person__country", "registration__country", "session")
            .order_by("day", "registration__person__last_name", "registration__person__first_name", "pk")
        )
        for entry in attendance:
            registration = entry.registration
            yield [
                *_person_cells(registration),
                registration.get_role_display(),
                entry.day,
                entry.session.title if entry.session else "",
                entry.get_mode_display(),
                _local(entry.checked_in_at),
            ]


class TravelExport(Export):
    """Funded participation: committed against actual cost, person by person."""

    frozen_columns = 2

    def __init__(self, event: Event):
        self.event = event
        self.title = _("Travel")

    def header(self) -> list[str]:
        return [
            _("Last name"),
            _("First name"),
            _("Country"),
            _("Status"),
            _("Eligible"),
            _("Requested on"),
            _("Itinerary"),
            _("Booking reference"),
            _("Ticket cost (EUR)"),
            _("Nights"),
            _("DSA rate (EUR)"),
            _("DSA (EUR)"),
            _("Committed (EUR)"),
            _("Advance paid (EUR)"),
            _("Proof received"),
            _("Actual cost (EUR)"),
            _("Reconciled on"),
        ]

    def rows(self):
        travel = (
            Travel.objects.filter(registration__event=self.event)
            .select_related("registration__person", "registration__person__country", "registration__country")
            .order_by("registration__person__last_name", "registration__person__first_name", "pk")
        )
        for item in travel:
            yield [
                *_person_cells(item.registration),
                item.get_status_display(),
                item.eligible,
                item.requested_on,
                item.itinerary,
                item.ticket_reference,
                item.ticket_cost,
                item.nights,
                item.dsa_rate,
                item.dsa_amount,
                item.committed_cost,
                item.advance_paid,
                item.proof_received,
                item.actual_cost,
                item.reconciled_on,
            ]

    def number_format(self, column, value):
        return "#,##0.00" if column in (8, 10, 11, 12, 13, 15) else None


EXPORTS = {"registrations": RegistrationsExport, "attendance": AttendanceExport, "travel": TravelExport}

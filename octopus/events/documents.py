"""The PDFs an event produces: badges, lists of participants, the delegation list and certificates of attendance.

Each is rendered from a template by WeasyPrint. Nothing is fetched while rendering: the templates carry their own
style, QR codes are SVG written into the HTML, and the fetcher allows only inline `data:` addresses. Addresses
printed on paper (the badge's check-in link, the certificate's verification page) are absolute: the caller gives
the site's root (`site`, e.g. "https://octopus.example.org").

A PDF of a sample event, or one listing a sample registration, carries the sample mark on every page
(`templates/pdf/sample_mark.html`) and says so by its `sample` flag, which the download's name repeats.
"""

import datetime
from dataclasses import dataclass, field

import segno
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from octopus.countries.models import normalise_name
from octopus.events.models import (
    Attendance,
    Delegation,
    DelegationCategory,
    Event,
    ParticipantRole,
    Registration,
    RegistrationState,
)
from octopus.people.models import Sector

# Protocol order of the lists of participants: member States, observers, international organisations, others.
CATEGORY_ORDER = {value: n for n, value in enumerate(DelegationCategory.values)}


@dataclass(frozen=True)
class Pdf:
    content: bytes
    sample: bool  # it shows sample data: the mark is on every page


def render_pdf(template: str, context: dict, *, sample: bool = False) -> Pdf:
    html = render_to_string(template, {**context, "sample": sample, "generated_at": timezone.now()})
    fetcher = URLFetcher(allowed_protocols=("data",))
    return Pdf(HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(), sample)


def shows_sample(event: Event, registrations) -> bool:
    """The event is sample data, or one of the registrations rendered is."""
    return event.is_sample or any(registration.is_sample for registration in registrations)


def checkin_path(registration: Registration) -> str:
    return reverse("events:checkin_badge", args=[registration.badge_key])


def verify_path(code: str) -> str:
    return reverse("events:certificate_verify", args=[code])


def _registrations(event: Event):
    return event.registrations.select_related(
        "person", "person__organisation", "person__country", "country", "delegation", "delegation__country"
    )


# --- badges ----------------------------------------------------------------------------------------------------


def badge_category(registration: Registration) -> tuple[str, str]:
    """(key, label) of the colour band: the delegation's protocol category, else the person's role."""
    if registration.delegation_id:
        delegation = registration.delegation
        return f"category-{delegation.category}", delegation.get_category_display()
    return f"role-{registration.role}", ParticipantRole(registration.role).label


@dataclass
class Badge:
    registration: Registration
    band: str
    label: str
    qr: str  # inline SVG
    url: str

    @property
    def person(self):
        return self.registration.person

    @property
    def country(self):
        return self.registration.country or self.person.country


def badges(event: Event, *, site: str, registration: int | None = None) -> list[Badge]:
    """One badge per approved registration (or only `registration`), by last name."""
    found = _registrations(event).filter(state=RegistrationState.APPROVED)
    if registration is not None:
        found = found.filter(pk=registration)
    result = []
    for item in sorted(found, key=lambda r: (normalise_name(r.person.last_name), normalise_name(r.person.first_name))):
        url = site.rstrip("/") + checkin_path(item)
        band, label = badge_category(item)
        qr = segno.make(url, error="m").svg_inline(scale=3, border=2)
        result.append(Badge(item, band, label, mark_safe(qr), url))  # noqa: S308 - segno's own SVG, no user text
    return result


def badges_pdf(event: Event, *, site: str, registration: int | None = None) -> Pdf:
    found = badges(event, site=site, registration=registration)
    sample = shows_sample(event, (badge.registration for badge in found))
    return render_pdf("events/documents/badges_pdf.html", {"event": event, "badges": found}, sample=sample)


# --- lists of participants -------------------------------------------------------------------------------------


@dataclass
class StateGroup:
    """The people of one State (or organisation) on a list of participants, head of delegation first."""

    name: str
    delegation: Delegation | None = None
    members: list[Registration] = field(default_factory=list)


@dataclass
class CategoryGroup:
    key: str
    label: str
    groups: list[StateGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.members) for group in self.groups)


def protocol_category(registration: Registration) -> str:
    if registration.delegation_id:
        return registration.delegation.category
    organisation = registration.person.organisation
    if registration.country_id is None and organisation and organisation.sector == Sector.INTERNATIONAL_ORGANISATION:
        return DelegationCategory.ORGANISATION
    return DelegationCategory.OTHER


def _group_name(registration: Registration, category: str) -> str:
    if registration.delegation_id:
        return registration.delegation.country.name
    if category == DelegationCategory.ORGANISATION:
        return registration.person.organisation.name
    country = registration.country or registration.person.country
    return country.name if country else _("Country not given")


def protocol_groups(registrations) -> list[CategoryGroup]:
    """Registrations grouped in protocol order: by category (DelegationCategory order), then by State or
    organisation in alphabetical order, the head of delegation first and the others by name."""
    categories = {key: CategoryGroup(key, str(label)) for key, label in DelegationCategory.choices}
    groups: dict[tuple[str, str], StateGroup] = {}
    for registration in registrations:
        category = protocol_category(registration)
        name = _group_name(registration, category)
        group = groups.get((category, name))
        if group is None:
            group = groups[category, name] = StateGroup(name, registration.delegation)
            categories[category].groups.append(group)
        group.members.append(registration)
    for category in categories.values():
        category.groups.sort(key=lambda group: normalise_name(group.name))
        for group in category.groups:
            group.members.sort(
                key=lambda r: (
                    not r.is_head_of_delegation,
                    normalise_name(r.person.last_name),
                    normalise_name(r.person.first_name),
                )
            )
    return [category for category in categories.values() if category.groups]


def participant_registrations(event: Event, *, final: bool):
    """Provisional: approved and pending registrations. Final: approved registrations of people checked in."""
    registrations = _registrations(event)
    if final:
        checked_in = Attendance.objects.filter(registration__event=event).values("registration")
        return registrations.filter(state=RegistrationState.APPROVED, pk__in=checked_in)
    return registrations.filter(state__in=(RegistrationState.APPROVED, RegistrationState.PENDING))


def participants_pdf(event: Event, *, final: bool) -> Pdf:
    categories = protocol_groups(participant_registrations(event, final=final))
    listed = (member for category in categories for group in category.groups for member in group.members)
    return render_pdf(
        "events/documents/participants_pdf.html",
        {"event": event, "final": final, "categories": categories, "total": sum(c.count for c in categories)},
        sample=shows_sample(event, listed),
    )


def delegations_pdf(event: Event) -> Pdf:
    """Each delegation in protocol order: category, nominating authority, credentials, head and members."""
    live = (RegistrationState.APPROVED, RegistrationState.PENDING)
    members = Registration.objects.filter(state__in=live).select_related("person", "person__organisation")
    delegations = sorted(
        event.delegations.select_related("country").prefetch_related(Prefetch("members", queryset=members)),
        key=lambda d: (CATEGORY_ORDER[d.category], normalise_name(d.country.name)),
    )
    for delegation in delegations:
        delegation.listed = sorted(
            delegation.members.all(),
            key=lambda r: (not r.is_head_of_delegation, normalise_name(r.person.last_name)),
        )
    sample = shows_sample(event, (member for delegation in delegations for member in delegation.listed))
    context = {"event": event, "delegations": delegations}
    return render_pdf("events/documents/delegations_pdf.html", context, sample=sample)


# --- certificates ----------------------------------------------------------------------------------------------


def days_attended(registration: Registration) -> list[datetime.date]:
    return sorted(set(registration.attendance.values_list("day", flat=True)))


def certificate_pdf(registration: Registration, *, site: str) -> Pdf:
    """The certificate of attendance of a registration that has its code (services.issue_certificate)."""
    code = registration.certificate_code
    context = {
        "registration": registration,
        "event": registration.event,
        "person": registration.person,
        "days": days_attended(registration),
        "code": code,
        "verify_url": site.rstrip("/") + verify_path(code),
    }
    return render_pdf(
        "events/documents/certificate_pdf.html", context, sample=shows_sample(registration.event, [registration])
    )

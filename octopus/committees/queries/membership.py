"""Who belongs to a committee at any date, derived from the treaty actions and the admissions; who represents them,
and who sits on the Bureau."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from octopus.committees.models import BureauTerm, Committee, ObserverAdmission, Representative
from octopus.countries.models import Country
from octopus.people.models import Organisation
from octopus.treaties.queries import Status, StatusAt, statuses_at

# States that take part as observers by what they did under the treaty: invited to accede, signed, or ratified
# with the treaty not yet in force for them. A Party is a member; a State that denounced it is neither.
OBSERVING_STATUSES = {Status.INVITED, Status.SIGNATORY, Status.RATIFIED}

BUREAU_CODE = "T-CY Bureau"


@dataclass
class MemberRow:
    country: Country
    since: datetime.date | None  # the day the treaty entered into force for it (None: only attested)
    seats: list[Representative] = field(default_factory=list)  # filled by pages that show representatives


@dataclass
class ObserverStateRow:
    country: Country
    reasons: list[str]  # why it observes: "Invited to accede", "Signatory", …, "Admitted"
    since: datetime.date | None  # the day of the act (or admission) that makes it an observer
    admission: ObserverAdmission | None = None
    seats: list[Representative] = field(default_factory=list)


@dataclass
class ObserverOrganisationRow:
    organisation: Organisation
    since: datetime.date
    admission: ObserverAdmission
    seats: list[Representative] = field(default_factory=list)


@dataclass(frozen=True)
class Membership:
    at: datetime.date
    members: list[Country]  # Parties: the treaty is in force for them
    observer_states: list[Country]  # invited, signatories, ratified not yet in force, or admitted
    observer_organisations: list[Organisation]  # admitted
    # What the lists above rest on: each State's status under the treaty, and the admissions running on `at`.
    statuses: dict[int, StatusAt] = field(default_factory=dict)
    admissions: list[ObserverAdmission] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "members": len(self.members),
            "observer_states": len(self.observer_states),
            "observer_organisations": len(self.observer_organisations),
        }

    def _state_admissions(self) -> dict[int, ObserverAdmission]:
        return {a.country_id: a for a in self.admissions if a.country_id}

    def member_rows(self) -> list[MemberRow]:
        return [MemberRow(c, self.statuses[c.pk].since if c.pk in self.statuses else None) for c in self.members]

    def observer_state_rows(self) -> list[ObserverStateRow]:
        admitted = self._state_admissions()
        rows = []
        for country in self.observer_states:
            status = self.statuses.get(country.pk)
            reasons, days = [], []
            if status is not None and status.status in OBSERVING_STATUSES:
                reasons.append(status.label)
                days.append(status.since or status.attested_on)
            admission = admitted.get(country.pk)
            if admission is not None:
                reasons.append(_("Admitted"))
                days.append(admission.admitted_on)
            known = [day for day in days if day]
            rows.append(ObserverStateRow(country, reasons, min(known) if known else None, admission))
        return rows

    def organisation_rows(self) -> list[ObserverOrganisationRow]:
        by_organisation = {a.organisation_id: a for a in self.admissions if a.organisation_id}
        return [
            ObserverOrganisationRow(o, by_organisation[o.pk].admitted_on, by_organisation[o.pk])
            for o in self.observer_organisations
        ]

    @property
    def holds_sample(self) -> bool:
        """True when an observer stands on a sample admission (or is a sample organisation): the lists and counts
        include sample data."""
        return any(a.is_sample for a in self.admissions) or any(o.is_sample for o in self.observer_organisations)

    def is_member(self, country: Country) -> bool:
        return any(c.pk == country.pk for c in self.members)

    def is_observer(self, *, country: Country | None = None, organisation: Organisation | None = None) -> bool:
        if country is not None:
            return any(c.pk == country.pk for c in self.observer_states)
        return organisation is not None and any(o.pk == organisation.pk for o in self.observer_organisations)


def running(rows, at: datetime.date, start: str, end: str):
    """Rows whose [start, end] term includes `at` (an open end runs on)."""
    return rows.filter(**{f"{start}__lte": at}).filter(Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": at}))


def membership_at(committee: Committee, at: datetime.date) -> Membership:
    """The members and observers of `committee` on `at`, in three queries whatever their number."""
    statuses = statuses_at(committee.treaty, at)
    admissions = list(
        running(ObserverAdmission.objects.filter(committee=committee), at, "admitted_on", "ended_on").select_related(
            "country", "organisation"
        )
    )
    member_ids = {pk for pk, status in statuses.items() if status.status == Status.PARTY}
    observer_ids = {pk for pk, status in statuses.items() if status.status in OBSERVING_STATUSES}
    observer_ids |= {admission.country_id for admission in admissions if admission.country_id}
    countries = {c.pk: c for c in Country.objects.filter(pk__in=member_ids | observer_ids)}
    organisations = {a.organisation_id: a.organisation for a in admissions if a.organisation_id}
    return Membership(
        at=at,
        members=sorted((countries[pk] for pk in member_ids), key=lambda c: c.name),
        observer_states=sorted((countries[pk] for pk in observer_ids - member_ids), key=lambda c: c.name),
        observer_organisations=sorted(organisations.values(), key=lambda o: o.name),
        statuses={pk: status for pk, status in statuses.items() if pk in countries},
        admissions=admissions,
    )


def bureau_of(committee: Committee) -> Committee | None:
    """The committee's Bureau (its body coded "<code> Bureau"), or the committee itself when it is one."""
    if committee.parent_id:
        return committee
    return Committee.objects.filter(parent=committee).order_by("pk").first()


def representatives_at(committee: Committee, at: datetime.date) -> list[Representative]:
    """Who represents each member or observer on `at`, by country or organisation, head of delegation first.
    One query."""
    rows = running(Representative.objects.filter(committee=committee), at, "starts_on", "ends_on")
    return list(rows.select_related("person", "country", "organisation"))


def representatives_by_holder(representatives: list[Representative]) -> dict[tuple[str, int], list[Representative]]:
    """{("country", pk) or ("organisation", pk): representatives}, the head of delegation first."""
    order = {"head": 0, "representative": 1, "alternate": 2}
    found: dict[tuple[str, int], list[Representative]] = {}
    for representative in representatives:
        if representative.country_id:
            key = ("country", representative.country_id)
        else:
            # A representative stands for a State or for an organisation (a check constraint says so).
            assert representative.organisation_id is not None
            key = ("organisation", representative.organisation_id)
        found.setdefault(key, []).append(representative)
    for seats in found.values():
        seats.sort(key=lambda r: (order.get(r.role, 9), r.person.last_name, r.person.first_name))
    return found


def bureau_terms(bureau: Committee | None) -> list[BureauTerm]:
    """Every term on the Bureau, latest first. One query."""
    if bureau is None:
        return []
    return list(BureauTerm.objects.filter(committee=bureau).select_related("person", "country"))

"""Who belongs to a committee at any date, derived from the treaty actions and the admissions."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from octopus.committees.models import Committee, ObserverAdmission
from octopus.countries.models import Country
from octopus.people.models import Organisation
from octopus.treaties.queries import Status, statuses_at

# States that take part as observers by what they did under the treaty: invited to accede, signed, or ratified
# with the treaty not yet in force for them. A Party is a member; a State that denounced it is neither.
OBSERVING_STATUSES = {Status.INVITED, Status.SIGNATORY, Status.RATIFIED}


@dataclass(frozen=True)
class Membership:
    at: datetime.date
    members: list[Country]  # Parties: the treaty is in force for them
    observer_states: list[Country]  # invited, signatories, ratified not yet in force, or admitted
    observer_organisations: list[Organisation]  # admitted

    @property
    def counts(self) -> dict[str, int]:
        return {
            "members": len(self.members),
            "observer_states": len(self.observer_states),
            "observer_organisations": len(self.observer_organisations),
        }


def membership_at(committee: Committee, at: datetime.date) -> Membership:
    """The members and observers of `committee` on `at`, in four queries whatever their number."""
    statuses = statuses_at(committee.treaty, at)
    admissions = list(
        ObserverAdmission.objects.filter(committee=committee, admitted_on__lte=at)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=at))
        .values_list("country_id", "organisation_id")
    )
    member_ids = {pk for pk, status in statuses.items() if status.status == Status.PARTY}
    observer_ids = {pk for pk, status in statuses.items() if status.status in OBSERVING_STATUSES}
    observer_ids |= {country for country, _organisation in admissions if country}
    countries = {c.pk: c for c in Country.objects.filter(pk__in=member_ids | observer_ids)}
    organisations = Organisation.objects.filter(pk__in=[org for _country, org in admissions if org])
    return Membership(
        at=at,
        members=sorted((countries[pk] for pk in member_ids), key=lambda c: c.name),
        observer_states=sorted((countries[pk] for pk in observer_ids - member_ids), key=lambda c: c.name),
        observer_organisations=sorted(organisations, key=lambda o: o.name),
    )

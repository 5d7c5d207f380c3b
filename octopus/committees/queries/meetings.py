"""Reading meetings: the series of plenaries and Bureau meetings, who took part in them, and the funded participation
of delegates in them and in other fora.

Funded participation (what the programme paid for) is read from the funded travel of `events`: a participation is
funded when its registration has a travel record that is eligible and not refused, and the registration is neither
declined nor cancelled, at an event that was not cancelled. It counts
- in **T-CY meetings**: events of kind T-CY plenary or T-CY Bureau, whoever the delegate represents;
- in **other fora**: any other event, when the registration represents a State that was a member of the committee
  (a Party) on the event's first day — a delegate of a member State funded to attend another forum.
A participation whose registration names no country represents no State and is not counted. Its cost committed is
the ticket plus the daily allowance (rate × nights) as recorded; its actual cost is the reconciled cost, when known.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from octopus.committees.models import Committee, DocumentStatus, Meeting
from octopus.events.models import Event, Kind, RegistrationState, Status, Travel, TravelStatus
from octopus.events.queries import PERSON_KEY, participations
from octopus.treaties.queries import Status as TreatyStatus
from octopus.treaties.queries import facts_by_country, status_on

MEETING_KINDS = (Kind.TCY_PLENARY, Kind.TCY_BUREAU)
TCY, OTHER = "tcy", "other"


def committee_family(committee: Committee) -> list[int]:
    """The committee and its bodies (the T-CY and its Bureau), by id; one query."""
    return [committee.pk, *Committee.objects.filter(parent=committee).values_list("pk", flat=True)]


def meetings_of(committee_ids) -> QuerySet:
    """Meetings of the committees, with their event and what each adopted, in the order they were held."""
    adopted = Count("adopted", filter=Q(adopted__status=DocumentStatus.ADOPTED), distinct=True)
    return (
        Meeting.objects.filter(committee__in=committee_ids)
        .select_related("committee", "event", "event__country")
        .annotate(documents_adopted=adopted, items=Count("agenda", distinct=True))
        .order_by("event__starts_on", "pk")
    )


def participants_by_event(events: QuerySet) -> dict[int, int]:
    """Distinct people who attended each of `events` (as `events.queries` counts them). One query."""
    rows = participations(events).values("event_id").annotate(n=Count(PERSON_KEY, distinct=True)).order_by()
    return {row["event_id"]: row["n"] for row in rows}


def unlinked_meeting_events() -> QuerySet:
    """Events of the T-CY kinds not yet numbered as a meeting: what `record_meeting` can link."""
    return Event.objects.filter(kind__in=MEETING_KINDS, meeting__isnull=True).order_by("-starts_on", "title")


# --- funded participation -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundedParticipation:
    travel: int
    registration: int
    person: int  # the person counted (a merged duplicate counts as the survivor)
    country: int
    iso2: str
    country_name: str
    event: int
    event_title: str
    event_slug: str
    starts_on: datetime.date
    scope: str  # TCY or OTHER
    committed: Decimal
    actual: Decimal | None
    status: str


def funded_travel() -> QuerySet:
    """The travel records that make a funded participation (see the module's docstring), before the member test."""
    return (
        Travel.objects.filter(eligible=True, registration__country__isnull=False)
        .exclude(status=TravelStatus.REFUSED)
        .exclude(registration__state__in=(RegistrationState.DECLINED, RegistrationState.CANCELLED))
        .exclude(registration__event__status=Status.CANCELLED)
    )


def funded_participations(
    committee: Committee, *, start=None, end=None, events: QuerySet | None = None
) -> list[FundedParticipation]:
    """Funded participations of delegates in the committee's meetings and, for member States, in other fora, at
    events that began within [start, end] (any date when not given), among `events` when given (those serving a
    programme). Two queries, whatever the number of rows."""
    rows = funded_travel()
    if events is not None:
        rows = rows.filter(registration__event__in=events)
    if start is not None:
        rows = rows.filter(registration__event__starts_on__gte=start)
    if end is not None:
        rows = rows.filter(registration__event__starts_on__lte=end)
    found = rows.values_list(
        "pk",
        "registration_id",
        "registration__person_id",
        "registration__person__merged_into_id",
        "registration__country_id",
        "registration__country__iso2",
        "registration__country__name",
        "registration__event_id",
        "registration__event__title",
        "registration__event__slug",
        "registration__event__starts_on",
        "registration__event__kind",
        "ticket_cost",
        "dsa_rate",
        "nights",
        "actual_cost",
        "status",
    ).order_by("registration__event__starts_on", "registration__event_id", "registration__country__name", "pk")
    facts = facts_by_country(committee.treaty)
    result = []
    for (
        pk,
        registration,
        person,
        merged_into,
        country,
        iso2,
        name,
        event,
        title,
        slug,
        starts_on,
        kind,
        ticket,
        rate,
        nights,
        actual,
        status,
    ) in found:
        scope = TCY if kind in MEETING_KINDS else OTHER
        if scope == OTHER and status_on(facts.get(country, []), starts_on).status != TreatyStatus.PARTY:
            continue
        result.append(
            FundedParticipation(
                travel=pk,
                registration=registration,
                person=merged_into or person,
                country=country,
                iso2=iso2,
                country_name=name,
                event=event,
                event_title=title,
                event_slug=slug,
                starts_on=starts_on,
                scope=scope,
                committed=ticket + rate * nights,
                actual=actual,
                status=status,
            )
        )
    return result


@dataclass
class FundedTotal:
    """Funded participations of one State in one year (or of everyone, for the totals)."""

    iso2: str
    country_name: str
    year: int | None
    tcy: int = 0
    other: int = 0
    committed: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    reconciled: int = 0  # how many of them have an actual cost

    @property
    def count(self) -> int:
        return self.tcy + self.other

    def add(self, row: FundedParticipation) -> None:
        if row.scope == TCY:
            self.tcy += 1
        else:
            self.other += 1
        self.committed += row.committed
        if row.actual is not None:
            self.actual += row.actual
            self.reconciled += 1


@dataclass
class FundedSummary:
    by_state_and_year: list[FundedTotal] = field(default_factory=list)  # by State name, then year
    by_year: list[FundedTotal] = field(default_factory=list)
    total: FundedTotal = field(default_factory=lambda: FundedTotal("", "", None))
    states: int = 0  # distinct States funded


def summarise(rows: list[FundedParticipation]) -> FundedSummary:
    """Totals per State and year, per year, and overall."""
    by_pair: dict[tuple[str, int], FundedTotal] = {}
    by_year: dict[int, FundedTotal] = defaultdict(lambda: FundedTotal("", "", None))
    summary = FundedSummary()
    for row in rows:
        year = row.starts_on.year
        pair = by_pair.get((row.iso2, year))
        if pair is None:
            pair = by_pair[row.iso2, year] = FundedTotal(row.iso2, row.country_name, year)
        pair.add(row)
        by_year[year].year = year
        by_year[year].add(row)
        summary.total.add(row)
    summary.by_state_and_year = sorted(by_pair.values(), key=lambda t: (t.country_name, t.year))
    summary.by_year = [by_year[year] for year in sorted(by_year)]
    summary.states = len({row.country for row in rows})
    return summary

"""Status of States under a treaty at any date, derived from dated actions.

Every function here reads the actions it needs in one query and derives the rest in Python, so the number of
queries does not grow with the number of States, actions or months.
"""

import bisect
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.treaties.models import CONSENT_KINDS, ActionKind, Treaty, TreatyAction


class Status(models.TextChoices):
    PARTY = "party", _("Party")
    RATIFIED = "ratified", _("Ratified or acceded, not yet in force")
    SIGNATORY = "signatory", _("Signatory")
    INVITED = "invited", _("Invited to accede")
    DENOUNCED = "denounced", _("Denounced")
    NONE = "none", _("No action recorded")


# Order of precedence: the first status whose act is known by the date wins.
COUNTED_STATUSES = [Status.PARTY, Status.RATIFIED, Status.SIGNATORY, Status.INVITED, Status.DENOUNCED]
# The Treaty Office counts a State among the Parties from the deposit of its instrument, in force or not.
COUNTED_AS_PARTY = frozenset({Status.PARTY, Status.RATIFIED})


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str
    date: datetime.date | None
    attested_on: datetime.date | None
    effective_on: datetime.date | None = None

    @property
    def known_on(self) -> datetime.date | None:
        """The day from which the act is known to have happened."""
        if self.kind == ActionKind.DENOUNCED:
            return self.effective_on or self.date or self.attested_on
        return self.date or self.attested_on


@dataclass(frozen=True, slots=True)
class StatusAt:
    status: Status
    since: datetime.date | None  # the day of the act that gives the status; None when only attested
    attested_on: datetime.date | None = None  # for an undated act: the day a source shows it had happened by

    @property
    def label(self) -> str:
        return str(self.status.label)


NO_STATUS = StatusAt(Status.NONE, None)


def status_on(facts: list[Fact], at: datetime.date) -> StatusAt:
    """The status a State's acts give it on day `at` (acts on `at` itself count)."""
    known = [f for f in facts if f.known_on is not None and f.known_on <= at]
    if not known:
        return NO_STATUS

    def known_on(fact: Fact) -> datetime.date:
        day = fact.known_on
        assert day is not None  # `known` holds only facts known by a day
        return day

    def latest(kinds) -> Fact | None:
        matching = [f for f in known if f.kind in kinds]
        return max(matching, key=known_on) if matching else None

    denounced = latest({ActionKind.DENOUNCED})
    if denounced:
        # A denunciation ends everything before it; a State that joins again starts afresh.
        known = [f for f in known if known_on(f) > known_on(denounced)]
        if not any(f.kind in CONSENT_KINDS | {ActionKind.IN_FORCE} for f in known):
            return StatusAt(Status.DENOUNCED, denounced.effective_on or denounced.date, denounced.attested_on)
    for status, kinds in (
        (Status.PARTY, {ActionKind.IN_FORCE}),
        (Status.RATIFIED, CONSENT_KINDS),
        (Status.SIGNATORY, {ActionKind.SIGNED}),
        (Status.INVITED, {ActionKind.INVITED}),
    ):
        fact = latest(kinds)
        if fact is not None:
            return StatusAt(status, fact.date, None if fact.date else fact.attested_on)
    return NO_STATUS


STATUS_KINDS = frozenset(ActionKind) - {ActionKind.RESERVATION, ActionKind.DECLARATION}


def facts_by_country(treaty: Treaty) -> dict[int, list[Fact]]:
    """Every status-bearing act under `treaty`, grouped by country id. One query."""
    rows = TreatyAction.objects.filter(treaty=treaty, kind__in=STATUS_KINDS).values_list(
        "country_id", "kind", "date", "attested_on", "effective_on"
    )
    grouped: dict[int, list[Fact]] = defaultdict(list)
    for country_id, kind, date, attested_on, effective_on in rows:
        grouped[country_id].append(Fact(kind, date, attested_on, effective_on))
    return grouped


def facts_by_treaty() -> dict[int, dict[int, list[Fact]]]:
    """Every status-bearing act under every treaty, by treaty id then country id (a treaty with no act is absent).
    One query, however many treaties."""
    rows = TreatyAction.objects.filter(kind__in=STATUS_KINDS).values_list(
        "treaty_id", "country_id", "kind", "date", "attested_on", "effective_on"
    )
    grouped: dict[int, dict[int, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for treaty_id, country_id, kind, date, attested_on, effective_on in rows:
        grouped[treaty_id][country_id].append(Fact(kind, date, attested_on, effective_on))
    return grouped


def statuses_at(treaty: Treaty, at: datetime.date, facts: dict[int, list[Fact]] | None = None) -> dict[int, StatusAt]:
    """Status of every State with at least one act, by country id (States with none are absent)."""
    facts = facts_by_country(treaty) if facts is None else facts
    return {country_id: status_on(group, at) for country_id, group in facts.items()}


def treaties_with_recorded() -> models.QuerySet:
    """The treaties, each with `recorded`: whether any act is recorded under it for any State."""
    return Treaty.objects.annotate(recorded=models.Exists(TreatyAction.objects.filter(treaty=models.OuterRef("pk"))))


def country_history(country, at: datetime.date) -> list[dict]:
    """For one State: every treaty held, its status on `at` and all its recorded acts, and whether any act is recorded
    under the treaty at all (if none is, "no action recorded" is a gap in the record, not a status). Two queries."""
    actions = list(TreatyAction.objects.filter(country=country).select_related("treaty"))
    sections = []
    for treaty in treaties_with_recorded():
        own = [a for a in actions if a.treaty_id == treaty.pk]
        facts = [Fact(a.kind, a.date, a.attested_on, a.effective_on) for a in own if a.kind in STATUS_KINDS]
        sections.append({"treaty": treaty, "status": status_on(facts, at), "actions": own, "recorded": treaty.recorded})
    return sections


def count_statuses(statuses) -> dict[Status, int]:
    counts = Counter(s.status for s in statuses)
    return {status: counts.get(status, 0) for status in COUNTED_STATUSES}


def counts_at(treaty: Treaty, at: datetime.date) -> dict[Status, int]:
    return count_statuses(statuses_at(treaty, at).values())


def month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


# Series of the timeline: its label and the statuses it counts (Parties from the deposit, as the Treaty Office).
TIMELINE_SERIES = {
    "parties": (_("Parties"), COUNTED_AS_PARTY),
    "invited": (_("Invited to accede"), frozenset({Status.INVITED})),
}
SERIES_OF = {status: key for key, (_label, statuses) in TIMELINE_SERIES.items() for status in statuses}


def timeline(treaty: Treaty, until: datetime.date, facts: dict[int, list[Fact]] | None = None) -> list[dict]:
    """Number of Parties and of invited States on the first day of every month from the treaty's opening
    (or its first act) to `until`, plus `until` itself. One query."""
    facts = facts_by_country(treaty) if facts is None else facts
    first_known = [f.known_on for group in facts.values() for f in group if f.known_on]
    start = treaty.opened_on or (min(first_known) if first_known else until)
    days = [d for d in month_starts(start, until) if d <= until]
    if not days or days[-1] != until:
        days.append(until)
    # A State's status changes only on the days its acts become known: derive it there, then add the State to
    # the count of every day from that change to the next (a difference array keeps this linear).
    deltas = {key: [0] * (len(days) + 1) for key in TIMELINE_SERIES}
    for group in facts.values():
        changes = sorted({f.known_on for f in group if f.known_on})
        for index, change in enumerate(changes):
            series = SERIES_OF.get(status_on(group, change).status)
            if series is None:
                continue
            first = bisect.bisect_left(days, change)
            last = bisect.bisect_left(days, changes[index + 1]) if index + 1 < len(changes) else len(days)
            deltas[series][first] += 1
            deltas[series][last] -= 1
    rows = []
    running = dict.fromkeys(TIMELINE_SERIES, 0)
    for position, day in enumerate(days):
        for key, (label, _statuses) in TIMELINE_SERIES.items():
            running[key] += deltas[key][position]
            rows.append({"month": day.isoformat(), "series": str(label), "count": running[key]})
    return rows


def _month_start(day: datetime.date, back: int) -> datetime.date:
    """The first day of the month `back` months before `day`'s month."""
    months = day.year * 12 + day.month - 1 - back
    return datetime.date(months // 12, months % 12 + 1, 1)


def deposit_window(
    facts: list[Fact], *, opened_on=None, months: int | None = None, treaty_in_force=None
) -> tuple[datetime.date | None, datetime.date] | None:
    """The earliest and latest day a State's instrument (ratification, acceptance, accession) can have been
    deposited, as its recorded acts allow; None when no act says it consented at all (earliest None: any day).

    A dated deposit is itself. Otherwise it came by the day an undated consent or entry into force is attested, and
    by its entry into force; where the treaty enters into force for a later Party on the first day of the month
    after `months` months from the deposit, an entry into force on day E after the treaty's own (`treaty_in_force`)
    places the deposit in the calendar month `months` + 1 months before E. It came after the treaty opened, after a
    dated signature (a ratification) and after a dated invitation (an accession)."""
    consent = [f for f in facts if f.kind in CONSENT_KINDS]
    in_force = [f for f in facts if f.kind == ActionKind.IN_FORCE]
    dated = [f.date for f in consent if f.date]
    if dated:
        return min(dated), min(dated)
    if not consent and not in_force:
        return None
    latest = [f.attested_on for f in consent + in_force if f.date is None and f.attested_on]
    earliest = [day for day in (opened_on,) if day]
    earliest += [f.date for f in facts if f.kind in (ActionKind.SIGNED, ActionKind.INVITED) and f.date]
    for fact in in_force:
        if fact.date is None:
            continue
        latest.append(fact.date)
        if months:
            latest.append(_month_start(fact.date, months) - datetime.timedelta(days=1))
            if treaty_in_force is not None and fact.date > treaty_in_force:
                earliest.append(_month_start(fact.date, months + 1))
    last = min(latest)
    first = max(earliest) if earliest else None
    return (min(first, last) if first else None), last


@dataclass(frozen=True)
class PartyBounds:
    """How many Parties a treaty had on a day, counted as the Treaty Office counts them (from the deposit of the
    instrument, in force or not), and how far missing dates leave that open."""

    at: datetime.date
    counted: frozenset[int]  # the States the records count on the day: deposit dated or attested by then
    certain: frozenset[int]  # the States that must have deposited by then (counted, or implied by an entry into force)
    possible: frozenset[int]  # the States that may have deposited by then

    @property
    def computed(self) -> int:
        return len(self.counted)

    @property
    def lower(self) -> int:
        return len(self.certain)

    @property
    def upper(self) -> int:
        return len(self.possible)

    @property
    def between(self) -> frozenset[int]:
        """The States whose deposit may fall on either side of the day."""
        return self.possible - self.certain

    @property
    def unsettled(self) -> frozenset[int]:
        """The States the computed count may have wrong because a date is missing: it leaves them out though they
        may (or, by their entry into force, must) have deposited by the day."""
        return self.possible - self.counted

    def allows(self, parties: int) -> bool:
        return self.lower <= parties <= self.upper

    def narrowed(self, countries) -> "PartyBounds":
        keep = frozenset(countries)
        return PartyBounds(self.at, self.counted & keep, self.certain & keep, self.possible & keep)


def treaty_in_force_on(facts: dict[int, list[Fact]]) -> datetime.date | None:
    """The treaty's own entry into force, as far as the records show it: the earliest dated entry into force."""
    return min((f.date for g in facts.values() for f in g if f.kind == ActionKind.IN_FORCE and f.date), default=None)


def party_bounds(treaty: Treaty, at: datetime.date, facts: dict[int, list[Fact]] | None = None) -> PartyBounds:
    """The Parties to `treaty` on `at`: those the records count, and the lower and upper bounds the records allow
    where a deposit date is missing (see `deposit_window`). One query, none with `facts` given."""
    facts = facts_by_country(treaty) if facts is None else facts
    in_force = treaty_in_force_on(facts)
    counted, certain, possible = set(), set(), set()
    for country_id, group in facts.items():
        status = status_on(group, at)
        if status.status in COUNTED_AS_PARTY:
            counted.add(country_id)
            continue
        if status.status == Status.DENOUNCED:
            continue
        # Only the acts of the current membership: a denunciation known by the day ends those before it.
        cut = max(
            (f.known_on for f in group if f.kind == ActionKind.DENOUNCED and f.known_on and f.known_on <= at),
            default=None,
        )
        current = [f for f in group if cut is None or (f.known_on and f.known_on > cut)]
        window = deposit_window(
            current, opened_on=treaty.opened_on, months=treaty.months_to_entry_into_force, treaty_in_force=in_force
        )
        if window is None:
            continue
        first, last = window
        if last <= at:
            certain.add(country_id)
        if first is None or first <= at:
            possible.add(country_id)
    return PartyBounds(at, frozenset(counted), frozenset(counted | certain), frozenset(counted | certain | possible))


@dataclass(frozen=True)
class CountComparison:
    as_of: datetime.date
    official: dict[str, int | None]
    recorded: dict[str, int]
    source: str
    bounds: PartyBounds | None = None
    explained_by: tuple[str, ...] = ()  # names of the States whose missing dates allow a different Parties count

    @property
    def differences(self) -> dict[str, int]:
        return {
            key: self.recorded[key] - value
            for key, value in self.official.items()
            if value is not None and self.recorded[key] != value
        }

    @property
    def parties_within_bounds(self) -> bool | None:
        """Whether the official Parties figure is one the records allow (None: no official Parties figure)."""
        official = self.official.get("parties")
        return None if official is None or self.bounds is None else self.bounds.allows(official)


def explaining_states(states, names: dict[int, str]) -> tuple[str, ...]:
    """The names of `states` (ids), in alphabetical order: those whose missing dates allow an official count to
    differ from the computed one (`PartyBounds.unsettled`)."""
    return tuple(sorted(names[pk] for pk in states))


def undated_invitations_after(facts: dict[int, list[Fact]], at: datetime.date) -> frozenset[int]:
    """The States with no status on `at` whose invitation is undated and attested only later: it may have come
    before the day."""
    return frozenset(
        pk
        for pk, group in facts.items()
        if status_on(group, at).status == Status.NONE
        and any(f.kind == ActionKind.INVITED and f.date is None and f.attested_on and f.attested_on > at for f in group)
    )


def compare_with_official_counts(treaty: Treaty, official_counts) -> list[CountComparison]:
    """Recorded counts beside each dated official count (OfficialCount rows), so missing records show.

    The Council of Europe counts a State among the Parties from the deposit of its instrument, so recorded
    "parties" counts those that ratified or acceded, in force or not; the bounds say how many Parties the records
    allow where deposit dates are missing, and which States those are. Two queries.
    """
    facts = facts_by_country(treaty)
    official_counts = list(official_counts)
    names = dict(Country.objects.filter(pk__in=facts).values_list("pk", "name")) if official_counts else {}
    result = []
    for official in official_counts:
        counts = count_statuses(status_on(group, official.as_of) for group in facts.values())
        bounds = party_bounds(treaty, official.as_of, facts)
        recorded = {
            "parties": bounds.computed,
            "signatories": counts[Status.SIGNATORY],
            "invited": counts[Status.INVITED],
        }
        stated = {key: getattr(official, key) for key in recorded}
        differs = stated["parties"] is not None and stated["parties"] != bounds.computed
        explained = explaining_states(bounds.unsettled, names) if differs else ()
        result.append(CountComparison(official.as_of, stated, recorded, official.source, bounds, explained))
    return result

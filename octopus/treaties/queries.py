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

    def latest(kinds) -> Fact | None:
        matching = [f for f in known if f.kind in kinds]
        return max(matching, key=lambda f: f.known_on) if matching else None

    denounced = latest({ActionKind.DENOUNCED})
    if denounced:
        # A denunciation ends everything before it; a State that joins again starts afresh.
        known = [f for f in known if f.known_on > denounced.known_on]
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


def statuses_at(treaty: Treaty, at: datetime.date, facts: dict[int, list[Fact]] | None = None) -> dict[int, StatusAt]:
    """Status of every State with at least one act, by country id (States with none are absent)."""
    facts = facts_by_country(treaty) if facts is None else facts
    return {country_id: status_on(group, at) for country_id, group in facts.items()}


def country_history(country, at: datetime.date) -> list[dict]:
    """For one State: every treaty held, its status on `at` and all its recorded acts. Two queries."""
    actions = list(TreatyAction.objects.filter(country=country).select_related("treaty"))
    sections = []
    for treaty in Treaty.objects.all():
        own = [a for a in actions if a.treaty_id == treaty.pk]
        facts = [Fact(a.kind, a.date, a.attested_on, a.effective_on) for a in own if a.kind in STATUS_KINDS]
        sections.append({"treaty": treaty, "status": status_on(facts, at), "actions": own})
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


TIMELINE_SERIES = {Status.PARTY: _("Parties"), Status.INVITED: _("Invited to accede")}


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
    deltas = {status: [0] * (len(days) + 1) for status in TIMELINE_SERIES}
    for group in facts.values():
        changes = sorted({f.known_on for f in group if f.known_on})
        for index, change in enumerate(changes):
            status = status_on(group, change).status
            if status not in deltas:
                continue
            first = bisect.bisect_left(days, change)
            last = bisect.bisect_left(days, changes[index + 1]) if index + 1 < len(changes) else len(days)
            deltas[status][first] += 1
            deltas[status][last] -= 1
    rows = []
    running = dict.fromkeys(TIMELINE_SERIES, 0)
    for position, day in enumerate(days):
        for status, label in TIMELINE_SERIES.items():
            running[status] += deltas[status][position]
            rows.append({"month": day.isoformat(), "series": str(label), "count": running[status]})
    return rows


@dataclass(frozen=True)
class CountComparison:
    as_of: datetime.date
    official: dict[str, int | None]
    recorded: dict[str, int]
    source: str

    @property
    def differences(self) -> dict[str, int]:
        return {
            key: self.recorded[key] - value
            for key, value in self.official.items()
            if value is not None and self.recorded[key] != value
        }


def compare_with_official_counts(treaty: Treaty, official_counts) -> list[CountComparison]:
    """Recorded counts beside each dated official count (OfficialCount rows), so missing records show.

    The Council of Europe counts a State among the Parties from the deposit of its instrument, so recorded
    "parties" here adds those ratified but not yet in force.
    """
    facts = facts_by_country(treaty)
    result = []
    for official in official_counts:
        counts = count_statuses(status_on(group, official.as_of) for group in facts.values())
        recorded = {
            "parties": counts[Status.PARTY] + counts[Status.RATIFIED],
            "signatories": counts[Status.SIGNATORY],
            "invited": counts[Status.INVITED],
        }
        stated = {key: getattr(official, key) for key in recorded}
        result.append(CountComparison(official.as_of, stated, recorded, official.source))
    return result

"""Measures the event records support, for the results framework (registered at start-up; DESIGN.md §2 and §4).

Every metric takes an optional `kinds` (a list of event kinds; all kinds when empty or absent) unless it is about
one kind only. An event counts in the period it starts in; attendance is counted as `queries.py` says (approved
registrations with attendance, merged people once). Within one reading (a dashboard, a report) the events are read
once, and the attendance once per set of kinds and periods, however many indicators count them (`lib.metrics.memo`).

Every metric counts only the events the current reading counts (`results.assignments.scoped`): those serving the
programmes of the reading, each once however many programmes it serves, and sample events only where the scope
allows them. Attendance is read through the events so scoped. Scoping is a subquery in the same query, never a query
more per indicator. The memo needs no scope in its keys: a reading has one scope and a memo of its own.

Events register here as records that count for programmes (`register_countable`): staff set the programmes an
event serves on its page, and a programme's dashboard lists the events since 2014 that serve none.
"""

import datetime
from collections import Counter, defaultdict

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.events.models import Event, Kind, ParticipantRole, Status
from octopus.events.queries import (
    PERSON_KEY,
    UNKNOWN,
    attendance_breakdown,
    attendance_series,
    attended_events,
    participations,
)
from octopus.lib.metrics import Metric, MetricError, memo, registry
from octopus.lib.precision import last_day
from octopus.people.models import Organisation, Person
from octopus.results.assignments import register_countable, scoped

KINDS = {"kinds": list}
TRAINING_KINDS = (Kind.TRAINING, Kind.IN_COUNTRY_WORKSHOP, Kind.REGIONAL_WORKSHOP)
ACTIVE = (Status.PLANNED, Status.CONFIRMED)
MONTH_DAYS = 365.25 / 12


def _kinds(kinds, default=()) -> tuple[str, ...]:
    """The kinds asked for, checked and in a stable order (memo keys); `default` when none are given."""
    chosen = tuple(sorted(set(kinds))) if kinds else tuple(default)
    unknown = sorted(set(chosen) - set(Kind.values))
    if unknown:
        raise MetricError(f"Unknown event kind {', '.join(map(str, unknown))} (known kinds: {', '.join(Kind.values)}).")
    return chosen


def _in(kind: str, kinds: tuple) -> bool:
    return not kinds or kind in kinds


# --- events held -----------------------------------------------------------------------------------------------


def _event_rows() -> list[tuple]:
    """(kind, status, first day) of every event not cancelled that the reading counts: read once per reading (the
    memo is the reading's, and so is the scope)."""
    return memo(
        ("events.rows",),
        lambda: list(scoped(Event.objects.exclude(status=Status.CANCELLED)).values_list("kind", "status", "starts_on")),
    )


def _count_events(start, end, kinds: tuple, statuses) -> int:
    return sum(
        1 for kind, status, day in _event_rows() if status in statuses and _in(kind, kinds) and start <= day <= end
    )


def _held(start, end, kinds: tuple):
    return scoped(Event.objects.held().of_kinds(kinds).between(start, end))


def _attended(kinds: tuple):
    """The events whose attendance the reading counts."""
    return scoped(attended_events(kinds))


def _places(start, end, kinds: tuple) -> list[set[tuple[str, str]]]:
    """For each held event, where it was: its host (or beneficiary) countries, else its own country, as (ISO code,
    region) pairs. One query."""
    hosts, own = defaultdict(set), {}
    rows = _held(start, end, kinds).values_list(
        "pk", "country__iso2", "country__region", "host_countries__iso2", "host_countries__region"
    )
    for pk, iso2, region, host, host_region in rows.order_by():
        own[pk] = (iso2 or UNKNOWN, region or UNKNOWN)
        if host:
            hosts[pk].add((host, host_region or UNKNOWN))
    return [hosts[pk] or {place} for pk, place in own.items()]


def _held_by_country(start, end, kinds=None):
    return dict(Counter(iso2 for place in _places(start, end, _kinds(kinds)) for iso2, _region in place))


def _held_by_region(start, end, kinds=None):
    return dict(Counter(region for place in _places(start, end, _kinds(kinds)) for region in {r for _i, r in place}))


held = registry.register(
    Metric(
        key="events.held",
        title="Events held",
        description="Events of the given kinds held (status “held”) that started in the period. Planned: events "
        "planned or confirmed in the period.",
        params=KINDS,
        value=lambda start, end, kinds=None: _count_events(start, end, _kinds(kinds), (Status.HELD,)),
        drilldown=lambda start, end, kinds=None: _held(start, end, _kinds(kinds)).order_by("starts_on", "title"),
        series=lambda periods, kinds=None: [_count_events(s, e, _kinds(kinds), (Status.HELD,)) for s, e in periods],
        planned=lambda start, end, kinds=None: _count_events(start, end, _kinds(kinds), ACTIVE),
        breakdown={"country": _held_by_country, "region": _held_by_region},
    )
)


# --- attendance --------------------------------------------------------------------------------------------------


def _series(periods, kinds: tuple, role: str = "") -> list[dict[str, int]]:
    """The attendance counts of each period, one query for all of them, shared by the metrics of one reading."""
    windows = tuple(periods)
    return memo(
        ("events.attendance_series", kinds, role, windows),
        lambda: attendance_series(_attended(kinds), list(windows), role=role),
    )


def _breakdown(start, end, kinds: tuple, role: str, dimension: str) -> dict[str, int]:
    """One breakdown of one period (one query), shared within a reading."""
    return memo(
        ("events.attendance_breakdown", kinds, role, start, end, dimension),
        lambda: attendance_breakdown(_attended(kinds).between(start, end), dimension, role=role),
    )


def _participations(start, end, kinds: tuple, role: str = ""):
    rows = participations(_attended(kinds).between(start, end))
    return rows.filter(role=role) if role else rows


def _people(start, end, kinds: tuple, role: str = ""):
    keys = _participations(start, end, kinds, role).annotate(key=PERSON_KEY).values("key")
    return Person.objects.filter(pk__in=keys).select_related("organisation", "country")


def _attendance_metric(key, title, description, measure, drilldown, breakdown, *, default=(), role="") -> Metric:
    def value(start, end, kinds=None):
        return _series([(start, end)], _kinds(kinds, default), role)[0][measure]

    def series(periods, kinds=None):
        return [found[measure] for found in _series(periods, _kinds(kinds, default), role)]

    def dimension(name):
        return lambda start, end, kinds=None: _breakdown(start, end, _kinds(kinds, default), role, name)

    return registry.register(
        Metric(
            key=key,
            title=title,
            description=description,
            params=KINDS,
            value=value,
            drilldown=lambda start, end, kinds=None: drilldown(start, end, _kinds(kinds, default), role),
            series=series,
            breakdown={name: dimension(attribute) for name, attribute in breakdown.items()},
        )
    )


PEOPLE_BREAKDOWN = {name: name for name in ("sex", "country", "region", "sector", "role")}

participants = _attendance_metric(
    "events.participants",
    "Participants (distinct people)",
    "Distinct people who attended events of the given kinds that started in the period: approved registrations "
    "with attendance; a person at several events, or merged from a duplicate, counts once.",
    "people",
    lambda start, end, kinds, role: _people(start, end, kinds, role).order_by("last_name", "first_name", "pk"),
    PEOPLE_BREAKDOWN,
)
participations_metric = _attendance_metric(
    "events.participations",
    "Participations",
    "Attendances of people at events of the given kinds that started in the period, one per person and event: a "
    "person at three events counts three times.",
    "participations",
    lambda start, end, kinds, role: (
        _participations(start, end, kinds, role)
        .select_related("person", "event", "country")
        .order_by("event__starts_on", "event_id", "pk")
    ),
    {},
)
countries = _attendance_metric(
    "events.countries",
    "Countries participating",
    "Distinct countries represented by people who attended events of the given kinds that started in the period.",
    "countries",
    lambda start, end, kinds, role: Country.objects.filter(
        pk__in=_participations(start, end, kinds, role).values("country_id")
    ).order_by("name"),
    {"region": "countries_by_region"},
)
organisations = _attendance_metric(
    "events.organisations",
    "Organisations participating",
    "Distinct organisations of the people who attended events of the given kinds that started in the period.",
    "organisations",
    lambda start, end, kinds, role: Organisation.objects.filter(
        pk__in=_participations(start, end, kinds, role).values("person__organisation_id")
    ).order_by("name"),
    {"sector": "organisations_by_sector"},
)
trained = _attendance_metric(
    "events.trained",
    "Participants trained",
    "Distinct people who attended trainings and workshops (or the given kinds) as participants — not as speakers, "
    "trainers or staff — in events that started in the period.",
    "people",
    lambda start, end, kinds, role: _people(start, end, kinds, role).order_by("last_name", "first_name", "pk"),
    {"sex": "sex", "sector": "sector"},
    default=TRAINING_KINDS,
    role=ParticipantRole.PARTICIPANT,
)


# --- the interval between conferences ---------------------------------------------------------------------------


def _conferences(start, end, kinds=None):
    return _held(start, end, _kinds(kinds, (Kind.OCTOPUS_CONFERENCE,))).order_by("starts_on", "pk")


def months_between(earlier, later) -> float:
    """Months from one first day to the next, to one decimal (a month being a twelfth of a year)."""
    return round((later - earlier).days / MONTH_DAYS, 1)


def _longest_interval(start, end, kinds=None) -> float | None:
    """The longest interval the records prove: a conference known only to its month or year is taken at the last
    day it can stand for when it comes first, and at its first day when it comes second, so an interval is never
    made longer by what is not known (the 2015 conference, known to its year, does not stretch 2015–2016)."""
    held = list(_conferences(start, end, kinds).only("starts_on", "date_precision"))
    intervals = [
        months_between(last_day(a.starts_on, a.date_precision), b.starts_on)
        for a, b in zip(held, held[1:], strict=False)
    ]
    return max(intervals) if intervals else None


conference_interval = registry.register(
    Metric(
        key="events.conference_interval",
        title="Longest interval between Octopus conferences (months)",
        description="The longest time, in months, between the first days of consecutive Octopus conferences held "
        "that started in the period (none with fewer than two). The drill-down lists the conferences.",
        params=KINDS,
        aggregate="longest interval in months between consecutive records",
        value=_longest_interval,
        drilldown=_conferences,
    )
)


# --- contributions to other organisations' events ---------------------------------------------------------------


def _contributions(start, end):
    return _held(start, end, (Kind.CONTRIBUTION,)).order_by("starts_on", "title")


contributions = registry.register(
    Metric(
        key="events.contributions",
        title="Contributions to other organisations' events",
        description="Events of other organisations the programme contributed to (held), by the role it had.",
        value=lambda start, end: _count_events(start, end, (Kind.CONTRIBUTION,), (Status.HELD,)),
        drilldown=_contributions,
        breakdown={
            "role": lambda start, end: dict(
                Counter(r or UNKNOWN for r in _contributions(start, end).values_list("our_role", flat=True))
            )
        },
        planned=lambda start, end: _count_events(start, end, (Kind.CONTRIBUTION,), ACTIVE),
    )
)

audience_estimated = registry.register(
    Metric(
        key="events.audience_estimated",
        title="Audience of contributions to other organisations' events (estimated)",
        description="The sum of the audiences estimated for the events of other organisations the programme "
        "contributed to: estimates given by staff, not counts of attendance.",
        aggregate="sum of the records' estimated audience",
        value=lambda start, end: _contributions(start, end).aggregate(total=Sum("audience_estimate"))["total"] or 0,
        drilldown=_contributions,
    )
)


# --- events count for programmes ------------------------------------------------------------------------------

# The programmes whose records Octopus holds start in 2014; earlier events (past conferences) serve none and are not
# listed as waiting for one.
COUNTABLE_SINCE = datetime.date(2014, 1, 1)

register_countable(
    Event,
    label=_("Events"),
    edit_url=lambda event: reverse("events:event_programmes", args=[event.slug]),
    queryset=lambda: Event.objects.exclude(status=Status.CANCELLED).filter(starts_on__gte=COUNTABLE_SINCE),
)

"""Reading attendance: who was at a set of events, counted the way the indicators count it (DESIGN.md §4).

A participation is an approved registration with at least one attendance row (a day or a session). Pending,
waiting, declined and cancelled registrations never count, whatever attendance rows they hold. People are counted
once however many events they attended, and a merged duplicate counts as the person it was merged into: after a
merge its registrations point to the survivor, but the count is guarded anyway by counting
`coalesce(person.merged_into, person)`.

`attendance_counts(events)` takes any queryset of events and runs a fixed number of queries (six), whatever the
number of events, registrations or attendance rows. `attendance_series(events, windows)` counts many periods at once
(one query) for the dashboard's series.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from octopus.events.models import Attendance, Event, Registration, RegistrationState, Status

UNKNOWN = "—"  # the category of a participant whose sex, sector, country or region is not recorded

# The person a registration counts as: the record it was merged into, if any.
PERSON_KEY = Coalesce(F("person__merged_into_id"), F("person_id"))


def participations(events: QuerySet) -> QuerySet:
    """The registrations that count as attendance at `events`: approved, with at least one attendance row."""
    attended = Exists(Attendance.objects.filter(registration=OuterRef("pk")))
    return Registration.objects.filter(event__in=events, state=RegistrationState.APPROVED).filter(attended)


def attendance_totals(events: QuerySet) -> dict[str, int]:
    """Distinct participants and countries at `events`, counted as the indicators count them. One query."""
    return participations(events).aggregate(
        participants=Count(PERSON_KEY, distinct=True), countries=Count("country", distinct=True)
    )


@dataclass
class AttendanceCounts:
    participations: int = 0  # approved registrations with attendance
    people: int = 0  # distinct people
    countries: int = 0  # distinct countries represented (the registration's country)
    organisations: int = 0  # distinct organisations (the person's)
    # Distinct people by each disaggregation; a person who represented two countries counts once in each.
    by_sex: dict[str, int] = field(default_factory=dict)
    by_sector: dict[str, int] = field(default_factory=dict)
    by_country: dict[str, int] = field(default_factory=dict)  # ISO alpha-2
    by_region: dict[str, int] = field(default_factory=dict)
    by_role: dict[str, int] = field(default_factory=dict)
    countries_by_region: dict[str, int] = field(default_factory=dict)  # distinct countries per region
    organisations_by_sector: dict[str, int] = field(default_factory=dict)  # distinct organisations per sector


def _grouped(rows: Iterable[Mapping], by: str, measure: str = "people") -> dict[str, int]:
    return {(row[by] or UNKNOWN): row[measure] for row in rows if row[measure]}


# What each breakdown groups by, and what it counts: distinct people unless said otherwise.
DIMENSIONS = {
    "sex": "person__sex",
    "sector": "person__organisation__sector",
    "country": "country__iso2",
    "region": "country__region",
    "role": "role",
}


def attendance_breakdown(events: QuerySet, dimension: str, *, role: str = "") -> dict[str, int]:
    """The distinct people at `events` by one of DIMENSIONS (one query); "countries_by_region" and
    "organisations_by_sector" count distinct countries per region and distinct organisations per sector."""
    rows = participations(events)
    if role:
        rows = rows.filter(role=role)
    if dimension == "countries_by_region":
        found = rows.values(by=F("country__region")).annotate(n=Count("country_id", distinct=True)).order_by()
        return _grouped(found, "by", "n")
    if dimension == "organisations_by_sector":
        found = rows.values(by=F("person__organisation__sector")).annotate(
            n=Count("person__organisation_id", distinct=True)
        )
        return _grouped(found.order_by(), "by", "n")
    found = rows.values(by=F(DIMENSIONS[dimension])).annotate(people=Count(PERSON_KEY, distinct=True)).order_by()
    return _grouped(found, "by")


def attendance_counts(events: QuerySet, *, role: str = "") -> AttendanceCounts:
    """Participations, distinct people, countries and organisations at `events` (optionally only registrations in
    `role`), and the distinct people by sex, sector, country, region and role: six queries whatever the size."""
    rows = participations(events)
    if role:
        rows = rows.filter(role=role)
    people = Count(PERSON_KEY, distinct=True)
    totals = rows.aggregate(
        participations=Count("pk"),
        people=people,
        countries=Count("country_id", distinct=True),
        organisations=Count("person__organisation_id", distinct=True),
    )
    sectors = list(
        rows.values(by=F("person__organisation__sector"))
        .annotate(people=people, organisations=Count("person__organisation_id", distinct=True))
        .order_by()
    )
    countries = list(rows.values(by=F("country__iso2"), region=F("country__region")).annotate(people=people).order_by())
    return AttendanceCounts(
        participations=totals["participations"],
        people=totals["people"],
        countries=totals["countries"],
        organisations=totals["organisations"],
        by_sex=_grouped(rows.values(by=F("person__sex")).annotate(people=people).order_by(), "by"),
        by_sector=_grouped(sectors, "by"),
        by_country=_grouped(countries, "by"),
        by_region=_grouped(rows.values(by=F("country__region")).annotate(people=people).order_by(), "by"),
        by_role=_grouped(rows.values(by=F("role")).annotate(people=people).order_by(), "by"),
        countries_by_region=dict(Counter(row["region"] or UNKNOWN for row in countries if row["by"])),
        organisations_by_sector=_grouped(sectors, "by", "organisations"),
    )


Window = tuple[datetime.date, datetime.date]


MEASURES = ("participations", "people", "countries", "organisations")


def window_counts_sql(inner: str, windows: list[Window], vendor: str) -> tuple[str, list]:
    """SQL counting, for each window, the rows of `inner` (columns c0 registration, c1 person, c2 country,
    c3 organisation, c4 the event's first day) whose day falls in it, and the distinct people, countries and
    organisations among them; and its parameters (the inner query's come first). Each distinct count groups the
    rows by what it counts once, marking the windows each one falls in, rather than counting distinct values over
    the rows repeated per window: hash aggregates instead of sorts."""
    dates = [(s.isoformat(), e.isoformat()) if vendor == "sqlite" else (s, e) for s, e in windows]
    marks = ", ".join(f"MAX(CASE WHEN c4 BETWEEN %s AND %s THEN 1 ELSE 0 END) AS w{i}" for i in range(len(windows)))
    sums = ", ".join(f"SUM(w{i})" for i in range(len(windows)))
    counted = ", ".join("SUM(CASE WHEN c4 BETWEEN %s AND %s THEN 1 ELSE 0 END)" for _ in windows)
    # Only placeholders and our own column names go into the text; the values are parameters.
    parts = [f"SELECT 0, {counted} FROM p"]  # noqa: S608
    for n, column in enumerate(("c1", "c2", "c3"), start=1):
        parts.append(
            f"SELECT {n}, {sums} FROM (SELECT {column}, {marks} FROM p WHERE {column} IS NOT NULL "  # noqa: S608
            f"GROUP BY {column}) x"
        )
    params = [value for pair in dates for value in pair] * 4
    return f"WITH p AS ({inner}) " + " UNION ALL ".join(parts), params


def attendance_series(events: QuerySet, windows: list[Window], *, role: str = "") -> list[dict[str, int]]:
    """For each window, the participations, distinct people, countries and organisations at those of `events` that
    began in it (optionally only registrations in `role`): one query for every window. The participations are
    built by the ORM and counted per window in SQL (`window_counts_sql`), so the cost of compiling the query does
    not grow with the number of windows."""
    if not windows:
        return []
    rows = participations(events)
    if role:
        rows = rows.filter(role=role)
    base = rows.values(
        c0=F("pk"), c1=PERSON_KEY, c2=F("country_id"), c3=F("person__organisation_id"), c4=F("event__starts_on")
    ).order_by()
    inner, inner_params = base.query.sql_with_params()
    sql, params = window_counts_sql(inner, windows, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, *params])
        found = {measure: counts for measure, *counts in cursor.fetchall()}
    return [
        {name: int(found.get(n, [0] * len(windows))[index] or 0) for n, name in enumerate(MEASURES)}
        for index in range(len(windows))
    ]


def attended_events(kinds=None) -> QuerySet:
    """Events whose attendance counts: of `kinds` (all when empty), not cancelled."""
    return Event.objects.of_kinds(kinds).exclude(status=Status.CANCELLED)

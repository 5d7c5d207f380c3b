"""`make bench`: time the status computations and the portal pages on generated data.

Runs in a throw-away SQLite database under var/ (or the database DATABASE_URL names, which it must be allowed to
fill). It loads the reference data, then gives every country a full history under a generated treaty (invitation,
signature, ratification, entry into force, and for one in ten a denunciation), and times:
- the status of every State at a date, the monthly timeline over 25 years, and the home and country-list pages;
- for comparison, the same actions read with one raw SQL query and no derivation (the floor any method pays).

Then, for each of two scales (`BENCH_SCALES`, default 10,000 and 100,000 manual values), it generates the sample
programme `generated-<scale>` (`octopus.sample.generate`, seed `BENCH_SEED`, default 1) and times the results
dashboard, all indicators of the programme (DESIGN.md §8: at most 2× the same aggregates as raw SQL, and a query
count that does not depend on the data size):
- `programme_results`, what the dashboard computes, and the dashboard page over HTTP for a programme staff member;
- the same aggregates as raw SQL: the approved totals of the manual values per indicator and period with their
  running sum (or latest value), and the read of the treaty actions the treaty metrics need, with no derivation;
and prints the ratios, then the query counts at both scales side by side. It exits with 1 if they differ.

The generated programme has event indicators too (conferences, experts, countries, organisations, workshops,
participants trained, T-CY participants, contributions), read by the events metrics from generated events with a
given number of attendance rows (`BENCH_ATTENDANCE`, one per scale, default 10,000 and 1,000,000). The raw SQL
then also counts the events held and the attendance (participations, distinct people, countries and organisations
of each set of kinds, over every period at once, with the SQL the events metrics run around a hand-written read of
the participations), and is checked against the dashboard's numbers. At each scale
it also times the participant list of the largest generated event (the page, URL name `event_registrations`, and
the API's first page, `/api/v1/events/<slug>/registrations`) next to a bare Django view through the same
middleware (DESIGN.md §8: a list's first page at most 5× a bare view).
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bare_view(request):
    """The floor for a page: a Django view that does nothing, behind the project's middleware."""
    from django.http import HttpResponse

    return HttpResponse("ok")


def __getattr__(name):
    # This module doubles as the bench's URLconf (the project's routes plus the bare view), built on first use so
    # that importing it needs no settings.
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/bare/", bare_view, name="bench_bare"), path("", include("octopus.urls"))]
    raise AttributeError(name)


def timed(function, repeat: int = 7) -> float:
    """Median wall time of `repeat` calls, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def count_queries(function) -> int:
    """How many queries one call of `function` runs."""
    from django.db import connection

    executed: list[str] = []

    def count(execute, sql, *args):
        executed.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        function()
    return len(executed)


# The approved totals of a programme's manual values per indicator and period, with the value to date: the running
# sum for indicators summed over periods, the period's own value for those read as the latest.
MANUAL_TOTALS_SQL = """
    SELECT mv.indicator_id, mv.period_kind, mv.period_start, mv.value,
           CASE WHEN i.accumulation = 'sum'
                THEN SUM(mv.value) OVER (PARTITION BY mv.indicator_id ORDER BY mv.period_start)
                ELSE mv.value END AS to_date
    FROM results_manualvalue mv
    JOIN results_indicator i ON i.id = mv.indicator_id
    JOIN results_resultnode n ON n.id = i.node_id
    WHERE n.programme_id = %s AND mv.status = 'approved' AND mv.category = '' AND mv.period_start <= %s
    ORDER BY mv.indicator_id, mv.period_start
"""
# The actions a treaty metric reads (the status-bearing kinds), once per treaty the indicators name: the floor.
TREATY_ACTIONS_SQL = """
    SELECT a.country_id, a.kind, a.date, a.attested_on, a.effective_on
    FROM treaties_treatyaction a JOIN treaties_treaty t ON t.id = a.treaty_id
    WHERE t.number = %s AND a.kind IN ({kinds})
"""
# The treaty metrics' numbers derived in SQL: Parties, and Parties and invited States, on each of the period ends.
# A Party (counted from the deposit, as the Treaty Office counts) holds a consent or an entry into force later than
# its last denunciation; an invited State has an invitation and no
# signature, consent, entry into force or denunciation (treaties/queries.py, `status_on`).
TREATY_COUNTS_SQL = """
    WITH ends(day) AS (VALUES {ends}),
    acts AS (
        SELECT a.country_id, a.kind,
               CASE WHEN a.kind = 'denounced' THEN COALESCE(a.effective_on, a.date, a.attested_on)
                    ELSE COALESCE(a.date, a.attested_on) END AS known_on
        FROM treaties_treatyaction a JOIN treaties_treaty t ON t.id = a.treaty_id
        WHERE t.number = %s AND a.kind IN ({kinds})
    ),
    states AS (
        SELECT e.day, a.country_id,
               MAX(CASE WHEN a.kind = 'denounced' THEN a.known_on END) AS denounced,
               MAX(CASE WHEN a.kind = 'in_force' THEN a.known_on END) AS in_force,
               MAX(CASE WHEN a.kind IN ({consent}) THEN a.known_on END) AS consent,
               MAX(CASE WHEN a.kind = 'signed' THEN a.known_on END) AS signed,
               MAX(CASE WHEN a.kind = 'invited' THEN a.known_on END) AS invited
        FROM ends e JOIN acts a ON a.known_on <= e.day
        GROUP BY e.day, a.country_id
    )
    SELECT day,
           SUM(CASE WHEN (in_force IS NOT NULL OR consent IS NOT NULL)
                     AND (denounced IS NULL OR in_force > denounced OR consent > denounced) THEN 1 ELSE 0 END),
           SUM(CASE WHEN ((in_force IS NOT NULL OR consent IS NOT NULL)
                          AND (denounced IS NULL OR in_force > denounced OR consent > denounced))
                      OR (denounced IS NULL AND in_force IS NULL AND consent IS NULL AND signed IS NULL
                          AND invited IS NOT NULL)
                    THEN 1 ELSE 0 END)
    FROM states GROUP BY day ORDER BY day
"""

# The events metrics' numbers in SQL, every period of an indicator at once: events held, and the attendance
# (approved registrations with at least one attendance row; a merged person counts as the one it was merged into).
EVENTS_HELD_SQL = """
    WITH w(idx, s, e) AS (VALUES {values})
    SELECT w.idx, COUNT(ev.id) FROM w
    LEFT JOIN events_event ev ON ev.starts_on BETWEEN w.s AND w.e AND ev.status = 'held' AND ev.kind IN ({kinds})
      AND ev.id IN ({serving})
    GROUP BY w.idx ORDER BY w.idx
"""
# The participations (approved registrations with at least one attendance row) as c0 registration, c1 person (the
# one a merged duplicate was merged into), c2 country, c3 organisation, c4 the event's first day; counted per
# period by the same SQL the events metrics run (`events.queries.window_counts_sql`).
PARTICIPATIONS_SQL = """
    SELECT r.id AS c0, COALESCE(p.merged_into_id, p.id) AS c1, r.country_id AS c2, p.organisation_id AS c3,
           ev.starts_on AS c4
    FROM events_registration r
    JOIN events_event ev ON ev.id = r.event_id
    JOIN people_person p ON p.id = r.person_id
    WHERE ev.kind IN ({kinds}) AND ev.status <> 'cancelled' AND r.state = 'approved' {role} AND ev.id IN ({serving})
      AND EXISTS (SELECT 1 FROM events_attendance a WHERE a.registration_id = r.id)
"""
ATTENDANCE_MEASURES = {
    "events.participations": 0,
    "events.participants": 1,
    "events.trained": 1,
    "events.countries": 2,
    "events.organisations": 3,
}


def event_aggregates(results, at):
    """For the event indicators of `results`: a function running their aggregates as raw SQL (one query per
    indicator counting events, one per set of kinds counting attendance) and returning {(code, window): value},
    and the dashboard's own numbers under the same keys, to check that the two agree."""
    from django.db import connection

    from octopus.events.metrics import TRAINING_KINDS
    from octopus.events.models import Kind, ParticipantRole
    from octopus.events.queries import window_counts_sql
    from octopus.results.models import Accumulation

    life = results.life
    plans, expected = [], {}
    for row in results.indicators:
        key = row.indicator.metric_key
        if not key.startswith("events.") or row.source != "metric":
            continue
        kinds = (row.indicator.metric_params or {}).get("kinds") or []
        role = ""
        if key == "events.contributions":
            kinds = [Kind.CONTRIBUTION]
        elif key == "events.trained":
            kinds, role = kinds or list(TRAINING_KINDS), ParticipantRole.PARTICIPANT
        kinds = kinds or list(Kind.values)
        started = [p for p in row.periods if p.period.start <= at]
        windows = [(p.period.start, min(p.period.end, at)) for p in started]
        for p, window in zip(started, windows, strict=True):
            expected[row.indicator.code, window] = p.actual
        if row.indicator.accumulation == Accumulation.DISTINCT and started:
            whole = (life.start, min(started[-1].period.end, at))
            windows.append(whole)
            expected[row.indicator.code, whole] = row.to_date.actual
        plans.append((row.indicator.code, key, tuple(sorted(kinds)), role, windows))

    def params(windows):
        found = []
        for index, (start, end) in enumerate(windows):
            found += [index, *((start.isoformat(), end.isoformat()) if connection.vendor == "sqlite" else (start, end))]
        return found

    # Only the events serving the programme count (issue 15): the ids of its assignments, as numbers in the SQL.
    from octopus.events.models import Event
    from octopus.results.assignments import content_type

    programme_id, event_type = int(results.programme.pk), int(content_type(Event).pk)  # numbers the bench reads
    serving = f"SELECT object_id FROM results_assignment WHERE programme_id = {programme_id} AND content_type_id = {event_type}"  # noqa: E501, S608

    def run():
        values, attendance = {}, {}
        with connection.cursor() as cursor:
            for code, key, kinds, role, windows in plans:
                listed = ", ".join(f"'{kind}'" for kind in kinds)
                cte = ", ".join(["(%s, %s, %s)"] * len(windows))
                if key in ATTENDANCE_MEASURES:
                    cache = (kinds, role, tuple(windows))
                    if cache not in attendance:
                        inner = PARTICIPATIONS_SQL.format(
                            kinds=listed, role=f"AND r.role = '{role}'" if role else "", serving=serving
                        )
                        sql, sql_params = window_counts_sql(inner, windows, connection.vendor)
                        cursor.execute(sql, sql_params)
                        found = {measure: counts for measure, *counts in cursor.fetchall()}
                        attendance[cache] = {
                            index: [int(found[m][index] or 0) for m in range(4)] for index in range(len(windows))
                        }
                    rows = attendance[cache]
                    for index, window in enumerate(windows):
                        values[code, window] = rows.get(index, [0, 0, 0, 0])[ATTENDANCE_MEASURES[key]]
                else:
                    cursor.execute(EVENTS_HELD_SQL.format(values=cte, kinds=listed, serving=serving), params(windows))
                    for index, count in cursor.fetchall():
                        values[code, windows[index]] = count
        return values

    return run, expected


def bench_results(scales: list[int], seed: int, attendance: list[int] | None = None) -> int:
    """Time the results dashboard at each scale; return 1 when the query counts differ between scales."""
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from tqdm import tqdm

    from octopus.accounts.models import Membership, Role, User
    from octopus.results.models import Programme
    from octopus.results.queries import programme_results
    from octopus.sample.generate import generate
    from octopus.treaties.models import CONSENT_KINDS
    from octopus.treaties.queries import STATUS_KINDS

    staff = User.objects.filter(email="bench-staff@sample.octopus.test").first()
    if staff is None:
        staff = User.objects.create_user(email="bench-staff@sample.octopus.test", password=None, is_sample=True)
        Membership.objects.create(user=staff, role=Role.PROGRAMME_STAFF)
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff)
    kinds, consent = (", ".join(f"'{kind}'" for kind in sorted(group)) for group in (STATUS_KINDS, CONSENT_KINDS))
    counts: dict[str, list[int]] = {}
    exit_code = 0
    for position, scale in enumerate(scales):
        rows = attendance[position] if attendance and position < len(attendance) else scale
        started = time.perf_counter()
        with tqdm(
            total=scale + rows, desc=f"Generating {scale:,} values, {rows:,} attendance rows", unit="row", leave=False
        ) as bar:
            made = generate(scale, seed, progress=bar.update, attendance=rows)
        took = time.perf_counter() - started
        # Fresh planner statistics and no dead rows of the replaced generation after the bulk load, as autovacuum
        # would leave a live database: without them PostgreSQL plans the attendance counts as if the tables were
        # empty (3-4× slower) and scans the rows deleted with the previous generation.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        programme = Programme.objects.get(code=made["programme"])
        at = programme.ends_on
        results = programme_results(programme, at)
        computed = [row for row in results.indicators if row.indicator.metric_key.startswith("treaties.")]
        treaties = sorted({row.indicator.metric_params["treaty"] for row in computed})
        ends = sorted({min(p.period.end, at) for row in computed for p in row.periods})

        def floor_sql(programme=programme, at=at, treaties=treaties):
            with connection.cursor() as cursor:
                cursor.execute(MANUAL_TOTALS_SQL, [programme.pk, at])
                rows = cursor.fetchall()
                for number in treaties:
                    cursor.execute(TREATY_ACTIONS_SQL.format(kinds=kinds), [number])
                    rows += cursor.fetchall()
            return rows

        events_sql, expected = event_aggregates(results, at)

        def derived_sql(programme=programme, at=at, treaties=treaties, ends=ends, events_sql=events_sql):
            counted = {}
            with connection.cursor() as cursor:
                cursor.execute(MANUAL_TOTALS_SQL, [programme.pk, at])
                rows = cursor.fetchall()
                sql = TREATY_COUNTS_SQL.format(ends=", ".join(["(%s)"] * len(ends)), kinds=kinds, consent=consent)
                for number in treaties:
                    cursor.execute(sql, [*ends, number])
                    for day, parties, parties_and_invited in cursor.fetchall():
                        day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day)
                        counted[number, "treaties.parties", day] = parties
                        counted[number, "treaties.parties_and_invited", day] = parties_and_invited
            return rows, counted, events_sql()

        # The SQL derivation must give the dashboard's numbers, or comparing their times means nothing.
        _rows, counted, event_counts = derived_sql()
        for key, value in expected.items():
            if value is not None and event_counts.get(key) != value:
                print(f"SQL counts {event_counts.get(key)} where the dashboard counts {value}: {key}")
                exit_code = 1
        for row in computed:
            for period in row.periods:
                key = (row.indicator.metric_params["treaty"], row.indicator.metric_key, min(period.period.end, at))
                if counted.get(key, 0) != period.actual:
                    print(f"SQL counts {counted.get(key, 0)} where the dashboard counts {period.actual}: {key}")
                    exit_code = 1

        timings = [
            ("raw SQL: manual totals, treaty actions read", floor_sql),
            ("raw SQL: totals, treaty and event counts derived", derived_sql),
            ("programme_results (what the dashboard computes)", lambda p=programme, at=at: programme_results(p, at)),
        ]
        try:
            url = reverse("results:results_dashboard", args=[programme.code]) + f"?at={at.isoformat()}"
        except NoReverseMatch:
            url = None  # the dashboard page is not routed yet: time what it computes only
        if url is not None:
            response = client.get(url)
            if response.status_code != 200:
                print(f"dashboard page answered {response.status_code}; not timed")
            else:
                timings.append(("dashboard page (HTTP, programme staff)", lambda url=url: client.get(url)))
        print()
        print(
            f"results dashboard, {made['manual_values']:,} manual values, {made['treaty_actions']:,} treaty actions, "
            f"{made['attendance']:,} attendance rows ({made['registrations']:,} registrations, {made['people']:,} "
            f"people, {made['generated_events']:,} events), {made['indicators']} indicators "
            f"({len(computed)} by the treaty metrics, {len(expected and {k[0] for k in expected})} by the events "
            f"metrics), {made['targets']} targets (generated in {took:.1f} s)"
        )
        print(f"{'what':50} {'median ms':>10} {'queries':>8} {'× read':>8} {'× derived':>10}")
        medians = []
        for label, function in timings:
            queries = count_queries(function)
            medians.append(timed(function))
            counts.setdefault(label, []).append(queries)
            derived = f"{medians[-1] / medians[1]:10.1f}" if len(medians) > 1 else f"{'':10}"
            print(f"{label:50} {medians[-1]:10.1f} {queries:8d} {medians[-1] / medians[0]:8.1f} {derived}")
        exit_code |= bench_lists(client, counts)
    print()
    print(f"{'queries at each scale':50} " + " ".join(f"{scale:>10,}" for scale in scales))
    for label, found in counts.items():
        same = len(set(found)) == 1
        exit_code = exit_code if same else 1
        print(f"{label:50} " + " ".join(f"{n:10d}" for n in found) + ("" if same else "  DIFFER"))
    return exit_code


def bench_lists(client, counts: dict[str, list[int]]) -> int:
    """Time the participant list of the largest generated event, as a page and as the API's first page, next to a
    bare Django view; a route not there yet is skipped with a message."""
    from django.db.models import Count
    from django.test import override_settings
    from django.urls import NoReverseMatch, reverse

    from octopus.events.models import Event

    event = (
        Event.objects.filter(slug__startswith="generated-", is_sample=True)
        .annotate(size=Count("registrations"))
        .order_by("-size", "slug")
        .first()
    )
    if event is None:
        return 0
    rows = [("bare Django view (same middleware)", "/bench/bare/")]
    try:
        rows.append(
            ("participant list page (event_registrations)", reverse("events:event_registrations", args=[event.slug]))
        )
    except NoReverseMatch:
        print("participant list page: URL name event_registrations does not resolve yet; skipped")
    rows.append(("API first page of registrations", f"/api/v1/events/{event.slug}/registrations"))
    print()
    print(f"participant list of {event.slug} ({event.size:,} registrations)")
    print(f"{'what':50} {'median ms':>10} {'queries':>8} {'× bare':>8}")
    with override_settings(ROOT_URLCONF="octopus.site.bench"):
        bare = None
        for label, url in rows:
            response = client.get(url)
            if response.status_code != 200:
                print(f"{label}: {url} answered {response.status_code}; skipped")
                continue
            queries = count_queries(lambda url=url: client.get(url))
            median = timed(lambda url=url: client.get(url))
            bare = bare or median
            counts.setdefault(label, []).append(queries)
            print(f"{label:50} {median:10.1f} {queries:8d} {median / bare:8.1f}")
    return 0


def main() -> int:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "octopus.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from octopus.countries.models import Country
    from octopus.treaties.models import ActionKind, Origin, Treaty, TreatyAction
    from octopus.treaties.queries import statuses_at, timeline

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))  # noqa: SIM115
    treaty, _ = Treaty.objects.get_or_create(
        number=99999,
        defaults={"short_name": "Generated", "title": "Benchmark treaty", "opened_on": datetime.date(2000, 1, 1)},
    )
    TreatyAction.objects.filter(treaty=treaty).delete()
    actions = []
    for index, country in enumerate(Country.objects.all()):
        start = datetime.date(2000, 1, 1) + datetime.timedelta(days=index * 30)
        steps = [ActionKind.INVITED, ActionKind.SIGNED, ActionKind.RATIFIED, ActionKind.IN_FORCE]
        if index % 10 == 0:
            steps.append(ActionKind.DENOUNCED)
        for offset, kind in enumerate(steps):
            actions.append(
                TreatyAction(
                    treaty=treaty,
                    country=country,
                    kind=kind,
                    date=start + datetime.timedelta(days=90 * offset),
                    source="generated",
                    origin=Origin.IMPORT,
                )
            )
    TreatyAction.objects.bulk_create(actions)
    at = datetime.date(2025, 12, 31)
    client = Client(HTTP_HOST="localhost")

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT country_id, kind, date, attested_on, effective_on "
                "FROM treaties_treatyaction WHERE treaty_id = %s",
                [treaty.pk],
            )
            return cursor.fetchall()

    rows = [
        ("raw SQL: read the actions (floor)", raw_sql),
        ("status of every State at a date", lambda: statuses_at(treaty, at)),
        ("monthly timeline, 2000-2025", lambda: timeline(treaty, at)),
        ("home page (3 treaties, map, timeline)", lambda: client.get("/")),
        ("country list page", lambda: client.get("/countries/")),
        ("API treaty status", lambda: client.get("/api/v1/treaty-status?treaty=185")),
    ]
    print(f"{len(actions)} generated actions for {Country.objects.count()} countries; database {connection.vendor}")
    print(f"{'what':45} {'median ms':>10} {'queries':>8}")
    for label, function in rows:
        queries = count_queries(function)
        print(f"{label:45} {timed(function):10.1f} {queries:8d}")
    scales = [int(n) for n in os.environ.get("BENCH_SCALES", "10000,100000").split(",")]
    attendance = [int(n) for n in os.environ.get("BENCH_ATTENDANCE", "10000,1000000").split(",")]
    return bench_results(scales, seed=int(os.environ.get("BENCH_SEED", "1")), attendance=attendance)


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: time the status computations and the portal pages on generated data.

Runs in a throw-away SQLite database under var/ (or the database DATABASE_URL names, which it must be allowed to
fill). It loads the reference data, then gives every country a full history under a generated treaty (invitation,
signature, ratification, entry into force, and for one in ten a denunciation), and times:
- the status of every State at a date, the monthly timeline over 25 years, and the home and country-list pages;
- for comparison, the same actions read with one raw SQL query and no derivation (the floor any method pays).
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(function, repeat: int = 7) -> float:
    """Median wall time of `repeat` calls, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
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
        executed: list[str] = []

        def count(execute, sql, *args, executed=executed):
            executed.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            function()
        print(f"{label:45} {timed(function):10.1f} {len(executed):8d}")


if __name__ == "__main__":
    sys.exit(main())

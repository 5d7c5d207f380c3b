"""Fault: the worker is killed in the middle of a job — a participants import, the freezing of a snapshot. Nothing
was written; once the heartbeat is older than the timeout, reading the job marks it failed with what to do; one click
runs it again to the end.

A real `manage.py db_worker` runs against the test database (a transactional test, so that it sees committed
rows), with the heartbeat timeout at 2 seconds."""

import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.countries.services import load_countries
from octopus.events.imports import start_import
from octopus.events.models import Registration
from octopus.events.tests.conftest import make_event, open_form
from octopus.jobs.models import Job, JobStatus
from octopus.lib.imports import stage
from octopus.people.models import Person
from octopus.results import services as results
from octopus.results.jobs import start_freeze
from octopus.results.models import Programme, Snapshot
from octopus.testing.helpers import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker shares the test database"),
]
ROWS = 400
TIMEOUT = 2
MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


@pytest.fixture(autouse=True)
def reference_data():
    load_countries()  # transactional tests start from an empty database; the import needs the countries


@pytest.fixture
def database_worker(settings):
    """Start `manage.py db_worker` processes on this test's database; each is killed at the end if still running."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOB_HEARTBEAT_TIMEOUT = TIMEOUT
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}:{port}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASKS_BACKEND": "database",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "OCTOPUS_JOB_HEARTBEAT_TIMEOUT": str(TIMEOUT),
    }
    started = []

    def start():
        worker = subprocess.Popen(
            [sys.executable, str(MANAGE), "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=MANAGE.parent,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
        worker.wait(10)


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def participants_csv(rows: int) -> bytes:
    lines = ["First name;Last name;E-mail;Country"]
    lines += [f"Nino{n};Beridze{n};nino{n}@example.ge;GE" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_a_worker_killed_mid_import_writes_nothing_fails_the_job_and_it_runs_again(client, database_worker):
    staff = make_user(Role.PROGRAMME_STAFF)
    event = make_event(staff)
    form = open_form(event, capacity=None, requires_approval=False)
    people = Person.objects.count()
    staged = stage(SimpleUploadedFile("many.csv", participants_csv(ROWS)))
    job = start_import(event, form, staged, total=ROWS, update=False, file_name="many.csv", user=staff)

    worker = database_worker()
    job = wait_for(
        lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, done__gt=0).first(),
        seconds=40,
        what="the import to run with progress",
    )
    assert job.done < ROWS
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)

    assert Person.objects.count() == people and not Registration.objects.filter(event=event).exists()
    time.sleep(TIMEOUT + 0.5)
    client.force_login(staff)
    html = client.get(f"/workspace/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "The worker stopped; nothing was written. Run it again.")
    assert "The worker stopped; nothing was written. Run it again." in html and "data-job-rerun" in html

    response = client.post(f"/workspace/jobs/{job.pk}/rerun/")
    again = Job.objects.get(rerun_of=job)
    assert response["Location"] == f"/workspace/jobs/{again.pk}/"
    database_worker()
    finished = Job.objects.filter(pk=again.pk, file="").exclude(status__in=("queued", "running"))
    again = wait_for(finished.first, seconds=60, what="the job run again to finish and drop its file")
    assert (again.status, again.outcome, again.done) == (
        JobStatus.DONE,
        {"added": ROWS, "updated": 0, "skipped": 0},
        ROWS,
    )
    assert Registration.objects.filter(event=event).count() == ROWS
    assert not again.file and not Path(django_settings.MEDIA_ROOT, staged).exists()


INDICATORS = 12


def programme_of(staff, indicators: int) -> Programme:
    """A programme whose output has `indicators` indicators entered by hand (no reference data needed)."""
    programme = results.create_programme(
        code="killed-programme",
        title="Killed programme",
        starts_on=datetime.date(2014, 1, 1),
        ends_on=datetime.date(2019, 12, 31),
        budget_ceiling=Decimal("1000000"),
        implementing_office="Test office",
        user=staff,
    )
    output = results.add_node(programme, level="output", code="1", title="Output", user=staff)
    for n in range(1, indicators + 1):
        results.define_indicator(output, code=f"1.{n}", title=f"Indicator {n}", manual=True, user=staff)
    return programme


def waiting_to_write_a_snapshot() -> bool:
    """Another session (the worker's) waits for a lock in the middle of writing a snapshot row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"results_snapshot\"%%'"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_snapshot_leaves_no_snapshot_fails_the_job_and_it_runs_again(client, database_worker):
    staff = make_user(Role.PROGRAMME_STAFF)
    programme = programme_of(staff, INDICATORS)
    job = start_freeze(programme, title="Progress report 2016", as_of=datetime.date(2016, 12, 31), user=staff)

    # The test holds the snapshots table (others may read it, not write), so the worker reads and reports every
    # indicator, then waits in the middle of writing the snapshot until the test lets go; it is killed there.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute('LOCK TABLE "results_snapshot" IN SHARE MODE')
        worker = database_worker()
        job = wait_for(
            lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, done=INDICATORS).first(),
            seconds=40,
            what="the snapshot to report every indicator",
        )
        wait_for(waiting_to_write_a_snapshot, seconds=20, what="the worker to write the snapshot")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)

    assert (job.done, job.total) == (INDICATORS, INDICATORS)
    assert not Snapshot.objects.exists()
    time.sleep(TIMEOUT + 0.5)
    client.force_login(staff)
    html = client.get(f"/workspace/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "The worker stopped; nothing was written. Run it again.")
    assert "The worker stopped; nothing was written. Run it again." in html and "data-job-rerun" in html
    assert not Snapshot.objects.exists()

    response = client.post(f"/workspace/jobs/{job.pk}/rerun/")
    again = Job.objects.get(rerun_of=job)
    assert response["Location"] == f"/workspace/jobs/{again.pk}/"
    database_worker()
    finished = Job.objects.filter(pk=again.pk).exclude(status__in=("queued", "running"))
    again = wait_for(finished.first, seconds=60, what="the snapshot run again to finish")
    frozen = Snapshot.objects.get()
    assert (again.status, again.done, again.outcome) == (
        JobStatus.DONE,
        INDICATORS,
        {"snapshot": frozen.pk, "digest": frozen.digest, "indicators": INDICATORS},
    )
    assert (frozen.title, frozen.frozen_by, results.snapshot_verifies(frozen)) == ("Progress report 2016", staff, True)
    html = client.get(f"/workspace/jobs/{again.pk}/").content.decode()
    assert reverse("results:results_snapshot", args=[programme.code, frozen.pk]) in html

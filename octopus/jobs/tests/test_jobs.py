"""The job engine: a job's page and status route read it (marking it failed when its worker stopped beating), a
failed job runs again with one click, and only those its kind lets read a job see it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from octopus.accounts.models import Role
from octopus.jobs import registry
from octopus.jobs.models import Job, JobStatus
from octopus.jobs.runner import WORKER_STOPPED, execute, reap_stale, start_job
from octopus.lib.errors import DomainError
from octopus.lib.imports import stage
from octopus.testing.helpers import make_user

KIND = "jobs.test"
RUNS: list = []


def count_lines(job, progress):
    """A kind of job for these tests: counts the lines of its file, failing when the payload says so."""
    RUNS.append(job.pk)
    lines = job.file.read().decode().splitlines() if job.file else []
    for done, _line in enumerate(lines, start=1):
        progress(done, len(lines))
    if job.payload.get("fail"):
        raise DomainError("Line 2: refused.")
    return {"lines": len(lines)}


registry.register(KIND, count_lines, permission="accounts.view_audit", summary=lambda job: f"{job.outcome} counted")


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def office(client, staff):
    client.force_login(staff)
    return client


def stale_job(user) -> Job:
    beat = timezone.now() - datetime.timedelta(seconds=120)
    return Job.objects.create(
        kind=KIND, status=JobStatus.RUNNING, created_by=user, total=10, done=4, started_at=beat, heartbeat_at=beat
    )


def test_a_job_runs_once_reports_its_progress_and_deletes_its_file(staff, django_capture_on_commit_callbacks):
    staged = stage(SimpleUploadedFile("lines.txt", b"a\nb\nc\n"), prefix="private/jobs/")
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(KIND, user=staff, file=staged, file_name="lines.txt")
    job.refresh_from_db()

    assert (job.status, job.done, job.total, job.outcome) == (JobStatus.DONE, 3, 3, {"lines": 3})
    assert job.started_at and job.heartbeat_at and job.finished_at
    assert not job.file and not (job.file.storage.exists(staged))  # done: the file is not kept


def test_a_job_whose_worker_stopped_is_failed_when_its_page_is_read(office, staff, settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 60
    job = stale_job(staff)
    fresh = Job.objects.create(kind=KIND, status=JobStatus.RUNNING, created_by=staff, heartbeat_at=timezone.now())

    html = office.get(f"/workspace/jobs/{job.pk}/").content.decode()

    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, str(WORKER_STOPPED))
    assert 'data-job-status="failed"' in html and "The worker stopped; nothing was written. Run it again." in html
    assert "data-job-rerun" in html and 'http-equiv="refresh"' not in html
    assert Job.objects.get(pk=fresh.pk).status == JobStatus.RUNNING  # still beating: left alone


def test_the_status_route_reaps_too_and_answers_problems(office, staff):
    job = stale_job(staff)

    answer = office.get(f"/api/v1/jobs/{job.pk}").json()

    assert (answer["status"], answer["message"], answer["done"], answer["total"]) == (
        "failed",
        str(WORKER_STOPPED),
        4,
        10,
    )
    missing = office.get("/api/v1/jobs/999999")
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/problem+json")


def test_reap_jobs_command(staff, settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 60
    job = stale_job(staff)

    call_command("reap_jobs", stdout=__import__("io").StringIO())

    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert reap_stale() == 0


def test_a_failed_job_runs_again_with_one_click_from_the_same_payload_and_file(
    office, staff, django_capture_on_commit_callbacks
):
    staged = stage(SimpleUploadedFile("lines.txt", b"a\nb\n"), prefix="private/jobs/")
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(KIND, user=staff, file=staged, file_name="lines.txt", payload={"fail": True})
    job.refresh_from_db()
    assert (job.status, job.message, job.file.name) == (JobStatus.FAILED, "Line 2: refused.", staged)
    Job.objects.filter(pk=job.pk).update(payload={"fail": False})  # say the cause was fixed meanwhile

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/workspace/jobs/{job.pk}/rerun/")

    new = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/workspace/jobs/{new.pk}/"
    assert (new.status, new.outcome, new.rerun_of_id, new.file_name) == (
        JobStatus.DONE,
        {"lines": 2},
        job.pk,
        "lines.txt",
    )
    assert office.post(f"/workspace/jobs/{new.pk}/rerun/").status_code == 302  # done: refused, said on the page
    assert Job.objects.count() == 2


def test_only_those_the_kind_lets_read_a_job_see_it(client, staff, db):
    job = stale_job(staff)
    assert client.get(f"/workspace/jobs/{job.pk}/").status_code == 302  # to sign in
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 401
    for visitor in (Role.FOCAL_POINT, Role.DONOR):
        client.force_login(make_user(visitor))
        assert client.get(f"/workspace/jobs/{job.pk}/").status_code == 403
        assert client.post(f"/workspace/jobs/{job.pk}/rerun/").status_code == 403
        answer = client.get(f"/api/v1/jobs/{job.pk}")
        assert (answer.status_code, answer["Content-Type"]) == (403, "application/problem+json")
    assert Job.objects.count() == 1


def test_a_queued_job_can_be_cancelled_and_its_file_is_deleted(office, staff):
    staged = stage(SimpleUploadedFile("lines.txt", b"a\n"), prefix="private/jobs/")
    job = Job.objects.create(kind=KIND, created_by=staff, file=staged)

    office.post(f"/workspace/jobs/{job.pk}/cancel/")

    job.refresh_from_db()
    assert (job.status, bool(job.file)) == (JobStatus.CANCELLED, False)
    assert "data-job-rerun" in office.get(f"/workspace/jobs/{job.pk}/").content.decode()


def confirm_then_look(job, progress):
    """A kind that writes in a transaction and confirms before its commit, as imports and snapshots do."""
    with transaction.atomic():
        progress(1, 1)
        progress.confirm()
    return {"status_after_commit": Job.objects.get(pk=job.pk).status}


registry.register("jobs.test.confirm", confirm_then_look, permission="accounts.view_audit")


def test_a_confirmed_job_is_done_with_its_work_so_a_worker_dying_after_the_commit_is_not_reported_as_nothing_written(
    staff,
):
    job = Job.objects.create(kind="jobs.test.confirm", status=JobStatus.RUNNING, created_by=staff)
    execute(job)
    job.refresh_from_db()

    # Already done when the work committed, before the runner wrote the outcome: the reaper cannot fail it.
    assert job.outcome == {"status_after_commit": JobStatus.DONE}
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 1, 1)

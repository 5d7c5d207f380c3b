"""Freezing figures from the snapshots page runs as a job: the page starts it and sends staff to the job's page,
which follows it to the frozen figures; a refused freeze starts no job, and a cancelled one writes nothing.
(A worker killed mid-snapshot: octopus/jobs/tests/test_worker_killed.py.)"""

import datetime

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.jobs.models import Job, JobStatus
from octopus.jobs.runner import cancel, claim, execute
from octopus.results.jobs import KIND, start_freeze
from octopus.results.models import Snapshot
from octopus.results.tests.conftest import approved
from octopus.testing.helpers import make_user

D = datetime.date


@pytest.fixture
def office(client, built):
    client.force_login(built.staff)
    return client


def test_freezing_from_the_page_runs_a_job_whose_page_leads_to_the_frozen_figures(
    office, built, django_capture_on_commit_callbacks
):
    approved(built, built.workshops, "2015", 4)
    page = reverse("results:results_snapshots", args=[built.programme.code])

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(page, {"title": "Progress report 2016", "as_of": "2016-12-31"})

    job = Job.objects.get(kind=KIND)
    frozen = Snapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job", args=[job.pk])
    assert (job.status, job.done, job.total, job.created_by, job.target) == (
        JobStatus.DONE,
        4,
        4,
        built.staff,
        built.programme,
    )
    assert job.outcome == {"snapshot": frozen.pk, "digest": frozen.digest, "indicators": 4}
    assert (frozen.title, frozen.as_of, frozen.frozen_by) == ("Progress report 2016", D(2016, 12, 31), built.staff)
    assert frozen.data["indicators"]["1.1"]["to_date"]["actual"] == "4.00"
    assert AuditEntry.objects.filter(action="results.snapshot.frozen", object_id=str(frozen.pk)).count() == 1

    html = office.get(response["Location"]).content.decode()
    assert 'data-job-status="done"' in html
    assert "4 of 4 indicators" in html  # the progress counts what this kind of job goes through
    assert (
        f"Figures of 4 indicators frozen for “Progress report 2016” as of 2016-12-31. Fingerprint {frozen.digest[:12]}."
        in html
    )
    assert reverse("results:results_snapshot", args=[built.programme.code, frozen.pk]) in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": " ", "as_of": "2016-12-31"}, "This field is required."),
        ({"title": "Report", "as_of": "2013-12-31"}, "Figures can be frozen for a day from the programme"),
    ],
)
def test_a_freeze_the_service_would_refuse_starts_no_job(office, built, data, error):
    response = office.post(reverse("results:results_snapshots", args=[built.programme.code]), data)

    assert response.status_code == 400 and error in response.content.decode()
    assert not Job.objects.exists() and not Snapshot.objects.exists()


@pytest.mark.parametrize("visitor", [Role.FINANCE_OFFICER, Role.FOCAL_POINT, Role.TCY_SECRETARIAT])
def test_only_those_who_may_freeze_start_or_read_a_freezing_job(client, built, visitor):
    job = start_freeze(built.programme, title="Report", as_of=D(2016, 12, 31), user=built.staff)
    client.force_login(make_user(visitor))

    refused = client.post(
        reverse("results:results_snapshots", args=[built.programme.code]), {"title": "Mine", "as_of": "2016-12-31"}
    )

    assert refused.status_code == 403 and Job.objects.count() == 1
    assert client.get(reverse("jobs:job", args=[job.pk])).status_code == 403
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 403


def test_the_snapshots_page_lists_the_figures_being_frozen(office, built):
    job = start_freeze(built.programme, title="Report 2016", as_of=D(2016, 12, 31), user=built.staff)

    html = office.get(reverse("results:results_snapshots", args=[built.programme.code])).content.decode()

    assert "data-freezing" in html and f'href="{reverse("jobs:job", args=[job.pk])}">Report 2016</a> · Queued' in html


def test_a_job_cancelled_while_it_freezes_writes_nothing(built):
    job = start_freeze(built.programme, title="Report 2016", as_of=D(2016, 12, 31), user=built.staff)
    job = claim(job.pk)
    cancel(job)  # while it runs: it finds out when it confirms, just before its commit

    execute(job)

    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.CANCELLED, "Cancelled; nothing was written.")
    assert not Snapshot.objects.exists()
    assert not AuditEntry.objects.filter(action="results.snapshot.frozen").exists()


def test_a_failed_freeze_links_back_to_the_snapshots_and_runs_again(office, built, django_capture_on_commit_callbacks):
    job = start_freeze(built.programme, title="Report 2016", as_of=D(2016, 12, 31), user=built.staff)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="The worker stopped.")

    html = office.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert reverse("results:results_snapshots", args=[built.programme.code]) in html and "data-job-rerun" in html
    with django_capture_on_commit_callbacks(execute=True):
        office.post(reverse("jobs:job_rerun", args=[job.pk]))

    again = Job.objects.get(rerun_of=job)
    assert (again.status, again.outcome["snapshot"]) == (JobStatus.DONE, Snapshot.objects.get().pk)

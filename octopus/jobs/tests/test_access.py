"""Who may read, re-run and cancel a job: those whom its kind's permission lets (the legislation import here: the
staff), on its page and through the API; everyone else is refused the standard way and the job is left as it was."""

import pytest
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.jobs.models import Job, JobStatus
from octopus.legislation.jobs import KIND
from octopus.testing.access_matrix import served_api_routes, served_pages
from octopus.testing.helpers import VISITORS, assert_page_refused, assert_problem, bearer_for, make_user

STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
PAGES = {"jobs:job": STAFF, "jobs:job_rerun": STAFF, "jobs:job_cancel": STAFF}
API_ROUTES = {"GET /api/v1/jobs/{id}": STAFF}


def test_the_matrix_covers_every_jobs_route():
    assert served_pages(("workspace/jobs/",)) == set(PAGES)
    assert served_api_routes(("/api/v1/jobs",)) == set(API_ROUTES)


@pytest.fixture
def owner(db):
    return make_user(Role.PROGRAMME_STAFF)


def visit(client, visitor: str, owner):
    """Signs the visitor in (the staff visitor is the job's owner); their user, None for the anonymous."""
    user = owner if visitor == Role.PROGRAMME_STAFF else make_user(visitor)
    if user:
        client.force_login(user)
    return user


@pytest.mark.parametrize("visitor", VISITORS)
def test_job_page(client, owner, visitor):
    job = Job.objects.create(kind=KIND, status=JobStatus.FAILED, created_by=owner, message="Line 2: refused.")
    visit(client, visitor, owner)
    path = reverse("jobs:job", args=[job.pk])
    response = client.get(path)
    if visitor in PAGES["jobs:job"]:
        assert response.status_code == 200
        assert "Line 2: refused." in response.content.decode()
    else:
        assert_page_refused(response, visitor, path)


@pytest.mark.parametrize("visitor", VISITORS)
def test_job_rerun(client, owner, visitor, django_capture_on_commit_callbacks):
    job = Job.objects.create(kind=KIND, status=JobStatus.CANCELLED, created_by=owner, payload={"kind": "profiles"})
    visit(client, visitor, owner)
    path = reverse("jobs:job_rerun", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(path)
    again = Job.objects.filter(rerun_of=job).first()
    if visitor in PAGES["jobs:job_rerun"]:
        assert again is not None and again.status == JobStatus.QUEUED
        assert response.status_code == 302 and response.url == reverse("jobs:job", args=[again.pk])
    else:
        assert_page_refused(response, visitor, path)
        assert again is None


@pytest.mark.parametrize("visitor", VISITORS)
def test_job_cancel(client, owner, visitor):
    job = Job.objects.create(kind=KIND, status=JobStatus.QUEUED, created_by=owner, payload={"kind": "profiles"})
    visit(client, visitor, owner)
    path = reverse("jobs:job_cancel", args=[job.pk])
    response = client.post(path)
    job.refresh_from_db()
    if visitor in PAGES["jobs:job_cancel"]:
        assert response.status_code == 302 and job.status == JobStatus.CANCELLED
    else:
        assert_page_refused(response, visitor, path)
        assert job.status == JobStatus.QUEUED


@pytest.mark.parametrize("visitor", VISITORS)
def test_job_status_api(client, owner, visitor):
    job = Job.objects.create(kind=KIND, status=JobStatus.RUNNING, created_by=owner, total=10, done=4)
    user = visit(client, visitor, owner)
    response = client.get(f"/api/v1/jobs/{job.pk}", **bearer_for(user))
    if visitor in API_ROUTES["GET /api/v1/jobs/{id}"]:
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["done"]) == ("running", 4)
    else:
        assert_problem(response, 401 if user is None else 403)

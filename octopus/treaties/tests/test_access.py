"""Who may import a Treaty Office chart: every kind of visitor (`octopus.testing.helpers.VISITORS`) × every page under
workspace/treaties/. Staff (administrators, programme staff, the T-CY secretariat: those who record treaty actions)
upload, preview and start the import; anyone else is refused the standard way and nothing is staged or written.
The other treaty pages are in octopus/accounts/tests/test_access.py."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.jobs.models import Job, JobStatus
from octopus.lib.imports import stage
from octopus.testing.access_matrix import (
    StateBefore,
    Visit,
    check_page_read,
    check_page_write,
    each_visitor,
    methods_answered_but_not_served,
    page_reads,
    page_writes,
    redirected_to,
    served_pages,
)
from octopus.testing.helpers import PageAccess, make_user
from octopus.treaties.models import ActionKind, TreatyAction

STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
PREFIXES = ("workspace/treaties/",)
CHART = b"State,Signature,Ratification or accession,Entry into force,Notes\nKenya,,2025-03-03 a,,\n"

PAGES = {
    "treaties:treaty_import": PageAccess(read=STAFF, write=STAFF),  # POST stages the file for the preview
    "treaties:treaty_import_preview": PageAccess(read=STAFF, write=STAFF),  # POST queues the import
}


@dataclass
class World(Visit):
    pass


def make_world(**visit) -> World:
    world = World(**visit)
    # A chart read and waiting for confirmation, as `treaty_import` leaves it in the session.
    session = world.client.session
    session["treaties.import.185"] = {
        "staged": stage(SimpleUploadedFile("chart.csv", CHART)),
        "name": "chart.csv",
        "source": "Access test chart",
    }
    session.save()
    return world


def path(name: str) -> str:
    return reverse(name, args=[185])


def database_state() -> dict:
    return {
        "treaty_actions": list(TreatyAction.objects.order_by("pk").values()),
        "jobs": list(Job.objects.order_by("pk").values("pk", "kind", "status")),
    }


def upload_form():
    return {"file": SimpleUploadedFile("chart.csv", CHART, content_type="text/csv"), "source": ""}


def staged(world, response):
    redirected_to(response, "treaties:treaty_import_preview", 185)
    assert world.client.session["treaties.import.185"]["name"] == "chart.csv"
    assert not TreatyAction.objects.filter(country__iso2="KE", kind=ActionKind.ACCEDED).exists()


def imported(world, response):
    job = Job.objects.get(kind="treaties.chart")
    redirected_to(response, "jobs:job", job.pk)
    assert (job.status, job.created_by, job.payload["treaty"]) == (JobStatus.DONE, world.user, 185)
    accession = TreatyAction.objects.get(country__iso2="KE", treaty__number=185, kind=ActionKind.ACCEDED)
    assert accession.source == "Access test chart"


PAGE_WRITES = {"treaties:treaty_import": (upload_form, staged), "treaties:treaty_import_preview": (dict, imported)}


def test_every_page_under_workspace_treaties_has_an_expectation():
    assert served_pages(PREFIXES) == set(PAGES)
    assert set(PAGE_WRITES) == set(page_writes(PAGES))


@pytest.mark.parametrize("route", page_reads(PAGES))
def test_page_read(db, route):
    for visitor, world in each_visitor(make_world):
        state = StateBefore(database_state)

        response = world.client.get(path(route))

        check_page_read(visitor, response, path(route), PAGES[route].read)
        state.assert_unchanged(visitor)


@pytest.mark.parametrize("route", page_writes(PAGES))
def test_page_write(db, route, django_capture_on_commit_callbacks):
    form, took_effect = PAGE_WRITES[route]
    for visitor, world in each_visitor(make_world):
        state = StateBefore(database_state)

        with django_capture_on_commit_callbacks(execute=True):
            response = world.client.post(path(route), form())

        check_page_write(visitor, world, response, path(route), PAGES[route].write, took_effect, state)


def test_no_page_answers_a_method_it_does_not_serve(client, db):
    # PUT and DELETE are refused (405, before any look-up), checked as programme staff, who may use every page.
    client.force_login(make_user(Role.PROGRAMME_STAFF.value))

    assert methods_answered_but_not_served(client, PAGES, path) == {}

"""Who reads the public project summary: every kind of visitor (`octopus.testing.helpers.VISITORS`) × the list, the
summary page and the API route, for a public programme and for programmes not public. A public programme is
open to all; one not public is a 404 (page, and problem in the API) to anyone who may not read the programme in
the workspace, and shown with a "not public" banner to those who may (a donor only the programmes it funds)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.reports.models import Publication
from octopus.results.models import Programme, ProgrammeFunder
from octopus.testing.access_matrix import Visit, bearer, each_visitor, served_api_routes, served_pages
from octopus.testing.helpers import VISITORS, assert_problem, make_user

EVERYONE = frozenset(VISITORS)
READERS = frozenset(
    {Role.ADMINISTRATOR, Role.PROGRAMME_STAFF, Role.TCY_SECRETARIAT, Role.FINANCE_OFFICER, Role.FOCAL_POINT}
)
FUNDED_READERS = READERS | {Role.DONOR}  # the donor of the access tests (DONOR-1) funds it

# programme code → who may read its summary
PROGRAMMES = {"open": EVERYONE, "closed": READERS, "closed-funded": FUNDED_READERS}
PAGES = {"reports:programme_list", "reports:programme_summary"}
ROUTES = {"GET /api/v1/programmes/{code}/summary"}


@pytest.fixture
def programmes(db):
    for code, public, donor in [
        ("open", True, "OTHER"),
        ("closed", False, "OTHER"),
        ("closed-funded", False, "DONOR-1"),
    ]:
        programme = Programme.objects.create(
            code=code,
            title=f"Programme {code}",
            starts_on=datetime.date(2014, 1, 1),
            ends_on=datetime.date(2019, 12, 31),
            budget_ceiling=Decimal(1000),
            implementing_office="C-PROC",
        )
        ProgrammeFunder.objects.create(programme=programme, donor_code=donor, name=donor)
        Publication.objects.create(programme=programme, public=public)


def make_world(**visit) -> Visit:
    return Visit(**visit)


def test_every_summary_page_and_route_has_an_expectation():
    assert served_pages(("programmes/",)) == PAGES
    assert served_api_routes(("/api/v1/programmes/{code}/summary",)) == ROUTES


def test_the_list_is_open_to_all_and_lists_only_public_programmes(programmes):
    for visitor, world in each_visitor(make_world):
        response = world.client.get(reverse("reports:programme_list"))
        assert response.status_code == 200, visitor
        page = response.content.decode()
        assert 'data-programme="open"' in page, visitor
        assert 'data-programme="closed' not in page, visitor


@pytest.mark.parametrize("code", PROGRAMMES)
def test_summary_page(programmes, code):
    path = reverse("reports:programme_summary", args=[code])
    for visitor, world in each_visitor(make_world):
        response = world.client.get(path)
        if visitor in PROGRAMMES[code]:
            assert response.status_code == 200, (visitor, code)
            assert ("data-not-public" in response.content.decode()) == (code != "open"), (visitor, code)
        else:
            assert response.status_code == 404, (visitor, code, response.status_code)


@pytest.mark.parametrize("code", PROGRAMMES)
def test_summary_api(programmes, code):
    url = f"/api/v1/programmes/{code}/summary"
    for visitor, world in each_visitor(make_world):
        response = world.client.get(url, **bearer(world))
        if visitor in PROGRAMMES[code]:
            assert response.status_code == 200, (visitor, code, response.content)
            assert response.json()["public"] is (code == "open")
        else:
            assert_problem(response, 404)


def test_the_api_reads_the_workspace_session_too(programmes, client):
    client.force_login(make_user(Role.PROGRAMME_STAFF))

    assert client.get("/api/v1/programmes/closed/summary").status_code == 200


def test_an_unknown_programme_is_a_404(programmes, client):
    assert client.get(reverse("reports:programme_summary", args=["nothing"])).status_code == 404
    assert_problem(client.get("/api/v1/programmes/nothing/summary"), 404)

"""Who may fetch a programme's IATI file: every kind of visitor (`octopus.testing.helpers.VISITORS`) × the public page
`/iati/<code>.xml` and the API route. A public programme's file is open to everyone; a programme not public is a 404
(as if it did not exist, never a sign-in page) to all but those who read it in the workspace: staff, the finance
officer and focal points, and a donor only for a programme its donor code funds. Nothing is written."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role, User
from octopus.reports.models import Publication
from octopus.results import services
from octopus.results.models import Programme, ProgrammeFunder
from octopus.testing.access_matrix import StateBefore, Visit, bearer, each_visitor, served_api_routes, served_pages
from octopus.testing.helpers import VISITORS, make_user

EVERYONE = frozenset(VISITORS)
READERS = frozenset(
    {
        Role.ADMINISTRATOR.value,
        Role.PROGRAMME_STAFF.value,
        Role.FINANCE_OFFICER.value,
        Role.TCY_SECRETARIAT.value,
        Role.FOCAL_POINT.value,
    }
)
# programme → who gets its file; the donor visitor's code is DONOR-1 (`helpers.ROLE_SCOPES`).
WHO = {
    "open-programme": EVERYONE,
    "closed-funded": READERS | {Role.DONOR.value},
    "closed-other": READERS,
}
PAGE = "reports:iati_activity"
ORGANISATION = "reports:iati_organisation"  # open to everyone
ROUTE = "GET /api/v1/programmes/{code}/iati"


@dataclass
class World(Visit):
    pass


def build_programmes() -> None:
    builder = User.objects.create_user(email="builder@example.org", password="a-long-test-password")
    for code, public, donor in [
        ("open-programme", True, "DONOR-2"),
        ("closed-funded", False, "DONOR-1"),
        ("closed-other", False, "DONOR-2"),
    ]:
        programme = services.create_programme(
            code=code,
            title=code.replace("-", " ").capitalize(),
            starts_on=datetime.date(2014, 1, 1),
            ends_on=datetime.date(2019, 12, 31),
            budget_ceiling=Decimal("1000000"),
            implementing_office="C-PROC",
            user=builder,
        )
        ProgrammeFunder.objects.create(programme=programme, donor_code=donor, name=donor)
        Publication.objects.create(programme=programme, public=public)


@pytest.fixture
def world(db, settings):
    settings.IATI_REPORTING_ORG = "XM-DAC-TEST"
    build_programmes()


def database_state() -> dict:
    return {
        "publications": list(Publication.objects.order_by("pk").values()),
        "programmes": list(Programme.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


def check(visitor: str, response, allowed: frozenset, *, api: bool) -> None:
    if visitor in allowed:
        assert response.status_code == 200, (visitor, response.status_code)
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert response.content.startswith(b"<?xml")
    else:
        assert response.status_code == 404, (visitor, response.status_code)
        if api:
            assert response["Content-Type"] == "application/problem+json"


def test_the_page_and_the_route_are_the_ones_expected():
    assert served_pages(("iati/", "iati-")) == {PAGE, ORGANISATION}
    assert served_api_routes(("/api/v1/programmes/{code}/iati",)) == {ROUTE}


@pytest.mark.parametrize("code", list(WHO))
def test_page(world, code):
    path = reverse(PAGE, args=[code])
    for visitor, visit in each_visitor(World):
        state = StateBefore(database_state)

        response = visit.client.get(path)

        check(visitor, response, WHO[code], api=False)
        state.assert_unchanged(visitor)


@pytest.mark.parametrize("code", list(WHO))
@pytest.mark.parametrize("by", ["token", "session"])
def test_api(world, code, by, client):
    url = f"/api/v1/programmes/{code}/iati"
    for visitor, visit in each_visitor(World):
        state = StateBefore(database_state)

        response = client.get(url, **bearer(visit)) if by == "token" else visit.client.get(url)

        check(visitor, response, WHO[code], api=True)
        state.assert_unchanged(visitor)


def test_everyone_gets_the_organisation_file(world):
    for visitor, visit in each_visitor(World):
        state = StateBefore(database_state)

        response = visit.client.get(reverse(ORGANISATION))

        check(visitor, response, EVERYONE, api=False)
        state.assert_unchanged(visitor)


def test_an_unknown_programme_is_a_404_to_everyone(world, client):
    client.force_login(make_user(Role.ADMINISTRATOR.value))
    assert client.get(reverse(PAGE, args=["no-such-programme"])).status_code == 404
    assert client.get("/api/v1/programmes/no-such-programme/iati").status_code == 404


def test_the_page_answers_only_get(world, client):
    client.force_login(make_user(Role.PROGRAMME_STAFF.value))
    path = reverse(PAGE, args=["open-programme"])
    assert [client.post(path).status_code, client.put(path).status_code, client.delete(path).status_code] == [405] * 3

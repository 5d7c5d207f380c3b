"""Plain helpers the tests share: a user for every kind of visitor, API tokens, the standard refusals, the
reference data and signing a browser in. Pytest fixtures live in `fixtures.py`, model factories in `factories.py`."""

import io
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from octopus.accounts.models import Role, User
from octopus.accounts.services import issue_api_token
from octopus.lib.problems import PROBLEM_CONTENT_TYPE

ROLE_SCOPES = {
    Role.ADMINISTRATOR: {},
    Role.PROGRAMME_STAFF: {},
    Role.FINANCE_OFFICER: {},
    Role.TCY_SECRETARIAT: {},
    Role.FOCAL_POINT: {"country_code": "GE"},
    Role.DONOR: {"donor_code": "DONOR-1"},
}
# Every kind of visitor: each role, a signed-in user with no role, and the anonymous public.
VISITORS = [role.value for role in Role] + ["no_role", "anonymous"]


def load_reference_data():
    call_command("load_reference_data", stdout=io.StringIO(), stderr=io.StringIO())


def make_user(visitor: str) -> User | None:
    """The user of one kind of visitor (`VISITORS`), `<visitor>@example.org`, scoped as `ROLE_SCOPES` says."""
    from octopus.testing.factories import UserFactory

    if visitor == "anonymous":
        return None
    if visitor == "no_role":
        return UserFactory(email="no_role@example.org")
    return UserFactory(email=f"{visitor}@example.org", role=Role(visitor), **ROLE_SCOPES[Role(visitor)])


@dataclass(frozen=True)
class PageAccess:
    """Who may use a page, in the access matrices: the visitors allowed to GET it and to POST to it."""

    read: frozenset | None  # None when the page serves no GET
    write: frozenset | None  # None when the page takes no POST


def bearer_for(user) -> dict:
    """Request headers carrying a new API token of `user` (none for the anonymous)."""
    if user is None:
        return {}
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user, name='test')[1]}"}


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem document with this status; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert (body["type"], body["status"]) == ("about:blank", status)
    return body


def assert_page_refused(response, visitor: str, path: str) -> None:
    """A refused page: the anonymous are sent to sign in and come back; anyone else gets 403."""
    if visitor == "anonymous":
        assert response.status_code == 302
        assert response.url == reverse("account_login") + "?next=" + quote(path)
    else:
        assert response.status_code == 403


# Browser tests: Debian's Chromium driven by Playwright, with no network beyond localhost.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sign_in(page, live_server, user):
    """Give the browser a signed-in session for `user`, as if they had signed in."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

"""Shared test fixtures: the reference data loaded once per test database, and a user for every role."""

import io
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from octopus.accounts.models import Membership, Role, User

# The access matrices' shared checks assert in a module of their own: let pytest explain their failures too.
pytest.register_assert_rewrite("octopus.testing.access_matrix")

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Tests run inside transactions that roll back, so the reference data loaded here is there for each.
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Tests make users by the hundred; the real hasher is slow on purpose. Nothing here tests hashing itself.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    # Uploaded files go to a folder of the test's own, never into var/.
    settings.MEDIA_ROOT = tmp_path / "media"


def make_user(visitor: str) -> User | None:
    if visitor == "anonymous":
        return None
    user = User.objects.create_user(email=f"{visitor}@example.org", password="a-long-test-password")
    if visitor != "no_role":
        Membership.objects.create(user=user, role=visitor, **ROLE_SCOPES[Role(visitor)])
    if visitor == Role.ADMINISTRATOR:
        from allauth.mfa.models import Authenticator

        # Administrators must have TOTP; give them one so they reach the pages under test.
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "test"})
    return user


@dataclass(frozen=True)
class PageAccess:
    """Who may use a page, in the access matrices: the visitors allowed to GET it and to POST to it."""

    read: frozenset | None  # None when the page serves no GET
    write: frozenset | None  # None when the page takes no POST


def bearer_for(user) -> dict:
    """Request headers carrying a new API token of `user` (none for the anonymous)."""
    from octopus.accounts.services import issue_api_token

    if user is None:
        return {}
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user, name='test')[1]}"}


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem document with this status; returns its body."""
    from octopus.lib.problems import PROBLEM_CONTENT_TYPE

    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert (body["type"], body["status"]) == ("about:blank", status)
    return body


def assert_page_refused(response, visitor: str, path: str) -> None:
    """A refused page: the anonymous are sent to sign in and come back; anyone else gets 403."""
    from urllib.parse import quote

    from django.urls import reverse

    if visitor == "anonymous":
        assert response.status_code == 302
        assert response.url == reverse("account_login") + "?next=" + quote(path)
    else:
        assert response.status_code == 403


@pytest.fixture
def user_for():
    return make_user


@pytest.fixture
def staff_user(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


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


@pytest.fixture
def page(live_server, monkeypatch):
    """A Chromium page on the live server that may load nothing but localhost, collecting script errors."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from octopus.treaties.models import Treaty

    if not Treaty.objects.exists():  # a transactional test before this one emptied the database
        load_reference_data()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        page = context.new_page()
        page.outside_requests = []
        page.problems = []

        def only_localhost(route):
            host = urlparse(route.request.url).hostname
            if host in ("localhost", "127.0.0.1"):
                route.continue_()
            else:
                page.outside_requests.append(route.request.url)
                route.abort()

        page.route("**/*", only_localhost)
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        yield page
        browser.close()


def sign_in(page, live_server, user):
    """Give the browser a signed-in session for `user`, as if they had signed in."""
    from django.conf import settings
    from django.test import Client

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

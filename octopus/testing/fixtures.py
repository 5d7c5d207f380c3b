"""The pytest fixtures every app's tests share (`octopus/conftest.py` hands them to pytest): the reference data
loaded once per test database, fast passwords, a media folder per test, users, and the browser page."""

from urllib.parse import urlparse

import pytest

from octopus.accounts.models import Role
from octopus.testing.helpers import CHROMIUM, CHROMIUM_ARGS, load_reference_data, make_user


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

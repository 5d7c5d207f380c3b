"""Refused, missing and failing pages answer in the site's layout (DEBUG off, as in production); the Django admin
refuses a signed-in user without access with a 403 page instead of sending them round between two sign-ins; under
/api/ the same errors stay problem documents."""

import pytest
from django.urls import path

from octopus.accounts.models import Role
from octopus.testing.helpers import make_user
from octopus.urls import urlpatterns as site_patterns

LAYOUT = '<nav class="navbar'  # the site's navigation, from base.html
HOME = '<a class="navbar-brand fw-semibold" href="/">Octopus</a>'


def fail(request):
    raise RuntimeError("a bug")


# The site's URLs with one page that fails, for the 500 test (ROOT_URLCONF points here there).
urlpatterns = [path("test-only/fail/", fail), *site_patterns]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def page(response) -> str:
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


@pytest.mark.django_db
def test_a_focal_point_opening_the_admin_gets_a_403_page_in_the_layout_not_a_redirect_loop(client):
    user = make_user(Role.FOCAL_POINT)
    client.force_login(user)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert [url for url, _status in response.redirect_chain] == ["/admin/login/?next=/admin/"]
    html = page(response)
    assert LAYOUT in html and HOME in html
    assert 'data-error="403"' in html and "focal_point@example.org" in html
    assert "Sign out" in html  # the layout knows who is signed in


@pytest.mark.django_db
def test_the_admin_still_sends_the_anonymous_to_sign_in_and_lets_staff_in(client):
    assert client.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/accounts/login/?next=")

    staff = make_user(Role.PROGRAMME_STAFF)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/?next=/admin/accounts/").url == "/admin/accounts/"
    assert client.get("/admin/login/?next=https://evil.example/").url == "/admin/"


@pytest.mark.django_db
def test_a_page_refused_by_its_permission_is_the_403_page(client):
    client.force_login(make_user("no_role"))

    response = client.get("/workspace/audit/")

    assert response.status_code == 403
    html = page(response)
    assert LAYOUT in html and 'data-error="403"' in html


@pytest.mark.django_db
def test_an_unknown_page_is_the_404_page_in_the_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = page(response)
    assert LAYOUT in html and 'data-error="404"' in html and "Page not found" in html
    assert "Staff sign in" in html  # the layout with its context: nobody is signed in


@pytest.mark.django_db
def test_a_failing_page_is_the_500_page_in_the_layout(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    response = client.get("/test-only/fail/")

    assert response.status_code == 500
    html = page(response)
    assert LAYOUT in html and HOME in html and 'data-error="500"' in html
    assert "a bug" not in html  # nothing of the error shows


@pytest.mark.django_db
def test_api_errors_stay_problem_documents(client):
    client.force_login(make_user("no_role"))

    missing = client.get("/api/v1/no-such-route")

    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["status"] == 404

"""Security defaults: headers, login rate limiting, MFA for administrators, API tokens (deploy: test_settings)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from octopus.accounts.models import APIToken, Role, User
from octopus.accounts.services import issue_api_token, user_for_api_key
from octopus.testing.factories import UserFactory


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_https_settings_send_hsts_and_mark_cookies_secure(client, settings, staff_user):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True

    response = client.get("/", secure=True)
    client.force_login(staff_user)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload" or response[
        "Strict-Transport-Security"
    ].startswith("max-age=31536000; includeSubDomains")
    assert client.cookies["sessionid"]["secure"] is True


@pytest.mark.django_db
def test_login_is_rate_limited_after_repeated_failures(client):
    cache.clear()
    User.objects.create_user(email="target@example.org", password="the-right-password-123")
    refused = []

    for _attempt in range(6):
        response = client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong"})
        refused.append("Too many failed login attempts" in response.content.decode())
    right_password = client.post(
        reverse("account_login"), {"login": "target@example.org", "password": "the-right-password-123"}
    )

    assert refused == [False] * 5 + [True]
    assert "Too many failed login attempts" in right_password.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


@pytest.mark.django_db
def test_an_administrator_without_totp_is_sent_to_set_it_up(client):
    admin = UserFactory(email="admin@example.org", role=Role.ADMINISTRATOR, totp=False)
    client.force_login(admin)

    response = client.get(reverse("accounts:workspace"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db
def test_staff_without_totp_may_work_but_can_set_it_up(staff_client):
    assert staff_client.get(reverse("accounts:workspace")).status_code == 200
    assert staff_client.get(reverse("mfa_index")).status_code == 200


@pytest.mark.django_db
def test_nobody_can_sign_themselves_up(client):
    response = client.post(reverse("account_signup"), {"email": "new@example.org", "password1": "long-password-123"})

    assert not User.objects.filter(email="new@example.org").exists()
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_an_api_token_is_stored_only_as_a_digest_and_can_be_revoked(staff_user, staff_client):
    token, key = issue_api_token(staff_user, name="Import script")

    assert key not in str(APIToken.objects.filter(pk=token.pk).values().get())
    assert user_for_api_key(key) == staff_user

    staff_client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert user_for_api_key(key) is None


@pytest.mark.django_db
def test_sample_accounts_are_not_loaded_in_production(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False

    with pytest.raises(CommandError, match="only when DEBUG is on"):
        call_command("load_sample_data")
    assert not User.objects.filter(is_sample=True).exists()


@pytest.mark.django_db
def test_the_admin_login_is_the_sign_in_with_rate_limits_and_totp(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/countries/?q=a%00b", "/countries/A%00/", "/workspace/audit/?action=%00"])
def test_a_nul_character_in_the_url_is_a_bad_request(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.django_db
def test_a_nul_character_in_an_api_url_is_a_problem(client):
    response = client.get("/api/v1/countries?region=%00")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"

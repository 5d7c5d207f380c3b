"""The app started with each setting the README documents: Redis, the database cache, production security.

Each test starts Django the way a deployment does, in a process of its own configured by environment variables, so
that the logic of octopus/settings.py really runs; the sign-in tests load that module afresh with the variables set.
"""

import json
import os
import runpy
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from octopus.accounts.models import User

ROOT = Path(__file__).resolve().parents[3]
# A database of its own on the machine's Redis, flushed by these tests only.
REDIS_URL = "redis://127.0.0.1:6379/7"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-that-is-long-enough-and-random-x7Qp2LmZ9vRt4Kw8Ys3Nb6",
    "ALLOWED_HOSTS": "octopus.example.org",
}
# Every variable the README's Configuration table documents: a test sets the ones it means, nothing leaks in.
DOCUMENTED = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS",
    "BEHIND_PROXY",
    "CSRF_TRUSTED_ORIGINS",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "SITE_URL",
    "TASKS_BACKEND",
    "OCTOPUS_JOB_HEARTBEAT_TIMEOUT",
    "OCTOPUS_IATI_REPORTING_ORG",
    "MEDIA_ROOT",
]
EMAIL, PASSWORD = "target@example.org", "the-right-password-123"
LOCKED_OUT = "Too many failed login attempts"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a new process whose environment is this one's plus `env` (the database stays the tests')."""
    environment = {name: value for name, value in os.environ.items() if name not in DOCUMENTED}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def shell(code: str, **env: str) -> str:
    """The last line `code` prints when run by `manage.py shell -c` in a new process."""
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def settings_made_with(monkeypatch, **env: str) -> dict:
    """The settings octopus/settings.py makes from this environment, run afresh as a starting process runs it."""
    for name in DOCUMENTED:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "octopus" / "settings.py"))


@pytest.fixture
def redis_db():
    """A client of the Redis database of these tests."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis must run at {REDIS_URL} for the production settings tests: {error}")
    return client


@pytest.fixture
def empty_redis_db(redis_db):
    """The Redis database of these tests, empty before and after (only one test counts sign-ins there)."""
    redis_db.flushdb()
    yield redis_db
    redis_db.flushdb()


def fail_to_sign_in(times: int) -> list[bool]:
    """Sign in `times` with a wrong password from a fresh browser; for each, whether the lockout refused it."""
    client = Client()
    return [
        LOCKED_OUT in client.post(reverse("account_login"), {"login": EMAIL, "password": "wrong"}).content.decode()
        for _attempt in range(times)
    ]


# Whether a second Django process lets each address try a password: allauth's own step before it checks one.
LOCKOUT_IN_ANOTHER_PROCESS = f"""
from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.test.utils import setup_test_environment
setup_test_environment()  # the test client's host, "testserver", is allowed
request = RequestFactory().post("/")  # from the test client's host and address
def answer(email):
    try:
        get_adapter(request).pre_authenticate(request, email=email, password="{PASSWORD}")
    except ValidationError as error:
        return error.code
    return "allowed"
print(answer("{EMAIL}"), answer("someone.else@example.org"))
"""


@pytest.mark.django_db
def test_with_redis_a_sign_in_works_and_the_lockout_holds_in_every_process(monkeypatch, settings, empty_redis_db):
    settings.CACHES = settings_made_with(monkeypatch, REDIS_URL=REDIS_URL)["CACHES"]
    User.objects.create_user(email=EMAIL, password=PASSWORD)
    client = Client()

    signed_in = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    refused = fail_to_sign_in(6)
    other_process = shell(LOCKOUT_IN_ANOTHER_PROCESS, REDIS_URL=REDIS_URL)

    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(User.objects.get(email=EMAIL).pk)
    assert refused == [False] * 5 + [True]
    assert list(empty_redis_db.scan_iter("*allauth:rl:allauth.account:login_failed:*"))
    assert other_process == "too_many_login_attempts allowed"


@pytest.mark.django_db
def test_without_redis_the_lockout_counts_in_the_database_cache(monkeypatch, settings):
    settings.CACHES = settings_made_with(monkeypatch)["CACHES"]
    User.objects.create_user(email=EMAIL, password=PASSWORD)

    refused = fail_to_sign_in(6)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM octopus_cache")
        keys = [key for (key,) in cursor.fetchall()]

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert refused == [False] * 5 + [True]
    assert any("allauth:rl:allauth.account:login_failed" in key for key in keys)


def test_with_redis_the_app_starts_on_a_redis_cache_it_can_reach(redis_db):
    key = f"started-{uuid.uuid4()}"
    started = shell(
        f"from django.core.cache import caches\ncaches['default'].set('{key}', 'yes')\n"
        f"print(type(caches['default']).__name__, caches['default'].get('{key}'))",
        REDIS_URL=REDIS_URL,
    )

    assert started == "RedisCache yes"
    assert redis_db.delete(f":1:{key}") == 1  # the value is in Redis, where every process finds it


# What a started process reads back of its settings, to compare with what the README says each variable does.
PROBE = """
import json
from django.conf import settings as s
from django.core.cache import caches
from django.tasks import task_backends
from octopus.jobs.runner import heartbeat_timeout
print(json.dumps({
    "DEBUG": s.DEBUG, "ALLOWED_HOSTS": s.ALLOWED_HOSTS, "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "cache": type(caches["default"]).__name__, "heartbeat": heartbeat_timeout(), "iati": s.IATI_REPORTING_ORG,
    "secure cookies": [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE], "https redirect": s.SECURE_SSL_REDIRECT,
    "hsts": [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD],
    "proxy header": getattr(s, "SECURE_PROXY_SSL_HEADER", None), "static": s.STORAGES["staticfiles"]["BACKEND"],
    "mail": [s.MAILERS["default"]["BACKEND"], s.MAILERS["default"]["OPTIONS"]], "site": s.SITE_URL,
    "tasks": type(task_backends["default"]).__name__, "media": str(s.MEDIA_ROOT),
    "database": [s.DATABASES["default"][key] for key in ("ENGINE", "HOST", "PORT", "NAME", "CONN_MAX_AGE")],
}))
"""


def started_with(**env: str) -> dict:
    return json.loads(shell(PROBE, **env))


def test_development_needs_no_configuration():
    started = started_with()

    assert started["DEBUG"] is True
    assert started["cache"] == "DatabaseCache"
    assert started["secure cookies"] == [False, False] and started["https redirect"] is False
    assert started["mail"][0] == "django.core.mail.backends.console.EmailBackend"
    assert started["site"] == "http://localhost:8000"
    assert started["tasks"] == "DatabaseBackend"
    assert started["heartbeat"] == 60 and started["iati"] == ""
    assert started["media"] == str(ROOT / "var" / "media")


def test_production_turns_on_every_security_setting():
    started = started_with(**PRODUCTION)

    assert started["DEBUG"] is False
    assert started["ALLOWED_HOSTS"] == ["octopus.example.org"]
    assert started["secure cookies"] == [True, True] and started["https redirect"] is True
    assert started["hsts"] == [31536000, True, True]
    assert started["proxy header"] is None
    assert started["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert started["mail"] == ["django.core.mail.backends.smtp.EmailBackend", {"host": "localhost", "port": 25}]
    assert started["site"] == ""
    assert started["cache"] == "LocMemCache"  # per process: the deploy check below warns about it


def test_production_settings_read_every_documented_variable(tmp_path):
    started = started_with(
        **{**PRODUCTION, "ALLOWED_HOSTS": "octopus.example.org, www.octopus.example.org"},
        HTTPS="false",
        BEHIND_PROXY="true",
        CSRF_TRUSTED_ORIGINS="https://octopus.example.org,https://www.octopus.example.org",
        REDIS_URL=REDIS_URL,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="mail.example.org",
        EMAIL_PORT="587",
        SITE_URL="https://octopus.example.org",
        TASKS_BACKEND="immediate",
        OCTOPUS_JOB_HEARTBEAT_TIMEOUT="15",
        OCTOPUS_IATI_REPORTING_ORG="XM-EXAMPLE-1",
        MEDIA_ROOT=str(tmp_path / "media"),
        DATABASE_URL="postgres://octopus@db.example.org:5433/octopus",
    )

    assert started["ALLOWED_HOSTS"] == ["octopus.example.org", "www.octopus.example.org"]
    assert started["secure cookies"] == [False, False] and started["hsts"] == [0, False, False]
    assert started["proxy header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert started["CSRF_TRUSTED_ORIGINS"] == ["https://octopus.example.org", "https://www.octopus.example.org"]
    assert started["cache"] == "RedisCache"
    assert started["mail"][1] == {"host": "mail.example.org", "port": 587}
    assert started["site"] == "https://octopus.example.org"
    assert started["tasks"] == "ImmediateBackend"
    assert (started["heartbeat"], started["iati"]) == (15, "XM-EXAMPLE-1")
    assert started["media"] == str(tmp_path / "media")
    assert started["database"] == ["django.db.backends.postgresql", "db.example.org", 5433, "octopus", 60]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_required_settings(missing):
    result = manage("check", **{**PRODUCTION, missing: ""})

    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_production_settings_with_redis_pass_the_deploy_checks_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, REDIS_URL=REDIS_URL)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_without_redis_warn_only_that_the_login_lockout_is_per_process():
    result = manage("check", "--deploy", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified 1 issue (0 silenced)." in result.stderr + result.stdout
    assert "(octopus.accounts.W001) The login lockout is per process" in result.stderr + result.stdout
    assert "HINT: Set REDIS_URL" in result.stderr + result.stdout

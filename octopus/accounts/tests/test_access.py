"""The access matrix: every page and API route × every kind of visitor, allowed or refused.

A refused write must change nothing; an allowed write must take effect and be audited under the acting user.
A route added without an entry in the tables below fails `test_every_route_has_an_expectation`.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.urls import URLResolver, get_resolver, reverse

from octopus.accounts.models import APIToken, AuditEntry, Role, User
from octopus.accounts.services import issue_api_token
from octopus.api import api
from octopus.conftest import VISITORS, make_user
from octopus.countries.models import Country
from octopus.lib.problems import PROBLEM_CONTENT_TYPE
from octopus.treaties.models import TreatyAction

EVERYONE = frozenset(VISITORS)
MEMBERS = frozenset(role.value for role in Role)  # anyone holding a role
STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
NOBODY = frozenset()

API_PREFIX = "api/v1/"

# Left out of the walk, each for a reason. Everything else the URL resolver knows must be in the tables below.
EXCLUDED_PREFIXES = {
    "admin/": "Django admin: guarded by Django's own is_staff check, not by Octopus roles",
    "accounts/": "allauth sign-in, sign-out and MFA set-up: open by design so that people can sign in",
    "i18n/": "language switch: open to everyone, changes only the visitor's own language cookie",
    "static/": "static files: served by WhiteNoise to everyone, no data behind them",
}
EXCLUDED_PATTERNS = {}


@dataclass(frozen=True)
class PageAccess:
    read: frozenset | None  # who may GET it; None when the page serves no GET
    write: frozenset | None  # who may POST to it; None when the page takes no POST


# Pages, by URL name.
PAGES = {
    "home": PageAccess(read=EVERYONE, write=None),
    "country_list": PageAccess(read=EVERYONE, write=None),
    "country": PageAccess(read=EVERYONE, write=None),
    "sources": PageAccess(read=EVERYONE, write=None),
    "workspace": PageAccess(read=MEMBERS, write=None),
    "tokens": PageAccess(read=MEMBERS, write=MEMBERS),  # POST issues a token of one's own
    "token_revoke": PageAccess(read=None, write=MEMBERS),  # POST only
    "audit_log": PageAccess(read=STAFF, write=None),
    "action_create": PageAccess(read=STAFF, write=STAFF),
    "action_edit": PageAccess(read=STAFF, write=STAFF),
    "action_withdraw": PageAccess(read=None, write=STAFF),  # POST only
}

# API routes, by method and OpenAPI path.
API_ROUTES = {
    "GET /api/v1/": EVERYONE,  # Ninja's root: a 404 for everyone, whoever asks
    "GET /api/v1/openapi.json": EVERYONE,
    "GET /api/v1/docs": EVERYONE,
    "GET /api/v1/countries": EVERYONE,
    "GET /api/v1/countries/{iso2}": EVERYONE,
    "GET /api/v1/treaties": EVERYONE,
    "GET /api/v1/treaties/{number}": EVERYONE,
    "GET /api/v1/treaties/{number}/articles": EVERYONE,
    "GET /api/v1/treaty-status": EVERYONE,
    "GET /api/v1/treaty-actions": EVERYONE,
    "GET /api/v1/treaty-actions/{action_id}": EVERYONE,
    "POST /api/v1/treaty-actions": STAFF,
    "PUT /api/v1/treaty-actions/{action_id}": STAFF,
    "DELETE /api/v1/treaty-actions/{action_id}": STAFF,
}


def discovered_routes() -> set[str]:
    """Every route the URL resolver serves: pages by name, API routes as "METHOD /path"."""
    schema_paths = api.get_openapi_schema()["paths"]
    found = set()

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if route in EXCLUDED_PATTERNS or route.startswith(tuple(EXCLUDED_PREFIXES)):
                continue
            if isinstance(entry, URLResolver):
                walk(entry, route)
            elif route.startswith(API_PREFIX):
                path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
                methods = schema_paths.get(path, {"get": None})  # openapi.json, docs and root are GET views
                found.update(f"{method.upper()} {path}" for method in methods)
            else:
                found.add(entry.name or route)

    walk(get_resolver(), "")
    return found


def test_every_route_has_an_expectation():
    assert discovered_routes() == set(PAGES) | set(API_ROUTES)


# Arrange: one world per test, as the visitor finds it.


@dataclass
class World:
    user: User | None
    key: str | None  # the visitor's API key, if signed in
    action: TreatyAction  # a recorded act to correct or withdraw
    token: APIToken  # the token the visitor would revoke: their own, or someone else's for the anonymous
    free_country: str  # ISO2 of a State with nothing recorded under CETS 185


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Users are made for every test; the real hasher would make this file slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db, visitor) -> World:
    user = make_user(visitor)
    if user:
        token, key = issue_api_token(user, name="access test")
    else:
        owner = User.objects.create_user(email="token-owner@example.org", password="a-long-test-password")
        token, key = issue_api_token(owner, name="someone else's")[0], None
    return World(
        user=user,
        key=key,
        action=TreatyAction.objects.get(treaty__number=185, country__iso2="AL", kind="signed"),
        token=token,
        free_country=Country.objects.exclude(treaty_actions__treaty__number=185).order_by("iso2").first().iso2,
    )


@pytest.fixture
def visitor_client(client, world):
    if world.user:
        client.force_login(world.user)
    return client


def database_state() -> dict:
    """What a refused write must leave as it was."""
    return {
        "treaty_actions": list(TreatyAction.objects.order_by("pk").values()),
        "audit_entries": AuditEntry.objects.count(),
        "tokens": list(APIToken.objects.order_by("pk").values("pk", "user_id", "name", "revoked_at")),
    }


def assert_page_refused(response, visitor, path):
    if visitor == "anonymous":
        assert response.status_code == 302
        assert response.url == reverse("account_login") + "?next=" + quote(path)
    else:
        assert response.status_code == 403


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["status"] == status


def last_audit_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


# Pages: reading.

PAGE_ARGS = {"country": ["AL"], "action_edit": "action"}


def page_path(name, world) -> str:
    args = PAGE_ARGS.get(name, [])
    if args == "action":
        args = [world.action.pk]
    return reverse(name, args=args)


@pytest.mark.parametrize(
    ("route", "visitor"), [(name, v) for name, access in PAGES.items() if access.read is not None for v in VISITORS]
)
def test_page_read(visitor_client, world, route, visitor):
    path = page_path(route, world)

    response = visitor_client.get(path)

    if visitor in PAGES[route].read:
        assert response.status_code == 200
    else:
        assert_page_refused(response, visitor, path)


# Pages: writing. Each write: where it goes, what it sends, and what it must have done when allowed.


def create_form(world):
    return reverse("action_create"), {
        "treaty": "185",
        "country": world.free_country,
        "kind": "invited",
        "date": "2020-01-15",
        "attested_on": "",
        "effective_on": "",
        "source": "Letter of invitation (access test)",
        "note": "",
    }


def assert_invitation_recorded(world, source):
    action = TreatyAction.objects.get(treaty__number=185, country__iso2=world.free_country)
    assert (action.kind, action.date.isoformat(), action.source) == ("invited", "2020-01-15", source)
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == (
        "treaties.action.invited.recorded",
        str(action.pk),
        world.user,
    )
    return action


def created(world, response):
    assert response.status_code == 302
    assert response.url == reverse("country", args=[world.free_country])
    assert_invitation_recorded(world, "Letter of invitation (access test)")


def edit_form(world):
    action = world.action
    return reverse("action_edit", args=[action.pk]), {
        "version": str(action.version),
        "kind": action.kind,
        "date": action.date.isoformat(),
        "attested_on": "",
        "effective_on": "",
        "source": action.source,
        "note": "Corrected by the access test",
    }


def corrected(world, response):
    assert response.status_code == 302
    assert response.url == reverse("country", args=["AL"])
    action = TreatyAction.objects.get(pk=world.action.pk)
    assert (action.note, action.version) == ("Corrected by the access test", world.action.version + 1)
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == ("treaties.action.corrected", str(action.pk), world.user)


def withdraw_form(world):
    return reverse("action_withdraw", args=[world.action.pk]), {
        "version": str(world.action.version),
        "reason": "Recorded in error (access test)",
    }


def assert_withdrawal_audited(world, reason):
    assert not TreatyAction.objects.filter(pk=world.action.pk).exists()
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user, entry.data) == (
        "treaties.action.withdrawn",
        str(world.action.pk),
        world.user,
        {"reason": reason},
    )


def withdrawn(world, response):
    assert response.status_code == 302
    assert response.url == reverse("country", args=["AL"])
    assert_withdrawal_audited(world, "Recorded in error (access test)")


def revoke_form(world):
    return reverse("token_revoke", args=[world.token.pk]), {}


def revoked(world, response):
    assert response.status_code == 302
    assert response.url == reverse("tokens")
    world.token.refresh_from_db()
    assert world.token.revoked_at is not None
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == ("accounts.token.revoked", str(world.token.pk), world.user)


def issue_form(world):
    return reverse("tokens"), {"name": "issued by the access test"}


def issued(world, response):
    assert response.status_code == 200
    token = APIToken.objects.get(name="issued by the access test")
    assert token.user == world.user
    assert token.prefix in response.content.decode()
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == ("accounts.token.issued", str(token.pk), world.user)


PAGE_WRITES = {
    "action_create": (create_form, created),
    "action_edit": (edit_form, corrected),
    "action_withdraw": (withdraw_form, withdrawn),
    "token_revoke": (revoke_form, revoked),
    "tokens": (issue_form, issued),
}


def test_every_page_write_has_a_scenario():
    assert set(PAGE_WRITES) == {name for name, access in PAGES.items() if access.write is not None}


@pytest.mark.parametrize(
    ("route", "visitor"), [(name, v) for name, access in PAGES.items() if access.write is not None for v in VISITORS]
)
def test_page_write(visitor_client, world, route, visitor):
    form, took_effect = PAGE_WRITES[route]
    path, data = form(world)
    before = database_state()

    response = visitor_client.post(path, data)

    if visitor in PAGES[route].write:
        took_effect(world, response)
    else:
        assert_page_refused(response, visitor, path)
        assert database_state() == before


def test_token_revoke_of_someone_elses_token_changes_nothing(client, db):
    owner, other = make_user(Role.PROGRAMME_STAFF), make_user(Role.TCY_SECRETARIAT)
    token, _key = issue_api_token(owner, name="owner's")
    client.force_login(other)
    before = database_state()

    response = client.post(reverse("token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert database_state() == before


# API.

PATH_PARAMS = {"iso2": "AL", "number": 185}
QUERIES = {"/api/v1/treaty-status": "?treaty=185"}
API_READS = [route for route in API_ROUTES if route.startswith("GET ")]
API_WRITES = [route for route in API_ROUTES if not route.startswith("GET ")]


def bearer(world) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {world.key}"} if world.key else {}


def api_url(route, world) -> str:
    path = route.split(" ", 1)[1]
    return path.format(action_id=world.action.pk, **PATH_PARAMS) + QUERIES.get(path, "")


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_READS for v in VISITORS])
def test_api_read(client, world, route, visitor):
    url = api_url(route, world)

    response = client.get(url, **bearer(world))

    if visitor in API_ROUTES[route]:
        assert response.status_code == (404 if route == "GET /api/v1/" else 200)
    else:
        assert_problem(response, 401 if visitor == "anonymous" else 403)


def api_create(world):
    return {
        "treaty": 185,
        "country": world.free_country,
        "kind": "invited",
        "date": "2020-01-15",
        "source": "Letter of invitation (API access test)",
    }


def api_created(world, response):
    assert response.status_code == 201
    action = assert_invitation_recorded(world, "Letter of invitation (API access test)")
    assert response.json()["id"] == action.pk


def api_correct(world):
    action = world.action
    return {
        "version": action.version,
        "kind": action.kind,
        "date": action.date.isoformat(),
        "source": action.source,
        "note": "Corrected through the API (access test)",
    }


def api_corrected(world, response):
    assert response.status_code == 200
    action = TreatyAction.objects.get(pk=world.action.pk)
    assert (action.note, action.version) == ("Corrected through the API (access test)", world.action.version + 1)
    assert response.json()["version"] == action.version
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == ("treaties.action.corrected", str(action.pk), world.user)


def api_withdrawn(world, response):
    assert response.status_code == 204
    assert_withdrawal_audited(world, "Recorded in error (API access test)")


def send_api_write(client, route, world):
    url = api_url(route, world)
    method = route.split(" ", 1)[0]
    if method == "POST":
        return client.post(url, api_create(world), content_type="application/json", **bearer(world))
    if method == "PUT":
        return client.put(url, api_correct(world), content_type="application/json", **bearer(world))
    query = f"?version={world.action.version}&reason={quote('Recorded in error (API access test)')}"
    return client.delete(url + query, **bearer(world))


API_WRITE_EFFECTS = {
    "POST /api/v1/treaty-actions": api_created,
    "PUT /api/v1/treaty-actions/{action_id}": api_corrected,
    "DELETE /api/v1/treaty-actions/{action_id}": api_withdrawn,
}


def test_every_api_write_has_a_scenario():
    assert set(API_WRITE_EFFECTS) == set(API_WRITES)


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_WRITES for v in VISITORS])
def test_api_write(client, world, route, visitor):
    before = database_state()

    response = send_api_write(client, route, world)

    if visitor in API_ROUTES[route]:
        API_WRITE_EFFECTS[route](world, response)
    else:
        assert_problem(response, 401 if visitor == "anonymous" else 403)
        if visitor == "anonymous":
            assert response["WWW-Authenticate"] == "Bearer"
        assert database_state() == before


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write_with_a_signed_in_session_but_no_token_is_refused(client, db, route):
    staff = make_user(Role.PROGRAMME_STAFF)
    client.force_login(staff)
    action = TreatyAction.objects.get(treaty__number=185, country__iso2="AL", kind="signed")
    world = World(user=staff, key=None, action=action, token=None, free_country="AL")
    before = database_state()

    response = send_api_write(client, route, world)

    assert_problem(response, 401)
    assert database_state() == before

"""The shared harness of the role × route access matrices (test support: imported by the apps' test_access.py).

A matrix walks every kind of visitor (`octopus.testing.helpers.VISITORS`) through every page and API route of an app: an
allowed read answers, an allowed write takes effect and is audited under the acting user, and anything refused is
refused the standard way (a page: sign in, or 403; the API: a problem 401 or 403) and changes nothing. Each matrix
keeps its own tables, world and scenarios; the scaffolding that every one of them repeated lives here.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from octopus.accounts.models import AuditEntry, User
from octopus.accounts.services import issue_api_token
from octopus.testing.helpers import VISITORS, PageAccess, assert_page_refused, assert_problem, make_user

# The tables.


def served_pages(prefixes: tuple[str, ...]) -> set[str]:
    """The names of the pages the URL resolver serves under `prefixes` ("events:event" in a namespace),
    whichever module declares them."""
    names = set()

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, route, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif route.startswith(prefixes):
                names.add(f"{namespace}{entry.name}" if entry.name else route)

    walk(get_resolver(), "", "")
    return names


def served_api_routes(prefixes: tuple[str, ...] = ("",)) -> set[str]:
    """The API routes served ("METHOD /path", as the OpenAPI schema writes them) whose path starts with `prefixes`."""
    from octopus.api import api

    return {
        f"{method.upper()} {path}"
        for path, operations in api.get_openapi_schema()["paths"].items()
        if path.startswith(prefixes)
        for method in operations
    }


def page_reads(pages: dict[str, PageAccess]) -> list[str]:
    """The pages that serve a GET, in table order (the order of the parametrized tests)."""
    return [name for name, access in pages.items() if access.read is not None]


def page_writes(pages: dict[str, PageAccess]) -> list[str]:
    """The pages that take a POST, in table order."""
    return [name for name, access in pages.items() if access.write is not None]


def api_reads(routes: dict[str, frozenset]) -> list[str]:
    return [route for route in routes if route.startswith("GET ")]


def api_writes(routes: dict[str, frozenset]) -> list[str]:
    return [route for route in routes if not route.startswith("GET ")]


# The visitors.


@dataclass
class Visit:
    """One visitor's attempt: who they are, their API key (None for the anonymous) and a client signed in as them.
    A matrix subclasses it to add the world the visitor meets."""

    visitor: str
    user: User | None
    key: str | None
    client: Client


def each_visitor[W: Visit](make_world: Callable[..., W], /, **world) -> Iterator[tuple[str, W]]:
    """(visitor, make_world(visit fields, **world)) for every visitor, each inside a savepoint rolled back
    afterwards: each visitor meets the same world, which is built once per route (the matrix stays fast)."""
    for visitor in VISITORS:
        with transaction.atomic():
            user = make_user(visitor)
            key = issue_api_token(user, name="access test")[1] if user else None
            client = Client()
            if user:
                client.force_login(user)
            yield visitor, make_world(visitor=visitor, user=user, key=key, client=client, **world)
            transaction.set_rollback(True)


def bearer(world: Visit) -> dict:
    """The visitor's API key as request headers: the API is called with a token, never with a session."""
    return {"HTTP_AUTHORIZATION": f"Bearer {world.key}"} if world.key else {}


def api_request(client: Client, route: str, url: str, body: dict | None = None, **headers):
    """Call `url` with the method `route` names ("PUT /api/…"); a write sends `body` as JSON."""
    method = route.split(" ", 1)[0].lower()
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, body, content_type="application/json", **headers)


# What is checked.


class StateBefore:
    """The database as a matrix's `database_state()` saw it before a request, to show the request changed nothing."""

    def __init__(self, database_state: Callable[[], dict]):
        self.database_state = database_state
        self.before = database_state()

    def assert_unchanged(self, visitor: str) -> None:
        after = self.database_state()
        changed = {
            key: (self.before.get(key), after.get(key))
            for key in self.before.keys() | after.keys()
            if self.before.get(key) != after.get(key)
        }
        assert after == self.before, (visitor, changed)


def audited(user: User | None, action: str, obj) -> None:
    """The latest `action` in the audit log is about `obj` and was done by `user`."""
    entry = AuditEntry.objects.filter(action=action).order_by("-id").first()
    assert entry is not None, action
    assert (entry.object_id, entry.user) == (str(obj.pk), user)


def redirected_to(response, name: str, *args, exact: bool = False) -> None:
    """The response redirects to the page `name` (whatever its query; with `exact`, to that very URL, no query)."""
    assert response.status_code == 302, (response.status_code, response.content[:2000])
    url = response.url if exact else response.url.split("?")[0]
    assert url == reverse(name, args=args)


def check_page_read(visitor: str, response, path: str, allowed: frozenset, *, redirect_to: str | None = None) -> None:
    """An allowed visitor gets the page (or, by design, a redirect to `redirect_to`); anyone else is refused. A file
    sent is read to the end, which closes it."""
    if visitor in allowed:
        if redirect_to:
            redirected_to(response, redirect_to)
        else:
            assert response.status_code == 200, (visitor, response.status_code)
    else:
        assert_page_refused(response, visitor, path)
    if response.streaming:
        b"".join(response.streaming_content)


def check_page_write(
    visitor: str, world: Visit, response, path: str, allowed: frozenset, took_effect, state: StateBefore
) -> None:
    """An allowed POST took effect (as `took_effect` checks); a refused one was refused and changed nothing."""
    if visitor in allowed:
        took_effect(world, response)
    else:
        assert_page_refused(response, visitor, path)
        state.assert_unchanged(visitor)


def check_api_refused(visitor: str, response) -> None:
    """A refused API call: a problem 401 for the anonymous (no token), 403 for everyone else."""
    assert_problem(response, 401 if visitor == "anonymous" else 403)


def check_api_read(visitor: str, response, allowed: frozenset) -> None:
    if visitor in allowed:
        assert response.status_code == 200, (visitor, response.content)
    else:
        check_api_refused(visitor, response)


def check_api_write(visitor: str, world: Visit, response, allowed: frozenset, took_effect, state: StateBefore) -> None:
    """An allowed API write took effect (as `took_effect` checks); a refused one was refused and changed nothing."""
    if visitor in allowed:
        took_effect(world, response)
    else:
        check_api_refused(visitor, response)
        state.assert_unchanged(visitor)


def methods_answered_but_not_served(client: Client, pages: dict[str, PageAccess], path: Callable[[str], str]) -> dict:
    """Every method a page answers (with anything but 405) though it does not serve it, as {"METHOD page": status}:
    GET on a POST-only page, POST on a GET-only page, PUT or DELETE on any page."""
    answered = {}
    for route, access in pages.items():
        methods = (
            ["put", "delete"] + (["get"] if access.read is None else []) + (["post"] if access.write is None else [])
        )
        for method in methods:
            response = getattr(client, method)(path(route))
            if response.status_code != 405:
                answered[f"{method.upper()} {route}"] = response.status_code
    return answered

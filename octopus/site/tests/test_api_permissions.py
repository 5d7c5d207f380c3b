"""Every API route states who may use it in its declaration (`octopus.accounts.api.allowed`, or `PUBLIC`), and
the declaration is what refuses: a user without the permission gets the route's 403 problem before anything in its
body runs, the anonymous a 401, and the OpenAPI document says so for each protected route."""

import re

import pytest
from django.test import Client

from octopus.accounts.api import PUBLIC, rule_of
from octopus.api import api
from octopus.lib.problems import PROBLEM_CONTENT_TYPE
from octopus.testing.helpers import assert_problem, bearer_for, make_user

PROBLEM = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def operations() -> list[tuple[str, object, dict]]:
    """("METHOD /api/v1/path", the ninja operation, its OpenAPI description) for every route served."""
    by_id = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                by_id[operation.operation_id or api.get_openapi_operation_id(operation)] = operation
    return [
        (f"{method.upper()} {path}", by_id[described["operationId"]], described)
        for path, methods in api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items()
        for method, described in methods.items()
    ]


OPERATIONS = operations()
# Routes whose permission the declaration checks itself (not one that depends on the record).
CHECKED = [(route, operation) for route, operation, _ in OPERATIONS if (r := rule_of(operation)) and not r.per_object]


def call(client: Client, route: str, **headers):
    """Call the route with "1" for every path parameter and no body: the declaration answers before either is read."""
    method, path = route.split(" ", 1)
    url = re.sub(r"{[^}]+}", "1", path)
    if method == "GET":
        return client.get(url, **headers)
    return getattr(client, method.lower())(url, "{}", content_type="application/json", **headers)


def test_every_route_declares_who_may_use_it():
    undeclared = [
        route for route, operation, _ in OPERATIONS if operation.auth_param is not PUBLIC and rule_of(operation) is None
    ]

    assert undeclared == []
    assert len(OPERATIONS) > 100
    assert len(CHECKED) > 60


def test_the_openapi_document_gives_each_protected_route_its_401_and_403_and_none_to_public_ones():
    wrong = []
    for route, operation, described in OPERATIONS:
        rule = rule_of(operation)
        responses = described["responses"]
        if rule is None:
            if "security" in described or {"401", "403"} & responses.keys():
                wrong.append((route, "public, yet documented as protected"))
            continue
        if not {"401", "403"} <= responses.keys():
            wrong.append((route, "no 401 or 403"))
        elif responses["401"]["content"] != PROBLEM or responses["403"]["content"] != PROBLEM:
            wrong.append((route, "not problem JSON"))
        elif rule.permission and f"`{rule.permission}`" not in responses["403"]["description"]:
            wrong.append((route, "the 403 does not name the permission"))
        expected = [{"TokenAuth": []}] if rule.token_only else [{"TokenAuth": []}, {"SessionAuth": []}]
        if described.get("security") != expected:
            wrong.append((route, described.get("security")))
    assert wrong == []


@pytest.mark.django_db
def test_a_declared_permission_refuses_a_signed_in_user_without_it_with_its_403_problem():
    client = Client()
    headers = bearer_for(make_user("no_role"))  # signed in, holding no permission at all
    wrong = {}
    for route, operation in CHECKED:
        response = call(client, route, **headers)
        if response.status_code != 403 or response["Content-Type"] != PROBLEM_CONTENT_TYPE:
            wrong[route] = response.status_code
        elif response.json()["detail"] != str(rule_of(operation).message):
            wrong[route] = response.json()["detail"]
    assert wrong == {}


@pytest.mark.django_db
def test_a_workspace_session_without_the_permission_is_refused_too_and_writers_need_a_token():
    client = Client()
    client.force_login(make_user("no_role"))

    assert (
        assert_problem(client.get("/api/v1/people"), 403)["detail"]
        == "Your role does not give access to people's data."
    )
    assert_problem(client.get("/api/v1/funding/rates"), 403)
    # A route declared token_only does not take the session: without a token it is a 401.
    assert_problem(client.post("/api/v1/people", "{}", content_type="application/json"), 401)


@pytest.mark.django_db
def test_every_protected_route_asks_the_anonymous_to_sign_in_with_a_401_problem():
    client = Client()
    wrong = {}
    for route, operation, _ in OPERATIONS:
        if rule_of(operation) is not None:
            response = call(client, route)
            if response.status_code != 401 or response["Content-Type"] != PROBLEM_CONTENT_TYPE:
                wrong[route] = response.status_code
    assert wrong == {}


@pytest.mark.django_db
def test_a_holder_of_the_permission_gets_through(staff_user):
    client = Client()

    assert client.get("/api/v1/people", **bearer_for(staff_user)).status_code == 200

"""Bad input gets a clear answer on every API route, read from the OpenAPI document so that a new route is covered
the day it is added: a day that is not written YYYY-MM-DD is a 422 naming it (never 1 January 1970), a NUL byte is
a 400 problem, an unknown record named in a query string is a documented 404, and every enum in the document is
the one its field accepts."""

import enum
import json
import typing

import pytest
from django.urls import reverse
from ninja import Schema

from octopus.accounts.models import Role
from octopus.api import api
from octopus.lib.dates import iso_day
from octopus.testing.helpers import assert_problem, bearer_for, make_user

OPENAPI_URL = "/api/v1/openapi.json"
NOT_DAYS = ["0", "1700000000", "20240101", "2024-W01-1", "2024-01-01T00:00:00", "2024-1-5", "2015-02-30", "١٢٣٤-٠١-٠١"]


@pytest.fixture(scope="module")
def document() -> dict:
    """The OpenAPI document as clients read it (JSON: every status code a string)."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


@pytest.fixture
def superuser(db) -> dict:
    user = make_user(Role.ADMINISTRATOR)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return bearer_for(user)


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def is_day(document: dict, schema: dict) -> bool:
    schema = resolve(document, schema)
    inner = schema.get("anyOf", []) + schema.get("allOf", [])
    return schema.get("format") == "date" or any(is_day(document, s) for s in inner)


def filled(path: str) -> str:
    """The path with each parameter given a value of the right shape (the record need not exist)."""
    for name, value in {"{code}": "cybercrime-octopus", "{slug}": "no-such-event", "{iso2}": "GE"}.items():
        path = path.replace(name, value)
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + "1" + path[end + 1 :]
    return path


def dated_query_parameters(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and is_day(document, parameter["schema"]):
                    required = {
                        p["name"]: "185" if p["name"] == "treaty" else "x"
                        for p in operation["parameters"]
                        if p.get("required") and p["in"] == "query"
                    }
                    yield method, path, parameter["name"], required


def dated_body_fields(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                body = resolve(document, content["schema"])
                for name, field in body.get("properties", {}).items():
                    if is_day(document, field):
                        yield method, path, name


def test_the_document_has_days_in_queries_and_bodies_to_check(document):
    queries = {(path, name) for _m, path, name, _r in dated_query_parameters(document)}
    bodies = list(dated_body_fields(document))

    assert ("/api/v1/treaty-status", "at") in queries
    assert ("/api/v1/events/{slug}/attendance", "day") in queries
    assert len(queries) >= 11
    assert len(bodies) >= 30


def test_a_day_not_written_yyyy_mm_dd_is_refused_on_every_query(client, superuser, document):
    refused = {}
    for method, path, name, required in dated_query_parameters(document):
        for text in ("0", "20240101"):
            response = getattr(client, method)(filled(path), {**required, name: text}, **superuser)
            errors = assert_problem(response, 422)["errors"]
            if name not in [e["field"] for e in errors]:
                refused[(path, name, text)] = errors
    assert refused == {}


def test_a_day_given_as_a_number_is_refused_in_every_body(client, superuser, document):
    # The body is refused as a whole before any record is looked up: the date field must be among its errors.
    missed = []
    for method, path, name in dated_body_fields(document):
        response = getattr(client, method)(filled(path), {name: 0}, content_type="application/json", **superuser)
        errors = assert_problem(response, 422).get("errors", [])
        if name not in [e["field"] for e in errors]:
            missed.append((method, path, name, errors))
    assert missed == []


@pytest.mark.parametrize("text", NOT_DAYS)
def test_only_yyyy_mm_dd_is_a_day(text):
    with pytest.raises(ValueError):
        iso_day(text)


def test_a_day_in_the_right_form_is_read(client, db):
    response = client.get("/api/v1/treaty-status", {"treaty": 185, "at": "2004-07-01"})

    assert response.status_code == 200
    assert response.json()["at"] == "2004-07-01"


def test_refusal_names_the_field_and_says_how_to_write_a_day(client, db):
    response = client.get("/api/v1/treaty-status", {"treaty": 185, "at": "0"})

    assert assert_problem(response, 422)["errors"] == [{"field": "at", "message": "Use a date written YYYY-MM-DD."}]


@pytest.mark.parametrize("text", ["0", "1700000000", "20040701"])
def test_a_dated_page_shows_today_for_a_day_not_written_yyyy_mm_dd(client, db, text):
    response = client.get(reverse("treaties:home"), {"at": text})

    assert response.status_code == 400
    assert f"“{text}” is not a date (use YYYY-MM-DD); showing today instead." in response.content.decode()


# --- NUL bytes ---------------------------------------------------------------------------------------------------


def test_a_nul_byte_in_an_api_query_string_is_a_400_problem(client, db):
    response = client.get("/api/v1/countries", QUERY_STRING="region=Europe%00")

    assert assert_problem(response, 400)["detail"] == "A NUL character is not allowed in a URL."


def test_a_nul_byte_in_a_page_address_is_a_plain_400(client, db):
    response = client.get("/", QUERY_STRING="at=%00")

    assert (response.status_code, response["Content-Type"]) == (400, "text/plain")
    assert response.content.decode() == "A NUL character is not allowed in a URL."


# --- unknown records named in a query string ---------------------------------------------------------------------


@pytest.mark.parametrize("programme", ["0", "no-such-programme"])
def test_an_unknown_programme_is_a_documented_404(client, superuser, document, programme):
    response = client.get("/api/v1/funding/position", {"programme": programme}, **superuser)

    assert assert_problem(response, 404)["detail"] == f"No programme with the code “{programme}”."
    documented = document["paths"]["/api/v1/funding/position"]["get"]["responses"]["404"]
    assert documented["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_every_404_a_query_can_give_is_documented(client, superuser, document):
    # Each query parameter of each route without a path parameter, with values no record has.
    undocumented = []
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        required = {p["name"]: "185" for p in operation.get("parameters", []) if p.get("required")}
        for parameter in operation.get("parameters", []):
            for value in ("0", "no-such-record"):
                response = client.get(path, {**required, parameter["name"]: value}, **superuser)
                if str(response.status_code) not in operation["responses"]:
                    undocumented.append((path, parameter["name"], value, response.status_code))
    assert undocumented == []


# --- each enum is its own ----------------------------------------------------------------------------------------


def enums_of(annotation) -> list[type[enum.Enum]]:
    """The enums a field's type admits (through `X | None`, lists, dicts and `type X = Enum` aliases)."""
    if isinstance(annotation, typing.TypeAliasType):
        return enums_of(annotation.__value__)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [annotation]
    return [found for arg in typing.get_args(annotation) for found in enums_of(arg)]


def enum_values_in(document: dict, schema: dict) -> list:
    schema = resolve(document, schema)
    if "enum" in schema:
        return [schema["enum"]]
    inner = schema.get("anyOf", []) + schema.get("allOf", [])
    inner += [
        schema[key] for key in ("items", "additionalProperties", "propertyNames") if isinstance(schema.get(key), dict)
    ]
    return [values for s in inner for values in enum_values_in(document, s)]


def api_schemas() -> dict[str, type[Schema]]:
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {cls.__name__: cls for cls in subclasses(Schema) if cls.__module__.startswith("octopus.")}


def test_every_enum_field_of_the_document_lists_the_values_it_accepts(document):
    schemas, wrong, checked = api_schemas(), [], 0
    for name, component in document["components"]["schemas"].items():
        for field, info in getattr(schemas.get(name), "model_fields", {}).items():
            for accepted in enums_of(info.annotation):
                prop = component["properties"][info.alias or field]
                listed = enum_values_in(document, prop)
                checked += 1
                if listed != [[member.value for member in accepted]]:
                    wrong.append((name, field, accepted.__qualname__, listed))
    assert wrong == []
    assert checked >= 40


def test_the_indicator_status_lists_the_results_statuses(document):
    from octopus.results.calculations import Status

    status = document["components"]["schemas"]["IndicatorValueOut"]["properties"]["status"]

    assert enum_values_in(document, status) == [[s.value for s in Status]]


def test_every_enum_in_a_query_parameter_lists_the_values_it_accepts(document):
    # Query parameters are the view function's own arguments: compare them with the operation's parameter models.
    by_id = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                by_id[api.get_openapi_operation_id(operation)] = operation
    wrong = []
    for operations in document["paths"].values():
        for described in operations.values():
            operation = by_id[described["operationId"]]
            fields = {n: f for model in operation.models for n, f in model.model_fields.items()}
            for parameter in described.get("parameters", []):
                info = fields.get(parameter["name"])
                for accepted in enums_of(info.annotation) if info else []:
                    if enum_values_in(document, parameter["schema"]) != [[m.value for m in accepted]]:
                        wrong.append((described["operationId"], parameter["name"]))
    assert wrong == []

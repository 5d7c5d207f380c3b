"""The API keeps its published contract: a valid OpenAPI 3.1 document, responses that match it for any input
it accepts, RFC 9457 problems for every error, and treaty status at any date as the reference data records it."""

import datetime

import openapi_spec_validator
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from octopus.accounts.models import AuditEntry, Role
from octopus.accounts.services import issue_api_token
from octopus.testing.helpers import assert_problem, make_user
from octopus.treaties import services
from octopus.treaties.models import CONSENT_KINDS, TreatyAction
from octopus.wsgi import application

OPENAPI_URL = "/api/v1/openapi.json"


@pytest.fixture
def staff_key(db) -> str:
    return issue_api_token(make_user(Role.PROGRAMME_STAFF), name="contract test")[1]


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_document_is_valid_openapi_3_1(client):
    response = client.get(OPENAPI_URL)

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1.")
    openapi_spec_validator.validate(document)  # raises on any violation of the OpenAPI 3.1 specification


def test_no_two_api_schemas_share_a_name():
    # The OpenAPI document names a schema by its class: two routers' classes of one name would silently share one
    # definition, and one of them would be documented wrong.
    from ninja import Schema

    import octopus.api  # noqa: F401 (mounts every router, importing every schema)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {cls for cls in subclasses(Schema) if cls.__module__.startswith("octopus.")}
    names = sorted(cls.__name__ for cls in ours)
    assert [name for name in set(names) if names.count(name) > 1] == []


# Property-based: whatever the schema allows a client to send, the answer is no server error and matches the schema.

schema = schemathesis.openapi.from_wsgi(OPENAPI_URL, application)


CONTRACT_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    # The staff token is made once per operation and used by every example: that is intended.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def wsgi_in_test_transaction():
    """Let requests sent straight to the WSGI app run inside the test's transaction, as Django's test client does:
    otherwise Django closes the connection at the end of each request (on PostgreSQL) and the test data with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def write_headers(case, key: str) -> dict:
    return {"Authorization": f"Bearer {key}"} if case.method != "GET" else {}


@pytest.mark.django_db
@schema.parametrize()
@CONTRACT_SETTINGS
def test_api_answers_without_server_error_and_as_documented(case, staff_key, wsgi_in_test_transaction):
    case.call_and_validate(
        headers=write_headers(case, staff_key),
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )


# Kept apart from the test above so that an undocumented status does not hide a server error or a malformed body.
@pytest.mark.django_db
@schema.parametrize()
@CONTRACT_SETTINGS
def test_api_answers_only_with_documented_status_codes(case, staff_key, wsgi_in_test_transaction):
    case.call_and_validate(headers=write_headers(case, staff_key), checks=[status_code_conformance])


# Errors are problem documents that say what is wrong.


def test_treaty_status_at_an_impossible_date_is_a_422_naming_the_field(client, db):
    response = client.get("/api/v1/treaty-status", {"treaty": 185, "at": "2015-02-30"})

    body = assert_problem(response, 422)
    assert [error["field"] for error in body["errors"]] == ["at"]


def test_treaty_status_of_a_treaty_not_held_is_a_422_naming_the_field(client, db):
    response = client.get("/api/v1/treaty-status", {"treaty": 999})

    body = assert_problem(response, 422)
    assert body["errors"] == [{"field": "treaty", "message": "No treaty CETS 999 is held."}]


def test_unknown_treaty_is_a_404_problem(client, db):
    response = client.get("/api/v1/treaties/999")

    assert_problem(response, 404)


def test_unknown_api_route_is_a_404_problem(client, db):
    response = client.get("/api/v1/no-such-route")

    body = assert_problem(response, 404)
    assert body["detail"] == "No API route at /api/v1/no-such-route."


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/", 404),  # the API's root has no resource
        ("patch", "/api/v1/treaty-actions/1", 405),  # a method the route does not serve
    ],
)
def test_other_api_errors_are_problems_too(client, db, method, path, status):
    response = getattr(client, method)(path)

    assert_problem(response, status)


def test_entry_into_force_before_ratification_is_refused_and_nothing_is_recorded(client, staff_key):
    in_force = TreatyAction.objects.filter(treaty__number=185, kind="in_force").values("country")
    consent = (
        TreatyAction.objects.filter(treaty__number=185, kind__in=CONSENT_KINDS, date__isnull=False)
        .exclude(country__in=in_force)
        .select_related("country")
        .order_by("country__iso2")
        .first()
    )
    day_before = consent.date - datetime.timedelta(days=1)
    actions, audit_entries = TreatyAction.objects.count(), AuditEntry.objects.count()

    response = client.post(
        "/api/v1/treaty-actions",
        {
            "treaty": 185,
            "country": consent.country.iso2,
            "kind": "in_force",
            "date": day_before.isoformat(),
            "source": "Contract test",
        },
        content_type="application/json",
        **bearer(staff_key),
    )

    body = assert_problem(response, 422)
    assert body["detail"] == (
        f"Entry into force ({day_before}) cannot come before the ratification or accession ({consent.date})."
    )
    assert (TreatyAction.objects.count(), AuditEntry.objects.count()) == (actions, audit_entries)


def test_correction_from_a_stale_version_is_a_409_and_changes_nothing(client, staff_key):
    action = TreatyAction.objects.get(treaty__number=185, country__iso2="AL", kind="signed")
    services.correct_treaty_action(action, version=action.version, note="Corrected by someone else")
    stale_version = action.version
    before = TreatyAction.objects.filter(pk=action.pk).values().get()
    audit_entries = AuditEntry.objects.count()

    response = client.put(
        f"/api/v1/treaty-actions/{action.pk}",
        {
            "version": stale_version,
            "kind": "signed",
            "date": action.date.isoformat(),
            "source": action.source,
            "note": "Corrected from a stale copy",
        },
        content_type="application/json",
        **bearer(staff_key),
    )

    body = assert_problem(response, 409)
    assert body["detail"] == (
        "Someone else changed this action since you opened it. Reload it to see their change, then correct it again."
    )
    assert TreatyAction.objects.filter(pk=action.pk).values().get() == before
    assert before["version"] == stale_version + 1
    assert AuditEntry.objects.count() == audit_entries


# Status at a date, as the reference data records it (Albania: ratified 2002-06-20, in force 2004-07-01).


def albania_at(client, day: str) -> dict:
    response = client.get("/api/v1/treaty-status", {"treaty": 185, "at": day})
    assert response.status_code == 200
    body = response.json()
    assert (body["treaty"], body["at"]) == (185, day)
    return next(state for state in body["states"] if state["country"] == "AL")


@pytest.mark.parametrize(
    ("day", "status", "since"),
    [
        ("2004-06-30", "ratified", "2002-06-20"),  # ratified, not yet a Party the day before
        ("2004-07-01", "party", "2004-07-01"),  # a Party from the day the Convention entered into force for it
    ],
)
def test_albania_status_around_its_entry_into_force(client, db, day, status, since):
    albania = albania_at(client, day)

    assert albania == {"country": "AL", "name": "Albania", "status": status, "since": since, "attested_on": None}


# Found by the property-based run above (SQLite: "datatype mismatch" from an OFFSET past 2**63).
@pytest.mark.parametrize("path", ["/api/v1/treaty-actions", "/api/v1/countries"])
def test_a_page_far_past_the_end_is_an_empty_page(client, db, path):
    total = client.get(path).json()["count"]

    response = client.get(path, {"page": 999_999})

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": total}


@pytest.mark.parametrize("path", ["/api/v1/treaty-actions", "/api/v1/countries"])
def test_an_absurd_page_number_is_refused_as_a_problem(client, db, path):
    response = client.get(path, {"page": 160863735839754804493045641634643968})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "page"


def test_treaty_status_counts_parties_from_the_deposit_and_in_force_on_its_own(client, db):
    # 20 June 2024: Benin, Fiji and Kiribati deposited; the Convention entered into force for them on 1 October.
    before = client.get("/api/v1/treaty-status", {"treaty": 185, "at": "2024-06-19"}).json()
    after = client.get("/api/v1/treaty-status", {"treaty": 185, "at": "2024-06-20"}).json()

    assert after["recorded"] is True
    assert after["parties"] - before["parties"] == 3
    assert after["in_force"] == before["in_force"]
    assert after["parties"] == after["counts"]["party"] + after["counts"]["ratified"]
    assert after["in_force"] == after["counts"]["party"]


@pytest.mark.parametrize("number", [108, 223, 201])
def test_related_standards_are_listed_and_their_status_is_a_gap_not_zeros(client, db, number):
    listed = client.get("/api/v1/treaties").json()

    status = client.get("/api/v1/treaty-status", {"treaty": number, "at": "2024-01-01"})

    assert number in [t["number"] for t in listed]
    assert status.status_code == 200
    assert (status.json()["recorded"], status.json()["states"]) == (False, [])

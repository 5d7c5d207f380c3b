"""The people registry through /api/v1/: the flows from adding a person to merging and erasing them."""

import datetime

import pytest

from octopus.accounts.models import AuditEntry
from octopus.accounts.services import issue_api_token
from octopus.events import services as event_services
from octopus.events.models import Kind, Registration, RegistrationForm
from octopus.people import services
from octopus.people.models import Consent, Organisation, Person
from octopus.people.tests.conftest import add_person
from octopus.testing.factories import RegistrationFormFactory


@pytest.fixture
def bearer(staff):
    _token, key = issue_api_token(staff, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def one_day_form(staff) -> RegistrationForm:
    day = datetime.date(2016, 5, 10)
    event = event_services.create_event(
        user=staff, slug="w", title="W", kind=Kind.IN_COUNTRY_WORKSHOP, starts_on=day, ends_on=day
    )
    return RegistrationFormFactory(event=event, title="P")


def test_the_list_filters_and_gives_consents(client, staff, bearer, nino):
    add_person(staff, "Ani", "Petrosyan", iso2="AM", sex="female")
    services.record_consent(nino, purpose="publish_list", granted=True, user=staff, source="form")

    body = client.get("/api/v1/people?country=GE", **bearer).json()

    assert body["count"] == 1
    item = body["items"][0]
    assert (item["last_name"], item["country"], item["organisation_name"], item["sector"]) == (
        "Beridze",
        "GE",
        "Cybercrime Division",
        "police",
    )
    assert item["consents"] == {"publish_list": True, "future_contact": False}
    assert [p["last_name"] for p in client.get("/api/v1/people?sort=-name", **bearer).json()["items"]] == [
        "Petrosyan",
        "Beridze",
    ]


def test_the_list_loads_in_a_fixed_number_of_queries(client, staff, bearer, nino, police, django_assert_num_queries):
    client.get("/api/v1/people", **bearer)  # the token's first use is recorded once
    # The token (1), memberships (1), the count (1), the page (1): the same for 1 person as for 21.
    with django_assert_num_queries(4):
        assert client.get("/api/v1/people?page_size=50", **bearer).json()["count"] == 1
    for n in range(20):
        add_person(staff, f"P{n}", f"Tested{n}", organisation=police)

    with django_assert_num_queries(4):
        assert client.get("/api/v1/people?page_size=50", **bearer).json()["count"] == 21


def test_create_then_change_with_the_version(client, bearer, police):
    created = client.post(
        "/api/v1/people",
        {
            "first_name": "Ani",
            "last_name": "Petrosyan",
            "email": "Ani@Example.am",
            "country": "am",
            "organisation": police.pk,
        },
        content_type="application/json",
        **bearer,
    )
    assert created.status_code == 201
    person = created.json()
    assert (person["email"], person["country"], person["version"]) == ("ani@example.am", "AM", 1)

    changed = client.put(
        f"/api/v1/people/{person['id']}",
        {"first_name": "Ani", "last_name": "Petrosyan", "position": "Judge", "version": 1},
        content_type="application/json",
        **bearer,
    )
    stale = client.put(
        f"/api/v1/people/{person['id']}",
        {"first_name": "Ani", "last_name": "Petrosyan", "position": "Prosecutor", "version": 1},
        content_type="application/json",
        **bearer,
    )

    assert (changed.status_code, changed.json()["position"], changed.json()["version"]) == (200, "Judge", 2)
    assert stale.status_code == 409
    assert Person.objects.get(pk=person["id"]).position == "Judge"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"last_name": "X", "country": "ZZ"}, "country", "No country with the ISO code “ZZ”."),
        ({"last_name": "X", "email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"last_name": "X", "sex": "unknown"}, "sex", "Select a valid choice. unknown is not one of the available"),
        ({"last_name": "X", "email": "nino.beridze@police.ge"}, "email", "already recorded with this e-mail"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_adds_nobody(client, bearer, nino, body, field, message):
    response = client.post("/api/v1/people", body, content_type="application/json", **bearer)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field] and message in errors[0]["message"]
    assert Person.objects.count() == 1


def test_adding_a_namesake_needs_saying_it_is_someone_else(client, bearer, nino):
    body = {"first_name": "Nino", "last_name": "Beridze", "country": "GE"}

    refused = client.post("/api/v1/people", body, content_type="application/json", **bearer)
    added = client.post("/api/v1/people", {**body, "different_person": True}, content_type="application/json", **bearer)

    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "request",
            "message": (
                f"This may be someone already recorded: Nino BERIDZE (#{nino.pk}, same name, same country). Open their "
                "record, or confirm that this is someone else."
            ),
        }
    ]
    assert added.status_code == 201
    assert Person.objects.filter(last_name="Beridze").count() == 2


def test_consent_merge_data_and_erasure(client, staff, bearer, nino):
    twin = add_person(staff, "Nino", "Beridze", phone="+995 1")
    registration = event_services.register_person(one_day_form(staff), person=twin)

    consent = client.post(
        f"/api/v1/people/{nino.pk}/consents",
        {"purpose": "future_contact", "granted": True, "source": "e-mail of 3 May"},
        content_type="application/json",
        **bearer,
    )
    duplicates = client.get("/api/v1/people/duplicates", **bearer).json()
    merged = client.post(
        f"/api/v1/people/{nino.pk}/merge", {"duplicate": twin.pk}, content_type="application/json", **bearer
    )
    data = client.get(f"/api/v1/people/{nino.pk}/data", **bearer).json()
    erased = client.post(
        f"/api/v1/people/{nino.pk}/erase", {"reason": "Request of 4 May"}, content_type="application/json", **bearer
    )

    assert consent.json()["consents"]["future_contact"] is True
    assert duplicates == [{"first": nino.pk, "second": twin.pk, "reason": "same name, same country", "sample": False}]
    assert (merged.status_code, merged.json()["phone"]) == (200, "+995 1")
    assert Registration.objects.get(pk=registration.pk).person_id == nino.pk
    assert [r["id"] for r in data["records"]["events.registration"]] == [registration.pk]
    assert (erased.json()["last_name"], erased.json()["email"], erased.json()["country"]) == ("—", "", "GE")
    assert not Consent.objects.exists()
    assert AuditEntry.objects.filter(action="people.person.exported", object_id=str(nino.pk)).count() == 1


def test_a_merge_of_two_registrations_for_one_event_keeps_both_rows(client, staff, bearer, nino):
    twin = add_person(staff, "Nino", "Beridze")
    form = one_day_form(staff)
    event_services.register_person(form, person=nino)
    event_services.register_person(form, person=twin)

    response = client.post(
        f"/api/v1/people/{nino.pk}/merge", {"duplicate": twin.pk}, content_type="application/json", **bearer
    )

    assert response.status_code == 200
    assert sorted(form.registrations.values_list("person_id", "state")) == [
        (nino.pk, "cancelled"),
        (nino.pk, "pending"),
    ]


def test_organisations(client, bearer, police):
    created = client.post(
        "/api/v1/organisations",
        {"name": "Council of Europe", "acronym": "CoE", "sector": "international_organisation"},
        content_type="application/json",
        **bearer,
    )
    clash = client.put(
        f"/api/v1/organisations/{created.json()['id']}",
        {"name": "Cybercrime division", "sector": "police", "country": "GE"},
        content_type="application/json",
        **bearer,
    )
    listed = client.get("/api/v1/organisations?country=INT", **bearer).json()

    assert created.status_code == 201 and created.json()["country"] is None
    assert clash.status_code == 422 and "already recorded" in clash.json()["detail"]
    assert [o["name"] for o in listed["items"]] == ["Council of Europe"]
    assert Organisation.objects.get(acronym="CoE").country is None

"""People and organisations over the JSON API: for staff only, each read of a person logged, and every refusal a
problem document that changes nothing."""

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from octopus.accounts.models import AuditEntry, Role
from octopus.api import SAMPLE_HEADER
from octopus.countries.models import Country
from octopus.people import services
from octopus.people.models import Organisation, Person
from octopus.testing.helpers import VISITORS, assert_problem, bearer_for, make_user

STAFF_ROLES = {Role.ADMINISTRATOR, Role.PROGRAMME_STAFF, Role.TCY_SECRETARIAT}


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


def visiting(visitor, staff):
    return staff if visitor == Role.PROGRAMME_STAFF else make_user(visitor)


@pytest.fixture
def headers(staff) -> dict:
    return bearer_for(staff)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


@pytest.fixture
def police(staff) -> Organisation:
    return services.create_organisation(name="Cybercrime Division", sector="police", country=country("GE"), user=staff)


@pytest.fixture
def nino(staff, police) -> Person:
    return services.create_person(
        user=staff,
        first_name="Nino",
        last_name="Beridze",
        email="Nino.Beridze@police.ge",
        sex="female",
        organisation=police,
        country=country("GE"),
        position="Head of unit",
    )


@pytest.fixture
def jon(staff) -> Person:
    return services.create_person(user=staff, first_name="Jón", last_name="Arnason", country=country("IS"))


def police_json(police, people: int = 0) -> dict:
    return {
        "id": police.pk,
        "name": "Cybercrime Division",
        "acronym": "",
        "sector": "police",
        "country": "GE",
        "people": people,
        "is_sample": False,
    }


def nino_json(nino, police) -> dict:
    return {
        "id": nino.pk,
        "title": "",
        "first_name": "Nino",
        "last_name": "Beridze",
        "sex": "female",
        "email": "nino.beridze@police.ge",
        "phone": "",
        "position": "Head of unit",
        "organisation": police.pk,
        "organisation_name": "Cybercrime Division",
        "sector": "police",
        "country": "GE",
        "consents": {"publish_list": False, "future_contact": False},
        "merged_into": None,
        "anonymised_at": None,
        "is_sample": False,
        "created_at": DjangoJSONEncoder().default(nino.created_at),
        "version": 1,
    }


# --- people ------------------------------------------------------------------------------------------------------


def test_staff_list_people_by_last_name(client, nino, jon, police, headers):
    response = client.get("/api/v1/people", **headers)

    assert response.status_code == 200
    body = response.json()
    assert [p["last_name"] for p in body["items"]] == ["Arnason", "Beridze"]
    assert body["items"][1] == nino_json(nino, police)
    assert body["items"][0]["sex"] == ""  # not stated
    assert body["count"] == 2


def test_a_sample_person_says_so_in_the_body_and_a_header(client, staff, nino, headers):
    real = client.get("/api/v1/people", **headers)
    services.create_person(user=staff, first_name="Sam", last_name="Sample", country=country("GE"), is_sample=True)

    both = client.get("/api/v1/people", **headers)

    assert ([p["is_sample"] for p in real.json()["items"]], SAMPLE_HEADER in real.headers) == ([False], False)
    assert [(p["last_name"], p["is_sample"]) for p in both.json()["items"]] == [("Beridze", False), ("Sample", True)]
    assert both.headers[SAMPLE_HEADER] == "true"


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"q": "ARNA"}, ["Arnason"]),  # case does not matter
        ({"q": "nino BER"}, ["Beridze"]),  # each word matches a part of the name
        ({"q": "police.ge"}, ["Beridze"]),
        ({"country": "is"}, ["Arnason"]),
        ({"q": "nobody"}, []),
    ],
)
def test_people_filter_by_name_email_and_country(client, nino, jon, headers, query, names):
    response = client.get("/api/v1/people", query, **headers)

    assert [p["last_name"] for p in response.json()["items"]] == names


def test_a_person_merged_into_another_is_not_listed(client, staff, nino, jon, headers):
    Person.objects.filter(pk=jon.pk).update(merged_into=nino)

    listed = client.get("/api/v1/people", **headers).json()
    merged = client.get(f"/api/v1/people/{jon.pk}", **headers).json()

    assert [p["id"] for p in listed["items"]] == [nino.pk]
    assert merged["merged_into"] == nino.pk


@pytest.mark.parametrize("size", [1, 5])
def test_the_people_list_loads_in_a_fixed_number_of_queries(client, staff, police, size, django_assert_num_queries):
    for n in range(size):
        services.create_person(user=staff, last_name=f"Person {n}", organisation=police, country=country("GE"))
    headers = bearer_for(staff)

    # The token, its last use, the memberships, the count, the page.
    with django_assert_num_queries(5):
        response = client.get("/api/v1/people", **headers)

    assert response.json()["count"] == size


def test_reading_a_person_is_logged(client, staff, nino, police, headers):
    response = client.get(f"/api/v1/people/{nino.pk}", **headers)

    assert (response.status_code, response.json()) == (200, nino_json(nino, police))
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.object_id, entry.user) == ("people.person.viewed", str(nino.pk), staff)


def test_an_unknown_person_is_a_404(client, headers):
    assert_problem(client.get("/api/v1/people/999999", **headers), 404)


# --- organisations -----------------------------------------------------------------------------------------------


def test_staff_list_organisations(client, police, headers):
    Organisation.objects.create(name="Council of Europe", acronym="CoE", sector="international_organisation")

    response = client.get("/api/v1/organisations", **headers)
    filtered = client.get("/api/v1/organisations", {"sector": "police", "country": "ge"}, **headers)

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": Organisation.objects.get(acronym="CoE").pk,
                "name": "Council of Europe",
                "acronym": "CoE",
                "sector": "international_organisation",
                "country": None,
                "people": 0,
                "is_sample": False,
            },
            police_json(police),
        ],
        "count": 2,
    }
    assert filtered.json() == {"items": [police_json(police)], "count": 1}


def test_staff_record_an_organisation(client, staff, headers):
    response = client.post(
        "/api/v1/organisations",
        {"name": " Prosecutor General's Office ", "acronym": "PGO", "sector": "prosecution", "country": "am"},
        content_type="application/json",
        **headers,
    )

    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(name="Prosecutor General's Office")
    assert response.json() == {
        "id": organisation.pk,
        "name": "Prosecutor General's Office",
        "acronym": "PGO",
        "sector": "prosecution",
        "country": "AM",
        "people": 0,
        "is_sample": False,
    }
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.object_id, entry.user) == ("people.organisation.created", str(organisation.pk), staff)


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"name": "Cyber unit", "sector": "navy"}, "sector", None),
        ({"name": "Cyber unit", "sector": "police", "country": "XX"}, "country", None),
        ({"name": "", "sector": "police"}, "name", None),
        (
            {"name": "cybercrime division", "sector": "police", "country": "GE"},
            None,
            "Cybercrime Division is already recorded for this country.",
        ),
    ],
)
def test_a_refused_organisation_saves_nothing(client, police, headers, body, field, detail):
    before = (Organisation.objects.count(), AuditEntry.objects.count())

    response = client.post("/api/v1/organisations", body, content_type="application/json", **headers)

    problem = assert_problem(response, 422)
    if field:
        assert [error["field"] for error in problem["errors"]] == [field]
    else:
        assert problem["detail"] == detail
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == before


# --- who may do what ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", [v for v in VISITORS if v not in STAFF_ROLES])
@pytest.mark.parametrize("path", ["/api/v1/people", "/api/v1/people/{pk}", "/api/v1/organisations"])
def test_personal_data_is_for_staff_only(client, staff, nino, visitor, path):
    headers = bearer_for(visiting(visitor, staff))
    audit_entries = AuditEntry.objects.count()

    response = client.get(path.format(pk=nino.pk), **headers)

    assert_problem(response, 401 if visitor == "anonymous" else 403)
    assert "Beridze" not in response.content.decode()
    assert AuditEntry.objects.count() == audit_entries


@pytest.mark.parametrize("visitor", sorted(STAFF_ROLES))
def test_every_staff_role_reads_people(client, staff, nino, visitor):
    headers = bearer_for(visiting(visitor, staff))

    assert client.get("/api/v1/people", **headers).json()["count"] == 1
    assert client.get(f"/api/v1/people/{nino.pk}", **headers).status_code == 200


@pytest.mark.parametrize("visitor", [v for v in VISITORS if v not in STAFF_ROLES])
def test_only_staff_record_organisations(client, staff, visitor):
    headers = bearer_for(visiting(visitor, staff))
    before = (Organisation.objects.count(), AuditEntry.objects.count())

    response = client.post(
        "/api/v1/organisations",
        {"name": "Cyber unit", "sector": "police", "country": "GE"},
        content_type="application/json",
        **headers,
    )

    assert_problem(response, 401 if visitor == "anonymous" else 403)
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == before


def test_a_workspace_session_reads_but_does_not_write(client, staff, nino):
    client.force_login(staff)

    read = client.get("/api/v1/people")
    write = client.post(
        "/api/v1/organisations", {"name": "Cyber unit", "sector": "police"}, content_type="application/json"
    )

    assert read.json()["count"] == 1
    assert_problem(write, 401)

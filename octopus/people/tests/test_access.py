"""Every people page and API route × every kind of visitor: staff of the programme office are let in; everyone else
is refused (sign-in for the anonymous, 403 for other roles) and a refused write changes nothing."""

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.accounts.services import issue_api_token
from octopus.people import services
from octopus.people.models import Consent, Organisation, Person
from octopus.people.tests.conftest import add_person, country
from octopus.testing.helpers import VISITORS, make_user

STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})

# URL name → (who may GET, who may POST); None: the page serves no GET (or takes no POST).
PAGES = {
    "people:people_list": (STAFF, None),
    "people:people_export": (STAFF, None),
    "people:people_person_create": (STAFF, STAFF),
    "people:people_duplicates": (STAFF, None),
    "people:people_merge": (STAFF, STAFF),
    "people:people_person": (STAFF, None),
    "people:people_person_edit": (STAFF, STAFF),
    "people:people_person_consent": (None, STAFF),
    "people:people_person_data": (STAFF, None),
    "people:people_person_erase": (STAFF, STAFF),
    "people:people_organisations": (STAFF, None),
    "people:people_organisation_export": (STAFF, None),
    "people:people_organisation_create": (STAFF, STAFF),
    "people:people_organisation_edit": (STAFF, STAFF),
    "people:people_organisation_merge": (STAFF, STAFF),
}


@pytest.fixture
def world(db, visitor):
    colleague = make_user(Role.PROGRAMME_STAFF) if visitor != Role.PROGRAMME_STAFF else None
    colleague = colleague or make_user("no_role")
    services.create_organisation(name="Cyber Police", sector="police", country=country("GE"), user=colleague)
    police = services.create_organisation(
        name="Cybercrime Division", sector="police", country=country("GE"), user=colleague
    )
    nino = add_person(colleague, "Nino", "Beridze", email="nino@police.ge", organisation=police)
    twin = add_person(colleague, "Nino", "Beridze", phone="+995 1")
    user = make_user(visitor)
    return {"user": user, "police": police, "nino": nino, "twin": twin}


def path_of(name, world) -> str:
    args = {
        "people:people_export": ["csv"],
        "people:people_organisation_export": ["xlsx"],
        "people:people_merge": [world["nino"].pk, world["twin"].pk],
        "people:people_organisation_edit": [world["police"].pk],
        "people:people_organisation_merge": [world["police"].pk],
    }.get(name)
    if args is None and name.startswith("people:people_person") and name != "people:people_person_create":
        args = [world["nino"].pk]
    return reverse(name, args=args)


def state() -> dict:
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "consents": list(Consent.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


def refused(response, visitor, path):
    if visitor == "anonymous":
        assert response.status_code == 302 and response.url == reverse("account_login") + "?next=" + path
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("route", "visitor"), [(name, v) for name, (read, _write) in PAGES.items() if read for v in VISITORS]
)
def test_page_read(client, world, route, visitor):
    if world["user"]:
        client.force_login(world["user"])
    path = path_of(route, world)
    before = state()

    response = client.get(path)

    if visitor in PAGES[route][0]:
        assert response.status_code == 200
    else:
        refused(response, visitor, path)
        assert state() == before


def last_action(world) -> tuple[str, str]:
    entry = AuditEntry.objects.exclude(action="people.person.viewed").order_by("-id").first()
    assert entry.user == world["user"]
    return entry.action, entry.object_id


PERSON = {"first_name": "Ani", "last_name": "Petrosyan", "email": "ani@example.am", "country": "AM"}
WRITES = {
    "people:people_person_create": (
        lambda w: {**PERSON, "country": country("AM").pk},
        lambda w: last_action(w) == ("people.person.created", str(Person.objects.get(email="ani@example.am").pk)),
    ),
    "people:people_merge": (
        lambda w: {"keep": w["nino"].pk},
        lambda w: (
            Person.objects.get(pk=w["twin"].pk).merged_into_id == w["nino"].pk
            and last_action(w) == ("people.person.merged", str(w["nino"].pk))
        ),
    ),
    "people:people_person_edit": (
        lambda w: {"first_name": "Nino", "last_name": "Beridze", "position": "Judge", "version": 1},
        lambda w: (
            Person.objects.get(pk=w["nino"].pk).position == "Judge"
            and last_action(w) == ("people.person.updated", str(w["nino"].pk))
        ),
    ),
    "people:people_person_consent": (
        lambda w: {"purpose": "publish_list", "granted": "yes", "source": "form"},
        lambda w: (
            Consent.objects.get(person=w["nino"]).granted
            and last_action(w) == ("people.consent.recorded", str(w["nino"].pk))
        ),
    ),
    "people:people_person_erase": (
        lambda w: {"reason": "Request", "confirm": "on"},
        lambda w: (
            Person.objects.get(pk=w["nino"].pk).anonymised_at is not None
            and last_action(w) == ("people.person.anonymised", str(w["nino"].pk))
        ),
    ),
    "people:people_organisation_create": (
        lambda w: {"name": "Prosecutor's Office", "sector": "prosecution", "country": country("GE").pk},
        lambda w: (
            last_action(w) == ("people.organisation.created", str(Organisation.objects.get(sector="prosecution").pk))
        ),
    ),
    "people:people_organisation_edit": (
        lambda w: {"name": "Cyber Police Unit", "sector": "police", "country": country("GE").pk},
        lambda w: (
            Organisation.objects.get(pk=w["police"].pk).name == "Cyber Police Unit"
            and last_action(w) == ("people.organisation.updated", str(w["police"].pk))
        ),
    ),
    "people:people_organisation_merge": (
        lambda w: {"duplicate": Organisation.objects.get(name="Cyber Police").pk},
        lambda w: (
            not Organisation.objects.filter(name="Cyber Police").exists()
            and last_action(w) == ("people.organisation.merged", str(w["police"].pk))
        ),
    ),
}


def test_every_page_write_has_a_scenario():
    assert set(WRITES) == {name for name, (_read, write) in PAGES.items() if write}


@pytest.mark.parametrize(
    ("route", "visitor"), [(name, v) for name, (_read, write) in PAGES.items() if write for v in VISITORS]
)
def test_page_write(client, world, route, visitor):
    if world["user"]:
        client.force_login(world["user"])
    path = path_of(route, world)
    data, took_effect = WRITES[route]
    before = state()

    response = client.post(path, data(world))

    if visitor in PAGES[route][1]:
        assert response.status_code == 302
        assert took_effect(world)
    else:
        refused(response, visitor, path)
        assert state() == before


# API: "METHOD path" → who may use it.
API_ROUTES = {
    "GET /api/v1/people": STAFF,
    "GET /api/v1/people/duplicates": STAFF,
    "GET /api/v1/people/{person_id}": STAFF,
    "GET /api/v1/people/{person_id}/data": STAFF,
    "GET /api/v1/organisations": STAFF,
    "GET /api/v1/organisations/{organisation_id}": STAFF,
    "POST /api/v1/people": STAFF,
    "PUT /api/v1/people/{person_id}": STAFF,
    "POST /api/v1/people/{person_id}/consents": STAFF,
    "POST /api/v1/people/{person_id}/merge": STAFF,
    "POST /api/v1/people/{person_id}/erase": STAFF,
    "POST /api/v1/organisations": STAFF,
    "PUT /api/v1/organisations/{organisation_id}": STAFF,
    "POST /api/v1/organisations/{organisation_id}/merge": STAFF,
}
API_BODIES = {
    "POST /api/v1/people": lambda w: PERSON,
    "PUT /api/v1/people/{person_id}": lambda w: {
        "first_name": "Nino",
        "last_name": "Beridze",
        "version": 1,
        "position": "Judge",
    },
    "POST /api/v1/people/{person_id}/consents": lambda w: {"purpose": "publish_list", "granted": True, "source": "f"},
    "POST /api/v1/people/{person_id}/merge": lambda w: {"duplicate": w["twin"].pk},
    "POST /api/v1/people/{person_id}/erase": lambda w: {"reason": "Request"},
    "POST /api/v1/organisations": lambda w: {"name": "Prosecutor's Office", "sector": "prosecution", "country": "GE"},
    "PUT /api/v1/organisations/{organisation_id}": lambda w: {
        "name": "Cyber Police Unit",
        "sector": "police",
        "country": "GE",
    },
    "POST /api/v1/organisations/{organisation_id}/merge": lambda w: {
        "duplicate": Organisation.objects.get(name="Cyber Police").pk
    },
}


def test_the_routes_tested_are_the_routes_served():
    from octopus.api import api

    served = {
        f"{method.upper()} {path}"
        for path, operations in api.get_openapi_schema()["paths"].items()
        if path.startswith(("/api/v1/people", "/api/v1/organisations"))
        for method in operations
    }
    assert served == set(API_ROUTES)


@pytest.mark.parametrize(("route", "visitor"), [(r, v) for r in API_ROUTES for v in VISITORS])
def test_api(client, world, route, visitor):
    headers = {}
    if world["user"]:
        headers["HTTP_AUTHORIZATION"] = "Bearer " + issue_api_token(world["user"], name="t")[1]
    method, path = route.split(" ", 1)
    url = path.format(person_id=world["nino"].pk, organisation_id=world["police"].pk)
    before = state()

    if method == "GET":
        response = client.get(url, **headers)
    else:
        send = client.post if method == "POST" else client.put
        response = send(url, API_BODIES[route](world), content_type="application/json", **headers)

    if visitor in API_ROUTES[route]:
        assert response.status_code == (
            201 if path in ("/api/v1/people", "/api/v1/organisations") and method == "POST" else 200
        )
        if method != "GET":
            assert AuditEntry.objects.order_by("-id").first().user == world["user"]
    else:
        assert response.status_code == (401 if visitor == "anonymous" else 403)
        assert state() == before


def test_the_pages_tested_are_the_pages_served():
    from octopus.people.urls import urlpatterns

    assert {f"people:{pattern.name}" for pattern in urlpatterns} == set(PAGES)

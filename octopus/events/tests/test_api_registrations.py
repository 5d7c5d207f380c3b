"""Registrations and attendance over the JSON API: listing, registering, moving through states from the version
read, and checking in once."""

import datetime

import pytest

from octopus.accounts.models import AuditEntry
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import Attendance, Registration
from octopus.events.tests.api import (
    counts,
    iso,
    post,
    registered,
)
from octopus.events.tests.conftest import make_event, open_form, person
from octopus.people.services import create_person
from octopus.testing.helpers import assert_problem, bearer_for

# --- registrations -----------------------------------------------------------------------------------------------


def registration_json(registration: Registration, **changes) -> dict:
    registration.refresh_from_db()
    n = registration.person.first_name.removeprefix("Nino")
    return {
        "id": registration.pk,
        "event": "workshop-ge-2016",
        "form": registration.form_id,
        "person": {
            "id": registration.person_id,
            "title": "",
            "first_name": f"Nino{n}",
            "last_name": f"Beridze{n}",
            "email": f"nino{n}@example.ge",
            "sex": "female",
            "organisation": None,
            "sector": None,
            "is_sample": False,
        },
        "state": registration.state,
        "role": "participant",
        "country": "GE",
        "is_head_of_delegation": False,
        "answers": {},
        "note": "",
        "created_at": iso(registration.created_at),
        "decided_at": None if registration.decided_at is None else iso(registration.decided_at),
        "is_sample": False,
        "version": registration.version,
        **changes,
    }


def test_staff_list_registrations(client, form, headers):
    first = registered(form, 1)

    response = client.get("/api/v1/events/workshop-ge-2016/registrations", **headers)

    assert response.status_code == 200
    assert response.json() == {"items": [registration_json(first, state="pending", version=1)], "count": 1}


@pytest.mark.parametrize(
    ("query", "people"),
    [
        ({"state": "waiting"}, [3]),
        ({"country": "am"}, [2]),
        ({"role": "speaker"}, [1]),
        ({"state": "pending", "country": "GE"}, [1]),
    ],
)
def test_registrations_filter_by_state_country_and_role(client, form, headers, query, people):
    registered(form, 1, role="speaker")
    services.register_person(form, person_fields=person(2, country="AM"))
    registered(form, 3)  # the form holds two: the third waits

    response = client.get("/api/v1/events/workshop-ge-2016/registrations", query, **headers)

    assert [r["person"]["first_name"] for r in response.json()["items"]] == [f"Nino{n}" for n in people]


@pytest.mark.parametrize("size", [1, 6])
def test_the_registration_list_loads_in_a_fixed_number_of_queries(
    client, staff, event, size, django_assert_num_queries
):
    form = open_form(event)
    for n in range(size):
        registered(form, n)
    headers = bearer_for(staff)

    # The token, its last use, the memberships, the event, the count, the page.
    with django_assert_num_queries(6):
        response = client.get("/api/v1/events/workshop-ge-2016/registrations", **headers)

    assert response.json()["count"] == size


def test_staff_register_someone_who_is_approved_at_once(client, staff, form, headers):
    organisation = Country.objects.get(iso2="GE").organisations.create(name="Ministry of Justice", sector="ministry")
    before = Registration.objects.count()

    response = post(
        client,
        "/api/v1/events/workshop-ge-2016/registrations",
        {
            "first_name": "Tamar",
            "last_name": "Kapanadze",
            "email": "Tamar@Example.ge",
            "sex": "female",
            "country": "ge",
            "organisation": organisation.pk,
            "role": "speaker",
        },
        headers,
    )

    assert response.status_code == 201, response.content
    registration = Registration.objects.get(pk=response.json()["id"])
    assert response.json() == {
        **registration_json(registration),
        "person": {
            "id": registration.person_id,
            "title": "",
            "first_name": "Tamar",
            "last_name": "Kapanadze",
            "email": "tamar@example.ge",
            "sex": "female",
            "organisation": "Ministry of Justice",
            "sector": "ministry",
            "is_sample": False,
        },
        "state": "approved",
        "role": "speaker",
        "form": form.pk,
    }
    assert Registration.objects.count() == before + 1
    assert AuditEntry.objects.filter(action="events.registration.created", object_id=str(registration.pk)).exists()


def test_staff_register_a_person_already_recorded(client, staff, form, headers):
    known = create_person(user=staff, **person(5))

    response = post(client, "/api/v1/events/workshop-ge-2016/registrations", {"person": known.pk}, headers)

    assert response.status_code == 201, response.content
    assert response.json()["person"]["id"] == known.pk


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"first_name": "Tamar"}, "last_name", None),
        ({"last_name": "Kapanadze", "email": "not-an-address"}, "email", None),
        ({"last_name": "Kapanadze", "form": 2**40}, "form", None),
        ({"last_name": "Kapanadze", "answers": {"shoe_size": "42"}}, "answers", None),
        (
            {"first_name": "Nino1", "last_name": "Beridze1", "email": "nino1@example.ge"},
            None,
            "Nino1 BERIDZE1 is already registered for this event.",
        ),
    ],
)
def test_a_refused_registration_saves_nothing(client, form, headers, body, field, detail):
    registered(form, 1)
    before = counts()

    response = post(client, "/api/v1/events/workshop-ge-2016/registrations", body, headers)

    problem = assert_problem(response, 422)
    if field:
        assert [error["field"] for error in problem["errors"]] == [field]
    else:
        assert problem["detail"] == detail
    assert counts() == before


def test_a_registration_past_capacity_without_waiting_list_is_refused(client, staff, event, headers):
    form = open_form(event, capacity=1, waiting_list=False)
    registered(form, 1)
    before = counts()

    response = post(client, "/api/v1/events/workshop-ge-2016/registrations", {"last_name": "Late"}, headers)

    problem = assert_problem(response, 422)
    assert problem["detail"] == "This event is full (1 places); no more registrations are taken."
    assert counts() == before


def test_staff_approve_a_registration_from_the_version_they_read(client, staff, form, headers):
    registration = registered(form, 1)

    response = post(
        client, f"/api/v1/registrations/{registration.pk}/transition", {"to": "approved", "version": 1}, headers
    )

    assert response.status_code == 200, response.content
    registration.refresh_from_db()
    assert response.json() == registration_json(registration, state="approved", version=2)
    assert (registration.decided_by, registration.decided_at is not None) == (staff, True)


def test_a_transition_from_a_stale_version_is_a_409_and_changes_nothing(client, staff, form, headers):
    registration = registered(form, 1)
    services.transition_registration(registration, to="approved", user=staff, version=1)
    before, stored = counts(), Registration.objects.filter(pk=registration.pk).values().get()

    response = post(
        client, f"/api/v1/registrations/{registration.pk}/transition", {"to": "declined", "version": 1}, headers
    )

    assert_problem(response, 409)
    assert (counts(), Registration.objects.filter(pk=registration.pk).values().get()) == (before, stored)


def test_a_transition_the_state_does_not_allow_is_a_422(client, staff, form, headers):
    registration = registered(form, 1)
    services.transition_registration(registration, to="approved", user=staff)
    before = counts()

    response = post(
        client, f"/api/v1/registrations/{registration.pk}/transition", {"to": "waiting", "version": 2}, headers
    )

    problem = assert_problem(response, 422)
    assert problem["detail"] == "A registration that is approved cannot become waiting list."
    assert counts() == before


def test_approving_from_the_waiting_list_needs_a_free_seat(client, form, headers):
    registered(form, 1)
    registered(form, 2)
    waiting = registered(form, 3)
    before = counts()

    response = post(client, f"/api/v1/registrations/{waiting.pk}/transition", {"to": "approved", "version": 1}, headers)

    problem = assert_problem(response, 422)
    assert problem["detail"] == "No seat is free (capacity 2)."
    assert (counts(), Registration.objects.get(pk=waiting.pk).state) == (before, "waiting")


def test_a_transition_to_an_unknown_state_names_the_field(client, form, headers):
    registration = registered(form, 1)

    response = post(
        client, f"/api/v1/registrations/{registration.pk}/transition", {"to": "lost", "version": 1}, headers
    )

    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["to"]


# --- attendance --------------------------------------------------------------------------------------------------


def test_staff_check_someone_in_once(client, staff, approved, headers):
    body = {"registration": approved.pk, "day": "2016-05-11", "mode": "online"}

    first = post(client, "/api/v1/events/workshop-ge-2016/attendance", body, headers)
    before = counts()
    again = post(client, "/api/v1/events/workshop-ge-2016/attendance", body, headers)

    attendance = Attendance.objects.get(registration=approved)
    expected = {
        "id": attendance.pk,
        "registration": approved.pk,
        "person": approved.person_id,
        "name": "Nino1 BERIDZE1",
        "day": "2016-05-11",
        "session": None,
        "mode": "online",
        "checked_in_at": iso(attendance.checked_in_at),
        "is_sample": False,
    }
    assert (first.status_code, first.json()) == (201, expected)
    assert (again.status_code, again.json()) == (200, expected)
    assert counts() == before
    assert attendance.checked_in_by == staff


def test_checking_in_at_a_session_takes_its_day(client, session, approved, headers):
    body = {"registration": approved.pk, "session": session.pk}

    response = post(client, "/api/v1/events/workshop-ge-2016/attendance", body, headers)

    assert response.status_code == 201, response.content
    assert (response.json()["day"], response.json()["session"]) == ("2016-05-10", session.pk)


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"day": "2016-05-12"}, None, "2016-05-12 is not a day of Workshop Ge 2016 (2016-05-10 – 2016-05-11)."),
        ({"day": "2016-05-10", "mode": "by_pigeon"}, "mode", None),
        ({"day": "2016-05-10", "session": 2**40}, "session", None),
    ],
)
def test_a_refused_check_in_records_nothing(client, approved, headers, body, field, detail):
    before = counts()

    response = post(
        client, "/api/v1/events/workshop-ge-2016/attendance", {"registration": approved.pk, **body}, headers
    )

    problem = assert_problem(response, 422)
    if field:
        assert [error["field"] for error in problem["errors"]] == [field]
    else:
        assert problem["detail"] == detail
    assert counts() == before


def test_someone_registered_for_another_event_is_not_checked_in_here(client, staff, approved, headers):
    other = make_event(staff, slug="other-2016")
    before = counts()

    response = post(client, f"/api/v1/events/{other.slug}/attendance", {"registration": approved.pk}, headers)

    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["registration"]
    assert counts() == before


def test_a_pending_registration_is_not_checked_in(client, form, headers):
    pending = registered(form, 2)

    response = post(
        client, "/api/v1/events/workshop-ge-2016/attendance", {"registration": pending.pk, "day": "2016-05-10"}, headers
    )

    assert (
        assert_problem(response, 422)["detail"] == "Nino2 BERIDZE2 cannot be checked in: the registration is pending."
    )


def test_staff_list_attendance(client, staff, approved, headers):
    services.check_in(approved, day=datetime.date(2016, 5, 10), user=staff)
    services.check_in(approved, day=datetime.date(2016, 5, 11), user=staff)

    everything = client.get("/api/v1/events/workshop-ge-2016/attendance", **headers).json()
    second_day = client.get("/api/v1/events/workshop-ge-2016/attendance", {"day": "2016-05-11"}, **headers).json()

    assert [(row["day"], row["name"], row["mode"]) for row in everything["items"]] == [
        ("2016-05-10", "Nino1 BERIDZE1", "in_person"),
        ("2016-05-11", "Nino1 BERIDZE1", "in_person"),
    ]
    assert (second_day["count"], second_day["items"][0]["day"]) == (1, "2016-05-11")

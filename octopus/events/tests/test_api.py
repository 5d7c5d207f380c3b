"""Events over the JSON API: what the public may read, what staff may change, and that every refusal is a problem
document that changes nothing."""

import datetime

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.conftest import VISITORS, assert_problem, bearer_for, make_user
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import Attendance, Event, Kind, Registration, Series, Session, SessionPerson, Status
from octopus.events.tests.conftest import make_event, open_form, person
from octopus.people.services import create_person
from octopus.results.models import Level, ResultNode

STAFF_ROLES = {Role.ADMINISTRATOR, Role.PROGRAMME_STAFF, Role.TCY_SECRETARIAT}
READERS = STAFF_ROLES | {Role.FINANCE_OFFICER}  # events.view_events


@pytest.fixture(autouse=True)
def no_reference_events(db):
    # The reference data brings the past Octopus conferences; these tests list exactly the events they make.
    Event.objects.all().delete()


def visiting(visitor, staff):
    """A user of the role (the conftest's `staff` for programme staff), or None for the anonymous."""
    return staff if visitor == Role.PROGRAMME_STAFF else make_user(visitor)


@pytest.fixture
def headers(staff) -> dict:
    return bearer_for(staff)


def iso(value: datetime.datetime) -> str:
    return DjangoJSONEncoder().default(value)


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def post(client, path: str, body: dict, headers: dict):
    return client.post(path, body, content_type="application/json", **headers)


def event_json(**changes) -> dict:
    """The JSON of the conftest's event (a two-day workshop in Tbilisi), with `changes`."""
    return {
        "slug": "workshop-ge-2016",
        "title": "Workshop Ge 2016",
        "kind": "in_country_workshop",
        "series": None,
        "series_name": None,
        "status": "confirmed",
        "starts_on": "2016-05-10",
        "ends_on": "2016-05-11",
        "format": "in_person",
        "venue": "",
        "city": "Tbilisi",
        "country": "GE",
        "host_countries": [],
        "organiser": "Council of Europe – C-PROC",
        "languages": [],
        "description": "",
        "activity": None,
        "is_public": True,
        "dsa_rate": None,
        "our_role": None,
        "audience_estimate": None,
        "countries_reached": [],
        "retention_months": 36,
        "source": "",
        "reported_participants": None,
        "reported_countries": None,
        "is_sample": False,
        "version": 1,
        **changes,
    }


NEW_EVENT = {
    "title": "Regional workshop on electronic evidence",
    "slug": "regional-ee-2017",
    "kind": "regional_workshop",
    "status": "planned",
    "starts_on": "2017-03-06",
    "ends_on": "2017-03-08",
    "venue": "Hotel Radisson",
    "city": "Chisinau",
    "country": "md",
    "host_countries": ["MD", "ua"],
    "languages": ["en", "ru"],
    "dsa_rate": "185.00",
}


def registered(form, n: int, **kwargs) -> Registration:
    return services.register_person(form, person_fields=person(n), **kwargs)


def counts() -> tuple:
    return (
        Event.objects.count(),
        Session.objects.count(),
        Registration.objects.count(),
        Attendance.objects.count(),
        AuditEntry.objects.count(),
    )


# --- events ------------------------------------------------------------------------------------------------------


def test_the_public_lists_public_events_only(client, staff):
    make_event(staff)
    make_event(staff, slug="bureau-2016", kind=Kind.TCY_BUREAU, is_public=False)

    response = client.get("/api/v1/events")

    assert response.status_code == 200
    assert response.json() == {"items": [event_json()], "count": 1}


@pytest.mark.parametrize("visitor", sorted(READERS))
def test_roles_that_read_events_list_every_event(client, staff, visitor):
    make_event(staff)
    make_event(staff, slug="bureau-2016", kind=Kind.TCY_BUREAU, is_public=False)

    response = client.get("/api/v1/events", **bearer_for(visiting(visitor, staff)))

    assert [e["slug"] for e in response.json()["items"]] == ["bureau-2016", "workshop-ge-2016"]


def test_a_workspace_session_reads_every_event_too(client, staff):
    make_event(staff, slug="bureau-2016", kind=Kind.TCY_BUREAU, is_public=False)
    client.force_login(staff)

    assert [e["slug"] for e in client.get("/api/v1/events").json()["items"]] == ["bureau-2016"]


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ({"kind": "training"}, ["training-al-2017"]),
        ({"status": "held"}, ["training-al-2017"]),
        ({"year": 2016}, ["workshop-ge-2016"]),
        ({"country": "al"}, ["training-al-2017"]),
        ({"country": "GE", "year": 2017}, []),
    ],
)
def test_events_filter_by_kind_status_year_and_country(client, staff, query, slugs):
    make_event(staff)
    make_event(
        staff, slug="training-al-2017", kind=Kind.TRAINING, status=Status.HELD, starts_on=datetime.date(2017, 2, 1),
        country=Country.objects.get(iso2="AL"),
    )  # fmt: skip

    response = client.get("/api/v1/events", query)

    assert [e["slug"] for e in response.json()["items"]] == slugs


def test_the_event_list_loads_in_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    for n in range(3):
        event = make_event(staff, slug=f"workshop-{n}")
        event.host_countries.set(Country.objects.filter(iso2__in=["GE", "AM"]))

    # The count, the page, the host countries and the countries reached of the page.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/events")

    assert [e["host_countries"] for e in response.json()["items"]] == [["AM", "GE"]] * 3


def test_one_public_event(client, event):
    response = client.get(f"/api/v1/events/{event.slug}")

    assert (response.status_code, response.json()) == (200, event_json())


@pytest.mark.parametrize("visitor", ["anonymous", Role.FOCAL_POINT, Role.DONOR, "no_role"])
def test_an_event_that_is_not_public_is_a_404_to_those_who_may_not_read_it(client, staff, visitor):
    make_event(staff, is_public=False)

    response = client.get("/api/v1/events/workshop-ge-2016", **bearer_for(visiting(visitor, staff)))

    assert_problem(response, 404)


def test_staff_read_an_event_that_is_not_public(client, staff, headers):
    make_event(staff, is_public=False)

    response = client.get("/api/v1/events/workshop-ge-2016", **headers)

    assert (response.status_code, response.json()) == (200, event_json(is_public=False))


def test_staff_create_an_event(client, staff, headers):
    response = post(client, "/api/v1/events", NEW_EVENT, headers)

    assert response.status_code == 201, response.content
    assert response.json() == event_json(
        slug="regional-ee-2017", title="Regional workshop on electronic evidence", kind="regional_workshop",
        status="planned", starts_on="2017-03-06", ends_on="2017-03-08", venue="Hotel Radisson", city="Chisinau",
        country="MD", host_countries=["MD", "UA"], languages=["en", "ru"], dsa_rate="185.00",
    )  # fmt: skip
    event = Event.objects.get(slug="regional-ee-2017")
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.object_id, entry.user) == ("events.event.created", str(event.pk), staff)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2017-03-05"}, "ends_on"),
        ({"slug": "workshop-ge-2016"}, "slug"),
        ({"country": "XX"}, "country"),
        ({"host_countries": ["GE", "QQ"]}, "host_countries"),
        ({"title": ""}, "title"),
        ({"starts_on": "2017-02-30"}, "starts_on"),
    ],
)
def test_a_refused_event_names_the_field_and_saves_nothing(client, event, headers, changes, field):
    before = counts()

    response = post(client, "/api/v1/events", {**NEW_EVENT, **changes}, headers)

    body = assert_problem(response, 422)
    assert [error["field"] for error in body["errors"]] == [field]
    assert counts() == before


def test_our_role_is_only_for_contributions(client, headers):
    before = counts()

    response = post(client, "/api/v1/events", {**NEW_EVENT, "our_role": "speaker"}, headers)

    problem = assert_problem(response, 422)
    assert (
        problem["detail"]
        == "Our role and the estimated audience are recorded only for contributions to others' events."
    )
    assert counts() == before


def test_staff_change_an_event_from_the_version_they_read(client, event, headers):
    body = {**NEW_EVENT, "slug": event.slug, "title": "Workshop on cybercrime legislation", "version": 1}

    response = client.put(f"/api/v1/events/{event.slug}", body, content_type="application/json", **headers)

    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["version"]) == ("Workshop on cybercrime legislation", 2)
    event.refresh_from_db()
    assert (event.title, event.city, event.version) == ("Workshop on cybercrime legislation", "Chisinau", 2)


def test_a_change_from_a_stale_version_is_a_409_and_changes_nothing(client, staff, event, headers):
    services.update_event(event, version=1, user=staff, venue="Radisson Blu")
    before, stored = counts(), Event.objects.filter(pk=event.pk).values().get()
    body = {**NEW_EVENT, "slug": event.slug, "title": "From a stale copy", "version": 1}

    response = client.put(f"/api/v1/events/{event.slug}", body, content_type="application/json", **headers)

    problem = assert_problem(response, 409)
    assert problem["detail"] == "Someone changed this record while you were editing it; reload to see their change."
    assert (counts(), Event.objects.filter(pk=event.pk).values().get()) == (before, stored)


# --- sessions ----------------------------------------------------------------------------------------------------


@pytest.fixture
def session(staff, event) -> Session:
    chair = create_person(user=staff, **person(9))
    day = event.starts_on
    return services.save_session(
        Session(event=event, title="Opening", starts_at=at(day, 9), ends_at=at(day, 10), room="Hall A"),
        user=staff, people=[(chair, "chair")],
    )  # fmt: skip


def session_json(session: Session, people: list) -> dict:
    return {
        "id": session.pk,
        "title": "Opening",
        "kind": "plenary",
        "starts_at": "2016-05-10T07:00:00Z",  # 09:00 in Paris
        "ends_at": "2016-05-10T08:00:00Z",
        "room": "Hall A",
        "description": "",
        "people": people,
    }


def test_the_public_reads_the_timetable_without_names(client, session):
    response = client.get("/api/v1/events/workshop-ge-2016/sessions")

    assert response.status_code == 200
    assert response.json() == [session_json(session, [])]


def test_staff_read_who_chairs_and_speaks(client, session, headers):
    chair = SessionPerson.objects.get(session=session).person

    response = client.get("/api/v1/events/workshop-ge-2016/sessions", **headers)

    assert response.json() == [session_json(session, [{"person": chair.pk, "name": "Nino9 BERIDZE9", "role": "chair"}])]


def test_the_timetable_of_an_event_that_is_not_public_is_a_404_to_the_public(client, staff):
    make_event(staff, is_public=False)

    assert_problem(client.get("/api/v1/events/workshop-ge-2016/sessions"), 404)


def test_staff_add_a_session_with_its_speakers(client, staff, form, headers):
    speaker = registered(form, 1).person

    response = post(
        client,
        "/api/v1/events/workshop-ge-2016/sessions",
        {
            "title": "Workshop: electronic evidence",
            "kind": "workshop",
            "starts_at": "2016-05-11T14:00:00+02:00",
            "ends_at": "2016-05-11T15:30:00+02:00",
            "room": "Room 2",
            "speakers": [speaker.pk],
        },
        headers,
    )

    assert response.status_code == 201, response.content
    added = Session.objects.get(event=form.event)
    assert response.json() == {
        "id": added.pk,
        "title": "Workshop: electronic evidence",
        "kind": "workshop",
        "starts_at": "2016-05-11T12:00:00Z",
        "ends_at": "2016-05-11T13:30:00Z",
        "room": "Room 2",
        "description": "",
        "people": [{"person": speaker.pk, "name": "Nino1 BERIDZE1", "role": "speaker"}],
    }


@pytest.mark.parametrize(
    ("changes", "field", "detail"),
    [
        ({"ends_at": "2016-05-11T13:00:00+02:00"}, "ends_at", None),
        ({"chairs": [2**40]}, "chairs", None),
        (
            {"starts_at": "2016-05-12T09:00:00+02:00", "ends_at": "2016-05-12T10:00:00+02:00"},
            None,
            "The session must take place between 2016-05-10 and 2016-05-11, the days of the event.",
        ),
    ],
)
def test_a_refused_session_saves_nothing(client, event, headers, changes, field, detail):
    before = counts()
    body = {"title": "Panel", "starts_at": "2016-05-11T14:00:00+02:00", "ends_at": "2016-05-11T15:00:00+02:00"}

    response = post(client, f"/api/v1/events/{event.slug}/sessions", {**body, **changes}, headers)

    problem = assert_problem(response, 422)
    if field:
        assert [error["field"] for error in problem["errors"]] == [field]
    else:
        assert problem["detail"] == detail
    assert counts() == before


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
        },
        "state": registration.state,
        "role": "participant",
        "country": "GE",
        "is_head_of_delegation": False,
        "answers": {},
        "note": "",
        "created_at": iso(registration.created_at),
        "decided_at": None if registration.decided_at is None else iso(registration.decided_at),
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
        {"first_name": "Tamar", "last_name": "Kapanadze", "email": "Tamar@Example.ge", "sex": "female",
         "country": "ge", "organisation": organisation.pk, "role": "speaker"},
        headers,
    )  # fmt: skip

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
        ({"first_name": "Nino1", "last_name": "Beridze1", "email": "nino1@example.ge"}, None,
         "Nino1 BERIDZE1 is already registered for this event."),
    ],
)  # fmt: skip
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


@pytest.fixture
def approved(form) -> Registration:
    return registered(form, 1, by_staff=True)


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


# --- who may do what ---------------------------------------------------------------------------------------------


def write_routes(event, form, approved):
    return {
        "create event": ("post", "/api/v1/events", {**NEW_EVENT}),
        "change event": ("put", f"/api/v1/events/{event.slug}", {**NEW_EVENT, "slug": event.slug, "version": 1}),
        "add session": (
            "post",
            f"/api/v1/events/{event.slug}/sessions",
            {"title": "Panel", "starts_at": "2016-05-11T14:00:00+02:00", "ends_at": "2016-05-11T15:00:00+02:00"},
        ),
        "register": ("post", f"/api/v1/events/{event.slug}/registrations", {"last_name": "Kapanadze"}),
        "transition": ("post", f"/api/v1/registrations/{approved.pk}/transition", {"to": "cancelled", "version": 1}),
        "check in": (
            "post", f"/api/v1/events/{event.slug}/attendance", {"registration": approved.pk, "day": "2016-05-10"}
        ),
    }  # fmt: skip


@pytest.mark.parametrize("visitor", [v for v in VISITORS if v not in STAFF_ROLES])
@pytest.mark.parametrize("route", ["create event", "change event", "add session", "register", "transition", "check in"])
def test_only_staff_change_events(client, staff, event, form, approved, visitor, route):
    headers = bearer_for(visiting(visitor, staff))
    method, path, body = write_routes(event, form, approved)[route]
    before, stored = counts(), Event.objects.filter(pk=event.pk).values().get()

    response = getattr(client, method)(path, body, content_type="application/json", **headers)

    assert_problem(response, 401 if visitor == "anonymous" else 403)
    assert (counts(), Event.objects.filter(pk=event.pk).values().get()) == (before, stored)
    assert Registration.objects.get(pk=approved.pk).state == "approved"


@pytest.mark.parametrize("visitor", sorted(STAFF_ROLES))
def test_every_staff_role_may_check_in(client, staff, approved, visitor):
    headers = bearer_for(visiting(visitor, staff))

    response = post(
        client,
        "/api/v1/events/workshop-ge-2016/attendance",
        {"registration": approved.pk, "day": "2016-05-10"},
        headers,
    )

    assert response.status_code == 201


def test_a_workspace_session_does_not_write(client, staff, event):
    client.force_login(staff)
    before = counts()

    response = post(client, "/api/v1/events", NEW_EVENT, {})

    assert_problem(response, 401)
    assert counts() == before


@pytest.mark.parametrize("visitor", [v for v in VISITORS if v not in READERS])
@pytest.mark.parametrize("path", ["registrations", "attendance"])
def test_registrations_and_attendance_are_for_roles_that_read_events(client, staff, approved, visitor, path):
    response = client.get(f"/api/v1/events/workshop-ge-2016/{path}", **bearer_for(visiting(visitor, staff)))

    body = assert_problem(response, 401 if visitor == "anonymous" else 403)
    assert "Nino" not in response.content.decode()
    assert body["status"] in (401, 403)


@pytest.mark.parametrize("visitor", sorted(READERS))
def test_roles_that_read_events_read_registrations_and_attendance(client, staff, approved, visitor):
    headers = bearer_for(visiting(visitor, staff))

    registrations = client.get("/api/v1/events/workshop-ge-2016/registrations", **headers)
    attendance = client.get("/api/v1/events/workshop-ge-2016/attendance", **headers)

    assert (registrations.status_code, registrations.json()["count"]) == (200, 1)
    assert (attendance.status_code, attendance.json()["count"]) == (200, 0)


def test_a_speaker_must_be_registered_for_the_event(client, staff, event, headers):
    stranger = create_person(user=staff, **person(7))
    before = counts()
    body = {"title": "Panel", "starts_at": "2016-05-11T14:00:00+02:00", "ends_at": "2016-05-11T15:00:00+02:00"}

    response = post(client, "/api/v1/events/workshop-ge-2016/sessions", {**body, "speakers": [stranger.pk]}, headers)

    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["speakers"]
    assert counts() == before


def test_an_event_names_its_series_and_the_activity_it_serves(client, headers):
    series = Series.objects.create(name="Regional workshops", kind=Kind.REGIONAL_WORKSHOP)
    activity = ResultNode.objects.filter(level=Level.ACTIVITY).order_by("pk").first()

    response = post(client, "/api/v1/events", {**NEW_EVENT, "series": series.pk, "activity": activity.pk}, headers)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["series"], body["series_name"], body["activity"]) == (series.pk, "Regional workshops", activity.pk)


def test_the_published_contract_documents_a_conflict_on_transition_and_no_sign_in_for_public_reads(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    transition = paths["/api/v1/registrations/{registration_id}/transition"]["post"]
    assert transition["responses"]["409"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert [path for path in ("/api/v1/events", "/api/v1/events/{slug}", "/api/v1/events/{slug}/sessions")
            if "security" in paths[path]["get"]] == []  # fmt: skip
    assert paths["/api/v1/events/{slug}/registrations"]["get"]["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]


@pytest.mark.parametrize("size", [1, 4])
def test_the_attendance_list_loads_in_a_fixed_number_of_queries(client, staff, event, size, django_assert_num_queries):
    form = open_form(event)
    for n in range(size):
        services.check_in(registered(form, n, by_staff=True), day=event.starts_on, user=staff)
    headers = bearer_for(staff)

    # The token, its last use, the memberships, the event, the count, the page.
    with django_assert_num_queries(6):
        response = client.get("/api/v1/events/workshop-ge-2016/attendance", **headers)

    assert response.json()["count"] == size


def test_a_public_route_read_with_a_wrong_token_shows_what_is_public(client, staff):
    make_event(staff)
    make_event(staff, slug="bureau-2016", kind=Kind.TCY_BUREAU, is_public=False)

    response = client.get("/api/v1/events", HTTP_AUTHORIZATION="Bearer not-a-key")

    assert [e["slug"] for e in response.json()["items"]] == ["workshop-ge-2016"]

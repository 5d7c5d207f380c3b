"""Events over the JSON API: what the public may read, what staff may change, and that every refusal is a problem
document that changes nothing."""

import datetime

import pytest

from octopus.accounts.models import AuditEntry, Role
from octopus.api import SAMPLE_HEADER
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import Event, Kind, Registration, Series, Session, SessionPerson, Status
from octopus.events.tests.api import (
    NEW_EVENT,
    READERS,
    STAFF_ROLES,
    at,
    counts,
    event_json,
    post,
    registered,
    visiting,
)
from octopus.events.tests.conftest import make_event, open_form, person
from octopus.people.services import create_person
from octopus.results.models import Level, ResultNode
from octopus.testing.helpers import VISITORS, assert_problem, bearer_for

pytestmark = pytest.mark.usefixtures("no_reference_events")

# --- events ------------------------------------------------------------------------------------------------------


def test_the_public_lists_public_events_only(client, staff):
    make_event(staff)
    make_event(staff, slug="bureau-2016", kind=Kind.TCY_BUREAU, is_public=False)

    response = client.get("/api/v1/events")

    assert response.status_code == 200
    assert response.json() == {"items": [event_json()], "count": 1}


def test_a_sample_event_says_so_in_the_body_and_a_header(client, staff):
    make_event(staff)
    real = client.get("/api/v1/events")
    day = datetime.date(2017, 3, 1)
    sample = make_event(staff, slug="sample-workshop-2017", starts_on=day, is_sample=True)
    services.save_session(Session(event=sample, title="Opening", starts_at=at(day, 9), ends_at=at(day, 10)), user=staff)

    both = client.get("/api/v1/events")
    timetable = client.get("/api/v1/events/sample-workshop-2017/sessions")

    assert [(e["slug"], e["is_sample"]) for e in real.json()["items"]] == [("workshop-ge-2016", False)]
    assert SAMPLE_HEADER not in real.headers
    assert [(e["slug"], e["is_sample"]) for e in both.json()["items"]] == [
        ("sample-workshop-2017", True),
        ("workshop-ge-2016", False),
    ]
    assert both.headers[SAMPLE_HEADER] == "true"
    assert ([s["is_sample"] for s in timetable.json()], timetable.headers[SAMPLE_HEADER]) == ([True], "true")


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
        staff,
        slug="training-al-2017",
        kind=Kind.TRAINING,
        status=Status.HELD,
        starts_on=datetime.date(2017, 2, 1),
        country=Country.objects.get(iso2="AL"),
    )

    response = client.get("/api/v1/events", query)

    assert [e["slug"] for e in response.json()["items"]] == slugs


def test_the_event_list_loads_in_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    for n in range(3):
        event = make_event(staff, slug=f"workshop-{n}")
        event.host_countries.set(Country.objects.filter(iso2__in=["GE", "AM"]))

    # The count, the page, the host countries, the countries reached and the programmes served of the page.
    with django_assert_num_queries(5):
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
        slug="regional-ee-2017",
        title="Regional workshop on electronic evidence",
        kind="regional_workshop",
        status="planned",
        starts_on="2017-03-06",
        ends_on="2017-03-08",
        venue="Hotel Radisson",
        city="Chisinau",
        country="MD",
        host_countries=["MD", "UA"],
        languages=["en", "ru"],
        dsa_rate="185.00",
    )
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


def session_json(session: Session, people: list) -> dict:
    return {
        "id": session.pk,
        "title": "Opening",
        "kind": "plenary",
        "starts_at": "2016-05-10T07:00:00Z",  # 09:00 in Paris
        "ends_at": "2016-05-10T08:00:00Z",
        "room": "Hall A",
        "description": "",
        "is_sample": False,
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
        "is_sample": False,
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
            "post",
            f"/api/v1/events/{event.slug}/attendance",
            {"registration": approved.pk, "day": "2016-05-10"},
        ),
    }


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
    assert [
        path
        for path in ("/api/v1/events", "/api/v1/events/{slug}", "/api/v1/events/{slug}/sessions")
        if "security" in paths[path]["get"]
    ] == []
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

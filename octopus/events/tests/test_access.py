"""Every events page and API route × every kind of visitor (`octopus.testing.helpers.VISITORS`).

The public reads public events, registers, checks certificates and nominates through a link; staff of the programme
office run events; the finance officer reads them and keeps the funded travel. A refused page sends the anonymous to
sign in and is a 403 for everyone else; a refused API call is a problem 401 or 403. Whatever is refused changes
nothing; every allowed write takes effect and is audited under the acting user. The tables must cover exactly the
routes served under the prefixes that `octopus/accounts/tests/test_access.py` leaves to this file.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import Role, User
from octopus.accounts.services import issue_api_token
from octopus.countries.models import Country
from octopus.events.calendars import person_token
from octopus.events.models import (
    Attendance,
    Delegation,
    Event,
    Kind,
    Registration,
    RegistrationForm,
    RegistrationState,
    Session,
    Travel,
)
from octopus.events.tests.access import (
    EVENT_READERS,
    EVERYONE,
    STAFF,
    TRAVEL_KEEPERS,
    EventWorld,
    build,
    database_state,
)
from octopus.jobs.models import Job, JobStatus
from octopus.lib.imports import stage
from octopus.results.assignments import assignments_of
from octopus.results.models import Programme
from octopus.testing.access_matrix import (
    StateBefore,
    api_reads,
    api_request,
    api_writes,
    audited,
    bearer,
    check_api_read,
    check_api_write,
    check_page_read,
    check_page_write,
    page_reads,
    page_writes,
    redirected_to,
    served_api_routes,
    served_pages,
)
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import VISITORS, PageAccess, assert_page_refused, assert_problem, make_user

READERS = EVENT_READERS  # staff and the finance officer

# The prefixes the central matrix leaves to this file (its EXCLUDED_PREFIXES).
PREFIXES = ("events/", "workspace/events/", "workspace/check-in/", "nominate/", "verify/")
API_PREFIXES = ("/api/v1/events", "/api/v1/registrations")


PAGES = {
    # Public: the calendar, programme, registration, feeds, certificate checks and the nomination link.
    "events:events_public": PageAccess(read=EVERYONE, write=None),
    "events:event_public": PageAccess(read=EVERYONE, write=None),
    "events:event_register": PageAccess(read=EVERYONE, write=EVERYONE),
    "events:event_participants_public": PageAccess(read=EVERYONE, write=None),
    "events:events_ical": PageAccess(read=EVERYONE, write=None),
    "events:person_ical": PageAccess(read=EVERYONE, write=None),  # the signed token is the authority
    "events:certificate_check": PageAccess(read=EVERYONE, write=None),
    "events:certificate_verify": PageAccess(read=EVERYONE, write=None),
    "events:nominate": PageAccess(read=EVERYONE, write=EVERYONE),  # the secret link is the authority
    # The event workspace.
    "events:events": PageAccess(read=READERS, write=None),
    "events:event_create": PageAccess(read=STAFF, write=STAFF),
    "events:series": PageAccess(read=READERS, write=None),
    "events:event": PageAccess(read=READERS, write=None),
    "events:event_edit": PageAccess(read=STAFF, write=STAFF),
    "events:event_clone": PageAccess(read=STAFF, write=STAFF),
    "events:event_programmes": PageAccess(read=READERS, write=STAFF),  # POST sets the programmes served
    "events:event_sessions": PageAccess(read=READERS, write=STAFF),  # POST adds a session
    "events:event_session_edit": PageAccess(read=STAFF, write=STAFF),
    "events:event_session_remove": PageAccess(read=None, write=STAFF),  # POST only
    "events:event_forms": PageAccess(read=READERS, write=STAFF),  # POST adds a registration form
    "events:event_form_edit": PageAccess(read=STAFF, write=STAFF),
    "events:event_registrations": PageAccess(read=READERS, write=None),
    "events:registration_add": PageAccess(read=STAFF, write=STAFF),
    "events:registration": PageAccess(read=READERS, write=None),
    "events:registration_transition": PageAccess(read=None, write=STAFF),  # POST only
    # Delegations, check-in, travel, contributions.
    "events:event_delegations": PageAccess(read=READERS, write=STAFF),  # POST issues a nomination link
    "events:delegation": PageAccess(read=READERS, write=STAFF),  # POST records credentials
    "events:event_checkin": PageAccess(read=STAFF, write=STAFF),
    "events:event_checkin_counts": PageAccess(read=STAFF, write=None),
    "events:checkin_badge": PageAccess(read=STAFF, write=STAFF),
    "events:event_travel": PageAccess(read=TRAVEL_KEEPERS, write=TRAVEL_KEEPERS),  # POST funds a participant's travel
    "events:travel": PageAccess(read=TRAVEL_KEEPERS, write=TRAVEL_KEEPERS),
    "events:event_contribution": PageAccess(read=READERS, write=STAFF),
    # Documents, exports and the import.
    "events:event_badges": PageAccess(read=STAFF, write=None),
    "events:event_participants_pdf": PageAccess(read=READERS, write=None),
    "events:event_delegations_pdf": PageAccess(read=READERS, write=None),
    "events:registration_certificate": PageAccess(read=STAFF, write=None),  # GET issues the certificate if need be
    "events:event_export": PageAccess(read=READERS, write=None),  # registrations; the travel export: TRAVEL_KEEPERS
    "events:event_import": PageAccess(read=STAFF, write=STAFF),
    "events:event_import_preview": PageAccess(read=STAFF, write=STAFF),  # POST queues the import
}

API_ROUTES = {
    "GET /api/v1/events": EVERYONE,
    "GET /api/v1/events/{slug}": EVERYONE,
    "GET /api/v1/events/{slug}/sessions": EVERYONE,
    "POST /api/v1/events": STAFF,
    "PUT /api/v1/events/{slug}": STAFF,
    "PUT /api/v1/events/{slug}/programmes": STAFF,
    "POST /api/v1/events/{slug}/sessions": STAFF,
    "GET /api/v1/events/{slug}/registrations": READERS,
    "POST /api/v1/events/{slug}/registrations": STAFF,
    "POST /api/v1/registrations/{registration_id}/transition": STAFF,
    "GET /api/v1/events/{slug}/attendance": READERS,
    "POST /api/v1/events/{slug}/attendance": STAFF,
}


def test_the_pages_tested_are_the_pages_served():
    assert served_pages(PREFIXES) == set(PAGES)


def test_the_api_routes_tested_are_the_api_routes_served():
    assert served_api_routes(API_PREFIXES) == set(API_ROUTES)


# Arrange: the event world as the visitor finds it, built by someone else.


@dataclass
class World:
    user: User | None
    key: str | None  # the visitor's API key, if signed in
    events: EventWorld


IMPORT_CSV = b"first name,last name,e-mail,country\nLevan,Gelashvili,levan@example.ge,GE\n"


@pytest.fixture
def world(db, visitor) -> World:
    builder = UserFactory(email="event-builder@example.org")
    events = build(builder)
    user = make_user(visitor)
    key = issue_api_token(user, name="access test")[1] if user else None
    return World(user=user, key=key, events=events)


@pytest.fixture
def visitor_client(client, world):
    if world.user:
        client.force_login(world.user)
    # A list of participants read and waiting for confirmation, as `event_import` leaves it in the session.
    session = client.session
    session[f"events.import.{world.events.event.pk}"] = {
        "staged": stage(SimpleUploadedFile("participants.csv", IMPORT_CSV)),
        "form": world.events.form.pk,
        "name": "participants.csv",
    }
    session.save()
    return client


def today() -> datetime.date:
    return timezone.localdate()


def page_args(name: str, w: EventWorld) -> list:
    slug = w.event.slug
    return {
        "events:events_public": [],
        "events:events_ical": [],
        "events:certificate_check": [],
        "events:events": [],
        "events:event_create": [],
        "events:event_register": [slug, w.form.pk],
        "events:person_ical": [person_token(w.attended.person)],
        "events:certificate_verify": [w.attended.certificate_code],
        "events:nominate": [w.token],
        "events:series": [w.series.pk],
        "events:event_session_edit": [slug, w.session.pk],
        "events:event_session_remove": [slug, w.session.pk],
        "events:event_form_edit": [slug, w.form.pk],
        "events:registration": [slug, w.pending.pk],
        "events:registration_transition": [slug, w.pending.pk],
        "events:registration_certificate": [slug, w.attended.pk],
        "events:delegation": [slug, w.delegation.pk],
        "events:checkin_badge": [w.approved.badge_key],
        "events:travel": [slug, w.travel.pk],
        "events:event_contribution": [w.contribution.slug],
        "events:event_export": [slug, "registrations", "csv"],
    }.get(name, [slug])


def page_path(name: str, world: World) -> str:
    return reverse(name, args=page_args(name, world.events))


# Pages: reading. A refused read changes nothing either (the certificate download issues one when allowed).


@pytest.mark.parametrize(("route", "visitor"), [(n, v) for n in page_reads(PAGES) for v in VISITORS])
def test_page_read(visitor_client, world, route, visitor):
    path = page_path(route, world)
    state = StateBefore(database_state)

    response = visitor_client.get(path)

    check_page_read(visitor, response, path, PAGES[route].read)
    if visitor not in PAGES[route].read:
        state.assert_unchanged(visitor)


@pytest.mark.parametrize("visitor", VISITORS)
def test_travel_export_follows_travel_rights(visitor_client, world, visitor):
    path = reverse("events:event_export", args=[world.events.event.slug, "travel", "xlsx"])

    response = visitor_client.get(path)

    if visitor in TRAVEL_KEEPERS:
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{world.events.event.slug}-travel.xlsx"'
    else:
        assert_page_refused(response, visitor, path)


# Pages: writing. Each write: what it sends, and what it must have done when allowed.


def register_form(w):
    return {"first_name": "Lia", "last_name": "Abashidze", "email": "lia@example.ge", "country": "GE"}


def registered(world, response):
    assert response.status_code == 200
    registration = Registration.objects.get(person__email="lia@example.ge")
    assert (registration.event, registration.form, registration.state) == (
        world.events.event,
        world.events.form,
        RegistrationState.PENDING,
    )
    audited(world.user, "events.registration.created", registration)


def nominate_form(w):
    return {"first_name": "Ani", "last_name": "Petrosyan", "email": "ani@example.am", "head": "on"}


def nominated(world, response):
    redirected_to(response, "events:nominate", world.events.token)
    registration = Registration.objects.get(person__email="ani@example.am")
    assert (registration.delegation, registration.state, registration.is_head_of_delegation) == (
        world.events.delegation,
        RegistrationState.PENDING,
        True,
    )
    assert registration.country.iso2 == "AM"
    audited(world.user, "events.delegation.nominated", registration)


EVENT_FIELDS = {
    "kind": Kind.IN_COUNTRY_WORKSHOP.value,
    "status": "planned",
    "format": "in_person",
    "organiser": "Council of Europe – C-PROC",
    "retention_months": "36",
    "city": "Yerevan",
}


def create_form(w):
    start = today() + datetime.timedelta(days=60)
    return {**EVENT_FIELDS, "title": "New workshop", "slug": "access-new", "starts_on": start, "ends_on": start}


def created(world, response):
    event = Event.objects.get(slug="access-new")
    redirected_to(response, "events:event", "access-new")
    assert (event.title, event.city, event.starts_on) == ("New workshop", "Yerevan", today() + datetime.timedelta(60))
    audited(world.user, "events.event.created", event)


def edit_form(w):
    event = w.event
    return {
        **EVENT_FIELDS,
        "title": "Renamed workshop",
        "slug": event.slug,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "country": event.country.pk,
        "version": event.version,
    }


def edited(world, response):
    event = Event.objects.get(pk=world.events.event.pk)
    redirected_to(response, "events:event", event.slug)
    assert (event.title, event.city, event.version) == ("Renamed workshop", "Yerevan", world.events.event.version + 1)
    audited(world.user, "events.event.updated", event)


def clone_form(w):
    return {"title": "Workshop again", "slug": "access-again", "starts_on": today() + datetime.timedelta(days=90)}


def cloned(world, response):
    clone = Event.objects.get(slug="access-again")
    redirected_to(response, "events:event", "access-again")
    assert (clone.title, clone.starts_on, clone.sessions.count()) == (
        "Workshop again",
        today() + datetime.timedelta(days=90),
        1,
    )
    audited(world.user, "events.event.cloned", clone)


def programmes_form(w):
    programme = Programme.objects.get(code="cybercrime-octopus")
    activity = programme.nodes.get(code="A3.1")
    return {
        "version": w.event.version,
        "programmes-TOTAL_FORMS": "1",
        "programmes-INITIAL_FORMS": "0",
        "programmes-0-programme": programme.code,
        "programmes-0-activity": activity.pk,
        "programmes-0-share": "100",
    }


def programmes_set(world, response):
    redirected_to(response, "events:event", world.events.event.slug)
    event = Event.objects.get(pk=world.events.event.pk)
    assert [(a.programme.code, a.activity.code, a.share) for a in assignments_of(event)] == [
        ("cybercrime-octopus", "A3.1", 100)
    ]
    audited(world.user, "results.assignment.set", event)


def at(hour: int) -> str:
    return f"{today().isoformat()}T{hour:02d}:00"


def session_form(w):
    return {"title": "Case studies", "kind": "workshop", "starts_at": at(14), "ends_at": at(15), "room": "B"}


def session_added(world, response):
    session = Session.objects.get(event=world.events.event, title="Case studies")
    redirected_to(response, "events:event_sessions", world.events.event.slug)
    assert (session.kind, session.room, timezone.localtime(session.starts_at).hour) == ("workshop", "B", 14)
    audited(world.user, "events.session.added", session)


def session_edit_form(w):
    return {"title": "Opening remarks", "kind": "plenary", "starts_at": at(9), "ends_at": at(10), "room": "A"}


def session_changed(world, response):
    session = Session.objects.get(pk=world.events.session.pk)
    redirected_to(response, "events:event_sessions", world.events.event.slug)
    assert (session.title, session.room) == ("Opening remarks", "A")
    audited(world.user, "events.session.changed", session)


def session_removed(world, response):
    redirected_to(response, "events:event_sessions", world.events.event.slug)
    assert not Session.objects.filter(pk=world.events.session.pk).exists()
    audited(world.user, "events.session.removed", world.events.session)


FORM_FIELDS = {"audience": "speakers", "is_open": "on", "requires_approval": "on", "capacity": "20", "questions": ""}


def forms_form(w):
    return {**FORM_FIELDS, "title": "Speakers"}


def form_added(world, response):
    redirected_to(response, "events:event_forms", world.events.event.slug)
    added = RegistrationForm.objects.get(event=world.events.event, title="Speakers")
    assert (added.audience, added.capacity, added.is_open) == ("speakers", 20, True)
    audited(world.user, "events.form.saved", added)


def form_edit_form(w):
    return {**FORM_FIELDS, "audience": "participants", "title": "Participants (closed)", "is_open": ""}


def form_edited(world, response):
    redirected_to(response, "events:event_forms", world.events.event.slug)
    form = RegistrationForm.objects.get(pk=world.events.form.pk)
    assert (form.title, form.is_open, form.capacity) == ("Participants (closed)", False, 20)
    audited(world.user, "events.form.saved", form)


def registration_add_form(w):
    return {"form": w.form.pk, "last_name": "Gelashvili", "email": "levan@example.ge", "country": "GE"}


def registration_added(world, response):
    redirected_to(response, "events:event_registrations", world.events.event.slug)
    registration = Registration.objects.get(event=world.events.event, person__email="levan@example.ge")
    assert registration.state == RegistrationState.APPROVED  # staff register people directly
    audited(world.user, "events.registration.created", registration)


def transition_form(w):
    return {"to": "approved", "version": w.pending.version}


def transitioned(world, response):
    redirected_to(response, "events:registration", world.events.event.slug, world.events.pending.pk)
    registration = Registration.objects.get(pk=world.events.pending.pk)
    assert registration.state == RegistrationState.APPROVED
    audited(world.user, "events.registration.approved", registration)


def invite_form(w):
    return {"country": Country.objects.get(iso2="FR").pk, "category": "member"}


def invited(world, response):
    assert response.status_code == 200
    delegation = Delegation.objects.get(event=world.events.event, country__iso2="FR")
    issued = response.context["issued"]
    assert issued["delegation"] == delegation
    assert issued["link"] in response.content.decode()  # shown once: only its digest is kept
    audited(world.user, "events.delegation.link_issued", delegation)


def credentials_form(w):
    return {"action": "credentials", "received_on": today(), "verified": "on", "version": w.delegation.version}


def credentials_recorded(world, response):
    redirected_to(response, "events:delegation", world.events.event.slug, world.events.delegation.pk)
    delegation = Delegation.objects.get(pk=world.events.delegation.pk)
    assert (delegation.credentials_received_on, delegation.credentials_verified_by) == (today(), world.user)
    audited(world.user, "events.delegation.credentials", delegation)


def checkin_form(w):
    return {"registration": w.approved.pk, "day": today().isoformat(), "mode": "in_person"}


def checked_in(world, response):
    assert response.status_code == 302
    attendance = Attendance.objects.get(registration=world.events.approved)
    assert (attendance.day, attendance.session, attendance.mode, attendance.checked_in_by) == (
        today(),
        None,
        "in_person",
        world.user,
    )
    audited(world.user, "events.attendance.checked_in", attendance)


def badge_form(w):
    return {"session": "", "mode": "in_person"}


def badge_checked_in(world, response):
    redirected_to(response, "events:checkin_badge", world.events.approved.badge_key)
    checked_in(world, response)


def fund_form(w):
    return {"registration": w.approved.pk, "eligible": "on", "ticket_cost": "380", "nights": "2"}


def funded(world, response):
    travel = Travel.objects.get(registration=world.events.approved)
    redirected_to(response, "events:travel", world.events.event.slug, travel.pk)
    assert (travel.ticket_cost, travel.nights, travel.dsa_rate) == (380, 2, 200)
    audited(world.user, "events.travel.requested", travel)


def travel_form(w):
    return {
        "status": "approved",
        "eligible": "on",
        "requested_on": today(),
        "itinerary": "Yerevan – Tbilisi",
        "ticket_reference": "ABC123",
        "ticket_cost": "450",
        "nights": "3",
        "dsa_rate": "200",
        "advance_paid": "0",
        "version": w.travel.version,
    }


def travel_updated(world, response):
    redirected_to(response, "events:event_travel", world.events.event.slug)
    travel = Travel.objects.get(pk=world.events.travel.pk)
    assert (travel.status, travel.nights, travel.ticket_reference) == ("approved", 3, "ABC123")
    audited(world.user, "events.travel.updated", travel)


def contribution_form(w):
    return {
        "our_role": "speaker",
        "audience_estimate": "120",
        "countries_reached": [Country.objects.get(iso2="AM").pk],
        "version": w.contribution.version,
        "deployed-TOTAL_FORMS": "0",
        "deployed-INITIAL_FORMS": "0",
    }


def contributed(world, response):
    redirected_to(response, "events:event_contribution", world.events.contribution.slug)
    event = Event.objects.get(pk=world.events.contribution.pk)
    assert (event.our_role, event.audience_estimate) == ("speaker", 120)
    assert [c.iso2 for c in event.countries_reached.all()] == ["AM"]
    audited(world.user, "events.contribution.recorded", event)


def upload_form(w):
    return {"file": SimpleUploadedFile("list.csv", IMPORT_CSV, content_type="text/csv"), "registration_form": w.form.pk}


def uploaded(world, response):
    # Reading the file stores its rows for the preview; nothing is registered until the import is confirmed.
    redirected_to(response, "events:event_import_preview", world.events.event.slug)
    assert not Registration.objects.filter(person__email="levan@example.ge").exists()


def import_form(w):
    return {"mode": "add"}


def imported(world, response):
    job = Job.objects.exclude(pk=world.events.import_job.pk).get()
    redirected_to(response, "jobs:job", job.pk)
    assert (job.status, job.total, job.created_by, job.outcome) == (
        JobStatus.DONE,
        1,
        world.user,
        {"added": 1, "updated": 0, "skipped": 0},
    )
    registration = Registration.objects.get(event=world.events.event, person__email="levan@example.ge")
    assert (registration.form, registration.person.last_name) == (world.events.form, "Gelashvili")
    audited(world.user, "events.participants.imported", world.events.event)


PAGE_WRITES = {
    "events:event_register": (register_form, registered),
    "events:nominate": (nominate_form, nominated),
    "events:event_create": (create_form, created),
    "events:event_edit": (edit_form, edited),
    "events:event_clone": (clone_form, cloned),
    "events:event_programmes": (programmes_form, programmes_set),
    "events:event_sessions": (session_form, session_added),
    "events:event_session_edit": (session_edit_form, session_changed),
    "events:event_session_remove": (lambda w: {}, session_removed),
    "events:event_forms": (forms_form, form_added),
    "events:event_form_edit": (form_edit_form, form_edited),
    "events:registration_add": (registration_add_form, registration_added),
    "events:registration_transition": (transition_form, transitioned),
    "events:event_delegations": (invite_form, invited),
    "events:delegation": (credentials_form, credentials_recorded),
    "events:event_checkin": (checkin_form, checked_in),
    "events:checkin_badge": (badge_form, badge_checked_in),
    "events:event_travel": (fund_form, funded),
    "events:travel": (travel_form, travel_updated),
    "events:event_contribution": (contribution_form, contributed),
    "events:event_import": (upload_form, uploaded),
    "events:event_import_preview": (import_form, imported),
}


def test_every_page_write_has_a_scenario():
    assert set(PAGE_WRITES) == set(page_writes(PAGES))


@pytest.mark.parametrize(("route", "visitor"), [(n, v) for n in page_writes(PAGES) for v in VISITORS])
def test_page_write(visitor_client, world, route, visitor, django_capture_on_commit_callbacks):
    form, took_effect = PAGE_WRITES[route]
    path = page_path(route, world)
    data = form(world.events)
    state = StateBefore(database_state)

    # What a write leaves for after the commit (mails, the import job) runs, as it would outside a test.
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_client.post(path, data)

    check_page_write(visitor, world, response, path, PAGES[route].write, took_effect, state)


# API.


def api_url(route: str, world: World) -> str:
    path = route.split(" ", 1)[1]
    return path.format(slug=world.events.event.slug, registration_id=world.events.pending.pk)


def api_event(w):
    start = (today() + datetime.timedelta(days=60)).isoformat()
    return {
        "title": "API workshop",
        "slug": "access-api",
        "kind": Kind.IN_COUNTRY_WORKSHOP.value,
        "starts_on": start,
        "ends_on": start,
        "country": "AM",
    }


def api_event_created(world, response):
    assert response.status_code == 201
    event = Event.objects.get(slug="access-api")
    assert (response.json()["slug"], event.title, event.country.iso2) == ("access-api", "API workshop", "AM")
    audited(world.user, "events.event.created", event)


def api_event_change(w):
    event = w.event
    return {
        "title": "Renamed over the API",
        "slug": event.slug,
        "kind": event.kind,
        "status": event.status,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "country": "GE",
        "city": "Batumi",
        "dsa_rate": "200",
        "version": event.version,
    }


def api_event_changed(world, response):
    assert response.status_code == 200
    event = Event.objects.get(pk=world.events.event.pk)
    assert (event.title, event.city, event.version) == (
        "Renamed over the API",
        "Batumi",
        world.events.event.version + 1,
    )
    assert response.json()["version"] == event.version
    audited(world.user, "events.event.updated", event)


def api_session(w):
    return {"title": "API session", "starts_at": at(16), "ends_at": at(17), "room": "C"}


def api_session_added(world, response):
    assert response.status_code == 201
    session = Session.objects.get(event=world.events.event, title="API session")
    assert response.json()["id"] == session.pk
    audited(world.user, "events.session.added", session)


def api_registration(w):
    return {"form": w.form.pk, "last_name": "Gelashvili", "email": "levan@example.ge", "country": "GE"}


def api_registered(world, response):
    assert response.status_code == 201
    registration = Registration.objects.get(event=world.events.event, person__email="levan@example.ge")
    assert (response.json()["id"], registration.state) == (registration.pk, RegistrationState.APPROVED)
    audited(world.user, "events.registration.created", registration)


def api_transition(w):
    return {"to": "approved", "version": w.pending.version}


def api_transitioned(world, response):
    assert response.status_code == 200
    registration = Registration.objects.get(pk=world.events.pending.pk)
    assert (registration.state, response.json()["state"]) == (RegistrationState.APPROVED, "approved")
    audited(world.user, "events.registration.approved", registration)


def api_attendance(w):
    return {"registration": w.approved.pk}


def api_checked_in(world, response):
    assert response.status_code == 201
    attendance = Attendance.objects.get(registration=world.events.approved)
    assert (response.json()["id"], attendance.day, attendance.checked_in_by) == (attendance.pk, today(), world.user)
    audited(world.user, "events.attendance.checked_in", attendance)


def api_programmes(w):
    return {
        "programmes": [{"programme": "cybercrime-octopus", "share": "100", "activity": "A3.1"}],
        "version": w.event.version,
    }


def api_programmes_set(world, response):
    assert response.status_code == 200
    event = Event.objects.get(pk=world.events.event.pk)
    assert response.json()["programmes"] == [{"programme": "cybercrime-octopus", "share": "100.00", "activity": "A3.1"}]
    assert [(a.programme.code, a.activity.code) for a in assignments_of(event)] == [("cybercrime-octopus", "A3.1")]
    audited(world.user, "results.assignment.set", event)


API_WRITES = {
    "POST /api/v1/events": (api_event, api_event_created),
    "PUT /api/v1/events/{slug}": (api_event_change, api_event_changed),
    "PUT /api/v1/events/{slug}/programmes": (api_programmes, api_programmes_set),
    "POST /api/v1/events/{slug}/sessions": (api_session, api_session_added),
    "POST /api/v1/events/{slug}/registrations": (api_registration, api_registered),
    "POST /api/v1/registrations/{registration_id}/transition": (api_transition, api_transitioned),
    "POST /api/v1/events/{slug}/attendance": (api_attendance, api_checked_in),
}
API_READS = api_reads(API_ROUTES)


def test_every_api_write_has_a_scenario():
    assert set(API_WRITES) == set(api_writes(API_ROUTES))


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_READS for v in VISITORS])
def test_api_read(client, world, route, visitor):
    response = client.get(api_url(route, world), **bearer(world))

    check_api_read(visitor, response, API_ROUTES[route])


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_WRITES for v in VISITORS])
def test_api_write(client, world, route, visitor, django_capture_on_commit_callbacks):
    body, took_effect = API_WRITES[route]
    state = StateBefore(database_state)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_request(client, route, api_url(route, world), body(world.events), **bearer(world))

    check_api_write(visitor, world, response, API_ROUTES[route], took_effect, state)
    if visitor == "anonymous" and visitor not in API_ROUTES[route]:
        assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write_with_a_signed_in_session_but_no_token_is_refused(client, db, route):
    # A workspace session is no authority for API writes: a page elsewhere could otherwise forge them.
    staff = make_user(Role.PROGRAMME_STAFF)
    world = World(user=staff, key=None, events=build(staff))
    client.force_login(staff)
    body, _took_effect = API_WRITES[route]
    state = StateBefore(database_state)

    response = api_request(client, route, api_url(route, world), body(world.events))

    assert_problem(response, 401)
    state.assert_unchanged("signed-in session")

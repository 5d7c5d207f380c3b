"""Every membership and meeting page and API route of the committee × every kind of visitor
(`octopus.testing.helpers.VISITORS`).

The public reads the membership and the series of plenaries, and the public meetings over the API; readers of the
committee (staff, the finance officer, focal points) read its workspace; staff keep membership, meetings and agendas;
staff and the finance officer keep interpretation and read funded participation (travel costs). A refused page sends
the anonymous to sign in and is a 403 for everyone else; a refused API call is a problem 401 or 403. Whatever is
refused changes nothing; every allowed write takes effect and is audited under the acting user. The tables cover
exactly the routes of `views.membership`, `views.meetings` and the routers of `api.membership` and `api.meetings`.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role, User
from octopus.accounts.services import issue_api_token
from octopus.committees.api import meetings as meetings_api
from octopus.committees.api import membership as membership_api
from octopus.committees.models import (
    AgendaItem,
    BureauTerm,
    Committee,
    Document,
    InterpretationRequest,
    Meeting,
    ObserverAdmission,
    Representative,
)
from octopus.committees.views import meetings as meetings_views
from octopus.committees.views import membership as membership_views
from octopus.countries.models import Country
from octopus.events.models import Event, Kind, Status
from octopus.people.models import Organisation, Person
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
)
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import VISITORS, PageAccess, assert_problem, make_user

D = datetime.date
EVERYONE = frozenset(VISITORS)
STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
READERS = STAFF | {Role.FINANCE_OFFICER.value, Role.FOCAL_POINT.value}  # committees.view_committee
COSTS = STAFF | {Role.FINANCE_OFFICER.value}  # manage_language_services; events.manage_travel

PAGES = {
    "committees:tcy_public": PageAccess(read=EVERYONE, write=None),
    "committees:tcy_workspace": PageAccess(read=READERS, write=None),
    "committees:tcy_admit": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_admission_end": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_representative_add": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_representative_end": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_bureau_elect": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_bureau_end": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_meetings_public": PageAccess(read=EVERYONE, write=None),
    "committees:tcy_meetings": PageAccess(read=READERS, write=STAFF),  # POST numbers an event as a meeting
    "committees:tcy_meeting": PageAccess(read=READERS, write=STAFF),  # POST adds an agenda item
    "committees:tcy_agenda_item": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_meeting_decisions": PageAccess(read=READERS, write=None),
    "committees:tcy_interpretation_add": PageAccess(read=COSTS, write=COSTS),
    "committees:tcy_interpretation": PageAccess(read=COSTS, write=COSTS),
    "committees:tcy_participation": PageAccess(read=COSTS, write=None),
}

API_ROUTES = {
    "GET /api/v1/committee/members": EVERYONE,
    "POST /api/v1/committee/admissions": STAFF,
    "GET /api/v1/committee/meetings": EVERYONE,
    "GET /api/v1/committee/meetings/{meeting_id}": EVERYONE,  # the meeting's event is public
    "POST /api/v1/committee/meetings/{meeting_id}/agenda": STAFF,
}


def test_the_pages_tested_are_the_pages_served():
    served = {f"committees:{p.name}" for p in membership_views.urlpatterns + meetings_views.urlpatterns}
    assert served == set(PAGES)


def test_the_api_routes_tested_are_the_api_routes_served():
    served = {
        f"{method} /api/v1{path}"
        for router in (membership_api.router, meetings_api.router)
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    assert served == set(API_ROUTES)


# Arrange: the committee as the visitor finds it, built by someone else.


@dataclass
class CommitteeWorld:
    admission: ObserverAdmission
    seat: Representative
    term: BureauTerm
    meeting: Meeting
    item: AgendaItem
    booked: InterpretationRequest
    unlinked: Event


def build(user) -> CommitteeWorld:
    """Rows written directly (the services are tested elsewhere): this world is built for each of ~260 cases."""
    tcy = Committee.objects.get(code="T-CY")
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=["FR", "GE"])}
    unodc = Organisation.objects.create(name="UNODC", sector="international_organisation")
    admission = ObserverAdmission.objects.create(committee=tcy, organisation=unodc, admitted_on=D(2015, 1, 1))
    giorgi = Person.objects.create(
        first_name="Giorgi", last_name="Tsiklauri", email="giorgi@example.org", country=countries["GE"]
    )
    seat = Representative.objects.create(
        committee=tcy, country=countries["GE"], person=giorgi, role="head", starts_on=D(2016, 1, 1)
    )
    paul = Person.objects.create(last_name="Martin", email="paul@example.org", country=countries["FR"])
    term = BureauTerm.objects.create(
        committee=Committee.objects.get(code="T-CY Bureau"),
        person=paul,
        country=countries["FR"],
        role="chair",
        starts_on=D(2016, 1, 1),
    )
    event = Event.objects.create(
        title="97th plenary",
        slug="access-plenary",
        kind=Kind.TCY_PLENARY,
        status=Status.HELD,
        starts_on=D(2017, 7, 10),
        ends_on=D(2017, 7, 12),
    )
    unlinked = Event.objects.create(
        title="18th plenary",
        slug="access-unlinked",
        kind=Kind.TCY_PLENARY,
        starts_on=D(2018, 7, 9),
        ends_on=D(2018, 7, 11),
    )
    meeting = Meeting.objects.create(committee=tcy, event=event, number=97)  # no real plenary has that number
    item = AgendaItem.objects.create(meeting=meeting, order=1, number="1", title="Opening")
    Document.objects.create(committee=tcy, symbol="T-CY(2099)1", title="Working paper", type="working_document")
    booked = InterpretationRequest.objects.create(meeting=meeting, languages=["en", "fr"], booths=2, days=3)
    return CommitteeWorld(
        admission=admission, seat=seat, term=term, meeting=meeting, item=item, booked=booked, unlinked=unlinked
    )


def database_state() -> dict:
    """What a refused request must leave as it was: the committee's rows, the people, and the audit log."""
    models = (
        ObserverAdmission,
        Representative,
        BureauTerm,
        Meeting,
        AgendaItem,
        InterpretationRequest,
        Document,
        Person,
        Organisation,
    )
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    state["agenda_documents"] = list(AgendaItem.documents.through.objects.order_by("pk").values())
    state["audit_entries"] = AuditEntry.objects.count()
    return state


@dataclass
class World:
    user: User | None
    key: str | None
    committee: CommitteeWorld


@pytest.fixture
def world(db, visitor) -> World:
    builder = UserFactory(email="committee-builder@example.org")
    committee = build(builder)
    user = make_user(visitor)
    key = issue_api_token(user, name="access test")[1] if user else None
    return World(user=user, key=key, committee=committee)


@pytest.fixture
def visitor_client(client, world):
    if world.user:
        client.force_login(world.user)
    return client


def page_path(name: str, w: CommitteeWorld) -> str:
    args = {
        "committees:tcy_admission_end": [w.admission.pk],
        "committees:tcy_representative_end": [w.seat.pk],
        "committees:tcy_bureau_end": [w.term.pk],
        "committees:tcy_meeting": [w.meeting.pk],
        "committees:tcy_agenda_item": [w.meeting.pk, w.item.pk],
        "committees:tcy_meeting_decisions": [w.meeting.pk, "csv"],
        "committees:tcy_interpretation_add": [w.meeting.pk],
        "committees:tcy_interpretation": [w.meeting.pk, w.booked.pk],
    }.get(name, [])
    return reverse(name, args=args)


@pytest.mark.parametrize(("route", "visitor"), [(n, v) for n in page_reads(PAGES) for v in VISITORS])
def test_page_read(visitor_client, world, route, visitor):
    path = page_path(route, world.committee)
    state = StateBefore(database_state)

    response = visitor_client.get(path)

    check_page_read(visitor, response, path, PAGES[route].read)
    state.assert_unchanged(visitor)


# Writes: what each sends, and what it must have done when allowed.


def admitted(world, response):
    redirected_to(response, "committees:tcy_workspace", exact=True)
    admission = ObserverAdmission.objects.get(country__iso2="CN")
    assert (admission.admitted_on, admission.decision) == (D(2020, 1, 1), "T-CY 22")
    audited(world.user, "committees.observer.admitted", admission)


def ended(model, field: str, action: str):
    def check(world, response):
        redirected_to(response, "committees:tcy_workspace", exact=True)
        row = model.objects.get(
            pk={
                ObserverAdmission: world.committee.admission,
                Representative: world.committee.seat,
                BureauTerm: world.committee.term,
            }[model].pk
        )
        assert getattr(row, field) == D(2020, 12, 31)
        audited(world.user, action, row)

    return check


def appointed(world, response):
    redirected_to(response, "committees:tcy_workspace", exact=True)
    seat = Representative.objects.get(country__iso2="FR")
    assert (seat.role, seat.person.email, seat.person.country.iso2) == ("head", "anne@example.org", "FR")
    audited(world.user, "committees.representative.appointed", seat)


def elected(world, response):
    redirected_to(response, "committees:tcy_workspace", exact=True)
    term = BureauTerm.objects.get(country__iso2="GE")
    assert (term.role, term.person.last_name) == ("member", "Beridze")
    audited(world.user, "committees.bureau.elected", term)


def recorded(world, response):
    meeting = Meeting.objects.get(event=world.committee.unlinked)
    redirected_to(response, "committees:tcy_meeting", meeting.pk, exact=True)
    assert str(meeting) == "T-CY 18"
    audited(world.user, "committees.meeting.recorded", meeting)


def item_added(world, response):
    redirected_to(response, "committees:tcy_meeting", world.committee.meeting.pk, exact=True)
    item = AgendaItem.objects.get(meeting=world.committee.meeting, number="2")
    assert (item.order, item.title) == (2, "Adoption of the agenda")
    audited(world.user, "committees.agenda_item.added", item)


def item_changed(world, response):
    redirected_to(response, "committees:tcy_meeting", world.committee.meeting.pk, exact=True)
    item = AgendaItem.objects.get(pk=world.committee.item.pk)
    assert (item.title, item.decision) == ("Opening remarks", "Opened by the Chair.")
    audited(world.user, "committees.agenda_item.changed", item)


def interpretation_requested(world, response):
    redirected_to(response, "committees:tcy_meeting", world.committee.meeting.pk, exact=True)
    booked = InterpretationRequest.objects.exclude(pk=world.committee.booked.pk).get()
    assert (booked.languages, booked.booths, booked.cost) == (["en", "ru"], 2, 5000)
    audited(world.user, "committees.interpretation.requested", booked)


def interpretation_updated(world, response):
    redirected_to(response, "committees:tcy_meeting", world.committee.meeting.pk, exact=True)
    booked = InterpretationRequest.objects.get(pk=world.committee.booked.pk)
    assert (booked.languages, booked.status, booked.version) == (["en", "fr", "ru"], "confirmed", 2)
    audited(world.user, "committees.interpretation.updated", booked)


def country_pk(iso2: str) -> int:
    return Country.objects.get(iso2=iso2).pk


END = {"ends_on": "2020-12-31"}
PAGE_WRITES = {
    "committees:tcy_admit": (
        lambda w: {"country": country_pk("CN"), "admitted_on": "2020-01-01", "decision": "T-CY 22"},
        admitted,
    ),
    "committees:tcy_admission_end": (lambda w: END, ended(ObserverAdmission, "ended_on", "committees.observer.ended")),
    "committees:tcy_representative_add": (
        lambda w: {
            "country": country_pk("FR"),
            "role": "head",
            "first_name": "Anne",
            "last_name": "Dupont",
            "email": "anne@example.org",
            "starts_on": "2016-01-01",
        },
        appointed,
    ),
    "committees:tcy_representative_end": (
        lambda w: END,
        ended(Representative, "ends_on", "committees.representative.ended"),
    ),
    "committees:tcy_bureau_elect": (
        lambda w: {"country": country_pk("GE"), "role": "member", "last_name": "Beridze", "starts_on": "2016-01-01"},
        elected,
    ),
    "committees:tcy_bureau_end": (lambda w: END, ended(BureauTerm, "ends_on", "committees.bureau.ended")),
    "committees:tcy_meetings": (lambda w: {"event": w.unlinked.pk, "number": "18"}, recorded),
    "committees:tcy_meeting": (lambda w: {"number": "2", "title": "Adoption of the agenda"}, item_added),
    "committees:tcy_agenda_item": (
        lambda w: {
            "order": "1",
            "number": "1",
            "title": "Opening remarks",
            "decision": "Opened by the Chair.",
            "version": str(w.item.version),
        },
        item_changed,
    ),
    "committees:tcy_interpretation_add": (
        lambda w: {"languages": "en, ru", "booths": "2", "days": "2", "cost": "5000"},
        interpretation_requested,
    ),
    "committees:tcy_interpretation": (
        lambda w: {
            "languages": "en, fr, ru",
            "booths": "3",
            "days": "3",
            "cost": "7000",
            "status": "confirmed",
            "note": "",
            "version": "1",
        },
        interpretation_updated,
    ),
}


def test_every_page_write_has_a_scenario():
    assert set(PAGE_WRITES) == set(page_writes(PAGES))


@pytest.mark.parametrize(("route", "visitor"), [(n, v) for n in page_writes(PAGES) for v in VISITORS])
def test_page_write(visitor_client, world, route, visitor):
    form, took_effect = PAGE_WRITES[route]
    path = page_path(route, world.committee)
    data = form(world.committee)
    state = StateBefore(database_state)

    response = visitor_client.post(path, data)

    check_page_write(visitor, world, response, path, PAGES[route].write, took_effect, state)


# API.


def api_url(route: str, w: CommitteeWorld) -> str:
    return route.split(" ", 1)[1].format(meeting_id=w.meeting.pk)


def api_admitted(world, response):
    assert response.status_code == 201
    admission = ObserverAdmission.objects.get(country__iso2="CN")
    assert response.json()["id"] == admission.pk
    audited(world.user, "committees.observer.admitted", admission)


def api_item_added(world, response):
    assert response.status_code == 201
    item = AgendaItem.objects.get(meeting=world.committee.meeting, number="2")
    assert (response.json()["id"], item.order) == (item.pk, 2)
    audited(world.user, "committees.agenda_item.added", item)


API_WRITES = {
    "POST /api/v1/committee/admissions": (lambda w: {"country": "CN", "admitted_on": "2020-01-01"}, api_admitted),
    "POST /api/v1/committee/meetings/{meeting_id}/agenda": (
        lambda w: {"number": "2", "title": "Agenda"},
        api_item_added,
    ),
}
API_READS = api_reads(API_ROUTES)


def test_every_api_write_has_a_scenario():
    assert set(API_WRITES) == set(api_writes(API_ROUTES))


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_READS for v in VISITORS])
def test_api_read(client, world, route, visitor):
    state = StateBefore(database_state)

    response = client.get(api_url(route, world.committee), **bearer(world))

    check_api_read(visitor, response, API_ROUTES[route])
    state.assert_unchanged(visitor)


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_WRITES for v in VISITORS])
def test_api_write(client, world, route, visitor):
    body, took_effect = API_WRITES[route]
    state = StateBefore(database_state)

    response = api_request(client, route, api_url(route, world.committee), body(world.committee), **bearer(world))

    check_api_write(visitor, world, response, API_ROUTES[route], took_effect, state)
    if visitor == "anonymous" and visitor not in API_ROUTES[route]:
        assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write_with_a_signed_in_session_but_no_token_is_refused(client, db, route):
    staff = make_user(Role.TCY_SECRETARIAT)
    committee = build(staff)
    client.force_login(staff)
    body, _took_effect = API_WRITES[route]
    state = StateBefore(database_state)

    response = api_request(client, route, api_url(route, committee), body(committee))

    assert_problem(response, 401)
    state.assert_unchanged("signed-in session")

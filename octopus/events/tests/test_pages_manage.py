"""The event workspace as staff use it: events, timetable, registration forms and registrations."""

import datetime
import re

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import (
    Event,
    Kind,
    Registration,
    RegistrationForm,
    RegistrationState,
    Series,
    Session,
    Status,
)
from octopus.events.tests.conftest import delete_with_what_protects_it, make_event, open_form, person
from octopus.people.models import Person
from octopus.testing.helpers import make_user

D = datetime.date


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def aware(day, hour, minute=0):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def register_many(staff, form, start, count, **fields):
    return [
        services.register_person(form, person_fields=person(n, **fields), user=staff, by_staff=True)
        for n in range(start, start + count)
    ]


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- who may see and change ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visitor", "read", "change"),
    [
        (Role.PROGRAMME_STAFF, 200, 200),
        (Role.ADMINISTRATOR, 200, 200),
        (Role.TCY_SECRETARIAT, 200, 200),
        (Role.FINANCE_OFFICER, 200, 403),
        (Role.FOCAL_POINT, 403, 403),
        (Role.DONOR, 403, 403),
        ("no_role", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_reading_needs_view_events_and_changing_needs_manage_events(client, staff, event, visitor, read, change):
    user = staff if visitor == Role.PROGRAMME_STAFF else make_user(visitor)
    if user:
        client.force_login(user)
    assert client.get(reverse("events:event", args=[event.slug])).status_code == read
    assert client.get(reverse("events:events")).status_code == read
    assert client.get(reverse("events:event_registrations", args=[event.slug])).status_code == read
    assert client.get(reverse("events:event_edit", args=[event.slug])).status_code == change
    assert client.get(reverse("events:event_create")).status_code == change


def test_a_finance_officer_sees_the_timetable_but_cannot_add_a_session(client, event):
    client.force_login(make_user(Role.FINANCE_OFFICER))
    url = reverse("events:event_sessions", args=[event.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Opening", "kind": "plenary", "starts_at": "2016-05-10T09:00", "ends_at": "2016-05-10T10:00"}
    )
    assert response.status_code == 403
    assert not event.sessions.exists()


# --- the list of events, in a fixed number of queries -----------------------------------------------------------


# session, user, memberships (3), the page count and the page of events with their counts (2), the country and
# series choices of the filters (2), the sample banner (1).
EVENT_LIST_QUERIES = 8


def test_the_event_list_counts_registrations_in_a_fixed_number_of_queries(
    staff_client, staff, django_assert_num_queries
):
    first = make_event(staff, slug="workshop-a")
    register_many(staff, open_form(first, capacity=None), 1, 2)
    with django_assert_num_queries(EVENT_LIST_QUERIES):
        small = staff_client.get(reverse("events:events"))
    for n in range(5):
        other = make_event(staff, slug=f"workshop-b{n}", starts_on=D(2017, 3, 1 + n))
        register_many(staff, open_form(other, capacity=None), 10 * n, n + 1)
    with django_assert_num_queries(EVENT_LIST_QUERIES):
        large = staff_client.get(reverse("events:events"))

    assert small.status_code == large.status_code == 200
    html = large.content.decode()
    row = re.search(r'data-event="workshop-b4">(.*?)</tr>', html, re.S).group(1)
    assert 'data-count="total">5<' in row and 'data-count="pending">0<' in row and 'data-count="approved">5<' in row
    assert re.search(r'data-event="workshop-a">.*?data-count="total">2<', html, re.S)


def test_the_event_list_filters_by_kind_year_and_country_and_sorts_by_title(staff_client, staff):
    delete_with_what_protects_it(Event.objects.all())  # the reference conferences and plenaries
    make_event(staff, slug="alpha-workshop", starts_on=D(2016, 5, 10))
    make_event(
        staff,
        slug="tcy-plenary-2017",
        kind=Kind.TCY_PLENARY,
        starts_on=D(2017, 7, 10),
        country=Country.objects.get(iso2="MD"),
    )
    make_event(staff, slug="zulu-training", kind=Kind.TRAINING, starts_on=D(2017, 9, 1))

    def slugs(query):
        return re.findall(
            r'<tr data-event="([^"]+)"', staff_client.get(reverse("events:events") + query).content.decode()
        )

    assert slugs("?kind=tcy_plenary") == ["tcy-plenary-2017"]
    assert slugs("?year=2017&sort=title") == ["tcy-plenary-2017", "zulu-training"]
    assert slugs("?country=MD") == ["tcy-plenary-2017"]
    assert slugs("?year=2017&sort=starts_on") == ["tcy-plenary-2017", "zulu-training"]
    assert slugs("?year=2017&sort=-title") == ["zulu-training", "tcy-plenary-2017"]
    assert slugs("?year=2016&kind=in_country_workshop") == ["alpha-workshop"]


def test_an_empty_event_list_says_what_to_do_next(staff_client):
    delete_with_what_protects_it(Event.objects.all())  # the reference conferences and plenaries
    html = staff_client.get(reverse("events:events")).content.decode()
    assert "No event yet. Create the first one" in html
    assert reverse("events:event_create") in html


# --- creating, editing, cloning --------------------------------------------------------------------------------


def event_data(**overrides):
    data = {
        "title": "Regional workshop on e-evidence",
        "slug": "regional-e-evidence-2018",
        "kind": Kind.REGIONAL_WORKSHOP,
        "status": Status.PLANNED,
        "starts_on": "2018-04-16",
        "ends_on": "2018-04-18",
        "format": "in_person",
        "venue": "Hotel Radisson",
        "city": "Bucharest",
        "country": Country.objects.get(iso2="RO").pk,
        "host_countries": [Country.objects.get(iso2="MD").pk, Country.objects.get(iso2="UA").pk],
        "organiser": "Council of Europe – C-PROC",
        "languages": "en, RO",
        "description": "Three days on electronic evidence.",
        "is_public": "on",
        "dsa_rate": "215.00",
        "retention_months": "24",
    }
    data.update(overrides)
    return data


def test_staff_create_an_event_with_host_countries_and_languages(staff_client):
    response = staff_client.post(reverse("events:event_create"), event_data())

    event = Event.objects.get(slug="regional-e-evidence-2018")
    assert response.status_code == 302 and response.url == reverse("events:event", args=[event.slug])
    assert event.languages == ["en", "ro"]
    assert sorted(c.iso2 for c in event.host_countries.all()) == ["MD", "UA"]
    assert (event.starts_on, event.ends_on, str(event.dsa_rate), event.retention_months) == (
        D(2018, 4, 16),
        D(2018, 4, 18),
        "215.00",
        24,
    )
    assert AuditEntry.objects.filter(action="events.event.created", object_id=str(event.pk)).count() == 1
    assert staff_client.get(response.url).status_code == 200


def test_an_event_ending_before_it_starts_or_with_bad_languages_is_refused_keeping_what_was_typed(staff_client):
    response = staff_client.post(
        reverse("events:event_create"), event_data(ends_on="2018-04-10", languages="english, fr")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The last day is before the first day." in html
    assert "not understood: english" in html
    assert 'value="Regional workshop on e-evidence"' in html
    assert not Event.objects.filter(slug="regional-e-evidence-2018").exists()


def test_a_role_for_an_event_that_is_not_a_contribution_is_refused_by_the_service(staff_client):
    response = staff_client.post(reverse("events:event_create"), event_data(our_role="speaker"))
    assert "recorded only for contributions" in response.content.decode()
    assert not Event.objects.filter(slug="regional-e-evidence-2018").exists()


def test_staff_edit_an_event_and_a_stale_edit_is_refused_keeping_what_was_typed(staff_client, staff, event):
    url = reverse("events:event_edit", args=[event.slug])
    form_html = staff_client.get(url).content.decode()
    assert 'name="version" value="1"' in form_html
    data = event_data(
        slug=event.slug, title="Renamed workshop", starts_on="2016-05-10", ends_on="2016-05-11", version="1"
    )

    # Someone else saves in between.
    services.update_event(event, version=1, user=staff, city="Batumi")
    response = staff_client.post(url, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone changed this record while you were editing it" in html
    assert 'value="Renamed workshop"' in html
    assert 'name="version" value="2"' in html  # saving again is a deliberate choice
    event.refresh_from_db()
    assert (event.title, event.city, event.version) == ("Workshop Ge 2016", "Batumi", 2)

    response = staff_client.post(url, {**data, "version": "2"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.city, event.version) == ("Renamed workshop", "Bucharest", 3)


def test_moving_an_event_away_from_its_sessions_is_refused(staff_client, staff, event):
    services.save_session(
        Session(event=event, title="Opening", starts_at=aware(event.starts_on, 9), ends_at=aware(event.starts_on, 10)),
        user=staff,
    )
    data = event_data(slug=event.slug, starts_on="2016-06-10", ends_on="2016-06-11", version="1")

    response = staff_client.post(reverse("events:event_edit", args=[event.slug]), data)

    assert "Some sessions fall outside the new dates" in response.content.decode()
    event.refresh_from_db()
    assert event.starts_on == D(2016, 5, 10)


def test_staff_clone_an_event_with_its_timetable_and_forms(staff_client, staff, event, form):
    services.save_session(
        Session(event=event, title="Opening", starts_at=aware(event.starts_on, 9), ends_at=aware(event.starts_on, 10)),
        user=staff,
    )
    url = reverse("events:event_clone", args=[event.slug])
    assert 'value="workshop-ge-2016-copy"' in staff_client.get(url).content.decode()

    response = staff_client.post(url, {"title": "Workshop 2017", "slug": "workshop-ge-2017", "starts_on": "2017-05-09"})

    clone = Event.objects.get(slug="workshop-ge-2017")
    assert response.url == reverse("events:event", args=["workshop-ge-2017"])
    assert (clone.starts_on, clone.ends_on, clone.status) == (D(2017, 5, 9), D(2017, 5, 10), Status.PLANNED)
    assert [s.title for s in clone.sessions.all()] == ["Opening"]
    assert [f.title for f in clone.forms.all()] == ["Participants"]
    assert not clone.registrations.exists()

    again = staff_client.post(url, {"title": "Again", "slug": "workshop-ge-2017", "starts_on": "2018-05-09"})
    assert again.status_code == 400
    assert "Another event already uses this short name." in again.content.decode()
    taken = staff_client.post(reverse("events:event_create"), event_data(slug="workshop-ge-2017"))
    assert taken.status_code == 400
    assert "Another event already uses this short name." in taken.content.decode()
    assert Event.objects.filter(slug="workshop-ge-2017").count() == 1


# --- overview and series ---------------------------------------------------------------------------------------


def test_the_overview_counts_registrations_by_state_and_people_checked_in(staff_client, staff, event):
    form = open_form(event, capacity=None)
    first, second, third = register_many(staff, form, 1, 3)
    services.transition_registration(third, to=RegistrationState.CANCELLED, user=staff)
    services.check_in(first, day=event.starts_on, user=staff)
    services.check_in(first, day=event.ends_on, user=staff)
    services.check_in(second, day=event.starts_on, user=staff)

    html = staff_client.get(reverse("events:event", args=[event.slug])).content.decode()

    assert 'data-count="approved"><a href="/workspace/events/workshop-ge-2016/registrations/?state=approved">2<' in html
    assert re.search(r'data-count="cancelled"><a [^>]*>1<', html)
    assert 'data-count="total">3<' in html
    assert 'data-count="checked_in">2<' in html
    # The links to the delegation, check-in and document pages.
    assert "data-related-pages" in html and reverse("events:event_checkin", args=[event.slug]) in html


# session, user, memberships (3), the series (1), its events with their counts (1), the sample banner (1).
SERIES_QUERIES = 6


def test_the_series_page_lists_its_events_in_order_with_counts(staff_client, staff, django_assert_num_queries):
    series = Series.objects.create(name="T-CY plenaries (test)", kind=Kind.TCY_PLENARY)
    later = make_event(staff, slug="tcy-19", kind=Kind.TCY_PLENARY, starts_on=D(2018, 7, 9), series=series)
    with django_assert_num_queries(SERIES_QUERIES):
        staff_client.get(reverse("events:series", args=[series.pk]))
    make_event(staff, slug="tcy-18", kind=Kind.TCY_PLENARY, starts_on=D(2017, 11, 27), series=series)
    register_many(staff, open_form(later, capacity=None), 1, 2)

    with django_assert_num_queries(SERIES_QUERIES):
        html = staff_client.get(reverse("events:series", args=[series.pk])).content.decode()

    assert re.findall(r'<tr data-event="([^"]+)"', html) == ["tcy-18", "tcy-19"]
    assert re.search(r'data-event="tcy-19">.*?data-count="total">2<', html, re.S)


# --- timetable -------------------------------------------------------------------------------------------------


def session_data(**overrides):
    return {
        "title": "Opening",
        "kind": "plenary",
        "starts_at": "2016-05-10T09:00",
        "ends_at": "2016-05-10T10:30",
        "room": "Room A",
        **overrides,
    }


def test_staff_add_edit_and_remove_a_session_with_its_people(staff_client, staff, event):
    chair = Person.objects.create(first_name="Alexander", last_name="Seger")
    speaker = Person.objects.create(first_name="Cristina", last_name="Schulman")
    outsider = Person.objects.create(first_name="Not", last_name="Registered")
    form = open_form(event, capacity=None)
    for someone in (chair, speaker):
        services.register_person(form, person=someone, user=staff, by_staff=True)
    url = reverse("events:event_sessions", args=[event.slug])
    choices = staff_client.get(url).content.decode()
    assert f'<option value="{chair.pk}">Seger, Alexander</option>' in choices and "Registered, Not" not in choices
    refused = staff_client.post(url, session_data(chairs=[outsider.pk]))
    assert refused.status_code == 400 and not event.sessions.exists()

    response = staff_client.post(url, session_data(chairs=[chair.pk], speakers=[speaker.pk]))

    assert response.status_code == 302
    session = event.sessions.get()
    assert sorted((sp.person.last_name, sp.role) for sp in session.people.all()) == [
        ("Schulman", "speaker"),
        ("Seger", "chair"),
    ]
    html = staff_client.get(url).content.decode()
    assert "Alexander SEGER" in html and "09:00–10:30" in html

    edit = reverse("events:event_session_edit", args=[event.slug, session.pk])
    assert 'value="Opening"' in staff_client.get(edit).content.decode()
    staff_client.post(edit, session_data(title="Opening plenary", moderators=[chair.pk]))
    session.refresh_from_db()
    assert session.title == "Opening plenary"
    assert [(sp.person_id, sp.role) for sp in session.people.all()] == [(chair.pk, "moderator")]

    assert staff_client.get(reverse("events:event_session_remove", args=[event.slug, session.pk])).status_code == 405
    staff_client.post(reverse("events:event_session_remove", args=[event.slug, session.pk]))
    assert not event.sessions.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts_at": "2016-05-12T09:00", "ends_at": "2016-05-12T10:00"}, "the days of the event"),
        ({"ends_at": "2016-05-10T08:00"}, "A session must end after it starts."),
        (
            {"title": "Workshop 2", "starts_at": "2016-05-10T10:00", "ends_at": "2016-05-10T11:00"},
            "Room A is taken by “Opening” at that time.",
        ),
    ],
)
def test_a_session_refused_shows_why_and_changes_nothing(staff_client, staff, event, data, message):
    services.save_session(
        Session(
            event=event,
            title="Opening",
            room="Room A",
            starts_at=aware(event.starts_on, 9),
            ends_at=aware(event.starts_on, 10, 30),
        ),
        user=staff,
    )
    response = staff_client.post(reverse("events:event_sessions", args=[event.slug]), session_data(**data))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert [s.title for s in event.sessions.all()] == ["Opening"]


def test_parallel_sessions_share_a_slot(staff_client, staff, event):
    for title, room in (("Workshop on e-evidence", "Room A"), ("Workshop on capacity", "Room B")):
        services.save_session(
            Session(
                event=event,
                title=title,
                room=room,
                kind="workshop",
                starts_at=aware(event.starts_on, 14),
                ends_at=aware(event.starts_on, 16),
            ),
            user=staff,
        )
    html = staff_client.get(reverse("events:event_sessions", args=[event.slug])).content.decode()
    slots = re.findall(
        r"data-slot>(.*?)</div></div>\s*</div>\s*(?=<div class=\"row g-2 mb-2\" data-slot|</section>)", html, re.S
    )
    assert len(slots) == 1
    assert "Workshop on e-evidence" in slots[0] and "Workshop on capacity" in slots[0]


# --- registration forms ----------------------------------------------------------------------------------------

QUESTIONS = "dietary | Dietary needs | choice | no | none, vegetarian, vegan\nvisa | I need a visa letter | bool | no"


def test_staff_create_a_registration_form_with_questions(staff_client, event):
    url = reverse("events:event_forms", args=[event.slug])
    response = staff_client.post(
        url,
        {
            "title": "Speakers",
            "audience": "speakers",
            "is_open": "on",
            "invitation_only": "on",
            "capacity": "10",
            "waiting_list": "on",
            "questions": QUESTIONS,
        },
    )

    assert response.status_code == 302
    created = RegistrationForm.objects.get(event=event, title="Speakers")
    assert created.questions == [
        {
            "name": "dietary",
            "label": "Dietary needs",
            "type": "choice",
            "required": False,
            "choices": ["none", "vegetarian", "vegan"],
        },
        {"name": "visa", "label": "I need a visa letter", "type": "bool", "required": False},
    ]
    assert AuditEntry.objects.filter(action="events.form.saved", object_id=str(created.pk)).count() == 1
    html = staff_client.get(url).content.decode()
    assert f"/events/{event.slug}/register/{created.pk}/?key={created.invitation_key}" in html

    edit = reverse("events:event_form_edit", args=[event.slug, created.pk])
    assert "dietary | Dietary needs | choice | no | none, vegetarian, vegan" in staff_client.get(edit).content.decode()


def test_malformed_questions_are_refused_with_their_line_numbers(staff_client, event, form):
    edit = reverse("events:event_form_edit", args=[event.slug, form.pk])
    text = "dietary | Dietary needs | choice | no | vegan\n\nVisa | Visa | yesno | maybe\nok | Fine | text | yes"

    response = staff_client.post(edit, {"title": "Participants", "audience": "participants", "questions": text})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 1: a choice question needs at least two choices." in html
    assert "Line 3: the name must be lower-case letters" in html and "the type must be text, choice or bool" in html
    assert "required must be yes or no" in html
    assert "Line 4" not in html
    assert "Visa | Visa | yesno | maybe" in html  # what was typed is kept
    form.refresh_from_db()
    assert form.questions == [] and form.is_open


# --- registrations ---------------------------------------------------------------------------------------------


# session, user, memberships (3), the event (1), the forms for the filter (1), the page count and page of
# registrations (2), the sample banner (1); the country choices (1); whether the event has a form (1).
REGISTRATION_LIST_QUERIES = 10


def test_the_registration_list_runs_a_fixed_number_of_queries(staff_client, staff, event, django_assert_num_queries):
    form = open_form(event, capacity=None)
    register_many(staff, form, 1, 2)
    url = reverse("events:event_registrations", args=[event.slug])
    with django_assert_num_queries(REGISTRATION_LIST_QUERIES):
        small = staff_client.get(url)
    register_many(staff, form, 10, 30, country="AM")
    with django_assert_num_queries(REGISTRATION_LIST_QUERIES):
        large = staff_client.get(url + "?state=approved")

    assert small.status_code == large.status_code == 200
    assert len(re.findall(r"<tr data-registration=", large.content.decode())) == 32


def test_the_registration_list_filters_and_searches(staff_client, staff, event):
    form = open_form(event, capacity=None)
    register_many(staff, form, 1, 2)
    register_many(staff, form, 3, 1, country="AM")
    url = reverse("events:event_registrations", args=[event.slug])

    def names(query):
        return re.findall(
            r'<tr data-registration="\d+"><td><a [^>]+>([^<]+)<', staff_client.get(url + query).content.decode()
        )

    assert names("?country=AM") == ["Nino3 BERIDZE3"]
    assert names("?q=nino2") == ["Nino2 BERIDZE2"]
    assert names("?state=pending") == []
    assert names(f"?form={form.pk}&role=participant") == ["Nino1 BERIDZE1", "Nino2 BERIDZE2", "Nino3 BERIDZE3"]
    assert names("?sort=country") == ["Nino3 BERIDZE3", "Nino1 BERIDZE1", "Nino2 BERIDZE2"]
    assert names("?sort=-created") == ["Nino3 BERIDZE3", "Nino2 BERIDZE2", "Nino1 BERIDZE1"]


def test_the_registration_list_is_paginated(staff_client, staff, event):
    register_many(staff, open_form(event, capacity=None), 1, 55)
    url = reverse("events:event_registrations", args=[event.slug])
    assert len(re.findall(r"<tr data-registration=", staff_client.get(url).content.decode())) == 50
    second = staff_client.get(url + "?page=2").content.decode()
    assert len(re.findall(r"<tr data-registration=", second)) == 5


def test_staff_approve_from_the_list_and_a_stale_action_changes_nothing(staff_client, staff, event, form):
    registration = services.register_person(form, person_fields=person(1), user=None)
    assert registration.state == RegistrationState.PENDING
    url = reverse("events:registration_transition", args=[event.slug, registration.pk])
    back = reverse("events:event_registrations", args=[event.slug])

    response = staff_client.post(url, {"to": "approved", "version": registration.version, "next": back})

    assert response.status_code == 302 and response.url == back
    registration.refresh_from_db()
    assert (registration.state, registration.version) == (RegistrationState.APPROVED, 2)

    # A second click from a page read before the approval: refused, nothing changes.
    response = staff_client.post(url, {"to": "cancelled", "version": 1}, follow=True)
    assert "Someone changed this record while you were editing it" in page_text(response)
    registration.refresh_from_db()
    assert (registration.state, registration.version) == (RegistrationState.APPROVED, 2)

    # A transition the rules do not allow.
    response = staff_client.post(url, {"to": "waiting", "version": 2}, follow=True)
    assert "A registration that is approved cannot become waiting list." in page_text(response)
    registration.refresh_from_db()
    assert registration.state == RegistrationState.APPROVED
    assert staff_client.get(url).status_code == 405


def test_the_registration_page_shows_answers_and_history(staff_client, staff, event):
    form = open_form(
        event, questions=[{"name": "dietary", "label": "Dietary needs", "type": "text", "required": False}]
    )
    registration = services.register_person(form, person_fields=person(1), answers={"dietary": "vegan"}, user=None)
    services.transition_registration(registration, to="approved", version=1, user=staff, note="Colleague of a speaker")

    html = page_text(staff_client.get(reverse("events:registration", args=[event.slug, registration.pk])))

    assert "Dietary needs vegan" in html
    assert "Registered — the registrant" in html
    assert f"Approved — {staff.email}: “Colleague of a speaker”" in html
    assert "Cancel" in html


def test_staff_add_a_registration_which_is_approved_at_once(staff_client, event, form):
    url = reverse("events:registration_add", args=[event.slug])
    data = {
        "form": form.pk,
        "first_name": "Irakli",
        "last_name": "Kobakhidze",
        "email": "irakli@example.ge",
        "country": "GE",
        "organisation_name": "Ministry of Justice",
        "sector": "ministry",
        "role": "speaker",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 302
    registration = Registration.objects.get(event=event, person__email="irakli@example.ge")
    assert (registration.state, registration.role) == (RegistrationState.APPROVED, "speaker")
    assert registration.person.organisation.name == "Ministry of Justice"
    assert registration.person.organisation.sector == "ministry"

    again = staff_client.post(url, data)
    assert "is already registered for this event" in again.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_adding_a_registration_without_any_form_sends_staff_to_create_one(staff_client, event):
    response = staff_client.get(reverse("events:registration_add", args=[event.slug]))
    assert response.status_code == 302 and response.url == reverse("events:event_forms", args=[event.slug])


def test_every_workspace_page_renders_for_staff(staff_client, staff, event, form):
    registration = services.register_person(form, person_fields=person(1), user=staff, by_staff=True)
    series = Series.objects.create(name="Workshops in Georgia", kind=Kind.IN_COUNTRY_WORKSHOP)
    for url in (
        reverse("events:events"),
        reverse("events:event_create"),
        reverse("events:event", args=[event.slug]),
        reverse("events:event_edit", args=[event.slug]),
        reverse("events:event_clone", args=[event.slug]),
        reverse("events:series", args=[series.pk]),
        reverse("events:event_sessions", args=[event.slug]),
        reverse("events:event_forms", args=[event.slug]),
        reverse("events:event_form_edit", args=[event.slug, form.pk]),
        reverse("events:event_registrations", args=[event.slug]),
        reverse("events:registration_add", args=[event.slug]),
        reverse("events:registration", args=[event.slug, registration.pk]),
    ):
        assert staff_client.get(url).status_code == 200, url


def test_pages_of_another_event_do_not_open_its_records(staff_client, staff, event, form):
    other = make_event(staff, slug="other-event")
    registration = services.register_person(form, person_fields=person(1), user=staff, by_staff=True)
    assert staff_client.get(reverse("events:registration", args=[other.slug, registration.pk])).status_code == 404
    assert staff_client.get(reverse("events:event_form_edit", args=[other.slug, form.pk])).status_code == 404


# --- the workspace header, the registration page's actions and documents ------------------------------------------


def tabs(html: str) -> dict[str, bool]:
    """The event's tabs, by label, and whether each is the active one."""
    nav = re.search(r"data-event-tabs>(.*?)</ul>", html, re.S).group(1)
    return {
        label.strip(): "active" in classes
        for classes, label in re.findall(r'<a class="nav-link([^"]*)"[^>]*>([^<]+)</a>', nav)
    }


def test_every_event_page_has_the_same_tabs_with_the_current_one_active(staff_client, staff, event, form):
    registration = services.register_person(form, person_fields=person(1), user=None)
    pages = {
        reverse("events:event", args=[event.slug]): "Overview",
        reverse("events:event_sessions", args=[event.slug]): "Timetable",
        reverse("events:event_forms", args=[event.slug]): "Registration forms",
        reverse("events:event_registrations", args=[event.slug]): "Registrations",
        reverse("events:registration", args=[event.slug, registration.pk]): "Registrations",
        reverse("events:event_delegations", args=[event.slug]): "Delegations",
        reverse("events:event_checkin", args=[event.slug]): "Check-in",
        reverse("events:event_travel", args=[event.slug]): "Funded travel",
        reverse("events:event_import", args=[event.slug]): "Import",
    }
    expected = [
        "Overview",
        "Timetable",
        "Registration forms",
        "Registrations",
        "Delegations",
        "Check-in",
        "Funded travel",
        "Import",
        "Public page",
    ]
    for url, active in pages.items():
        html = staff_client.get(url).content.decode()
        found = tabs(html)
        assert list(found) == expected, url
        assert [label for label, on in found.items() if on] == [active], url
        assert "10 May 2016 – 11 May 2016" in html, url


def test_the_finance_officer_sees_only_the_tabs_they_may_open(client, event):
    client.force_login(make_user(Role.FINANCE_OFFICER))
    html = client.get(reverse("events:event_travel", args=[event.slug])).content.decode()
    # No check-in, no import: those are for programme staff.
    assert list(tabs(html)) == [
        "Overview",
        "Timetable",
        "Registration forms",
        "Registrations",
        "Delegations",
        "Funded travel",
        "Public page",
    ]
    assert [label for label, on in tabs(html).items() if on] == ["Funded travel"]


def test_the_list_approves_in_one_click_but_declining_and_cancelling_need_a_confirmation(staff_client, staff, event):
    form = open_form(event, capacity=None)
    pending = services.register_person(form, person_fields=person(1), user=None)
    approved = services.register_person(form, person_fields=person(2), user=None)
    services.transition_registration(approved, to="approved", version=1, user=staff)

    listed = staff_client.get(reverse("events:event_registrations", args=[event.slug])).content.decode()
    row = re.search(rf'<tr data-registration="{pending.pk}">(.*?)</tr>', listed, re.S).group(1)
    assert re.findall(r'data-to="(\w+)">([^<]+)<', row) == [("approved", "Approve"), ("waiting", "Put on waiting list")]
    row = re.search(rf'<tr data-registration="{approved.pk}">(.*?)</tr>', listed, re.S).group(1)
    assert "data-to" not in row  # cancelling an approved registration is not one click away

    html = staff_client.get(reverse("events:registration", args=[event.slug, approved.pk])).content.decode()
    confirm = re.search(r'<details class="mb-2" data-confirm="cancelled">(.*?)</details>', html, re.S).group(1)
    assert "<summary" in confirm and 'name="note"' in confirm and "Yes, cancel the registration" in confirm
    html = staff_client.get(reverse("events:registration", args=[event.slug, pending.pk])).content.decode()
    assert re.findall(r'data-confirm="(\w+)"', html) == ["declined", "cancelled"]
    assert "Put on waiting list" in html


def test_the_registration_page_links_the_certificate_badge_and_person_once_attended(staff_client, staff, event, form):
    registration = services.register_person(form, person_fields=person(1), user=None)
    services.transition_registration(registration, to="approved", version=1, user=staff)
    url = reverse("events:registration", args=[event.slug, registration.pk])
    certificate = reverse("events:registration_certificate", args=[event.slug, registration.pk])

    html = staff_client.get(url).content.decode()
    assert certificate not in html
    assert f'href="{reverse("people:people_person", args=[registration.person.pk])}"' in html

    services.check_in(registration, day=event.starts_on, user=staff)
    html = staff_client.get(url).content.decode()
    assert f'href="{certificate}" data-certificate>Certificate of attendance (PDF)</a>' in html
    assert f'href="{reverse("events:event_badges", args=[event.slug])}?registration={registration.pk}"' in html
    assert "data-certificate-code" not in html

    assert staff_client.get(certificate).status_code == 200
    code = Registration.objects.get(pk=registration.pk).certificate_code
    assert f"data-certificate-code>{code}<" in staff_client.get(url).content.decode()


def test_a_contribution_shows_our_role_and_estimates_instead_of_registrations(staff_client, staff):
    event = make_event(
        staff,
        slug="conference-2016",
        kind=Kind.CONTRIBUTION,
        organiser="UNODC",
        our_role="speaker",
        audience_estimate=300,
        countries_reached=[Country.objects.get(iso2="GE")],
    )

    html = staff_client.get(reverse("events:event", args=[event.slug])).content.decode()

    assert list(tabs(html)) == ["Overview", "Timetable", "Our contribution", "Funded travel", "Public page"]
    assert "data-counts" not in html and "data-forms" not in html
    assert re.search(r"data-audience>~300 <span[^>]*>estimate</span>", html)
    assert "Georgia" in re.search(r"data-countries>(.*?)</dd>", html, re.S).group(1)
    assert reverse("events:event_contribution", args=[event.slug]) in html


def test_filters_name_their_empty_choice(staff_client, event):
    html = staff_client.get(reverse("events:events")).content.decode()
    assert '<option value="" selected>All countries</option>' in html
    assert '<option value="" selected>All series</option>' in html
    html = staff_client.get(reverse("events:event_registrations", args=[event.slug])).content.decode()
    assert '<option value="" selected>All forms</option>' in html


def test_registrations_are_added_only_through_a_form(staff_client, event):
    url = reverse("events:event_registrations", args=[event.slug])
    html = staff_client.get(url).content.decode()
    assert reverse("events:registration_add", args=[event.slug]) not in html
    assert "add one under “Registration forms” first" in html

    open_form(event)
    assert reverse("events:registration_add", args=[event.slug]) in staff_client.get(url).content.decode()


def test_the_overview_names_the_languages(staff_client, staff):
    event = make_event(staff, languages=["en", "ka"])
    html = page_text(staff_client.get(reverse("events:event", args=[event.slug])))
    assert "Languages English, Georgian" in html

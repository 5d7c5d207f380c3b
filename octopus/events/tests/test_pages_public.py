"""The public event pages: calendar, programme, registration and the list of participants."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import Event, Kind, Registration, RegistrationState, Session, Status
from octopus.events.tests.conftest import make_event, open_form, person
from octopus.people.models import Consent, Organisation, Person, Purpose, Sector
from octopus.people.services import record_consent

D = datetime.date


def aware(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- calendar --------------------------------------------------------------------------------------------------


def test_the_calendar_lists_upcoming_and_past_public_events_only(client, staff):
    today = timezone.localdate()
    make_event(staff, slug="next-workshop", starts_on=today + datetime.timedelta(days=30))
    make_event(staff, slug="old-workshop", starts_on=D(2016, 5, 10))
    make_event(staff, slug="bureau-closed", kind=Kind.TCY_BUREAU, starts_on=D(2016, 6, 1), is_public=False)
    make_event(staff, slug="cancelled-one", starts_on=today + datetime.timedelta(days=40), status=Status.CANCELLED)

    html = client.get(reverse("events:events_public")).content.decode()

    upcoming = re.search(r'data-events="upcoming">(.*?)</ul>', html, re.S).group(1)
    past = re.search(r'data-events="past">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'data-event="([^"]+)"', upcoming) == ["next-workshop"]
    assert "old-workshop" in past
    assert "bureau-closed" not in html and "cancelled-one" not in html
    assert "Tbilisi" in past and "In-country workshop" in past


def test_the_calendar_filters_by_kind_and_year(client, staff):
    make_event(staff, slug="old-workshop", starts_on=D(2016, 5, 10))
    make_event(staff, slug="training-2017", kind=Kind.TRAINING, starts_on=D(2017, 5, 10))

    def slugs(query):
        return re.findall(r'data-event="([^"]+)"', client.get(reverse("events:events_public") + query).content.decode())

    assert slugs("?kind=training") == ["training-2017"]
    assert slugs("?year=2016&kind=in_country_workshop") == ["old-workshop"]
    assert (
        "No upcoming public event matches"
        in client.get(reverse("events:events_public") + "?year=2016").content.decode()
    )


# --- programme page --------------------------------------------------------------------------------------------


def test_the_programme_page_shows_the_event_and_its_timetable_by_day_with_parallel_sessions(client, staff):
    event = make_event(staff, languages=["en", "ka"], description="Two days on electronic evidence.")
    chair = Person.objects.create(first_name="Alexander", last_name="Seger")
    speaker = Person.objects.create(first_name="Cristina", last_name="Schulman")
    day1, day2 = event.days
    services.save_session(
        Session(event=event, title="Opening", starts_at=aware(day1, 9), ends_at=aware(day1, 10)),
        user=staff,
        people=[(chair, "chair")],
    )
    for title, room in (("Workshop A", "Room A"), ("Workshop B", "Room B")):
        services.save_session(
            Session(
                event=event, title=title, room=room, kind="workshop", starts_at=aware(day2, 14), ends_at=aware(day2, 16)
            ),
            user=staff,
            people=[(speaker, "speaker")],
        )
    open_form(event, title="Participants")
    open_form(event, title="Invited experts", invitation_only=True)
    open_form(event, title="Closed form", is_open=False)

    response = client.get(reverse("events:event_public", args=[event.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Two days on electronic evidence." in html
    assert re.search(r"data-languages>English, Georgian<", html)
    days = re.findall(r'data-day="([^"]+)"', html)
    assert days == ["2016-05-10", "2016-05-11"]
    second_day = html.split('data-day="2016-05-11"')[1]
    assert second_day.count("data-slot") == 1  # the two workshops run side by side in one slot
    assert "Workshop A" in second_day and "Workshop B" in second_day and "Cristina SCHULMAN" in second_day
    assert "Alexander SEGER" in html.split('data-day="2016-05-10"')[1].split('data-day="2016-05-11"')[0]
    forms = re.search(r"data-open-forms>(.*?)</section>", html, re.S).group(1)
    assert "Participants" in forms and "Invited experts" not in forms and "Closed form" not in forms


def test_a_non_public_event_is_not_found_publicly(client, staff):
    event = make_event(staff, slug="bureau-2016", kind=Kind.TCY_BUREAU, is_public=False)
    form = open_form(event)
    assert client.get(reverse("events:event_public", args=[event.slug])).status_code == 404
    assert client.get(reverse("events:event_participants_public", args=[event.slug])).status_code == 404
    assert client.get(reverse("events:event_register", args=[event.slug, form.pk])).status_code == 404


# --- registering -----------------------------------------------------------------------------------------------


def registration_data(n=1, **overrides):
    return {
        "title": "Ms",
        "first_name": f"Nino{n}",
        "last_name": f"Beridze{n}",
        "sex": "female",
        "email": f"nino{n}@example.ge",
        "organisation_name": "Ministry of Internal Affairs",
        "sector": "police",
        "position": "Investigator",
        "country": "GE",
        **overrides,
    }


def test_registering_records_person_answers_consents_and_shows_the_pending_state(client, event):
    form = open_form(
        event,
        questions=[
            {
                "name": "dietary",
                "label": "Dietary needs",
                "type": "choice",
                "required": True,
                "choices": ["none", "vegan"],
            },
            {"name": "visa", "label": "Visa letter", "type": "bool", "required": False},
        ],
    )
    url = reverse("events:event_register", args=[event.slug, form.pk])
    assert "Dietary needs" in client.get(url).content.decode()

    response = client.post(url, registration_data(q_dietary="vegan", q_visa="on", consent_publish_list="on"))

    assert response.status_code == 200
    assert 'data-state="pending"' in response.content.decode()
    registration = Registration.objects.get(event=event)
    assert registration.state == RegistrationState.PENDING
    assert registration.answers == {"dietary": "vegan", "visa": True}
    person = registration.person
    assert (person.full_name, person.position, person.country.iso2) == ("Nino1 BERIDZE1", "Investigator", "GE")
    assert (person.organisation.name, person.organisation.sector) == ("Ministry of Internal Affairs", Sector.POLICE)
    consents = dict(Consent.objects.filter(person=person).values_list("purpose", "granted"))
    assert consents == {Purpose.PUBLISH_LIST: True, Purpose.FUTURE_CONTACT: False}
    assert len(mail.outbox) == 0 or mail.outbox[0].to == ["nino1@example.ge"]


def test_a_known_organisation_is_matched_and_an_unknown_one_without_sector_is_kept_with_the_answers(client, event):
    known = Organisation.objects.create(
        name="Prosecutor's Office", sector=Sector.PROSECUTION, country=Country.objects.get(iso2="GE")
    )
    form = open_form(event, requires_approval=False)
    url = reverse("events:event_register", args=[event.slug, form.pk])

    client.post(url, registration_data(1, organisation_name="prosecutor's office", sector=""))
    client.post(url, registration_data(2, organisation_name="Unknown Agency", sector=""))

    first, second = Registration.objects.filter(event=event).order_by("pk")
    assert first.person.organisation == known
    assert second.person.organisation is None and second.answers == {"organisation": "Unknown Agency"}
    assert first.state == RegistrationState.APPROVED


def test_a_required_question_left_empty_is_refused_keeping_what_was_typed(client, event):
    form = open_form(event, questions=[{"name": "topic", "label": "Topic", "type": "text", "required": True}])
    response = client.post(reverse("events:event_register", args=[event.slug, form.pk]), registration_data())
    assert response.status_code == 400
    assert 'data-field-error="q_topic"' in response.content.decode()
    assert 'value="Beridze1"' in response.content.decode()
    assert not Registration.objects.exists()


def test_a_full_event_without_waiting_list_refuses_keeping_what_was_typed_and_changes_nothing(client, staff, event):
    form = open_form(event, capacity=1, waiting_list=False)
    services.register_person(form, person_fields=person(1), user=staff, by_staff=True)
    people_before = Person.objects.count()

    response = client.post(
        reverse("events:event_register", args=[event.slug, form.pk]),
        registration_data(2, organisation_name="New Agency", consent_publish_list="on"),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "This event is full (1 places); no more registrations are taken." in html
    assert 'value="nino2@example.ge"' in html
    assert Registration.objects.filter(event=event).count() == 1
    assert Person.objects.count() == people_before
    assert not Organisation.objects.filter(name="New Agency").exists()


def test_a_full_event_with_a_waiting_list_puts_the_registrant_on_it(client, staff, event):
    form = open_form(event, capacity=1)
    services.register_person(form, person_fields=person(1), user=staff, by_staff=True)
    response = client.post(reverse("events:event_register", args=[event.slug, form.pk]), registration_data(2))
    assert 'data-state="waiting"' in response.content.decode()
    assert "waiting list" in text(response)


def test_registering_twice_is_refused(client, event, form):
    url = reverse("events:event_register", args=[event.slug, form.pk])
    client.post(url, registration_data())
    response = client.post(url, registration_data())
    assert "Nino1 BERIDZE1 is already registered for this event." in response.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_a_closed_form_says_so(client, event):
    form = open_form(event, is_open=False)
    url = reverse("events:event_register", args=[event.slug, form.pk])
    assert "data-closed" in client.get(url).content.decode()
    response = client.post(url, registration_data())
    assert "Registration for Workshop Ge 2016 is not open." in response.content.decode()
    assert not Registration.objects.exists()


def test_an_invitation_only_form_needs_the_key(client, event):
    form = open_form(event, invitation_only=True)
    url = reverse("events:event_register", args=[event.slug, form.pk])
    assert "by invitation only" in client.get(url).content.decode()

    refused = client.post(url + "?key=wrong", registration_data())
    assert "This registration is by invitation only" in refused.content.decode()
    assert not Registration.objects.exists()

    accepted = client.post(url + "?key=" + form.invitation_key, registration_data())
    assert 'data-state="pending"' in accepted.content.decode()


def test_an_invitation_opens_a_form_of_an_event_kept_off_the_calendar(client, staff):
    event = make_event(staff, slug="bureau-2016", kind=Kind.TCY_BUREAU, is_public=False)
    form = open_form(event, invitation_only=True)
    url = reverse("events:event_register", args=[event.slug, form.pk]) + "?key=" + form.invitation_key
    assert client.get(url).status_code == 200
    assert client.post(url, registration_data()).status_code == 200
    assert Registration.objects.filter(event=event).count() == 1


# --- list of participants --------------------------------------------------------------------------------------


@pytest.fixture
def listed(staff, event):
    form = open_form(event, capacity=None)
    rows = {}
    for n, country, consent in [(1, "GE", True), (2, "AM", True), (3, "GE", False), (4, "GE", None), (5, "AM", True)]:
        registration = services.register_person(
            form, person_fields=person(n, country=country), user=staff, by_staff=True
        )
        if consent is not None:
            record_consent(registration.person, purpose=Purpose.PUBLISH_LIST, granted=consent, user=staff)
        record_consent(registration.person, purpose=Purpose.FUTURE_CONTACT, granted=True, user=staff)
        rows[n] = registration
    services.transition_registration(rows[5], to=RegistrationState.CANCELLED, user=staff)
    return rows


def test_the_public_list_shows_only_approved_participants_who_consented_grouped_by_country(client, event, listed):
    organisation = Organisation.objects.create(name="Cybercrime Unit", sector=Sector.POLICE)
    Person.objects.filter(pk=listed[1].person_id).update(organisation=organisation)

    html = client.get(reverse("events:event_participants_public", args=[event.slug])).content.decode()

    assert re.findall(r'data-country="([^"]+)"', html) == ["Armenia", "Georgia"]
    names = re.findall(r"data-participant>\s*(.*?)</li>", html, re.S)
    assert [" ".join(re.sub(r"<[^>]+>", "", n).split()) for n in names] == [
        "Nino2 BERIDZE2",
        "Nino1 BERIDZE1, Cybercrime Unit",
    ]


# The event (1), its listed participants with organisation and country (1), the sample banner (1).
PARTICIPANTS_QUERIES = 3


def test_the_public_list_runs_a_fixed_number_of_queries(client, staff, event, listed, django_assert_num_queries):
    url = reverse("events:event_participants_public", args=[event.slug])
    with django_assert_num_queries(PARTICIPANTS_QUERIES):
        small = client.get(url).content.decode()
    form = open_form(event, title="More", capacity=None)
    for n in range(10, 30):
        registration = services.register_person(form, person_fields=person(n, country="FR"), user=staff, by_staff=True)
        record_consent(registration.person, purpose=Purpose.PUBLISH_LIST, granted=True, user=staff)
    with django_assert_num_queries(PARTICIPANTS_QUERIES):
        large = client.get(url).content.decode()
    assert small.count("data-participant>") == 2 and large.count("data-participant>") == 22


# The public events (1), the years for the filter (1), the sample banner (1).
CALENDAR_QUERIES = 3


def test_the_calendar_runs_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    make_event(staff, slug="one-workshop")
    with django_assert_num_queries(CALENDAR_QUERIES):
        client.get(reverse("events:events_public"))
    for n in range(8):
        make_event(staff, slug=f"workshop-{n}", starts_on=D(2017, 1, 10 + n), country=Country.objects.get(iso2="AM"))
    with django_assert_num_queries(CALENDAR_QUERIES):
        html = client.get(reverse("events:events_public")).content.decode()
    assert html.count('data-event="workshop-') == 8


def test_the_public_list_says_when_nobody_is_listed(client, event):
    html = client.get(reverse("events:event_participants_public", args=[event.slug])).content.decode()
    assert "No participant is listed yet." in html


def test_a_cancelled_event_is_not_public(client, staff):
    event = make_event(staff, slug="cancelled-2016", status=Status.CANCELLED)
    assert client.get(reverse("events:event_public", args=[event.slug])).status_code == 404
    assert Event.objects.filter(slug="cancelled-2016").exists()


def test_the_calendar_links_its_ical_feed(client, db):
    html = client.get(reverse("events:events_public")).content.decode()
    assert f'href="{reverse("events:events_ical")}" data-ical' in html


def test_a_reference_event_shows_the_reported_figures_beside_the_recorded_attendance(client, staff):
    event = make_event(
        staff,
        slug="reference-workshop",
        source="Conference report, Strasbourg 2019",
        reported_participants=300,
        reported_countries=None,
    )
    form = open_form(event, requires_approval=False)
    for n, iso2 in ((1, "GE"), (2, "GE"), (3, "AM")):
        registration = services.register_person(form, person_fields=person(n, country=iso2), user=None)
        services.check_in(registration, day=event.starts_on, user=staff)
    services.register_person(form, person_fields=person(4), user=None)  # registered, never came

    html = client.get(reverse("events:event_public", args=[event.slug])).content.decode()
    section = text_of(re.search(r"data-reference>(.*?)</section>", html, re.S).group(1))

    assert "As reported 300 participants · countries not reported" in section
    assert "Source: Conference report, Strasbourg 2019" in section
    assert "Recorded attendance 3 participants from 2 countries" in section
    assert 'data-missing="countries"' in html

    plain = make_event(staff, slug="plain-workshop")
    assert "data-reference" not in client.get(reverse("events:event_public", args=[plain.slug])).content.decode()


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()

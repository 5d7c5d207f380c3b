"""Attendance counts as the indicators read them: approved registrations with attendance, each person once."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from octopus.countries.models import Country
from octopus.events.models import Event, Kind, Registration, RegistrationState, Status
from octopus.events.queries import attendance_counts, attendance_series
from octopus.events.tests.conftest import make_event
from octopus.people.models import Organisation, Person
from octopus.testing.factories import CountryFactory, RegistrationFactory

D = datetime.date
APPROVED, CANCELLED = RegistrationState.APPROVED, RegistrationState.CANCELLED


def register(event, person, *, country, days=1, **fields):
    """An approved participant (unless `state=` says otherwise), checked in on the event's first `days` days."""
    place = CountryFactory(iso2=country)
    return RegistrationFactory(event=event, person=person, country=place, attended_days=days, **fields)


@pytest.fixture
def case(staff):
    """Two held events (a conference and a workshop) and one of another kind, with:
    p1 at both (a duplicate across events); p2 at both, the workshop registration moved to p2 from p3, merged into
    p2; p4, also merged into p2 but whose registration was left behind (the guard); p5 cancelled with attendance
    and approved without any; p6 with no sex or organisation; p7 only at the other event."""
    conference = make_event(
        staff, slug="conf-2016", kind=Kind.OCTOPUS_CONFERENCE, status=Status.HELD, starts_on=D(2016, 11, 16), days=3
    )
    workshop = make_event(staff, slug="workshop-ge-2016", status=Status.HELD, starts_on=D(2016, 5, 10))
    plenary = make_event(staff, slug="tcy-16", kind=Kind.TCY_PLENARY, status=Status.HELD, starts_on=D(2016, 11, 14))
    police_ge = Organisation.objects.create(name="Police GE", sector="police", country=Country.objects.get(iso2="GE"))
    prosecution_fr = Organisation.objects.create(name="Parquet", sector="prosecution")
    police_ua = Organisation.objects.create(name="Police UA", sector="police")
    p1 = Person.objects.create(first_name="Nino", last_name="One", sex="female", organisation=police_ge)
    p2 = Person.objects.create(first_name="Jean", last_name="Two", sex="male", organisation=prosecution_fr)
    p3 = Person.objects.create(first_name="J.", last_name="Two", sex="male", merged_into=p2)
    p4 = Person.objects.create(
        first_name="Jean", last_name="Deux", sex="male", organisation=prosecution_fr, merged_into=p2
    )
    p5 = Person.objects.create(first_name="Olena", last_name="Five", sex="female", organisation=police_ua)
    p6 = Person.objects.create(first_name="Anon", last_name="Six")
    p7 = Person.objects.create(first_name="Only", last_name="Plenary", sex="female", organisation=police_ua)
    register(conference, p1, country="GE", days=3)
    register(workshop, p1, country="GE", role="speaker", days=2)
    register(conference, p2, country="FR", days=2)
    moved = register(workshop, p3, country="FR")
    Registration.objects.filter(pk=moved.pk).update(person=p2)  # what the merge does
    register(conference, p4, country="FR")
    register(conference, p5, country="UA", state=CANCELLED, days=3)
    register(workshop, p5, country="UA", days=0)
    register(conference, p6, country="GE")
    register(plenary, p7, country="UA")
    return {"conference": conference, "workshop": workshop, "plenary": plenary, "p1": p1}


def test_counts_each_person_once_and_only_approved_registrations_with_attendance(case, django_assert_num_queries):
    events = Event.objects.filter(slug__in=["conf-2016", "workshop-ge-2016"])

    with django_assert_num_queries(6):
        counts = attendance_counts(events)

    # p1 ×2, p2 ×2 (one moved from p3), p4 (counted as p2), p6; p5's cancelled and unattended ones never.
    assert (counts.participations, counts.people, counts.countries, counts.organisations) == (6, 3, 2, 2)
    assert counts.by_sex == {"female": 1, "male": 1, "—": 1}
    assert counts.by_sector == {"police": 1, "prosecution": 1, "—": 1}
    assert counts.by_country == {"GE": 2, "FR": 1}
    assert counts.by_region == {"Asia": 2, "Europe": 1}
    assert counts.by_role == {"participant": 3, "speaker": 1}
    assert counts.countries_by_region == {"Asia": 1, "Europe": 1}
    assert counts.organisations_by_sector == {"police": 1, "prosecution": 1}


def test_one_event_and_a_role(case):
    conference = Event.objects.filter(slug="conf-2016")

    everyone = attendance_counts(conference)
    speakers = attendance_counts(Event.objects.all(), role="speaker")

    assert (everyone.participations, everyone.people, everyone.countries, everyone.organisations) == (4, 3, 2, 2)
    assert (speakers.participations, speakers.people, speakers.by_country) == (1, 1, {"GE": 1})


def test_no_events_count_zero_in_the_same_number_of_queries(case, django_assert_num_queries):
    with django_assert_num_queries(6):
        counts = attendance_counts(Event.objects.filter(slug="none-such"))

    assert (counts.participations, counts.people, counts.by_sex, counts.by_country) == (0, 0, {}, {})


def test_a_person_cannot_hold_two_live_registrations_at_one_event(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=case["conference"], person=case["p1"], state=APPROVED)


def test_the_series_counts_every_window_in_one_query(case, django_assert_num_queries):
    windows = [(D(2016, 1, 1), D(2016, 6, 30)), (D(2016, 7, 1), D(2016, 12, 31)), (D(2016, 1, 1), D(2016, 12, 31))]
    events = Event.objects.filter(kind__in=[Kind.OCTOPUS_CONFERENCE, Kind.IN_COUNTRY_WORKSHOP])

    with django_assert_num_queries(1):
        found = attendance_series(events, windows)

    assert found == [
        {"participations": 2, "people": 2, "countries": 2, "organisations": 2},  # the workshop: p1, p2
        {"participations": 4, "people": 3, "countries": 2, "organisations": 2},  # the conference
        {"participations": 6, "people": 3, "countries": 2, "organisations": 2},
    ]

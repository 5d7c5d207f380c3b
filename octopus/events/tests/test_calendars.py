"""The iCal feeds, parsed back with the icalendar library."""

import datetime

from django.utils import timezone
from icalendar import Calendar

from octopus.events import services
from octopus.events.calendars import person_calendar_url, person_token
from octopus.events.models import Event, Status
from octopus.events.tests.conftest import make_event, person

D = datetime.date


def parse(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_public_feed_lists_public_events_that_are_not_cancelled(client, staff, event):
    make_event(
        staff, slug="plenary-2016", starts_on=D(2016, 7, 4), days=3, venue="Palais", city="Strasbourg", country=None
    )
    make_event(staff, slug="cancelled-2016", status=Status.CANCELLED)
    make_event(staff, slug="internal-2016", is_public=False)

    reference = Event.objects.public().exclude(slug__in=["workshop-ge-2016", "plenary-2016"]).count()
    everything = parse(client.get("/events/calendar.ics"))
    entries = [e for e in everything if str(e["summary"]) in ("Workshop Ge 2016", "Plenary 2016")]

    assert len(everything) == reference + 2  # the reference conferences, and ours but the cancelled and internal
    assert not [e for e in everything if str(e["summary"]) in ("Cancelled 2016", "Internal 2016")]
    workshop, plenary = entries
    assert str(workshop["summary"]) == "Workshop Ge 2016"
    assert workshop.decoded("dtstart") == D(2016, 5, 10)
    assert workshop.decoded("dtend") == D(2016, 5, 12)  # the day after the last day: all-day events
    assert str(workshop["uid"]) == f"event-{event.pk}@testserver"
    assert str(workshop["url"]) == "http://testserver/events/workshop-ge-2016/"
    assert str(workshop["location"]) == "Tbilisi, Georgia"
    assert str(plenary["location"]) == "Palais, Strasbourg"
    assert plenary.decoded("dtend") == D(2016, 7, 7)
    assert len({str(e["uid"]) for e in everything}) == len(everything)


def test_a_person_feed_lists_their_events(client, staff, event, form):
    registration = services.register_person(form, person_fields=person(1))
    other = make_event(staff, slug="training-2017", starts_on=D(2017, 3, 1))
    make_event(staff, slug="not-theirs")
    services.register_person(other.forms.create(title="P", is_open=True), person=registration.person)

    url = person_calendar_url(registration.person)
    assert url == f"/events/people/{person_token(registration.person)}.ics"
    entries = parse(client.get(url))

    assert [str(e["summary"]) for e in entries] == ["Workshop Ge 2016", "Training 2017"]


def test_a_tampered_person_token_is_a_404(client, form):
    registration = services.register_person(form, person_fields=person(1))
    token = person_token(registration.person)
    pk, signature = token.split(":", 1)

    assert client.get(f"/events/people/{int(pk) + 1}:{signature}.ics").status_code == 404
    assert client.get(f"/events/people/{pk}:{signature[:-2]}xx.ics").status_code == 404
    assert client.get(f"/events/people/{pk}.ics").status_code == 404


def test_an_erased_person_has_no_feed(client, form):
    registration = services.register_person(form, person_fields=person(1))
    url = person_calendar_url(registration.person)
    registration.person.anonymised_at = timezone.now()
    registration.person.save()

    assert client.get(url).status_code == 404

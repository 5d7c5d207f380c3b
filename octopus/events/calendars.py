"""iCal feeds: every public event, and one person's events behind a signed link.

Events are all-day VEVENTs (DTEND is the day after the last day, as RFC 5545 wants for dates). Each has a stable
UID, so a calendar that subscribes updates the event in place when its dates or place change.
"""

import datetime

from django.core import signing
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from octopus.events.models import Event, RegistrationState, Status
from octopus.people.models import Person

PERSON_SALT = "events.person-ical"
# A person's feed lists the events they are expected at.
FEED_STATES = (RegistrationState.APPROVED, RegistrationState.PENDING)


def event_public_path(event: Event) -> str:
    return reverse("events:event_public", args=[event.slug])


def event_uid(event: Event, host: str) -> str:
    return f"event-{event.pk}@{host}"


def calendar_bytes(events, *, name: str, site: str, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Council of Europe C-PROC//Octopus//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        entry = VEvent()
        entry.add("uid", event_uid(event, host))
        entry.add("dtstamp", stamp)
        entry.add("summary", event.title)
        entry.add("dtstart", event.starts_on)
        entry.add("dtend", event.ends_on + datetime.timedelta(days=1))
        if event.place:
            entry.add("location", event.place)
        entry.add("url", site.rstrip("/") + event_public_path(event))
        entry.add("status", "CONFIRMED" if event.status in (Status.CONFIRMED, Status.HELD) else "TENTATIVE")
        if event.description:
            entry.add("description", event.description)
        calendar.add_component(entry)
    return calendar.to_ical()


def public_events():
    return Event.objects.public().select_related("country").order_by("starts_on", "pk")


# --- a person's feed -------------------------------------------------------------------------------------------


def person_token(person: Person) -> str:
    """A token that opens `person`'s feed: their pk, signed. Stable, so the subscription keeps working."""
    return signing.Signer(salt=PERSON_SALT).sign(str(person.pk))


def person_calendar_url(person: Person) -> str:
    """The path of `person`'s iCal feed, for pages that offer it (make it absolute with build_absolute_uri)."""
    return reverse("events:person_ical", args=[person_token(person)])


def person_for_token(token: str) -> Person:
    """The person a feed token opens (following merges to the surviving record); 404 when the token was altered,
    or the person's data has been erased."""
    try:
        pk = int(signing.Signer(salt=PERSON_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise Http404("This calendar link is not valid.")
    person = Person.objects.filter(pk=pk).first()
    seen = set()
    while person is not None and person.merged_into_id and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.filter(pk=person.merged_into_id).first()
    if person is None or person.anonymised_at:
        raise Http404("This calendar link is not valid.")
    return person


def person_events(person: Person):
    """The non-cancelled events `person` is registered for (approved or awaiting approval), or deployed to (merged
    records' registrations are moved to the survivor by the merge)."""
    live = Q(registrations__person=person, registrations__state__in=FEED_STATES)
    return (
        Event.objects.exclude(status=Status.CANCELLED)
        .filter(live | Q(deployments__person=person))
        .select_related("country")
        .distinct()
        .order_by("starts_on", "pk")
    )

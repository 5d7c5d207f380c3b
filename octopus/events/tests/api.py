"""What the events API tests share: the fixtures, the JSON of the conftest's event, and small request helpers."""

import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.events import services
from octopus.events.models import Attendance, Event, Registration, Session
from octopus.events.tests.conftest import person
from octopus.testing.helpers import make_user

STAFF_ROLES = {Role.ADMINISTRATOR, Role.PROGRAMME_STAFF, Role.TCY_SECRETARIAT}
READERS = STAFF_ROLES | {Role.FINANCE_OFFICER}  # events.view_events


def visiting(visitor, staff):
    """A user of the role (the conftest's `staff` for programme staff), or None for the anonymous."""
    return staff if visitor == Role.PROGRAMME_STAFF else make_user(visitor)


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
        "date_precision": "day",
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
        "programmes": [],
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

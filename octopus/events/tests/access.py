"""The events and people part of the access matrix (`octopus/accounts/tests/test_access.py` walks it): who may
use each route, the records the routes address, and what each allowed write must have done."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import (
    Attendance,
    Delegation,
    Event,
    Kind,
    Registration,
    RegistrationForm,
    Session,
    Status,
    Travel,
)
from octopus.people.models import Consent, Organisation, Person

EVERYONE = frozenset([role.value for role in Role] + ["no_role", "anonymous"])
STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
EVENT_READERS = STAFF | {Role.FINANCE_OFFICER.value}
TRAVEL_KEEPERS = STAFF | {Role.FINANCE_OFFICER.value}


@dataclass
class EventWorld:
    event: Event  # running today, so that nominations and check-in are open
    form: RegistrationForm
    session: Session
    attended: Registration  # approved and checked in: has a certificate
    pending: Registration  # awaiting a decision
    delegation: Delegation
    token: str  # the delegation's nomination link
    travel: Travel
    contribution: Event
    person: Person  # of the pending registration
    duplicate: Person  # the same person entered twice


def build(user) -> EventWorld:
    today = timezone.localdate()
    georgia = Country.objects.get(iso2="GE")
    event = services.create_event(
        user=user,
        title="Access test workshop",
        slug="access-workshop",
        kind=Kind.IN_COUNTRY_WORKSHOP,
        status=Status.CONFIRMED,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
        city="Tbilisi",
        country=georgia,
        dsa_rate=200,
    )
    form = RegistrationForm.objects.create(event=event, title="Participants", is_open=True)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    session = services.save_session(
        Session(event=event, title="Opening", starts_at=start, ends_at=start + datetime.timedelta(hours=1)), user=user
    )
    organisation = Organisation.objects.create(name="Ministry of Justice", sector="ministry", country=georgia)
    fields = {"country": georgia, "organisation": organisation, "sex": "female"}
    attended = services.register_person(
        form, person_fields={"first_name": "Ana", "last_name": "Kapanadze", "email": "ana@example.ge", **fields},
        by_staff=True, user=user,
    )  # fmt: skip
    services.check_in(attended, day=today, user=user)
    attended = services.issue_certificate(attended, user=user)
    pending = services.register_person(
        form, person_fields={"first_name": "Nino", "last_name": "Beridze", "email": "nino@example.ge", **fields}
    )
    duplicate = Person.objects.create(first_name="Nino", last_name="Beridze", email="", country=georgia)
    delegation, token = services.issue_nomination_link(event, country=Country.objects.get(iso2="AM"), user=user)
    travel = services.fund_travel(attended, user=user, nights=2, ticket_cost=450)
    contribution = services.create_event(
        user=user,
        title="Access test contribution",
        slug="access-contribution",
        kind=Kind.CONTRIBUTION,
        status=Status.HELD,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=29),
        organiser="OSCE",
    )
    return EventWorld(
        event=event, form=form, session=session, attended=attended, pending=pending, delegation=delegation,
        token=token, travel=travel, contribution=contribution, person=pending.person, duplicate=duplicate,
    )  # fmt: skip


def database_state() -> dict:
    """What a refused write must leave as it was."""
    models = (Event, Session, RegistrationForm, Registration, Delegation, Attendance, Travel, Person, Organisation)
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in (*models, Consent)}

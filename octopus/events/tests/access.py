"""The events and people part of the access matrix (`octopus/accounts/tests/test_access.py` walks it): who may
use each route, the records the routes address, and what each allowed write must have done."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import (
    Attendance,
    Delegation,
    Deployment,
    Event,
    Kind,
    Registration,
    RegistrationForm,
    Series,
    Session,
    SessionPerson,
    Status,
    Travel,
)
from octopus.jobs.models import Job, JobStatus
from octopus.people.models import Consent, Organisation, Person
from octopus.results.models import Assignment

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
    approved: Registration  # approved, not checked in and without travel: a check-in or funding creates a row
    pending: Registration  # awaiting a decision
    delegation: Delegation
    token: str  # the delegation's nomination link
    travel: Travel
    contribution: Event
    person: Person  # of the pending registration
    duplicate: Person  # the same person entered twice
    series: Series  # the series the event belongs to
    import_job: Job  # a participant import of the event, finished


def build(user) -> EventWorld:
    today = timezone.localdate()
    georgia = Country.objects.get(iso2="GE")
    series = Series.objects.create(name="Access test workshops", kind=Kind.IN_COUNTRY_WORKSHOP)
    event = services.create_event(
        user=user,
        series=series,
        title="Access test workshop",
        slug="access-workshop",
        kind=Kind.IN_COUNTRY_WORKSHOP,
        status=Status.CONFIRMED,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today,  # over by tonight: its certificates may be issued
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
        form,
        person_fields={"first_name": "Ana", "last_name": "Kapanadze", "email": "ana@example.ge", **fields},
        by_staff=True,
        user=user,
    )
    services.check_in(attended, day=today, user=user)
    attended = services.issue_certificate(attended, user=user)
    approved = services.register_person(
        form,
        person_fields={"first_name": "Giorgi", "last_name": "Tsiklauri", "email": "giorgi@example.ge", **fields},
        by_staff=True,
        user=user,
    )
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
    import_job = Job.objects.create(
        kind="events.participants",
        payload={"event": event.pk, "form": form.pk, "update": False},
        content_type=ContentType.objects.get_for_model(event),
        object_id=event.pk,
        file_name="participants.csv",
        total=1,
        done=1,
        status=JobStatus.DONE,
        created_by=user,
        finished_at=timezone.now(),
        outcome={"added": 1, "updated": 0, "skipped": 0},
    )
    return EventWorld(
        event=event,
        form=form,
        session=session,
        attended=attended,
        approved=approved,
        pending=pending,
        delegation=delegation,
        token=token,
        travel=travel,
        contribution=contribution,
        person=pending.person,
        duplicate=duplicate,
        series=series,
        import_job=import_job,
    )


def database_state() -> dict:
    """What a refused write must leave as it was: every events and people row, and the audit log."""
    models = (
        Series,
        Event,
        Session,
        SessionPerson,
        RegistrationForm,
        Registration,
        Delegation,
        Attendance,
        Travel,
        Deployment,
        Job,
        Person,
        Organisation,
        Consent,
    )
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    state["host_countries"] = list(Event.host_countries.through.objects.order_by("pk").values())
    state["countries_reached"] = list(Event.countries_reached.through.objects.order_by("pk").values())
    state["assignments"] = list(Assignment.objects.order_by("pk").values())
    state["audit_entries"] = AuditEntry.objects.count()
    return state

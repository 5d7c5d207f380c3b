"""Events over the JSON API: events and their timetables, registrations and their states, attendance.

Public events and their sessions are open to everyone; a reader whose role reads events (a bearer token or the
workspace session) also sees the events that are not public, and who chairs or speaks at each session.
Registrations and attendance hold personal data: only roles that read events see them. Every write needs a bearer
token of staff who run events (checking in needs `events.check_in`), is validated by a Django form and done by a
service, so the API keeps the same rules, audit and e-mails as the pages.
"""

import datetime
import json
from decimal import Decimal
from typing import Annotated, Any

from django import forms
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import ValidationError
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import (
    CONFLICT,
    PUBLIC,
    Id,
    Line,
    Pagination,
    Text,
    allowed,
    form_errors,
    viewer,
)
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.forms.manage import EventForm, SessionForm, TransitionForm
from octopus.events.models import (
    Attendance,
    Event,
    Format,
    Kind,
    Mode,
    OurRole,
    ParticipantRole,
    Registration,
    RegistrationState,
    Session,
    SessionKind,
    SessionPerson,
    SessionRole,
    Status,
)
from octopus.lib.dates import IsoDate
from octopus.lib.precision import Precision
from octopus.people.models import Organisation, Person, Sex
from octopus.results.api import IsSample, ProgrammeShareIn, ProgrammeShareOut, programme_shares_form
from octopus.results.models import Assignment

router = Router(tags=["events"])


Slug = Annotated[str, Field(max_length=120, pattern=r"^[-a-zA-Z0-9_]+$", description="e.g. octopus-2016")]
ISO2 = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")]
Language = Annotated[str, Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 code")]
Count = Annotated[int, Field(ge=0, le=2_000_000_000)]
Answer = Annotated[str, Field(max_length=5000, pattern=r"^[^\x00]*$")] | bool


# --- schemas -----------------------------------------------------------------------------------------------------


def _iso2(country) -> str | None:
    return None if country is None else country.iso2


# Its own name in the OpenAPI document: other apps' enums are called Status too, and would take its place.
type EventStatus = Status


class EventOut(Schema):
    slug: str
    title: str
    kind: Kind
    series: int | None = Field(validation_alias="series_id", description="Id of the series the event belongs to.")
    series_name: str | None = Field(description="e.g. T-CY plenaries.")
    status: EventStatus
    starts_on: IsoDate
    ends_on: IsoDate
    date_precision: Precision = Field(
        description="How precisely the dates are known: day, or only the month or "
        "the year (then `starts_on` is the first day of it)."
    )
    format: Format
    venue: str
    city: str
    country: str | None
    host_countries: list[str] = Field(description="Host or beneficiary countries (ISO alpha-2).")
    organiser: str
    languages: list[str]
    description: str
    activity: int | None = Field(validation_alias="activity_id", description="Id of the logframe activity served.")
    is_public: bool
    dsa_rate: str | None = Field(description="DSA rate per night (EUR), a decimal string.")
    our_role: OurRole | None = Field(description="For a contribution to another organisation's event.")
    audience_estimate: int | None = Field(description="For a contribution: an estimate, not a count.")
    countries_reached: list[str] = Field(description="For a contribution: countries reached (estimate).")
    retention_months: int
    source: str
    reported_participants: int | None
    reported_countries: int | None
    is_sample: IsSample
    programmes: list[ProgrammeShareOut] = Field(
        description="The programmes the event serves: it counts once for each; the shares (summing to 100) split "
        "its cost. Empty: it serves none and counts for none."
    )
    version: int = Field(description="Send it back when changing the event; a stale version is refused with 409.")

    @staticmethod
    def resolve_programmes(event) -> list:
        return sorted(event.assignments.all(), key=lambda a: (a.programme.starts_on, a.programme.code))

    @staticmethod
    def resolve_series_name(event) -> str | None:
        return event.series.name if event.series_id else None

    @staticmethod
    def resolve_country(event) -> str | None:
        return _iso2(event.country)

    @staticmethod
    def resolve_host_countries(event) -> list[str]:
        return sorted(c.iso2 for c in event.host_countries.all())

    @staticmethod
    def resolve_countries_reached(event) -> list[str]:
        return sorted(c.iso2 for c in event.countries_reached.all())

    @staticmethod
    def resolve_dsa_rate(event) -> str | None:
        return None if event.dsa_rate is None else str(event.dsa_rate)

    @staticmethod
    def resolve_our_role(event) -> str | None:
        return event.our_role or None

    @staticmethod
    def resolve_languages(event) -> list[str]:
        return list(event.languages or [])


class EventIn(Schema):
    """The fields of the workspace's event form (countries by ISO code; series and activity by id)."""

    title: Line
    slug: Slug
    kind: Kind
    series: Id | None = Field(default=None, description="Id of a series of events.")
    status: EventStatus = Status.PLANNED
    starts_on: IsoDate
    ends_on: IsoDate
    date_precision: Precision = Field(
        default=Precision.DAY,
        description="month or year for a past event known only so far: the first day of the month or year is stored.",
    )
    format: Format = Format.IN_PERSON
    venue: Line = ""
    city: Line = ""
    country: ISO2 | None = None
    host_countries: list[ISO2] = Field(default=[], max_length=300)
    organiser: Line = "Council of Europe – C-PROC"
    languages: list[Language] = Field(default=[], max_length=30)
    description: Text = ""
    activity: Id | None = Field(
        default=None, description="Id of the logframe activity the event serves: choosing it sets the programme."
    )
    is_public: bool = True
    dsa_rate: Decimal | None = Field(default=None, ge=0, max_digits=8, decimal_places=2)
    our_role: OurRole | None = Field(default=None, description="Only for a contribution to another's event.")
    audience_estimate: Count | None = Field(default=None, description="Only for a contribution: an estimate.")
    retention_months: int = Field(default=36, ge=1, le=1200)


class EventChangeIn(EventIn):
    version: int = Field(ge=1, le=2**31, description="The version you read; a stale one is refused with 409.")


class ProgrammesIn(Schema):
    programmes: list[ProgrammeShareIn] = Field(
        max_length=50, description="Every programme the event serves, shares summing to 100; [] for none."
    )
    version: int | None = Field(
        default=None, ge=1, le=2**31, description="The event's version you read; a stale one is refused with 409."
    )


class SessionPersonOut(Schema):
    person: int = Field(validation_alias="person_id")
    name: str = Field(validation_alias="person.full_name")
    role: SessionRole


class SessionOut(Schema):
    id: int
    title: str
    kind: SessionKind
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: str
    description: str
    is_sample: IsSample = Field(validation_alias="event.is_sample")
    people: list[SessionPersonOut] = Field(
        description="Chairs, moderators and speakers; given only to roles that read events' people, empty for "
        "everyone else."
    )

    @staticmethod
    def resolve_people(session) -> list:
        return getattr(session, "shown_people", [])


class SessionIn(Schema):
    title: Line
    kind: SessionKind = SessionKind.PLENARY
    starts_at: datetime.datetime = Field(description="Without an offset, the time is read in the event's zone.")
    ends_at: datetime.datetime
    room: Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")] = ""
    description: Text = ""
    chairs: list[Id] = Field(default=[], max_length=100, description="Ids of people registered for the event.")
    moderators: list[Id] = Field(default=[], max_length=100)
    speakers: list[Id] = Field(default=[], max_length=100)


class RegistrantOut(Schema):
    id: int
    title: str
    first_name: str
    last_name: str
    email: str
    sex: Sex | None
    organisation: str | None
    sector: str | None
    is_sample: IsSample

    @staticmethod
    def resolve_sex(person) -> str | None:
        return person.sex or None

    @staticmethod
    def resolve_organisation(person) -> str | None:
        return person.organisation.name if person.organisation_id else None

    @staticmethod
    def resolve_sector(person) -> str | None:
        return person.organisation.sector if person.organisation_id else None


class RegistrationOut(Schema):
    id: int
    event: str = Field(validation_alias="event.slug")
    form: int | None = Field(validation_alias="form_id")
    person: RegistrantOut
    state: RegistrationState
    role: ParticipantRole
    country: str | None = Field(description="The country the person represents at this event.")
    is_head_of_delegation: bool
    answers: dict[str, Any]
    note: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    is_sample: IsSample
    version: int = Field(description="Send it back with a transition; a stale version is refused with 409.")

    @staticmethod
    def resolve_country(registration) -> str | None:
        return _iso2(registration.country)


class RegistrationIn(Schema):
    form: Id | None = Field(
        default=None, description="Registration form of the event; defaults to its first form for participants."
    )
    person: Id | None = Field(default=None, description="A person already recorded; or give the fields below.")
    title: Annotated[str, Field(max_length=30, pattern=r"^[^\x00]*$")] = ""
    first_name: Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")] = ""
    last_name: Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")] = ""
    email: Annotated[str, Field(max_length=254, pattern=r"^[^\x00]*$")] = Field(
        default="", description="A person already recorded with this e-mail is registered, not created again."
    )
    sex: Sex | None = None
    position: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = ""
    organisation: Id | None = None
    country: ISO2 | None = None
    role: ParticipantRole | None = Field(default=None, description="Defaults from the form's audience.")
    answers: dict[Annotated[str, Field(max_length=100)], Answer] = Field(default={}, max_length=100)


class TransitionIn(Schema):
    to: RegistrationState
    version: int = Field(ge=1, le=2**31, description="The version you read; a stale one is refused with 409.")
    note: Text = ""


class AttendanceOut(Schema):
    id: int
    registration: int = Field(validation_alias="registration_id")
    person: int = Field(validation_alias="registration.person_id")
    name: str = Field(validation_alias="registration.person.full_name")
    day: IsoDate
    session: int | None = Field(validation_alias="session_id")
    mode: Mode
    checked_in_at: datetime.datetime
    is_sample: IsSample = Field(validation_alias="registration.is_sample")


class AttendanceIn(Schema):
    registration: Id
    day: IsoDate | None = Field(default=None, description="Defaults to the session's day, else today.")
    session: Id | None = None
    mode: Mode = Mode.IN_PERSON


# --- forms: every write is validated by one before a service is called ------------------------------------------
# Events, sessions and transitions use the workspace's forms (octopus.events.forms.manage). These two are the API's
# own: it registers a person already recorded by id, and checks in by registration id, which no page form does.


class CountryField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Country.objects.all(), to_field_name="iso2", required=False, **kwargs)


class RegistrationCreateForm(forms.Form):
    """Staff register someone: an existing person, or one found by e-mail or created from the fields given."""

    form = forms.ModelChoiceField(queryset=None, required=False)
    person = forms.ModelChoiceField(queryset=Person.objects.current(), required=False)
    title = forms.CharField(max_length=30, required=False)
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(required=False)
    sex = forms.ChoiceField(choices=[("", "")] + Sex.choices, required=False)
    position = forms.CharField(max_length=200, required=False)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    country = CountryField()
    role = forms.ChoiceField(choices=[("", "")] + ParticipantRole.choices, required=False)
    answers = forms.JSONField(required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["form"].queryset = event.forms.all()

    def clean(self):
        data = super().clean()
        if not data.get("form") and "form" not in self.errors:
            data["form"] = self.event.forms.filter(audience="participants").first() or self.event.forms.first()
            if data["form"] is None:
                self.add_error("form", _("This event has no registration form yet; add one first."))
        if not data.get("person") and "person" not in self.errors and not data.get("last_name"):
            self.add_error("last_name", _("Give the person's last name, or the id of a person already recorded."))
        if data.get("form"):
            self._check_answers(data["form"].questions or [], data.get("answers") or {})
        return data

    def _check_answers(self, questions: list[dict], answers: dict) -> None:
        names = {q.get("name") for q in questions}
        for name in sorted(set(answers) - names):
            self.add_error("answers", _("“%(name)s” is not a question of this form.") % {"name": name})
        for question in questions:
            value = answers.get(question.get("name"))
            if value in (None, ""):
                if question.get("required"):
                    self.add_error("answers", _("“%(label)s” needs an answer.") % {"label": question.get("label")})
            elif question.get("type") == "bool" and not isinstance(value, bool):
                self.add_error("answers", _("“%(label)s” takes true or false.") % {"label": question.get("label")})
            elif question.get("type") == "choice" and value not in (question.get("choices") or []):
                self.add_error("answers", _("“%(label)s” takes one of its choices.") % {"label": question.get("label")})

    def person_fields(self) -> dict:
        data = self.cleaned_data
        names = ("title", "first_name", "last_name", "email", "sex", "position", "organisation", "country")
        return {name: data[name] for name in names if data.get(name) not in ("", None)}


class AttendanceForm(forms.Form):
    registration = forms.ModelChoiceField(queryset=None)
    day = forms.DateField(required=False)
    session = forms.ModelChoiceField(queryset=None, required=False)
    mode = forms.ChoiceField(choices=Mode.choices)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = event.registrations.all()
        self.fields["session"].queryset = event.sessions.all()


# --- who may use each route: each declares it (`allowed`, or PUBLIC); these are the 403s' messages ------------

NOT_A_READER = gettext_lazy("Your role does not give access to registrations and attendance.")
NOT_A_MANAGER = gettext_lazy("Your role does not allow changing events.")
NOT_AT_CHECK_IN = gettext_lazy("Your role does not allow checking people in.")


# --- helpers -----------------------------------------------------------------------------------------------------


def _events_for(user):
    if user.has_perm("events.view_events"):
        return Event.objects.all()
    return Event.objects.public()


def _event_for(user, slug: str) -> Event:
    """An event the user may see; one they may not is a 404, as if it did not exist."""
    return get_object_or_404(_events_for(user), slug=slug)


def _country_pks(codes: list[str], field: str) -> list[int]:
    """The page's form takes countries by id; the API names them by ISO code."""
    found = dict(Country.objects.filter(iso2__in=[code.upper() for code in codes]).values_list("iso2", "pk"))
    unknown = [code for code in codes if code.upper() not in found]
    if unknown:
        message = _("No country with the ISO code “%(code)s”.") % {"code": unknown[0]}
        raise ValidationError([{"loc": (field,), "msg": message}])
    return [found[code.upper()] for code in codes]


def _event_form(payload: EventIn, instance: Event | None = None) -> EventForm:
    data = payload.dict()
    data.pop("version", None)
    data["country"] = _country_pks([data["country"]], "country")[0] if data["country"] else ""
    data["host_countries"] = _country_pks(data["host_countries"], "host_countries")
    data["languages"] = ", ".join(data["languages"])
    data["our_role"] = data["our_role"] or ""
    for name in ("starts_on", "ends_on"):
        data[name] = data[name].isoformat()
    form = EventForm(data={key: "" if value is None else value for key, value in data.items()}, instance=instance)
    if not form.is_valid():
        raise form_errors(form)
    return form


def _with_relations(events):
    assignments = Prefetch("assignments", queryset=Assignment.objects.select_related("programme", "activity"))
    return events.select_related("series", "country").prefetch_related(
        "host_countries", "countries_reached", assignments
    )


def _registrations():
    return Registration.objects.select_related("event", "country", "person__organisation")


# --- events ------------------------------------------------------------------------------------------------------


@router.get(
    "/events",
    response=list[EventOut],
    auth=PUBLIC,
    summary="Events",
    description="Public events for everyone; with a token or session of a role that reads events, every event. "
    "Latest first.",
)
@paginate(Pagination, page_size=100)
def list_events(
    request,
    kind: Kind | None = None,
    status: EventStatus | None = None,
    year: Annotated[int | None, Field(ge=1900, le=2200, description="Events that start in this year.")] = None,
    country: Query[ISO2 | None] = None,
):
    # Public: everyone reads public events; non-public ones need `events.view_events`.
    events = _events_for(viewer(request))
    if kind:
        events = events.filter(kind=kind)
    if status:
        events = events.filter(status=status)
    if year is not None:
        events = events.filter(starts_on__year=year)
    if country:
        events = events.filter(country__iso2=country.upper())
    return _with_relations(events)


@router.get("/events/{slug}", response=EventOut, auth=PUBLIC, summary="One event")
def get_event(request, slug: Path[Slug]):
    # Public for a public event; others need `events.view_events` and are a 404 to anyone else.
    return get_object_or_404(_with_relations(_events_for(viewer(request))), slug=slug)


@router.post(
    "/events",
    response={201: EventOut},
    auth=allowed("events.manage_events", NOT_A_MANAGER, token_only=True),
    summary="Create an event",
)
def create_event(request, payload: EventIn):
    form = _event_form(payload)
    event = services.create_event(user=request.auth, **form.service_fields())
    return Reply(201, _with_relations(Event.objects).get(pk=event.pk))


@router.put(
    "/events/{slug}",
    response=EventOut,
    auth=allowed("events.manage_events", NOT_A_MANAGER, token_only=True),
    summary="Change an event",
    description="Send every field, with the `version` you read; if someone changed the event since, 409.",
)
def update_event(request, slug: Path[Slug], payload: EventChangeIn):
    event = get_object_or_404(Event, slug=slug)
    form = _event_form(payload, instance=event)
    # The service re-reads the row under lock and checks `version`.
    event = services.update_event(event, version=payload.version, user=request.auth, **form.service_fields())
    return _with_relations(Event.objects).get(pk=event.pk)


@router.put(
    "/events/{slug}/programmes",
    response=EventOut,
    auth=allowed("events.manage_events", NOT_A_MANAGER, token_only=True),
    summary="Set the programmes an event serves",
    description="Every programme the event serves, with its share of the cost (the shares sum to 100) and "
    "optionally the activity served there; [] leaves it serving none. 422 when the rows cannot stand (unknown "
    "code, an activity of another programme, shares not summing to 100, a sample event on a real programme); 409 "
    "when you send the `version` you read and the event changed since. The event's funded travel follows.",
    openapi_extra=CONFLICT,
)
def set_programmes(request, slug: Path[Slug], payload: ProgrammesIn):
    event = get_object_or_404(Event, slug=slug)
    rows = programme_shares_form(event, payload.programmes)
    services.set_event_programmes(event, rows.shares(), user=request.auth, version=payload.version)
    return _with_relations(Event.objects).get(pk=event.pk)


# --- sessions ----------------------------------------------------------------------------------------------------


@router.get(
    "/events/{slug}/sessions",
    response=list[SessionOut],
    auth=PUBLIC,
    summary="The timetable of an event",
    description="Sessions in time order; parallel workshops share a time in different rooms.",
)
def list_sessions(request, slug: Path[Slug]):
    # Public for a public event, as its programme page is; who chairs and speaks only for roles that read events.
    reader = viewer(request)
    event = _event_for(reader, slug)
    sessions = event.sessions.all()
    if reader.has_perm("events.view_events"):
        people = SessionPerson.objects.select_related("person")
        sessions = sessions.prefetch_related(Prefetch("people", queryset=people, to_attr="shown_people"))
    return sessions


@router.post(
    "/events/{slug}/sessions",
    response={201: SessionOut},
    auth=allowed("events.manage_events", NOT_A_MANAGER, token_only=True),
    summary="Add a session",
    description="Within the days of the event, in a room free at that time. Chairs, moderators and speakers are "
    "people registered for the event (or already in its timetable).",
)
def add_session(request, slug: Path[Slug], payload: SessionIn):
    event = get_object_or_404(Event, slug=slug)
    form = SessionForm(data=payload.dict(), event=event)
    if not form.is_valid():
        raise form_errors(form)
    session = services.save_session(
        Session(event=event, **form.session_fields()), user=request.auth, people=form.people()
    )
    shown = Prefetch("people", queryset=SessionPerson.objects.select_related("person"), to_attr="shown_people")
    return Reply(201, Session.objects.select_related("event").prefetch_related(shown).get(pk=session.pk))


# --- registrations -----------------------------------------------------------------------------------------------


@router.get(
    "/events/{slug}/registrations",
    response=list[RegistrationOut],
    auth=allowed("events.view_events", NOT_A_READER),
    summary="Registrations for an event",
    description="In the order they came in. Personal data: for roles that read events only.",
)
@paginate(Pagination, page_size=100)
def list_registrations(
    request,
    slug: Path[Slug],
    state: RegistrationState | None = None,
    country: Query[ISO2 | None] = None,
    role: ParticipantRole | None = None,
):
    event = get_object_or_404(Event, slug=slug)
    registrations = _registrations().filter(event=event)
    if state:
        registrations = registrations.filter(state=state)
    if country:
        registrations = registrations.filter(country__iso2=country.upper())
    if role:
        registrations = registrations.filter(role=role)
    return registrations


@router.post(
    "/events/{slug}/registrations",
    response={201: RegistrationOut},
    auth=allowed("events.manage_events", NOT_A_MANAGER, token_only=True),
    summary="Register someone for an event",
    description="Staff register a person: approved at once, or on the waiting list when the form is full; "
    "refused (422) when the form is full and keeps no waiting list, or the person is already registered.",
)
def register(request, slug: Path[Slug], payload: RegistrationIn):
    event = get_object_or_404(Event, slug=slug)
    data = payload.dict()
    data["country"] = (data["country"] or "").upper()
    data["answers"] = json.dumps(data["answers"])
    form = RegistrationCreateForm(data={k: "" if v is None else v for k, v in data.items()}, event=event)
    if not form.is_valid():
        raise form_errors(form)
    cleaned = form.cleaned_data
    registration = services.register_person(
        cleaned["form"],
        person=cleaned["person"],
        person_fields=None if cleaned["person"] else form.person_fields(),
        answers=cleaned["answers"] or {},
        role=cleaned["role"],
        user=request.auth,
        by_staff=True,
    )
    return Reply(201, _registrations().get(pk=registration.pk))


@router.post(
    "/registrations/{registration_id}/transition",
    response=RegistrationOut,
    auth=allowed("events.manage_events", NOT_A_MANAGER, token_only=True),
    summary="Move a registration to another state",
    description="Approve, decline, put on the waiting list, cancel or reopen, with the `version` you read: 409 "
    "if it changed since; 422 if the move is not allowed from its state or no seat is free.",
    openapi_extra=CONFLICT,
)
def transition(request, registration_id: Path[Id], payload: TransitionIn):
    registration = get_object_or_404(Registration, pk=registration_id)
    form = TransitionForm(data=payload.dict())
    if not form.is_valid():
        raise form_errors(form)
    services.transition_registration(registration, user=request.auth, **form.cleaned_data)
    return _registrations().get(pk=registration.pk)


# --- attendance --------------------------------------------------------------------------------------------------


@router.get(
    "/events/{slug}/attendance",
    response=list[AttendanceOut],
    auth=allowed("events.view_events", NOT_A_READER),
    summary="Who was checked in, by day and session",
)
@paginate(Pagination, page_size=100)
def list_attendance(request, slug: Path[Slug], day: IsoDate | None = None, session: Query[Id | None] = None):
    event = get_object_or_404(Event, slug=slug)
    rows = Attendance.objects.filter(registration__event=event).select_related("registration__person")
    if day:
        rows = rows.filter(day=day)
    if session:
        rows = rows.filter(session_id=session)
    return rows.order_by("day", "checked_in_at", "pk")


@router.post(
    "/events/{slug}/attendance",
    response={200: AttendanceOut, 201: AttendanceOut},
    auth=allowed("events.check_in", NOT_AT_CHECK_IN, token_only=True),
    summary="Check someone in",
    description="For a day or a session, in person or online. Checking in again returns the first record (200) "
    "and records nothing; a new check-in is a 201. A day outside the event, or a registration not approved, is "
    "a 422.",
)
def check_in(request, slug: Path[Slug], payload: AttendanceIn):
    event = get_object_or_404(Event, slug=slug)
    data = payload.dict()
    data["day"] = data["day"].isoformat() if data["day"] else ""
    form = AttendanceForm(data={k: "" if v is None else v for k, v in data.items()}, event=event)
    if not form.is_valid():
        raise form_errors(form)
    attendance, created = services.check_in(user=request.auth, **form.cleaned_data)
    attendance = Attendance.objects.select_related("registration__person").get(pk=attendance.pk)
    return Reply(201 if created else 200, attendance)

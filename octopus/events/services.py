"""The write path for events (DESIGN.md §7.3): every change goes through one of these, which checks it, writes it
in one transaction, audits it and tells the people concerned. Views, the API, imports and commands call them."""

import datetime
import hashlib
import secrets
from decimal import Decimal

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.events.models import (
    HOLDS_SEAT,
    TRANSITIONS,
    Attendance,
    Delegation,
    Deployment,
    Event,
    Kind,
    Mode,
    Registration,
    RegistrationForm,
    RegistrationState,
    Session,
    SessionPerson,
    Status,
    Travel,
    TravelStatus,
)
from octopus.lib.errors import DomainError
from octopus.lib.locking import locked_for_update
from octopus.lib.precision import Precision, first_day
from octopus.people.models import Person
from octopus.people.services import anonymise_person, find_or_create_person, update_person
from octopus.results.assignments import assignments_of
from octopus.results.services import assign_programmes, serve_activity

EVENT_FIELDS = (
    "title",
    "slug",
    "kind",
    "series",
    "status",
    "starts_on",
    "ends_on",
    "date_precision",
    "format",
    "venue",
    "city",
    "country",
    "organiser",
    "languages",
    "description",
    "activity",
    "is_public",
    "dsa_rate",
    "our_role",
    "audience_estimate",
    "retention_months",
    "source",
    "reported_participants",
    "reported_countries",
)


def _check_event(event: Event) -> None:
    if event.date_precision != Precision.DAY:
        # A date known to the month or year is stored as the first day of what is known (lib.precision).
        event.starts_on = first_day(event.starts_on, event.date_precision)
    if event.ends_on < event.starts_on:
        raise DomainError(
            _("The last day (%(end)s) is before the first day (%(start)s).")
            % {"end": event.ends_on, "start": event.starts_on}
        )
    if event.status == Status.HELD and event.starts_on > timezone.localdate():
        raise DomainError(
            _("%(event)s starts on %(start)s: it cannot be marked held before it has taken place.")
            % {"event": event.title, "start": event.starts_on}
        )
    if event.kind != Kind.CONTRIBUTION and (event.our_role or event.audience_estimate is not None):
        raise DomainError(
            _("Our role and the estimated audience are recorded only for contributions to others' events.")
        )
    if event.pk and event.sessions.exclude(starts_at__date__range=(event.starts_on, event.ends_on)).exists():
        raise DomainError(_("Some sessions fall outside the new dates; move them first."))


@transaction.atomic
def create_event(*, user, host_countries=(), countries_reached=(), is_sample: bool = False, **fields) -> Event:
    event = Event(is_sample=is_sample, **{k: v for k, v in fields.items() if k in EVENT_FIELDS})
    _check_event(event)
    event.save()
    event.host_countries.set(host_countries)
    event.countries_reached.set(countries_reached)
    log_action(event, "events.event.created", user=user, after=snapshot(event))
    if event.activity_id:
        serve_activity(event, event.activity, user=user)  # choosing the activity sets the programme
    return event


@transaction.atomic
def update_event(event: Event, *, version: int | None, user, host_countries=None, countries_reached=None, **fields):
    current = locked_for_update(Event, event.pk, version)
    before = snapshot(current)
    activity_before = current.activity_id
    for name, value in fields.items():
        if name in EVENT_FIELDS:
            setattr(current, name, value)
    _check_event(current)
    current.version += 1
    current.save()
    if host_countries is not None:
        current.host_countries.set(host_countries)
    if countries_reached is not None:
        current.countries_reached.set(countries_reached)
    log_action(current, "events.event.updated", user=user, before=before, after=snapshot(current))
    if current.activity_id and current.activity_id != activity_before:
        serve_activity(current, current.activity, user=user)  # choosing the activity sets the programme
    return current


@transaction.atomic
def set_event_programmes(event: Event, shares: list, *, user, version: int | None = None) -> Event:
    """Set the programmes `event` serves: (programme, share %, activity or None) rows whose shares sum to 100, or
    none (it then counts for no programme and is listed as not assigned). `results.services.assign_programmes`
    checks them (a sample event serves only the sample programme, an activity belongs to its programme) and audits
    the change. The event is locked, and a stale `version` refused, so two people setting them at once cannot mix
    their rows. Its funded travel and the costs brought in from it follow these assignments: they have none of
    their own."""
    current = locked_for_update(Event, event.pk, version)
    before = _served(assignments_of(current))
    if _served(assign_programmes(current, list(shares), user=user)) != before:
        current.version += 1
        current.save(update_fields=["version"])
    return current


def _served(assignments) -> list[tuple]:
    return [(a.programme_id, a.share, a.activity_id) for a in assignments]


@transaction.atomic
def clone_event(event: Event, *, starts_on: datetime.date, title: str, slug: str, user) -> Event:
    """A new event like `event` on other dates: same place, series, forms and timetable (shifted), no people."""
    shift = starts_on - event.starts_on
    fields = {name: getattr(event, name) for name in EVENT_FIELDS}
    fields.update(title=title, slug=slug, starts_on=starts_on, ends_on=event.ends_on + shift, status=Status.PLANNED)
    fields.update(audience_estimate=None)
    clone = create_event(user=user, host_countries=event.host_countries.all(), **fields)
    for session in event.sessions.prefetch_related("people"):
        copy = Session.objects.create(
            event=clone,
            title=session.title,
            kind=session.kind,
            room=session.room,
            description=session.description,
            starts_at=session.starts_at + shift,
            ends_at=session.ends_at + shift,
        )
        SessionPerson.objects.bulk_create(
            SessionPerson(session=copy, person_id=p.person_id, role=p.role) for p in session.people.all()
        )
    for form in event.forms.all():
        RegistrationForm.objects.create(
            event=clone,
            title=form.title,
            audience=form.audience,
            invitation_only=form.invitation_only,
            requires_approval=form.requires_approval,
            capacity=form.capacity,
            waiting_list=form.waiting_list,
            questions=form.questions,
        )
    log_action(clone, "events.event.cloned", user=user, data={"from": event.pk})
    return clone


# Timetable.


def _check_session(session: Session) -> None:
    event = session.event
    if session.ends_at <= session.starts_at:
        raise DomainError(_("A session must end after it starts."))
    local_start, local_end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    if not (event.starts_on <= local_start.date() and local_end.date() <= event.ends_on):
        raise DomainError(
            _("The session must take place between %(start)s and %(end)s, the days of the event.")
            % {"start": event.starts_on, "end": event.ends_on}
        )
    if session.room:
        clash = (
            event.sessions.filter(
                room__iexact=session.room, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at
            )
            .exclude(pk=session.pk)
            .first()
        )
        if clash:
            raise DomainError(
                _("%(room)s is taken by “%(other)s” at that time.") % {"room": session.room, "other": clash.title}
            )


@transaction.atomic
def save_session(session: Session, *, user, people=()) -> Session:
    """Add or change a session; `people` is [(person, role)] and replaces its chairs, speakers and moderators."""
    Event.objects.select_for_update().filter(pk=session.event_id).first()  # one timetable edit at a time
    _check_session(session)
    created = session.pk is None
    session.save()
    if people or not created:
        session.people.all().delete()
        SessionPerson.objects.bulk_create(SessionPerson(session=session, person=p, role=r) for p, r in people)
    log_action(session, "events.session." + ("added" if created else "changed"), user=user, after=snapshot(session))
    return session


@transaction.atomic
def remove_session(session: Session, *, user) -> None:
    log_action(session, "events.session.removed", user=user, before=snapshot(session))
    session.delete()


# Registration.


@transaction.atomic
def save_registration_form(form: RegistrationForm, *, user) -> RegistrationForm:
    """Add or change a registration form (its capacity, approval step, questions, opening)."""
    created = form.pk is None
    before = None if created else snapshot(RegistrationForm.objects.select_for_update().get(pk=form.pk))
    if form.capacity is not None and not created:
        taken = _seats_taken(form)
        if form.capacity < taken:
            raise DomainError(
                _("%(taken)s people already hold a seat; the capacity cannot be lower.") % {"taken": taken}
            )
    form.save()
    log_action(form, "events.form.saved", user=user, before=before, after=snapshot(form))
    return form


def _seats_taken(form: RegistrationForm) -> int:
    return form.registrations.seated().count()


def _notify(registration: Registration, subject: str, body: str) -> None:
    email = registration.person.email
    if email:
        # robust: a mail server down must not undo or fail the registration; the failure is logged.
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]), robust=True)


def _state_message(registration: Registration) -> tuple[str, str]:
    event = registration.event
    subject = _("%(event)s: your registration is %(state)s") % {
        "event": event.title,
        "state": registration.get_state_display().lower(),
    }
    lines: dict[str, str] = {
        RegistrationState.PENDING: _("We have received your registration; you will hear from us once it is reviewed."),
        RegistrationState.APPROVED: _("Your participation is confirmed. We look forward to seeing you."),
        RegistrationState.WAITING: _(
            "The event is full; you are on the waiting list and will be told if a seat frees."
        ),
        RegistrationState.DECLINED: _("We are sorry that we cannot confirm your participation this time."),
        RegistrationState.CANCELLED: _("Your registration has been cancelled."),
    }
    body = f"{registration.person}\n\n{lines[registration.state]}\n\n{event.title}, {event.starts_on} – {event.ends_on}"
    return subject, body + (f", {event.place}" if event.place else "") + "\n"


@transaction.atomic
def register_person(
    form: RegistrationForm,
    *,
    person: Person | None = None,
    person_fields: dict | None = None,
    answers: dict | None = None,
    role: str = "",
    user=None,
    by_staff: bool = False,
    invitation_key: str = "",
    state: str | None = None,
    is_sample: bool = False,
) -> Registration:
    """Register someone through `form`: pending for approval, approved at once if the form needs none, on the
    waiting list when full (or refused if the form keeps none). Staff may set the state (an imported list).
    The form row is locked, so concurrent registrations can never take more seats than the capacity."""
    if state is not None and (not by_staff or state not in RegistrationState.values):
        raise DomainError(_("Unknown registration state “%(state)s”.") % {"state": state})
    form = RegistrationForm.objects.select_for_update().select_related("event").get(pk=form.pk)
    event = form.event
    if not by_staff:
        if not form.is_open:
            raise DomainError(_("Registration for %(event)s is not open.") % {"event": event.title})
        if form.closes_on and timezone.localdate() > form.closes_on:
            raise DomainError(_("Registration closed on %(date)s.") % {"date": form.closes_on})
        if form.invitation_only and not secrets.compare_digest(invitation_key, form.invitation_key):
            raise DomainError(_("This registration is by invitation only; use the link in your invitation."))
    if event.status == Status.CANCELLED:
        raise DomainError(_("%(event)s is cancelled.") % {"event": event.title})
    if person is None:
        person, _created = find_or_create_person(user=user, is_sample=is_sample, **(person_fields or {}))
    _check_not_registered(event, person)
    full = form.capacity is not None and _seats_taken(form) >= form.capacity
    if full and (not form.waiting_list or state in HOLDS_SEAT):
        raise DomainError(
            _("This event is full (%(capacity)s places); no more registrations are taken.")
            % {"capacity": form.capacity}
        )
    if state is None:
        if full:
            state = RegistrationState.WAITING
        elif form.requires_approval and not by_staff:
            state = RegistrationState.PENDING
        else:
            state = RegistrationState.APPROVED
    registration = Registration.objects.create(
        event=event,
        form=form,
        person=person,
        state=state,
        role=role or _default_role(form),
        answers=answers or {},
        country=person.country,
        is_sample=is_sample,
    )
    log_action(registration, "events.registration.created", user=user, after=snapshot(registration))
    _notify(registration, *_state_message(registration))
    return registration


def _check_not_registered(event: Event, person: Person) -> None:
    if event.registrations.filter(person=person).exclude(state=RegistrationState.CANCELLED).exists():
        raise DomainError(_("%(person)s is already registered for this event.") % {"person": person})


def _default_role(form: RegistrationForm) -> str:
    return {"speakers": "speaker", "media": "media"}.get(form.audience, "participant")


@transaction.atomic
def transition_registration(
    registration: Registration, *, to: str, user, version: int | None = None, note: str = ""
) -> Registration:
    """Move a registration to another state. The row is locked and its version checked, so two staff deciding
    at once cannot both act: the second is told it changed. Approving from the waiting list needs a free seat."""
    current = locked_for_update(Registration, registration.pk, version)
    if to not in TRANSITIONS[RegistrationState(current.state)]:
        raise DomainError(
            _("A registration that is %(from)s cannot become %(to)s.")
            % {"from": current.get_state_display().lower(), "to": RegistrationState(to).label.lower()}
        )
    if to in HOLDS_SEAT and current.state not in HOLDS_SEAT and current.form_id:
        form = RegistrationForm.objects.select_for_update().get(pk=current.form_id)
        if form.capacity is not None and _seats_taken(form) >= form.capacity:
            raise DomainError(_("No seat is free (capacity %(capacity)s).") % {"capacity": form.capacity})
    before = snapshot(current)
    current.state, current.decided_by, current.decided_at = to, user, timezone.now()
    if note:
        current.note = note
    current.version += 1
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:
        raise DomainError(
            _("%(person)s already has another registration for this event.") % {"person": current.person}
        ) from None
    log_action(current, f"events.registration.{to}", user=user, before=before, after=snapshot(current))
    _notify(current, *_state_message(current))
    return current


# Attendance.


@transaction.atomic
def check_in(
    registration: Registration,
    *,
    day: datetime.date | None = None,
    session: Session | None = None,
    mode: str = Mode.IN_PERSON,
    user,
) -> tuple[Attendance, bool]:
    """Record that a person is present on a day (or at a session). Checking in twice returns the first record:
    the database refuses a second, so concurrent check-ins never count twice. Returns (attendance, created)."""
    registration = Registration.objects.select_related("event", "person").get(pk=registration.pk)
    event = registration.event
    if session is not None:
        if session.event_id != event.pk:
            raise DomainError(_("That session is not part of %(event)s.") % {"event": event.title})
        day = timezone.localtime(session.starts_at).date()
    today = timezone.localdate()
    day = day or today
    if not event.starts_on <= day <= event.ends_on:
        raise DomainError(
            _("%(day)s is not a day of %(event)s (%(start)s – %(end)s).")
            % {"day": day, "event": event.title, "start": event.starts_on, "end": event.ends_on}
        )
    if day > today:
        raise DomainError(_("%(day)s has not come yet: attendance is recorded on the day or after it.") % {"day": day})
    if registration.state != RegistrationState.APPROVED:
        raise DomainError(
            _("%(person)s cannot be checked in: the registration is %(state)s.")
            % {"person": registration.person, "state": registration.get_state_display().lower()}
        )
    lookup = {"registration": registration, "day": day, "session": session}
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(**lookup, mode=mode, checked_in_by=user)
    except IntegrityError:
        return Attendance.objects.get(**lookup), False
    log_action(attendance, "events.attendance.checked_in", user=user, data={"day": day.isoformat(), "mode": mode})
    return attendance, True


@transaction.atomic
def issue_certificate(registration: Registration, *, user) -> Registration:
    """Give an attended registration its certificate code (once; later calls return the same code)."""
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.certificate_code:
        return current
    if not current.attendance.exists():
        raise DomainError(_("A certificate of attendance is issued only to people checked in at the event."))
    if current.event.ends_on > timezone.localdate():
        raise DomainError(
            _("A certificate of attendance is issued from the last day of the event (%(end)s).")
            % {"end": current.event.ends_on}
        )
    current.certificate_code = secrets.token_hex(6).upper()
    current.save(update_fields=["certificate_code"])
    log_action(current, "events.certificate.issued", user=user, data={"code": current.certificate_code})
    return current


# Delegations and nominations.


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def add_delegation(event: Event, *, country, user, category: str = "", nominating_authority: str = "") -> Delegation:
    """The delegation of `country` to `event` (made if new); its category and authority updated when given."""
    delegation, created = Delegation.objects.select_for_update().get_or_create(event=event, country=country)
    before = None if created else snapshot(delegation)
    changed = created
    for name, value in (("category", category), ("nominating_authority", nominating_authority)):
        if value and getattr(delegation, name) != value:
            setattr(delegation, name, value)
            changed = True
    if changed:
        delegation.version += 1
        delegation.save()
        log_action(delegation, "events.delegation.saved", user=user, before=before, after=snapshot(delegation))
    return delegation


@transaction.atomic
def issue_nomination_link(event: Event, *, country, user, category: str = "", nominating_authority: str = ""):
    """A new secret link for the focal points of `country` to nominate its delegation to `event`; any earlier
    link stops working. Returns (delegation, token): the token is shown once and only its digest is kept."""
    _check_nominations_open(event)
    delegation = add_delegation(
        event, country=country, user=user, category=category, nominating_authority=nominating_authority
    )
    token = secrets.token_urlsafe(32)
    delegation.token_digest, delegation.token_issued_at = _token_digest(token), timezone.now()
    delegation.version += 1
    delegation.save()
    log_action(delegation, "events.delegation.link_issued", user=user)
    return delegation, token


def delegation_for_token(token: str) -> Delegation:
    """The delegation a nomination link opens; DomainError for a link that is wrong, replaced or for a past event."""
    delegation = (
        Delegation.objects.select_related("event", "country").filter(token_digest=_token_digest(token or "")).first()
    )
    if delegation is None:
        raise DomainError(_("This nomination link is not valid. Ask the secretariat for a new one."))
    _check_nominations_open(delegation.event)
    return delegation


class NominationsClosed(DomainError):
    """The event is over or cancelled: its nomination links no longer work."""


def _check_nominations_open(event: Event) -> None:
    if event.ends_on < timezone.localdate() or event.status == Status.CANCELLED:
        raise NominationsClosed(_("Nominations for %(event)s are closed.") % {"event": event.title})


@transaction.atomic
def nominate_delegate(
    delegation: Delegation,
    *,
    person_fields: dict,
    head: bool = False,
    nominating_authority: str = "",
    user=None,
    by_staff: bool = False,
) -> Registration:
    """A focal point names one member of the delegation (pending until staff approve it). Staff may also record
    the members of a past meeting's delegation from its report (`by_staff`)."""
    delegation = Delegation.objects.select_for_update().select_related("event").get(pk=delegation.pk)
    event = delegation.event
    if not by_staff:
        _check_nominations_open(event)
    person_fields = {**person_fields, "country": delegation.country}
    person, created = find_or_create_person(user=user, **person_fields)
    blanks = {name: value for name, value in person_fields.items() if value and not getattr(person, name)}
    if not created and blanks:  # what the focal point knows (title, position) completes the record, never overwrites
        person = update_person(person, version=None, user=user, **blanks)
    _check_not_registered(event, person)
    if head:
        for former in delegation.members.filter(is_head_of_delegation=True):
            former.is_head_of_delegation = False
            former.save(update_fields=["is_head_of_delegation"])
            log_action(former, "events.delegation.head_replaced", user=user)
    if nominating_authority:
        delegation.nominating_authority = nominating_authority
        delegation.save(update_fields=["nominating_authority"])
    registration = Registration.objects.create(
        event=event,
        person=person,
        delegation=delegation,
        is_head_of_delegation=head,
        country=delegation.country,
        state=RegistrationState.PENDING,
        form=event.forms.filter(audience="participants").first(),
    )
    log_action(registration, "events.delegation.nominated", user=user, after=snapshot(registration))
    _notify(registration, *_state_message(registration))
    return registration


@transaction.atomic
def record_credentials(
    delegation: Delegation, *, received_on: datetime.date | None, verified: bool, user, version: int | None = None
) -> Delegation:
    current = locked_for_update(Delegation, delegation.pk, version)
    before = snapshot(current)
    if verified and not received_on:
        raise DomainError(_("Credentials can be verified only once they are received."))
    current.credentials_received_on = received_on
    if verified and not current.credentials_verified_at:
        current.credentials_verified_at, current.credentials_verified_by = timezone.now(), user
    elif not verified:
        current.credentials_verified_at, current.credentials_verified_by = None, None
    current.version += 1
    current.save()
    log_action(current, "events.delegation.credentials", user=user, before=before, after=snapshot(current))
    return current


# Funded travel.

TRAVEL_FIELDS = (
    "status",
    "eligible",
    "requested_on",
    "itinerary",
    "ticket_reference",
    "ticket_cost",
    "nights",
    "dsa_rate",
    "advance_paid",
    "proof_received",
    "actual_cost",
    "reconciled_on",
)


@transaction.atomic
def fund_travel(registration: Registration, *, user, **fields) -> Travel:
    """Mark a registration as funded; the DSA rate defaults to the event's."""
    if hasattr(registration, "travel"):
        raise DomainError(_("%(person)s's travel is already recorded.") % {"person": registration.person})
    if registration.state in (RegistrationState.DECLINED, RegistrationState.CANCELLED):
        raise DomainError(
            _("A %(state)s registration cannot be funded.") % {"state": registration.get_state_display().lower()}
        )
    rate = fields.pop("dsa_rate", None)
    if rate is None:
        rate = registration.event.dsa_rate
    if rate is None:
        raise DomainError(_("Set the event's DSA rate first, or give one for this person."))
    travel = Travel.objects.create(registration=registration, dsa_rate=rate, **_travel_fields(fields))
    log_action(travel, "events.travel.requested", user=user, after=snapshot(travel))
    return travel


def _travel_fields(fields: dict) -> dict:
    unknown = set(fields) - set(TRAVEL_FIELDS)
    if unknown:
        raise DomainError(_("Unknown travel fields: %s.") % ", ".join(sorted(unknown)))
    return fields


@transaction.atomic
def update_travel(travel: Travel, *, version: int | None, user, **fields) -> Travel:
    current = locked_for_update(Travel, travel.pk, version)
    before = snapshot(current)
    for name, value in _travel_fields(fields).items():
        setattr(current, name, value)
    if current.status == TravelStatus.RECONCILED:
        if current.actual_cost is None or not current.proof_received:
            raise DomainError(_("Reconciliation needs the proof of travel and the actual cost."))
        current.reconciled_on = current.reconciled_on or timezone.localdate()
    if current.actual_cost is not None and current.actual_cost < Decimal(0):
        raise DomainError(_("The actual cost cannot be negative."))
    current.version += 1
    current.save()
    log_action(current, "events.travel.updated", user=user, before=before, after=snapshot(current))
    return current


# Contributions to other organisations' events.


@transaction.atomic
def record_contribution(
    event: Event,
    *,
    user,
    version: int | None = None,
    our_role: str,
    audience_estimate: int | None,
    countries_reached=(),
    deployed=(),
) -> Event:
    """What we did at another organisation's event: our role, who went [(person, role)], and the estimated
    audience and countries reached (shown as estimates wherever they are counted)."""
    if event.kind != Kind.CONTRIBUTION:
        raise DomainError(_("Only contributions to others' events record an estimated audience."))
    current = update_event(
        event,
        version=version,
        user=user,
        our_role=our_role,
        audience_estimate=audience_estimate,
        countries_reached=countries_reached,
    )
    current.deployments.all().delete()
    Deployment.objects.bulk_create(Deployment(event=current, person=p, role=r) for p, r in deployed)
    log_action(current, "events.contribution.recorded", user=user, data={"deployed": [[p.pk, r] for p, r in deployed]})
    return current


# People merged or erased (hooks called by octopus.people.services, which cannot import events).


def reconcile_merge(keep: Person, duplicate: Person, *, user) -> None:
    """Before `duplicate` is merged into `keep`: where both are registered for the same event, the duplicate's
    registration is cancelled with a note (kept, never deleted) and its attendance moves to the kept one unless
    that day or session is already recorded; a role both hold (speaker of a session, sent to an event) is kept once."""
    live = Registration.objects.exclude(state=RegistrationState.CANCELLED)
    kept_by_event = {r.event_id: r for r in live.filter(person=keep)}
    for twin in live.filter(person=duplicate, event_id__in=kept_by_event).select_for_update():
        kept = kept_by_event[twin.event_id]
        for row in twin.attendance.all():
            clash = kept.attendance.filter(day=row.day, session=row.session_id).exists()
            if not clash:
                row.registration = kept
                row.save(update_fields=["registration"])
        before = snapshot(twin)
        twin.state, twin.version = RegistrationState.CANCELLED, twin.version + 1
        merged = _("Duplicate of registration #%(pk)s (people merged).") % {"pk": kept.pk}
        twin.note = f"{twin.note}\n{merged}" if twin.note else merged
        twin.save()
        log_action(twin, "events.registration.merged", user=user, before=before, after=snapshot(twin))
    SessionPerson.objects.filter(
        person=duplicate, session__people__person=keep, role=F("session__people__role")
    ).delete()
    Deployment.objects.filter(person=duplicate, event__deployments__person=keep).delete()


def forget_answers(people: list[Person]) -> None:
    """Before people are anonymised: what they wrote in registration forms goes too, and travel details that
    identify them; states, roles, countries and attendance stay, so every count is unchanged."""
    registrations = Registration.objects.filter(person__in=people)
    registrations.update(answers={}, note="")
    Travel.objects.filter(registration__in=registrations).update(itinerary="", ticket_reference="")


def events_past_retention(today: datetime.date | None = None) -> list[Event]:
    """Events whose retention period has ended and whose personal data is still held."""
    today = today or timezone.localdate()
    return [e for e in Event.objects.filter(anonymised_at__isnull=True) if e.retention_ends_on < today]


@transaction.atomic
def anonymise_event(event: Event, *, user=None, today: datetime.date | None = None) -> int:
    """End an event's retention: what its registrants wrote goes, and each of them is anonymised unless a later
    event still within its retention holds them (their data is then erased when that one ends). Every count stays.
    Returns how many people were anonymised."""
    today = today or timezone.localdate()
    current = Event.objects.select_for_update().get(pk=event.pk)
    if current.anonymised_at:
        return 0
    registrations = Registration.objects.filter(event=current)
    forget_answers(list(Person.objects.filter(registrations__event=current)))
    kept = Registration.objects.filter(person__in=registrations.values("person")).exclude(event=current)
    still_held = {r.person_id for r in kept.select_related("event") if r.event.retention_ends_on >= today}
    reason = _("Retention of the data of %(event)s ended on %(date)s.") % {
        "event": current.title,
        "date": current.retention_ends_on,
    }
    people = Person.objects.filter(registrations__event=current, anonymised_at__isnull=True, merged_into__isnull=True)
    count = 0
    for person in people.exclude(pk__in=still_held).distinct():
        anonymise_person(person, user=user, reason=reason)
        count += 1
    current.anonymised_at = timezone.now()
    current.save(update_fields=["anonymised_at"])
    log_action(current, "events.event.anonymised", user=user, data={"people": count})
    return count

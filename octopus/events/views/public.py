"""Public event pages: the calendar, an event's programme, registration, and the list of participants who agreed to
be listed. None needs signing in: participants register before they have any account, and the programme
publishes what it does (DESIGN.md §9 limits what is shown about people)."""

import itertools
from collections import OrderedDict

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from octopus.events import services
from octopus.events.forms.public import PublicRegistrationForm
from octopus.events.models import Event, Kind, RegistrationForm, RegistrationState, SessionPerson, Status
from octopus.events.queries import attendance_totals
from octopus.lib.errors import DomainError
from octopus.people.models import Organisation, Person, Purpose
from octopus.people.services import create_organisation, record_consent


def public_events():
    return Event.objects.public().select_related("country")


def language_names(codes) -> list[str]:
    names = []
    for code in codes or []:
        try:
            names.append(get_language_info(code)["name_translated"])
        except KeyError:
            names.append(code)
    return names


# Public: the calendar of the programme's public events is published for anyone to see.
def events_public(request):
    events = public_events()
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        events = events.filter(kind=kind)
    year = request.GET.get("year", "")
    if year.isdigit():
        events = events.filter(starts_on__year=int(year))
    today = timezone.localdate()
    events = list(events.order_by("starts_on", "title"))
    upcoming = [e for e in events if e.ends_on >= today]
    past = sorted((e for e in events if e.ends_on < today), key=lambda e: e.starts_on, reverse=True)
    years = sorted({d.year for d in Event.objects.public().dates("starts_on", "year")}, reverse=True)
    context = {"upcoming": upcoming, "past": past, "kinds": Kind.choices, "kind": kind, "year": year, "years": years}
    return render(request, "events/public/events.html", context)


def timetable(event: Event) -> list[dict]:
    """Sessions by day, and within a day by time slot: sessions sharing a slot are parallel (side by side)."""
    sessions = event.sessions.prefetch_related(
        Prefetch("people", queryset=SessionPerson.objects.select_related("person").order_by("role", "pk"))
    )
    days = OrderedDict()
    for session in sessions:
        start = timezone.localtime(session.starts_at)
        session.roles = {
            role: [sp.person for sp in group]
            for role, group in itertools.groupby(session.people.all(), key=lambda sp: sp.role)
        }
        slots = days.setdefault(start.date(), OrderedDict())
        slots.setdefault((start, timezone.localtime(session.ends_at)), []).append(session)
    return [
        {"day": day, "slots": [{"starts": s, "ends": e, "sessions": sessions} for (s, e), sessions in slots.items()]}
        for day, slots in days.items()
    ]


# Public: the programme page of a public event is what participants and the press read before registering.
def event_public(request, slug):
    event = get_object_or_404(public_events().select_related("series"), slug=slug)
    forms = [f for f in event.forms.filter(is_open=True, invitation_only=False) if _still_open(f)]
    context = {
        "event": event,
        "days": timetable(event),
        "forms": forms,
        "languages": language_names(event.languages),
        "host_countries": event.host_countries.all(),
        "reference": is_reference(event),
    }
    if context["reference"]:
        context["recorded"] = attendance_totals(Event.objects.filter(pk=event.pk))
    return render(request, "events/public/event.html", context)


def is_reference(event: Event) -> bool:
    """A past event known from a report: its source or its reported figures are shown beside what Octopus holds."""
    return bool(event.source) or event.reported_participants is not None or event.reported_countries is not None


def _still_open(form) -> bool:
    return not form.closes_on or form.closes_on >= timezone.localdate()


def resolve_organisation(data: dict, *, user) -> tuple[Organisation | None, str]:
    """The organisation typed, matched by name (in the country, or international), created when a sector is given;
    otherwise (None, name) so that the name is kept with the answers for staff to match."""
    name = (data.get("organisation_name") or "").strip()
    if not name:
        return None, ""
    country = data.get("country")
    found = (
        Organisation.objects.filter(name__iexact=name, country=country).first()
        or Organisation.objects.filter(name__iexact=name, country__isnull=True).first()
        or Organisation.objects.filter(acronym__iexact=name, country=country).first()
    )
    if found:
        return found, ""
    if data.get("sector"):
        return create_organisation(name=name, sector=data["sector"], country=country, user=user, existing_ok=True), ""
    return None, name


def person_fields(data: dict, organisation) -> dict:
    fields = {name: data.get(name) or "" for name in ("title", "first_name", "last_name", "sex", "email", "position")}
    fields["country"] = data.get("country")
    fields["organisation"] = organisation
    return fields


def register(form, data: dict, *, answers: dict, user, by_staff=False, invitation_key="", role="", consents=None):
    """Register through `form` with what was typed: the organisation, the person, the registration and the
    consents are written together or not at all (a refusal leaves nothing behind)."""
    with transaction.atomic():
        # One registration through a form at a time: the seats left, and an organisation new to the registry, are
        # decided in turn (two people of a new organisation registering at once would otherwise both create it).
        RegistrationForm.objects.select_for_update().filter(pk=form.pk).first()
        organisation, unmatched = resolve_organisation(data, user=user)
        if unmatched:
            answers = {**answers, "organisation": unmatched}
        registration = services.register_person(
            form,
            person_fields=person_fields(data, organisation),
            answers=answers,
            role=role,
            user=user,
            by_staff=by_staff,
            invitation_key=invitation_key,
        )
        for purpose, granted in (consents or {}).items():
            record_consent(
                registration.person,
                purpose=purpose,
                granted=granted,
                user=user,
                source=_("Registration form: %s") % form,
            )
    return registration


# Public: anyone may register for an open form (invitation-only forms need the key from the invitation).
def event_register(request, slug, form_id):
    event = get_object_or_404(Event.objects.exclude(status=Status.CANCELLED), slug=slug)
    reg_form = get_object_or_404(event.forms, pk=form_id)
    key = request.GET.get("key", "")
    # An event kept off the public calendar (a T-CY Bureau, say) takes registrations only from those invited.
    if not event.is_public and not (reg_form.invitation_only and key == reg_form.invitation_key):
        raise Http404
    closed = ""
    if not reg_form.is_open or not _still_open(reg_form):
        closed = _("Registration through this form is not open.")
    elif reg_form.invitation_only and key != reg_form.invitation_key:
        closed = _("This registration is by invitation only; use the link in your invitation.")
    form = PublicRegistrationForm(request.POST or None, questions=reg_form.questions)
    if request.method == "POST" and form.is_valid():
        user = request.user if request.user.is_authenticated else None
        try:
            registration = register(
                reg_form,
                form.cleaned_data,
                answers=form.answers(),
                user=user,
                invitation_key=key,
                consents=form.consents(),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return render(
                request,
                "events/public/registered.html",
                {"event": event, "registration": registration, "states": RegistrationState},
            )
    status = 400 if request.method == "POST" else 200
    context = {"event": event, "reg_form": reg_form, "form": form, "closed": closed if request.method == "GET" else ""}
    return render(request, "events/public/register.html", context, status=status)


# Public: the list shows only approved participants who agreed to appear on it (people.Purpose.PUBLISH_LIST).
def event_participants_public(request, slug):
    event = get_object_or_404(public_events(), slug=slug)
    registrations = (
        event.registrations.approved()
        .filter(person__in=Person.objects.consenting_to(Purpose.PUBLISH_LIST))
        .select_related("person__organisation", "country")
        .order_by("country__name", "person__last_name", "person__first_name", "pk")
    )
    groups = OrderedDict()
    others = []
    for registration in registrations:
        if registration.country is None:
            others.append(registration)
        else:
            groups.setdefault(registration.country.name, []).append(registration)
    countries = list(groups.items())
    if others:
        countries.append((_("Other participants"), others))
    context = {"event": event, "countries": countries, "total": sum(len(r) for _c, r in countries)}
    return render(request, "events/public/participants.html", context)


urlpatterns = [
    path("events/", events_public, name="events_public"),
    path("events/<slug:slug>/", event_public, name="event_public"),
    path("events/<slug:slug>/register/<int:form_id>/", event_register, name="event_register"),
    path("events/<slug:slug>/participants/", event_participants_public, name="event_participants_public"),
]

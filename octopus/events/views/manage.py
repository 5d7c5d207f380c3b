"""The event workspace: the list of events and series, an event's overview, its timetable, registration forms and
registrations. Reading needs `events.view_events`; every change needs `events.manage_events` and goes through
`octopus.events.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from octopus.accounts.models import AuditEntry
from octopus.accounts.permissions import permission_required
from octopus.events import services
from octopus.events.forms.manage import (
    CloneForm,
    EventFilterForm,
    EventForm,
    RegistrationFilterForm,
    RegistrationFormForm,
    SessionForm,
    StaffRegistrationForm,
    TransitionForm,
)
from octopus.events.forms.programmes import ProgrammesVersionForm
from octopus.events.models import (
    HOLDS_SEAT,
    TRANSITIONS,
    Event,
    Registration,
    RegistrationForm,
    RegistrationState,
    Series,
    Session,
    SessionPerson,
)
from octopus.events.queries import attendance_totals
from octopus.events.views.public import language_names, register, timetable
from octopus.lib.errors import DomainError
from octopus.lib.forms import show_refusal
from octopus.results.assignments import assignments_of
from octopus.results.forms import programme_shares_formset

READ = "events.view_events"
MANAGE = "events.manage_events"
PAGE_SIZE = 50


def registration_counts(prefix: str = "registrations") -> dict:
    """Annotations counting an event's registrations, by state, in the same query as the events."""
    counts = {"registrations_total": Count(prefix, distinct=True)}
    for state in RegistrationState.values:
        counts[f"registrations_{state}"] = Count(prefix, filter=Q(**{f"{prefix}__state": state}), distinct=True)
    return counts


def get_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.select_related("country", "series", "activity"), slug=slug)


# --- events ----------------------------------------------------------------------------------------------------


@permission_required(READ)
def event_list(request):
    filters = EventFilterForm(request.GET or None)
    events = Event.objects.select_related("country", "series").annotate(**registration_counts())
    events = filters.filter(events) if filters.is_bound else events.order_by("-starts_on", "pk")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "events": page.object_list,
        "filtered": filters.is_bound and any(v for k, v in request.GET.items() if k not in ("sort", "page")),
        "query": _query_without_page(request),
    }
    return render(request, "events/manage/events.html", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@permission_required(MANAGE)
def event_create(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            event = services.create_event(user=request.user, host_countries=fields.pop("host_countries"), **fields)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Event created. Build its timetable and open registration next."))
            return redirect("events:event", event.slug)
    context = {"form": form, "title": _("New event")}
    return render(request, "events/manage/form.html", context, status=400 if form.errors else 200)


@permission_required(MANAGE)
def event_edit(request, slug):
    event = get_event(slug)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            event = services.update_event(
                event,
                version=form.cleaned_data["version"],
                user=request.user,
                host_countries=fields.pop("host_countries"),
                **fields,
            )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Event.objects.get(pk=event.pk).version)
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:event", event.slug)
    context = {"form": form, "event": event, "title": _("Edit %(event)s") % {"event": event.title}}
    return render(request, "events/manage/form.html", context, status=400 if form.errors else 200)


@permission_required(MANAGE)
def event_clone(request, slug):
    event = get_event(slug)
    initial = {"title": event.title, "slug": CloneForm.suggested_slug(event)}
    form = CloneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clone = services.clone_event(event, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Event cloned with its forms and timetable. Check its details."))
            return redirect("events:event", clone.slug)
    context = {
        "form": form,
        "event": event,
        "title": _("Clone %(event)s") % {"event": event.title},
        "intro": _(
            "The new event has the same place, series, registration forms and timetable (moved to the new "
            "dates), and no registrations."
        ),
    }
    return render(request, "events/manage/form.html", context, status=400 if form.errors else 200)


@permission_required(READ)
def event_detail(request, slug):
    event = get_event(slug)
    context = {
        "event": event,
        "languages": language_names(event.languages),
        "host_countries": event.host_countries.all(),
        "sessions": event.sessions.count(),
        **_programmes_context(request, event),
    }
    if event.is_contribution:
        # Nobody registers for another organisation's event: its overview is our role and the estimates.
        context["deployments"] = event.deployments.select_related("person").order_by("person__last_name", "pk")
        context["countries"] = list(event.countries_reached.all())
        return render(request, "events/manage/event.html", context)
    by_state = dict(event.registrations.values_list("state").annotate(n=Count("pk")).order_by())
    context.update(
        states=[(state, label, by_state.get(state, 0)) for state, label in RegistrationState.choices],
        total=sum(by_state.values()),
        checked_in=attendance_totals(Event.objects.filter(pk=event.pk))["participants"],
        delegations=event.delegations.count(),
        forms=event.forms.annotate(seats=Count("registrations", filter=Q(registrations__state__in=HOLDS_SEAT))),
    )
    return render(request, "events/manage/event.html", context)


def _programmes_context(request, event, *, data=None, version_form=None, rows=None) -> dict:
    """The programmes `event` serves and, for staff who run events, the form that sets them."""
    assignments = assignments_of(event)
    context = {"assignments": assignments}
    if request.user.has_perm(MANAGE):
        context["programme_rows"] = rows or programme_shares_formset(event, assignments, data=data)
        context["programme_version"] = version_form or ProgrammesVersionForm(data, initial={"version": event.version})
    return context


@permission_required(READ)
def event_programmes(request, slug):
    """The programmes an event serves (each counts it once; the shares split its cost and its funded travel), set
    by staff who run events. Where a programme's dashboard sends staff to assign an event."""
    event = get_event(slug)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        version_form = ProgrammesVersionForm(request.POST)
        rows = programme_shares_formset(event, assignments_of(event), data=request.POST)
        if version_form.is_valid() and rows.is_valid():
            try:
                services.set_event_programmes(
                    event, rows.shares(), user=request.user, version=version_form.cleaned_data["version"]
                )
            except DomainError as error:
                show_refusal(version_form, error, current_version=lambda: Event.objects.get(pk=event.pk).version)
            else:
                messages.success(request, _("The programmes this event serves are saved."))
                return redirect("events:event", event.slug)
        status = 400
        context = _programmes_context(request, event, version_form=version_form, rows=rows)
    else:
        context = _programmes_context(request, event)
    return render(request, "events/manage/programmes.html", {"event": event, **context}, status=status)


@permission_required(READ)
def series_detail(request, pk):
    series = get_object_or_404(Series, pk=pk)
    events = series.events.select_related("country").annotate(**registration_counts()).order_by("starts_on", "pk")
    return render(request, "events/manage/series.html", {"series": series, "events": events})


# --- timetable -------------------------------------------------------------------------------------------------


def _session_people_queryset():
    return Prefetch("people", queryset=SessionPerson.objects.select_related("person").order_by("role", "pk"))


def _sessions_page(request, slug, pk=None):
    event = get_event(slug)
    session = None
    if pk is not None:
        session = get_object_or_404(event.sessions.prefetch_related(_session_people_queryset()), pk=pk)
    form = None
    if request.user.has_perm(MANAGE):
        initial = SessionForm.initial_for(session) if session else {}
        form = SessionForm(request.POST or None, initial=initial, event=event)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        target = session or Session(event=event)
        for name, value in form.session_fields().items():
            setattr(target, name, value)
        try:
            services.save_session(target, user=request.user, people=form.people())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Session “%(title)s” saved.") % {"title": target.title})
            return redirect("events:event_sessions", slug)
    context = {"event": event, "days": timetable(event), "form": form, "session": session}
    return render(request, "events/manage/sessions.html", context, status=400 if form and form.errors else 200)


@permission_required(READ)
def event_sessions(request, slug):
    """The timetable; staff who manage events add a session with the form under it."""
    return _sessions_page(request, slug)


@permission_required(MANAGE)
def event_session_edit(request, slug, pk):
    return _sessions_page(request, slug, pk)


@permission_required(MANAGE)
def event_session_remove(request, slug, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    event = get_event(slug)
    session = get_object_or_404(event.sessions, pk=pk)
    services.remove_session(session, user=request.user)
    messages.success(request, _("Session “%(title)s” removed.") % {"title": session.title})
    return redirect("events:event_sessions", slug)


# --- registration forms ----------------------------------------------------------------------------------------


def _save_form(form: RegistrationFormForm, event: Event, user) -> RegistrationForm | None:
    """Save through the service; a refusal (capacity below the seats taken) goes on the form."""
    instance = form.save(commit=False)
    instance.event = event
    try:
        return services.save_registration_form(instance, user=user)
    except DomainError as error:
        form.add_error("capacity", str(error))
        return None


@permission_required(READ)
def event_forms(request, slug):
    event = get_event(slug)
    can_manage = request.user.has_perm(MANAGE)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = RegistrationFormForm(request.POST or None) if can_manage else None
    saved = request.method == "POST" and form.is_valid() and _save_form(form, event, request.user)
    if saved:
        messages.success(request, _("Registration form “%(title)s” saved.") % {"title": saved.title})
        return redirect("events:event_forms", slug)
    forms = event.forms.annotate(
        seats=Count("registrations", filter=Q(registrations__state__in=HOLDS_SEAT)),
        total=Count("registrations"),
    )
    context = {"event": event, "forms": forms, "form": form, "links": _form_links(request, event, forms)}
    return render(request, "events/manage/forms.html", context, status=400 if form and form.errors else 200)


def _form_links(request, event, forms) -> dict:
    """The address to give people for each form; the invitation key is part of it for invitation-only forms."""
    links = {}
    for reg_form in forms:
        url = reverse("events:event_register", args=[event.slug, reg_form.pk])
        if reg_form.invitation_only:
            url += "?key=" + reg_form.invitation_key
        links[reg_form.pk] = request.build_absolute_uri(url)
    return links


@permission_required(MANAGE)
def event_form_edit(request, slug, pk):
    event = get_event(slug)
    reg_form = get_object_or_404(event.forms, pk=pk)
    form = RegistrationFormForm(request.POST or None, instance=reg_form)
    if request.method == "POST" and form.is_valid() and _save_form(form, event, request.user):
        messages.success(request, _("Registration form saved."))
        return redirect("events:event_forms", slug)
    link = _form_links(request, event, [reg_form])[reg_form.pk]
    context = {"event": event, "form": form, "reg_form": reg_form, "link": link}
    return render(request, "events/manage/form_edit.html", context, status=400 if form.errors else 200)


# --- registrations ---------------------------------------------------------------------------------------------


# The button for each change of state, as a verb, the same on the list and on the registration page.
TRANSITION_VERBS = {
    RegistrationState.APPROVED: _("Approve"),
    RegistrationState.WAITING: _("Put on waiting list"),
    RegistrationState.DECLINED: _("Decline"),
    RegistrationState.CANCELLED: _("Cancel"),
    RegistrationState.PENDING: _("Back to pending"),
}
# Changes that turn someone away: only on the registration page, behind a confirmation.
CONFIRMED_TRANSITIONS = {RegistrationState.DECLINED, RegistrationState.CANCELLED}


def transitions_of(registration: Registration) -> list[tuple[str, str]]:
    return [
        (state, str(TRANSITION_VERBS.get(state, label)))
        for state, label in RegistrationState.choices
        if state in TRANSITIONS[registration.state]
    ]


def quick_transitions_of(registration: Registration) -> list[tuple[str, str]]:
    """The changes offered on the list: the harmless ones (approve, waiting list), one click each."""
    return [(state, label) for state, label in transitions_of(registration) if state not in CONFIRMED_TRANSITIONS]


@permission_required(READ)
def event_registrations(request, slug):
    event = get_event(slug)
    filters = RegistrationFilterForm(request.GET or None, event=event)
    registrations = event.registrations.select_related("person__organisation", "country", "form").order_by(
        "person__last_name", "person__first_name", "pk"
    )
    if filters.is_bound:
        registrations = filters.filter(registrations)
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    for registration in page.object_list:
        registration.transitions = quick_transitions_of(registration)
    context = {
        "event": event,
        "filters": filters,
        "page": page,
        "registrations": page.object_list,
        "query": _query_without_page(request),
        "next": request.get_full_path(),
        "has_forms": event.forms.exists(),
    }
    return render(request, "events/manage/registrations.html", context)


@permission_required(MANAGE)
def registration_add(request, slug):
    event = get_event(slug)
    form = StaffRegistrationForm(request.POST or None, event=event)
    if not event.forms.exists():
        messages.info(request, _("Add a registration form first: each registration comes through one."))
        return redirect("events:event_forms", slug)
    if request.method == "POST" and form.is_valid():
        try:
            registration = register(
                form.cleaned_data["form"],
                form.cleaned_data,
                answers={},
                user=request.user,
                by_staff=True,
                role=form.cleaned_data["role"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(person)s registered (%(state)s).")
                % {"person": registration.person, "state": registration.get_state_display().lower()},
            )
            return redirect("events:event_registrations", slug)
    context = {"form": form, "event": event, "title": _("Add a registration")}
    return render(request, "events/manage/form.html", context, status=400 if form.errors else 200)


def history_label(action: str) -> str:
    """'events.registration.approved' → 'Approved'; other actions on a registration as they are recorded."""
    verb = action.rsplit(".", 1)[-1]
    if verb in RegistrationState.values:
        return str(RegistrationState(verb).label)
    labels = {"created": _("Registered"), "nominated": _("Nominated by the focal point")}
    return str(labels.get(verb, action))


@permission_required(READ)
def registration_detail(request, slug, pk):
    event = get_event(slug)
    registration = get_object_or_404(
        event.registrations.select_related("person__organisation", "country", "form", "delegation__country"), pk=pk
    )
    history = list(AuditEntry.objects.about(registration).select_related("user"))
    for entry in history:
        entry.label = history_label(entry.action)
    questions = {
        q["name"]: q.get("label", q["name"]) for q in (registration.form.questions if registration.form else [])
    }
    answers = [(questions.get(name, name), value) for name, value in registration.answers.items()]
    attendance = list(registration.attendance.select_related("session"))
    context = {
        "event": event,
        "registration": registration,
        "history": history,
        "answers": answers,
        "transitions": [(to, label) for to, label in transitions_of(registration) if to not in CONFIRMED_TRANSITIONS],
        "confirmed_transitions": [
            (to, label) for to, label in transitions_of(registration) if to in CONFIRMED_TRANSITIONS
        ],
        "attendance": attendance,
        "badge_url": f"{reverse('events:event_badges', args=[event.slug])}?registration={registration.pk}",
    }
    return render(request, "events/manage/registration.html", context)


@permission_required(MANAGE)
def registration_transition(request, slug, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    event = get_event(slug)
    registration = get_object_or_404(event.registrations.select_related("person"), pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The change was not understood; reload the page and try again."))
    else:
        try:
            registration = services.transition_registration(registration, user=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(person)s: %(state)s.")
                % {"person": registration.person, "state": registration.get_state_display().lower()},
            )
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("events:registration", slug, pk)


urlpatterns = [
    path("workspace/events/", event_list, name="events"),
    path("workspace/events/new/", event_create, name="event_create"),
    path("workspace/events/series/<int:pk>/", series_detail, name="series"),
    path("workspace/events/<slug:slug>/", event_detail, name="event"),
    path("workspace/events/<slug:slug>/edit/", event_edit, name="event_edit"),
    path("workspace/events/<slug:slug>/clone/", event_clone, name="event_clone"),
    path("workspace/events/<slug:slug>/programmes/", event_programmes, name="event_programmes"),
    path("workspace/events/<slug:slug>/sessions/", event_sessions, name="event_sessions"),
    path("workspace/events/<slug:slug>/sessions/<int:pk>/", event_session_edit, name="event_session_edit"),
    path("workspace/events/<slug:slug>/sessions/<int:pk>/remove/", event_session_remove, name="event_session_remove"),
    path("workspace/events/<slug:slug>/forms/", event_forms, name="event_forms"),
    path("workspace/events/<slug:slug>/forms/<int:pk>/", event_form_edit, name="event_form_edit"),
    path("workspace/events/<slug:slug>/registrations/", event_registrations, name="event_registrations"),
    path("workspace/events/<slug:slug>/registrations/new/", registration_add, name="registration_add"),
    path("workspace/events/<slug:slug>/registrations/<int:pk>/", registration_detail, name="registration"),
    path(
        "workspace/events/<slug:slug>/registrations/<int:pk>/transition/",
        registration_transition,
        name="registration_transition",
    ),
]

"""Delegations and nominations, credentials, check-in at the event, funded travel and contributions to others' events.

Staff pages are in the workspace; the one public page is the focal point's nomination link (`nominate`), where the
secret link itself is the authority.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from octopus.accounts.models import Role, User
from octopus.accounts.permissions import permission_required
from octopus.events import services
from octopus.events.forms.delegations import (
    BadgeCheckInForm,
    CheckInForm,
    CheckInPersonForm,
    ContributionForm,
    CredentialsForm,
    DeployedFormSet,
    FundTravelForm,
    InviteForm,
    MemberDecisionForm,
    NominationForm,
    TravelForm,
)
from octopus.events.models import (
    Attendance,
    Delegation,
    DelegationCategory,
    Event,
    Kind,
    Mode,
    Registration,
    RegistrationState,
    Travel,
    TravelStatus,
)
from octopus.lib.errors import DomainError
from octopus.lib.forms import show_refusal

READ = "events.view_events"
MANAGE = "events.manage_events"
CHECK_IN = "events.check_in"
TRAVEL = "events.manage_travel"

SEARCH_LIMIT = 50


def get_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.select_related("country"), slug=slug)


def require(request, perm: str) -> None:
    """For pages that anyone who may read them sees, but only some may change: checked before any POST."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


# --- delegations -----------------------------------------------------------------------------------------------

CATEGORY_ORDER = {value: index for index, value in enumerate(DelegationCategory.values)}


def delegations_of(event: Event) -> list[Delegation]:
    """The event's delegations in protocol order (category, then State), members loaded: three queries."""
    members = Registration.objects.select_related("person").order_by(
        "-is_head_of_delegation", "person__last_name", "person__first_name", "pk"
    )
    delegations = list(
        event.delegations.select_related("country").prefetch_related(Prefetch("members", queryset=members))
    )
    delegations.sort(key=lambda d: (CATEGORY_ORDER.get(d.category, 99), d.country.name))
    for delegation in delegations:
        delegation.member_list = list(delegation.members.all())
        delegation.head = next((m for m in delegation.member_list if m.is_head_of_delegation), None)
    return delegations


def focal_point_emails(country) -> list[str]:
    """E-mail addresses of the active focal points of `country` (users with a focal point membership for it)."""
    return sorted(
        User.objects.filter(is_active=True, memberships__role=Role.FOCAL_POINT, memberships__country_code=country.iso2)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def send_nomination_link(event: Event, delegation: Delegation, link: str, recipients: list[str]) -> None:
    """Mail the link to each focal point once the link is saved (robust: a mail server down does not undo it)."""
    subject = _("%(event)s: nominate the delegation of %(country)s") % {
        "event": event.title,
        "country": delegation.country.name,
    }
    body = _(
        "The secretariat invites %(country)s to nominate its delegation to %(event)s (%(start)s – %(end)s).\n\n"
        "Use this link to name the members and the head of the delegation:\n%(link)s\n\n"
        "The link is personal to your State's focal points: do not forward it. It replaces any link sent before."
    ) % {
        "country": delegation.country.name,
        "event": event.title,
        "start": event.starts_on,
        "end": event.ends_on,
        "link": link,
    }

    for email in recipients:
        # One message each, so that one address refused by the mail server does not stop the others.
        transaction.on_commit(lambda email=email: send_mail(subject, body, None, [email]), robust=True)


@permission_required(READ)
def event_delegations(request, slug):
    event = get_event(slug)
    form = InviteForm(request.POST or None, initial={"category": DelegationCategory.MEMBER})
    issued = None
    status = 200
    if request.method == "POST":
        require(request, MANAGE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                delegation, token = services.issue_nomination_link(
                    event,
                    country=data["country"],
                    category=data["category"],
                    nominating_authority=data["nominating_authority"],
                    user=request.user,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                link = request.build_absolute_uri(reverse("events:nominate", args=[token]))
                recipients = focal_point_emails(delegation.country)
                send_nomination_link(event, delegation, link, recipients)
                # The link is shown on this response only: only its digest is kept, so it cannot be shown again.
                issued = {"delegation": delegation, "link": link, "recipients": recipients}
                form = InviteForm(initial={"category": DelegationCategory.MEMBER})
        if not issued:
            status = 400
    context = {"event": event, "delegations": delegations_of(event), "form": form, "issued": issued}
    return render(request, "events/delegations/list.html", context, status=status)


@permission_required(READ)
def delegation_detail(request, slug, pk):
    event = get_event(slug)
    delegation = get_object_or_404(
        Delegation.objects.select_related("country", "credentials_verified_by"), pk=pk, event=event
    )
    initial = {
        "received_on": delegation.credentials_received_on,
        "verified": bool(delegation.credentials_verified_at),
        "version": delegation.version,
    }
    form = CredentialsForm(request.POST if request.POST.get("action") == "credentials" else None, initial=initial)
    status = 200
    if request.method == "POST":
        require(request, MANAGE)
        if request.POST.get("action") == "decide":
            return decide_member(request, event, delegation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_credentials(
                    delegation,
                    received_on=data["received_on"],
                    verified=data["verified"],
                    user=request.user,
                    version=data["version"],
                )
            except DomainError as error:
                show_refusal(form, error, current_version=lambda: Delegation.objects.get(pk=pk).version)
            else:
                messages.success(request, _("Credentials of %(country)s recorded.") % {"country": delegation.country})
                return redirect("events:delegation", slug, pk)
        status = 400
    members = delegation.members.select_related("person", "person__organisation").order_by(
        "-is_head_of_delegation", "person__last_name", "person__first_name", "pk"
    )
    context = {"event": event, "delegation": delegation, "members": members, "form": form}
    return render(request, "events/delegations/delegation.html", context, status=status)


def decide_member(request, event, delegation):
    """Approve or decline a nominated member, through the one service that moves registrations."""
    form = MemberDecisionForm(request.POST)
    if form.is_valid():
        registration = get_object_or_404(Registration, pk=form.cleaned_data["registration"], delegation=delegation)
        try:
            services.transition_registration(
                registration, to=form.cleaned_data["to"], user=request.user, version=form.cleaned_data["version"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(person)s: %(state)s.")
                % {"person": registration.person, "state": RegistrationState(form.cleaned_data["to"]).label},
            )
    else:
        messages.error(request, _("Choose approve or decline."))
    return redirect("events:delegation", event.slug, delegation.pk)


# Public on purpose: focal points have no workspace account for this. The secret link is the authority: it names
# one delegation, only its digest is stored, and issuing a new one makes the old one fail.
@never_cache
def nominate(request, token):
    try:
        delegation = services.delegation_for_token(token)
    except DomainError as error:
        # A link that exists but is closed (410) differs from one that never existed or was replaced (404).
        closed = isinstance(error, services.NominationsClosed)
        context = {"message": str(error), "closed": closed}
        return render(request, "events/delegations/nomination_error.html", context, status=410 if closed else 404)
    event = delegation.event
    form = NominationForm(request.POST or None, initial={"nominating_authority": delegation.nominating_authority})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = services.nominate_delegate(
                    delegation,
                    person_fields=form.person_fields(),
                    head=data["head"],
                    nominating_authority=data["nominating_authority"],
                    user=request.user if request.user.is_authenticated else None,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(person)s is nominated. The secretariat will confirm the participation by e-mail.")
                    % {"person": registration.person},
                )
                return redirect("events:nominate", token)
        status = 400
    members = delegation.members.select_related("person").order_by(
        "-is_head_of_delegation", "person__last_name", "person__first_name", "pk"
    )
    context = {"event": event, "delegation": delegation, "members": members, "form": form}
    return render(request, "events/delegations/nominate.html", context, status=status)


# --- check-in --------------------------------------------------------------------------------------------------


def default_day(event: Event):
    today = timezone.localdate()
    return today if event.starts_on <= today <= event.ends_on else event.starts_on


def checkin_counts(event: Event, day) -> dict:
    """People checked in on `day` (whole day or any session), by mode, and at each session: two queries."""
    rows = Attendance.objects.filter(registration__event=event, day=day)
    by_mode = {row["mode"]: row["n"] for row in rows.values("mode").annotate(n=Count("registration", distinct=True))}
    people = rows.aggregate(n=Count("registration", distinct=True))["n"]
    sessions = dict(
        rows.filter(session__isnull=False).values_list("session").annotate(n=Count("registration", distinct=True))
    )
    return {
        "day": day.isoformat(),
        "people": people,
        "in_person": by_mode.get(Mode.IN_PERSON, 0),
        "online": by_mode.get(Mode.ONLINE, 0),
        "sessions": {str(k): v for k, v in sessions.items()},
    }


def search_registrations(event: Event, query: str):
    approved = Registration.objects.filter(event=event, state=RegistrationState.APPROVED)
    for word in query.split():
        approved = approved.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__email__icontains=word)
            | Q(person__organisation__name__icontains=word)
            | Q(person__organisation__acronym__iexact=word)
            | Q(country__name__icontains=word)
            | Q(country__iso2__iexact=word)
        )
    return approved.select_related("person", "person__organisation", "country").order_by(
        "person__last_name", "person__first_name", "pk"
    )


@permission_required(CHECK_IN)
def event_checkin(request, slug):
    event = get_event(slug)
    source = request.POST if request.method == "POST" else request.GET
    choice = CheckInForm(source or None, event=event, initial={"day": default_day(event), "mode": Mode.IN_PERSON})
    if choice.is_bound and choice.is_valid():
        day, session = choice.cleaned_data["day"] or default_day(event), choice.cleaned_data["session"]
        mode, query = choice.cleaned_data["mode"] or Mode.IN_PERSON, choice.cleaned_data["q"].strip()
    else:
        day, session, mode, query = default_day(event), None, Mode.IN_PERSON, ""
    if session is not None:
        day = timezone.localtime(session.starts_at).date()
    params = {"day": day.isoformat(), "mode": mode, "q": query, **({"session": session.pk} if session else {})}
    back = reverse("events:event_checkin", args=[slug]) + "?" + urlencode(params)
    if request.method == "POST":
        person_form = CheckInPersonForm(request.POST)
        if not (person_form.is_valid() and choice.is_valid()):
            messages.error(request, _("Choose a person, a day or session and a mode, then check in."))
            return redirect(back)
        registration = get_object_or_404(
            Registration.objects.select_related("person"), pk=person_form.cleaned_data["registration"], event=event
        )
        check_in_and_tell(request, registration, day=choice.cleaned_data["day"], session=session, mode=mode)
        return redirect(back)
    results, more = [], False
    if query:
        found = list(search_registrations(event, query)[: SEARCH_LIMIT + 1])
        results, more = found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT
        present = dict(
            Attendance.objects.filter(registration__in=results, day=day, session=session).values_list(
                "registration_id", "checked_in_at"
            )
        )
        for registration in results:
            registration.checked_in_at = present.get(registration.pk)
    counts = checkin_counts(event, day)
    sessions = list(event.sessions.filter(starts_at__date=day))
    for item in sessions:
        item.checked_in = counts["sessions"].get(str(item.pk), 0)
    context = {
        "event": event,
        "choice": choice,
        "day": day,
        "session": session,
        "mode": mode,
        "query": query,
        "results": results,
        "more": more,
        "counts": counts,
        "sessions": sessions,
        "approved": Registration.objects.filter(event=event, state=RegistrationState.APPROVED).count(),
        "counts_url": reverse("events:event_checkin_counts", args=[slug]) + "?" + urlencode({"day": day.isoformat()}),
    }
    return render(request, "events/delegations/checkin.html", context)


def check_in_and_tell(request, registration, *, day, session, mode) -> bool:
    """Check in through the service and tell the staff member what happened: done, already done, or refused."""
    try:
        attendance, created = services.check_in(registration, day=day, session=session, mode=mode, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return False
    where = session.title if session else attendance.day
    if created:
        messages.success(
            request,
            _("%(person)s checked in (%(where)s, %(mode)s).")
            % {"person": registration.person, "where": where, "mode": Mode(mode).label.lower()},
        )
    else:
        messages.info(
            request,
            _("%(person)s was already checked in (%(where)s) at %(time)s; nothing changed.")
            % {
                "person": registration.person,
                "where": where,
                "time": timezone.localtime(attendance.checked_in_at).strftime("%H:%M"),
            },
        )
    return True


@require_GET
@permission_required(CHECK_IN)
def event_checkin_counts(request, slug):
    """The live counts of the check-in page, polled by checkin.js."""
    event = get_event(slug)
    choice = CheckInForm(request.GET, event=event)
    day = (choice.cleaned_data.get("day") if choice.is_valid() else None) or default_day(event)
    return JsonResponse(checkin_counts(event, day))


@permission_required(CHECK_IN)
def checkin_badge(request, badge_key):
    """The address in a badge's QR code: a staff member scans it with a phone and confirms the check-in."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "person", "person__organisation", "country"),
        badge_key=badge_key,
    )
    event = registration.event
    form = BadgeCheckInForm(request.POST or None, event=event, initial={"mode": Mode.IN_PERSON})
    if request.method == "POST":
        if form.is_valid():
            check_in_and_tell(
                request, registration, day=None, session=form.cleaned_data["session"], mode=form.cleaned_data["mode"]
            )
            return redirect("events:checkin_badge", badge_key)
        messages.error(request, _("Choose a session (or the whole day) and a mode."))
    today = timezone.localdate()
    attendance = list(registration.attendance.select_related("session").order_by("day", "checked_in_at"))
    context = {
        "event": event,
        "registration": registration,
        "form": form,
        "today": today,
        "is_event_day": event.starts_on <= today <= event.ends_on,
        "today_attendance": [a for a in attendance if a.day == today],
        "attendance": attendance,
    }
    return render(request, "events/delegations/badge.html", context)


# --- funded travel ---------------------------------------------------------------------------------------------


def travel_totals(travels: list[Travel]) -> dict:
    """Committed (ticket + nights × DSA, refused requests left out) against what was really spent."""
    funded = [t for t in travels if t.status != TravelStatus.REFUSED]
    with_actual = [t for t in funded if t.actual_cost is not None]
    committed = sum((t.committed_cost for t in funded), Decimal(0))
    actual = sum((t.actual_cost for t in with_actual), Decimal(0))
    committed_of_actual = sum((t.committed_cost for t in with_actual), Decimal(0))
    return {
        "funded": len(funded),
        "committed": committed,
        "advance": sum((t.advance_paid for t in funded), Decimal(0)),
        "actual": actual,
        "with_actual": len(with_actual),
        "committed_of_actual": committed_of_actual,
        "difference": actual - committed_of_actual,
    }


# Sorting the list (already loaded whole for the totals): by name is the default order.
TRAVEL_SORTS = {
    "status": lambda t: (TravelStatus.values.index(t.status), t.registration.person.sort_name),
    "country": lambda t: (
        t.registration.country.name if t.registration.country else "",
        t.registration.person.sort_name,
    ),
    "committed": lambda t: t.committed_cost,
    "actual": lambda t: t.actual_cost if t.actual_cost is not None else Decimal(-1),
}


@permission_required(TRAVEL)
def event_travel(request, slug):
    event = get_event(slug)
    travels = list(
        Travel.objects.filter(registration__event=event)
        .select_related("registration__person", "registration__country")
        .order_by("registration__person__last_name", "registration__person__first_name", "pk")
    )
    form = FundTravelForm(request.POST or None, event=event)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            registration = form.cleaned_data["registration"]
            try:
                travel = services.fund_travel(registration, user=request.user, **form.service_fields())
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(person)s's travel is funded; record the tickets when booked.")
                    % {"person": registration.person},
                )
                return redirect("events:travel", slug, travel.pk)
        status = 400
    status_filter = request.GET.get("status", "")
    shown = [t for t in travels if t.status == status_filter] if status_filter else travels
    sort = request.GET.get("sort", "")
    if sort in TRAVEL_SORTS:
        shown = sorted(shown, key=TRAVEL_SORTS[sort], reverse=sort in ("committed", "actual"))
    context = {
        "event": event,
        "travels": shown,
        "totals": travel_totals(travels),
        "form": form,
        "statuses": TravelStatus.choices,
        "status_filter": status_filter,
        "sort": sort,
    }
    return render(request, "events/delegations/travel.html", context, status=status)


@permission_required(TRAVEL)
def travel_edit(request, slug, pk):
    event = get_event(slug)
    travel = get_object_or_404(
        Travel.objects.select_related("registration__person", "registration__country"), pk=pk, registration__event=event
    )
    initial = {name: getattr(travel, name) for name in TravelForm.FIELDS}
    form = TravelForm(request.POST or None, initial={**initial, "version": travel.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_travel(
                    travel, version=form.cleaned_data["version"], user=request.user, **form.service_fields()
                )
            except DomainError as error:
                show_refusal(form, error, current_version=lambda: Travel.objects.get(pk=pk).version)
            else:
                messages.success(request, _("Travel of %(person)s saved.") % {"person": travel.registration.person})
                return redirect("events:event_travel", slug)
        status = 400
    context = {"event": event, "travel": travel, "form": form}
    return render(request, "events/delegations/travel_edit.html", context, status=status)


# --- contributions to others' events ---------------------------------------------------------------------------


@permission_required(READ)
def event_contribution(request, slug):
    event = get_event(slug)
    if event.kind != Kind.CONTRIBUTION:
        raise Http404(_("Only contributions to other organisations' events record our role and estimates."))
    deployments = list(event.deployments.select_related("person").order_by("person__last_name", "pk"))
    initial = {
        "our_role": event.our_role,
        "audience_estimate": event.audience_estimate,
        "countries_reached": list(event.countries_reached.all()),
        "version": event.version,
    }
    data = request.POST if request.method == "POST" else None
    form = ContributionForm(data, initial=initial)
    people = DeployedFormSet(
        data, prefix="deployed", initial=[{"email": d.person.email, "role": d.role} for d in deployments]
    )
    status = 200
    if request.method == "POST":
        require(request, MANAGE)
        if form.is_valid() and people.is_valid():
            try:
                services.record_contribution(
                    event,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    our_role=form.cleaned_data["our_role"],
                    audience_estimate=form.cleaned_data["audience_estimate"],
                    countries_reached=form.cleaned_data["countries_reached"],
                    deployed=people.deployed(),
                )
            except DomainError as error:
                show_refusal(form, error, current_version=lambda: Event.objects.get(pk=event.pk).version)
            else:
                messages.success(request, _("Our contribution to %(event)s is recorded.") % {"event": event.title})
                return redirect("events:event_contribution", slug)
        status = 400
    context = {
        "event": event,
        "form": form,
        "people": people,
        "deployments": deployments,
        "countries": list(event.countries_reached.all()),
    }
    return render(request, "events/delegations/contribution.html", context, status=status)


urlpatterns = [
    path("workspace/events/<slug:slug>/delegations/", event_delegations, name="event_delegations"),
    path("workspace/events/<slug:slug>/delegations/<int:pk>/", delegation_detail, name="delegation"),
    path("nominate/<str:token>/", nominate, name="nominate"),
    path("workspace/events/<slug:slug>/check-in/", event_checkin, name="event_checkin"),
    path("workspace/events/<slug:slug>/check-in/counts/", event_checkin_counts, name="event_checkin_counts"),
    path("workspace/check-in/<str:badge_key>/", checkin_badge, name="checkin_badge"),
    path("workspace/events/<slug:slug>/travel/", event_travel, name="event_travel"),
    path("workspace/events/<slug:slug>/travel/<int:pk>/", travel_edit, name="travel"),
    path("workspace/events/<slug:slug>/contribution/", event_contribution, name="event_contribution"),
]

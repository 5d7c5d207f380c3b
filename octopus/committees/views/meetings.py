"""Committee pages: the series of T-CY plenaries and Bureau meetings (public and workspace), a meeting's agenda with
its decisions, abridged report and documents, its participants by delegation (read from `events`), its
interpretation, and the funded participation of delegates.

Reading needs `committees.view_committee`; numbering meetings and keeping agendas needs
`committees.manage_committee`; interpretation needs `committees.manage_language_services`. Funded participation shows
travel costs: it needs `events.manage_travel`, as the travel pages of events do. Lists of participants hold personal
data: only roles that read events (`events.view_events`) see them. Every change goes through
`octopus.committees.services.meetings`."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from docx import Document as DocxDocument

from octopus.accounts.permissions import permission_required
from octopus.committees.forms.meetings import (
    AgendaItemForm,
    DocumentChoiceForm,
    InterpretationChangeForm,
    InterpretationForm,
    MeetingFilterForm,
    MeetingForm,
    ParticipationFilterForm,
)
from octopus.committees.models import AgendaItem, InterpretationRequest, Meeting
from octopus.committees.queries.documents import documents_readable_by
from octopus.committees.queries.meetings import (
    OTHER,
    TCY,
    committee_family,
    funded_participations,
    meetings_of,
    participants_by_event,
    summarise,
)
from octopus.committees.services import meetings as services
from octopus.committees.views.membership import get_committee
from octopus.events.documents import participant_registrations, protocol_groups
from octopus.events.models import Event, Registration, Status
from octopus.lib.charts import VEGA_LITE_SCHEMA
from octopus.lib.downloads import DOCX, attachment, contains_sample, mark_sample_docx, table_download
from octopus.lib.errors import DomainError
from octopus.lib.exports import Table
from octopus.lib.forms import show_refusal

READ = "committees.view_committee"
MANAGE = "committees.manage_committee"
LANGUAGES = "committees.manage_language_services"
TRAVEL = "events.manage_travel"
PEOPLE = "events.view_events"
PAGE_SIZE = 50


def get_meeting(pk: int) -> Meeting:
    """A meeting of the T-CY or its Bureau (their workspace readers may read any of them)."""
    meetings = Meeting.objects.select_related("committee__parent", "event__country")
    return get_object_or_404(meetings, pk=pk, event__kind__in=("tcy_plenary", "tcy_bureau"))


# --- the series --------------------------------------------------------------------------------------------------


@require_GET
def tcy_meetings_public(request):
    """The past plenaries of the T-CY held as public events: number, dates and place, linking to each event's page."""
    committee = get_committee()
    today = timezone.localdate()
    meetings = (
        Meeting.objects.filter(committee=committee, event__starts_on__lte=today, event__is_public=True)
        .exclude(event__status=Status.CANCELLED)
        .select_related("committee", "event__country")
        .order_by("-event__starts_on", "pk")
    )
    return render(request, "committees/meetings/public.html", {"committee": committee, "meetings": meetings})


def meetings_table(meetings, participants: dict) -> Table:
    rows = (
        [
            str(m),
            m.event.title,
            m.event.starts_on,
            m.event.ends_on,
            m.event.place,
            m.event.get_status_display(),
            participants.get(m.event_id, 0),
            m.items,
            m.documents_adopted,
        ]
        for m in meetings
    )
    header = [
        _("Meeting"),
        _("Event"),
        _("First day"),
        _("Last day"),
        _("Place"),
        _("Status"),
        _("Participants"),
        _("Agenda items"),
        _("Documents adopted"),
    ]
    return Table(_("T-CY meetings"), header, rows)


@permission_required(READ)
def tcy_meetings(request):
    """The series of plenaries and Bureau meetings; staff who keep the committee number an event as a meeting."""
    committee = get_committee()
    can_manage = request.user.has_perm(MANAGE)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = MeetingForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.record_meeting(
                committee, event=form.cleaned_data["event"], number=form.cleaned_data["number"], user=request.user
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(meeting)s recorded. Build its agenda next.") % {"meeting": meeting})
            return redirect("committees:tcy_meeting", meeting.pk)
    filters = MeetingFilterForm(request.GET or None)
    family = committee_family(committee)
    meetings = meetings_of(family).order_by("-event__starts_on", "pk")
    if filters.is_valid():
        body, year = filters.cleaned_data["body"], filters.cleaned_data["year"]
        if body:
            meetings = meetings.filter(event__kind="tcy_plenary" if body == "plenary" else "tcy_bureau")
        if year:
            meetings = meetings.filter(event__starts_on__year=year)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        meetings = list(meetings)
        participants = participants_by_event(Event.objects.filter(pk__in=[m.event_id for m in meetings]))
        sample = any(m.event.is_sample for m in meetings)
        return table_download(fmt, "t-cy-meetings", meetings_table(meetings, participants), sample=sample)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    participants = participants_by_event(Event.objects.filter(pk__in=[m.event_id for m in page.object_list]))
    for meeting in page.object_list:
        meeting.participants = participants.get(meeting.event_id, 0)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "committee": committee,
        "form": form,
        "filters": filters,
        "page": page,
        "meetings": page.object_list,
        "query": query.urlencode(),
        "filtered": any(request.GET.get(key) for key in ("body", "year")),
        "can_manage": can_manage,
    }
    return render(request, "committees/meetings/meetings.html", context, status=400 if form and form.errors else 200)


# --- one meeting ---------------------------------------------------------------------------------------------------


def _agenda(meeting: Meeting, user) -> list[AgendaItem]:
    """The agenda, each item with the documents attached that `user` reads (the register's one rule)."""
    documents = documents_readable_by(user).order_by("symbol", "title")
    return list(meeting.agenda.prefetch_related(Prefetch("documents", queryset=documents)).order_by("order"))


@permission_required(READ)
def tcy_meeting(request, pk):
    """A meeting: its agenda (with decisions, abridged report and documents), participants by delegation,
    interpretation; staff who keep the committee add agenda items with the form under the agenda."""
    meeting = get_meeting(pk)
    can_manage = request.user.has_perm(MANAGE)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = AgendaItemForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_agenda_item(
                meeting, order=form.cleaned_data["order"], user=request.user, **form.service_fields()
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Item %(item)s added.") % {"item": item})
            return redirect("committees:tcy_meeting", meeting.pk)
    final = request.GET.get("list") == "final"
    context = {
        "meeting": meeting,
        "event": meeting.event,
        "agenda": _agenda(meeting, request.user),
        "form": form,
        "can_manage": can_manage,
        "can_interpret": request.user.has_perm(LANGUAGES),
        "interpretation": list(meeting.interpretation_requests.all()),
        "final": final,
        "public_event": meeting.event.is_public and meeting.event.status != Status.CANCELLED,
    }
    if request.user.has_perm(PEOPLE):
        categories = protocol_groups(participant_registrations(meeting.event, final=final))
        context.update(categories=categories, participants_total=sum(c.count for c in categories))
    context["decisions"] = [item for item in context["agenda"] if item.decision]
    return render(request, "committees/meetings/meeting.html", context, status=400 if form and form.errors else 200)


@permission_required(MANAGE)
def tcy_agenda_item(request, pk, item_pk):
    """Edit an agenda item (and move it with its position), attach or detach documents, or remove it."""
    meeting = get_meeting(pk)
    item = get_object_or_404(meeting.agenda.prefetch_related("documents"), pk=item_pk)
    family = [meeting.committee_id] + ([meeting.committee.parent_id] if meeting.committee.parent_id else [])
    initial = {
        "order": item.order,
        "number": item.number,
        "title": item.title,
        "decision": item.decision,
        "report": item.report,
        "version": item.version,
    }
    posted = request.POST if request.method == "POST" else None
    action = posted.get("action", "") if posted else ""
    form = AgendaItemForm(posted if posted and not action else None, initial=initial)
    form.fields["version"].required = True  # an edit says which version it was made over: a stale one is refused
    documents = DocumentChoiceForm(posted if action in ("attach", "detach") else None, committee_ids=family)
    if action == "remove":
        services.remove_agenda_item(item, user=request.user)
        messages.success(request, _("Item %(item)s removed from the agenda.") % {"item": item})
        return redirect("committees:tcy_meeting", meeting.pk)
    if action in ("attach", "detach") and documents.is_valid():
        document = documents.cleaned_data["document"]
        change = services.attach_document if action == "attach" else services.detach_document
        try:
            change(item, document=document, user=request.user)
        except DomainError as error:
            documents.add_error(None, str(error))
        else:
            done = _("%(document)s attached.") if action == "attach" else _("%(document)s detached.")
            messages.success(request, done % {"document": document.symbol or document.title})
            return redirect("committees:tcy_agenda_item", meeting.pk, item.pk)
    elif posted and not action and form.is_valid():
        try:
            services.update_agenda_item(
                item,
                version=form.cleaned_data["version"],
                order=form.cleaned_data["order"],
                user=request.user,
                **form.service_fields(),
            )
        except DomainError as error:
            current = AgendaItem.objects.filter(pk=item.pk).values_list("version", flat=True)
            show_refusal(form, error, current_version=current.first)
        else:
            messages.success(request, _("Item saved."))
            return redirect("committees:tcy_meeting", meeting.pk)
    context = {
        "meeting": meeting,
        "item": item,
        "form": form,
        "documents": documents,
        "attached": list(item.documents.all()),
    }
    failed = form.errors or documents.errors
    return render(request, "committees/meetings/agenda_item.html", context, status=400 if failed else 200)


def decisions_docx(meeting: Meeting, items: list[AgendaItem]) -> bytes:
    """The list of decisions as a Word document: one heading per item, its decision, the documents it cites. A
    sample meeting's list says so in its first paragraph."""
    document = DocxDocument()
    if meeting.event.is_sample:
        mark_sample_docx(document)
    document.add_heading(_("List of decisions – %(meeting)s") % {"meeting": meeting}, level=1)
    event = meeting.event
    document.add_paragraph(f"{event.title}, {event.starts_on:%d %B %Y} – {event.ends_on:%d %B %Y}, {event.place}")
    for item in items:
        document.add_heading(f"{item.number}. {item.title}", level=2)
        document.add_paragraph(item.decision)
        symbols = [d.symbol or d.title for d in item.documents.all()]
        if symbols:
            document.add_paragraph(_("Documents: %(list)s") % {"list": ", ".join(symbols)})
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@permission_required(READ)
def tcy_meeting_decisions(request, pk, fmt):
    """The list of decisions of a meeting, in CSV or DOCX."""
    if fmt not in ("csv", "docx"):
        raise Http404
    meeting = get_meeting(pk)
    items = [item for item in _agenda(meeting, request.user) if item.decision]
    name = f"{meeting}-decisions".replace(" ", "-").lower()
    sample = meeting.event.is_sample
    if fmt == "docx":
        return attachment(decisions_docx(meeting, items), name=f"{name}.docx", content_type=DOCX, sample=sample)
    rows = (
        [
            item.order,
            item.number,
            item.title,
            item.decision,
            ", ".join(d.symbol or d.title for d in item.documents.all()),
        ]
        for item in items
    )
    header = [_("Order"), _("Item"), _("Title"), _("Decision"), _("Documents")]
    return table_download("csv", name, Table(_("Decisions"), header, rows), sample=sample)


# --- interpretation ---------------------------------------------------------------------------------------------


@permission_required(LANGUAGES)
def tcy_interpretation_add(request, pk):
    meeting = get_meeting(pk)
    form = InterpretationForm(request.POST or None, initial={"days": len(meeting.event.days), "languages": "en, fr"})
    if request.method == "POST" and form.is_valid():
        try:
            services.request_interpretation(meeting, user=request.user, **form.service_fields())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Interpretation requested."))
            return redirect("committees:tcy_meeting", meeting.pk)
    context = {"meeting": meeting, "form": form, "title": _("Request interpretation for %(m)s") % {"m": meeting}}
    return render(request, "committees/meetings/form.html", context, status=400 if form.errors else 200)


@permission_required(LANGUAGES)
def tcy_interpretation(request, pk, request_pk):
    meeting = get_meeting(pk)
    booked = get_object_or_404(InterpretationRequest, pk=request_pk, meeting=meeting)
    form = InterpretationChangeForm(request.POST or None, initial=InterpretationChangeForm.initial_for(booked))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_interpretation(
                booked, version=form.cleaned_data["version"], user=request.user, **form.service_fields()
            )
        except DomainError as error:
            current = InterpretationRequest.objects.filter(pk=booked.pk).values_list("version", flat=True)
            show_refusal(form, error, current_version=current.first)
        else:
            messages.success(request, _("Interpretation request saved."))
            return redirect("committees:tcy_meeting", meeting.pk)
    context = {"meeting": meeting, "form": form, "title": _("Interpretation for %(m)s") % {"m": meeting}}
    return render(request, "committees/meetings/form.html", context, status=400 if form.errors else 200)


# --- funded participation -------------------------------------------------------------------------------------


def funded_chart(summary) -> dict:
    """A bar per year: funded participations in T-CY meetings and in other fora, stacked."""
    labels = {TCY: _("T-CY meetings"), OTHER: _("Other fora")}
    values = [
        {"year": str(row.year), "where": str(labels[scope]), "count": getattr(row, scope)}
        for row in summary.by_year
        for scope in (TCY, OTHER)
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": _("Funded participations per year"),
        "width": "container",
        "height": 220,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": None},
            "y": {"field": "count", "type": "quantitative", "title": _("Participations"), "stack": "zero"},
            "color": {"field": "where", "type": "nominal", "title": None, "legend": {"orient": "bottom"}},
            "tooltip": [
                {"field": "year", "type": "ordinal", "title": _("Year")},
                {"field": "where", "type": "nominal", "title": _("Where")},
                {"field": "count", "type": "quantitative", "title": _("Participations")},
            ],
        },
    }


def funded_table(summary) -> Table:
    rows = (
        [t.country_name, t.iso2, t.year, t.tcy, t.other, t.count, t.committed, t.actual, t.reconciled]
        for t in summary.by_state_and_year
    )
    header = [
        _("State"),
        _("ISO code"),
        _("Year"),
        _("T-CY meetings"),
        _("Other fora"),
        _("Funded participations"),
        _("Cost committed (EUR)"),
        _("Actual cost (EUR)"),
        _("Reconciled"),
    ]
    return Table(_("Funded participation"), header, rows, frozen_columns=1)


@permission_required(TRAVEL)
def tcy_participation(request):
    """Funded participation of delegates per State and year (see `queries.meetings` for what counts), with a chart
    per year and CSV/XLSX exports."""
    committee = get_committee()
    filters = ParticipationFilterForm(request.GET or None)
    rows = funded_participations(committee)
    if filters.is_valid():
        year, scope, country = (filters.cleaned_data[k] for k in ("year", "scope", "country"))
        rows = [
            r
            for r in rows
            if (not year or r.starts_on.year == year)
            and (not scope or r.scope == scope)
            and (not country or r.country == country.pk)
        ]
    summary = summarise(rows)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        sample = contains_sample(Registration.objects.filter(pk__in=[r.registration for r in rows]))
        return table_download(fmt, "t-cy-funded-participation", funded_table(summary), sample=sample)
    context = {
        "committee": committee,
        "filters": filters,
        "summary": summary,
        "chart": funded_chart(summary) if summary.by_year else None,
        "query": request.GET.urlencode(),
        "filtered": any(request.GET.get(key) for key in ("year", "scope", "country")),
    }
    return render(request, "committees/meetings/participation.html", context)


urlpatterns = [
    path("t-cy/meetings/", tcy_meetings_public, name="tcy_meetings_public"),
    path("workspace/t-cy/meetings/", tcy_meetings, name="tcy_meetings"),
    path("workspace/t-cy/meetings/<int:pk>/", tcy_meeting, name="tcy_meeting"),
    path("workspace/t-cy/meetings/<int:pk>/agenda/<int:item_pk>/", tcy_agenda_item, name="tcy_agenda_item"),
    path("workspace/t-cy/meetings/<int:pk>/decisions.<str:fmt>", tcy_meeting_decisions, name="tcy_meeting_decisions"),
    path("workspace/t-cy/meetings/<int:pk>/interpretation/new/", tcy_interpretation_add, name="tcy_interpretation_add"),
    path(
        "workspace/t-cy/meetings/<int:pk>/interpretation/<int:request_pk>/",
        tcy_interpretation,
        name="tcy_interpretation",
    ),
    path("workspace/t-cy/participation/", tcy_participation, name="tcy_participation"),
]

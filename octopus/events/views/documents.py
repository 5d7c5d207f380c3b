"""The files events produce and take: badges, lists of participants, delegation lists, certificates and their
public check, iCal feeds, CSV/XLSX exports and the participant import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from octopus.accounts.permissions import permission_required
from octopus.accounts.services import download_log
from octopus.events import calendars, documents, imports
from octopus.events.exports import EXPORTS
from octopus.events.forms.documents import CertificateCheckForm, ImportConfirmForm, ImportUploadForm
from octopus.events.imports import ImportRefused
from octopus.events.models import Event, Registration, RegistrationState
from octopus.events.services import issue_certificate
from octopus.jobs.models import Job
from octopus.jobs.runner import visible_to
from octopus.lib.downloads import PDF, attachment, calendar_feed, contains_sample, table_download
from octopus.lib.errors import DomainError


def get_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.select_related("country"), slug=slug)


def event_path(event: Event) -> str:
    return reverse("events:event", args=[event.slug])


def site_root(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- PDFs ------------------------------------------------------------------------------------------------------
# Every file below holds personal data: each download is written to the audit log, with how many people it lists.


def pdf_download(pdf: documents.Pdf, name: str, *, sent) -> HttpResponse:
    return attachment(pdf.content, name=name, content_type=PDF, sample=pdf.sample, sent=sent)


@require_GET
@permission_required("events.manage_events")
def event_badges(request, slug):
    event = get_event(slug)
    registration = request.GET.get("registration")
    if registration is not None and not registration.isdigit():
        raise Http404
    pdf = documents.badges_pdf(event, site=site_root(request), registration=registration and int(registration))
    badged = event.registrations.filter(state=RegistrationState.APPROVED)
    if registration is not None:
        badged = badged.filter(pk=int(registration))
    sent = download_log(request.user, event, "events.badges", rows=badged.count())
    return pdf_download(pdf, f"{event.slug}-badges.pdf", sent=sent)


@require_GET
@permission_required("events.view_events")
def event_participants_pdf(request, slug):
    event = get_event(slug)
    final = request.GET.get("final") == "1"
    pdf = documents.participants_pdf(event, final=final)
    listed = documents.participant_registrations(event, final=final).count()
    sent = download_log(request.user, event, "events.participants", rows=listed, final=final)
    return pdf_download(pdf, f"{event.slug}-participants-{'final' if final else 'provisional'}.pdf", sent=sent)


@require_GET
@permission_required("events.view_events")
def event_delegations_pdf(request, slug):
    event = get_event(slug)
    live = (RegistrationState.APPROVED, RegistrationState.PENDING)
    listed = Registration.objects.filter(delegation__event=event, state__in=live).count()
    sent = download_log(request.user, event, "events.delegations", rows=listed)
    return pdf_download(documents.delegations_pdf(event), f"{event.slug}-delegations.pdf", sent=sent)


@require_GET
@permission_required("events.manage_events")
def registration_certificate(request, slug, pk):
    # Issuing is idempotent (the code is given once and then returned), so a download link may issue it.
    registration = get_object_or_404(Registration.objects.select_related("event"), pk=pk, event__slug=slug)
    try:
        registration = issue_certificate(registration, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        back = reverse("events:registration", args=[slug, pk])
        return redirect(back)
    registration = Registration.objects.select_related("event", "event__country", "person").get(pk=registration.pk)
    pdf = documents.certificate_pdf(registration, site=site_root(request))
    # About the person, so that it shows in their record's history (and is erased with their name).
    sent = download_log(
        request.user, registration.person, "events.certificate", rows=1, event=slug, registration=registration.pk
    )
    return pdf_download(pdf, f"certificate-{registration.certificate_code}.pdf", sent=sent)


# Public: anyone shown a certificate must be able to check it; the code is unguessable and the page shows only
# what the certificate itself says.
@require_GET
def certificate_verify(request, code):
    registration = (
        Registration.objects.select_related("event", "event__country", "person")
        .filter(certificate_code=code.strip().upper())
        .first()
    )
    if registration is None:
        return render(request, "events/documents/verify_unknown.html", {"code": code}, status=404)
    context = {
        "registration": registration,
        "event": registration.event,
        "person": registration.person,
        "erased": registration.person.anonymised_at is not None,
        "days": documents.days_attended(registration),
    }
    return render(request, "events/documents/verify.html", context)


# Public: the form that leads to the check above.
@require_GET
def certificate_check(request):
    form = CertificateCheckForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("events:certificate_verify", code=form.cleaned_data["code"])
    return render(request, "events/documents/check.html", {"form": form})


# --- iCal ------------------------------------------------------------------------------------------------------


# Public: the calendar of public events is public information (the public calendar page shows the same).
@require_GET
def events_ical(request):
    content = calendars.calendar_bytes(
        calendars.public_events(),
        name=_("Cybercrime@Octopus events"),
        site=site_root(request),
        host=request.get_host().split(":")[0],
    )
    return calendar_feed(content, "octopus-events.ics")


# Public: the signed token in the address, given to the person, is what grants access (calendar apps cannot sign
# in); an altered token is a 404.
@require_GET
def person_ical(request, token):
    person = calendars.person_for_token(token)
    content = calendars.calendar_bytes(
        calendars.person_events(person),
        name=_("My Cybercrime@Octopus events"),
        site=site_root(request),
        host=request.get_host().split(":")[0],
    )
    return calendar_feed(content, "my-octopus-events.ics")


# --- CSV / XLSX exports ----------------------------------------------------------------------------------------


@require_GET
@permission_required("events.view_events")
def event_export(request, slug, what, fmt):
    if what not in EXPORTS or fmt not in ("csv", "xlsx"):
        raise Http404
    if what == "travel" and not request.user.has_perm("events.manage_travel"):
        raise PermissionDenied
    event = get_event(slug)
    export = EXPORTS[what](event)
    sample = event.is_sample or contains_sample(event.registrations.all())
    sent = download_log(request.user, event, f"events.{what}")  # every export lists people
    return table_download(fmt, f"{event.slug}-{what}", export, sample=sample, sent=sent)


# --- import ----------------------------------------------------------------------------------------------------
# The upload is streamed to the private folder and waits there between the preview and the confirmation: staff
# confirm exactly what they saw without uploading again, and the file is checked again at confirmation and once more
# by the job, so a change in between cannot slip through. The job deletes the file once it is done.


def _session_key(event: Event) -> str:
    return f"events.import.{event.pk}"


def _check(event: Event, staged: str):
    return imports.pipeline.check_file(
        imports.Participants(), default_storage.path(staged), {"event": event}, keep=imports.SHOWN_LINES
    )


@require_http_methods(["GET", "POST"])
@permission_required("events.manage_events")
def event_import(request, slug):
    event = get_event(slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None, event=event)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staged = imports.pipeline.stage(upload)
        try:
            _check(event, staged)
        except ImportRefused as error:
            imports.pipeline.discard(staged)
            form.add_error("file", str(error))
        else:
            previous = request.session.get(_session_key(event))
            if previous:
                imports.pipeline.discard(previous["staged"])
            request.session[_session_key(event)] = {
                "staged": staged,
                "form": form.cleaned_data["registration_form"].pk,
                "name": upload.name,
            }
            return redirect("events:event_import_preview", slug=event.slug)
    jobs = visible_to(request.user, Job.objects.serving(event).filter(kind=imports.KIND))[:10]
    context = {
        "event": event,
        "form": form,
        "event_url": event_path(event),
        "has_forms": event.forms.exists(),
        "jobs": jobs,
    }
    return render(request, "events/documents/import.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("events.manage_events")
def event_import_preview(request, slug):
    event = get_event(slug)
    stored = request.session.get(_session_key(event))
    if not stored or not default_storage.exists(stored["staged"]):
        messages.info(request, _("Upload a list of participants first."))
        return redirect("events:event_import", slug=event.slug)
    registration_form = get_object_or_404(event.forms, pk=stored["form"])
    confirm = ImportConfirmForm(request.POST or None)
    report = _check(event, stored["staged"])
    plan = imports.Plan([row.item for row in report.shown], dict(report.counts))
    if request.method == "POST" and confirm.is_valid():
        if not report.ok:
            confirm.add_error(None, _("Nothing was imported; correct these lines first:") + "\n" + report.error_text())
        else:
            update = confirm.cleaned_data["mode"] == ImportConfirmForm.ADD_AND_UPDATE
            job = imports.start_import(
                event,
                registration_form,
                stored["staged"],
                total=report.rows,
                update=update,
                file_name=stored["name"],
                user=request.user,
            )
            del request.session[_session_key(event)]
            return redirect("jobs:job", pk=job.pk)
    context = {
        "event": event,
        "plan": plan,
        "confirm": confirm,
        "file_name": stored["name"],
        "registration_form": registration_form,
        "event_url": event_path(event),
        "adds": plan.count("add"),
        "updates": plan.count("update"),
        "errors": plan.count("error"),
        "hidden": plan.total - len(plan.lines),
    }
    return render(request, "events/documents/import_preview.html", context)


urlpatterns = [
    path("workspace/events/<slug:slug>/badges.pdf", event_badges, name="event_badges"),
    path("workspace/events/<slug:slug>/participants.pdf", event_participants_pdf, name="event_participants_pdf"),
    path("workspace/events/<slug:slug>/delegations.pdf", event_delegations_pdf, name="event_delegations_pdf"),
    path(
        "workspace/events/<slug:slug>/registrations/<int:pk>/certificate.pdf",
        registration_certificate,
        name="registration_certificate",
    ),
    path("workspace/events/<slug:slug>/export/<str:what>.<str:fmt>", event_export, name="event_export"),
    path("workspace/events/<slug:slug>/import/", event_import, name="event_import"),
    path("workspace/events/<slug:slug>/import/preview/", event_import_preview, name="event_import_preview"),
    path("verify/", certificate_check, name="certificate_check"),
    path("verify/<str:code>/", certificate_verify, name="certificate_verify"),
    path("events/calendar.ics", events_ical, name="events_ical"),
    path("events/people/<str:token>.ics", person_ical, name="person_ical"),
]

"""Progress reports in the workspace: a programme's reports and a new one (`/workspace/reports/<code>/`), and each
report's page (`/workspace/reports/<code>/<id>/`), the HTML preview assembled from the records with its narrative
sections, each with its editor and its workflow (draft → submitted → approved, or returned with a comment), and the
report as a PDF (`/workspace/reports/<code>/<id>/report.pdf`).

Readers of the programme (`results.view_programme`) read the reports; programme staff (`results.manage`) create
them and keep their sections."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from octopus.accounts.permissions import permission_required
from octopus.lib.downloads import PDF, attachment
from octopus.lib.errors import DomainError
from octopus.lib.forms import show_refusal
from octopus.reports import outputs, services
from octopus.reports.assembly import assemble
from octopus.reports.forms import ReportForm, SectionForm, SectionStepForm
from octopus.reports.models import Report, ReportSection
from octopus.results.queries import get_programme_for_user

READ = "results.view_programmes"
MANAGE = "results.manage"


def _require_manage(user) -> None:
    if not user.has_perm(MANAGE):
        raise PermissionDenied


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(READ)
def report_list(request, code: str):
    programme = get_programme_for_user(request.user, code)
    form = ReportForm(request.POST or None, programme=programme)
    if request.method == "POST":
        _require_manage(request.user)
        if form.is_valid():
            try:
                report = services.create_report(programme, user=request.user, **form.cleaned_data)
            except DomainError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("Report created."))
                return redirect("reports:report", code, report.pk)
    reports = Report.objects.filter(programme=programme).select_related("created_by")
    return render(
        request,
        "reports/report_list.html",
        {"programme": programme, "reports": reports, "form": form, "can_manage": request.user.has_perm(MANAGE)},
    )


def _step(section: ReportSection, form: SectionStepForm, user) -> ReportSection:
    data = form.cleaned_data
    if data["step"] == "submit":
        return services.submit_section(section, expected_version=data["version"], user=user)
    if data["step"] == "approve":
        return services.approve_section(section, expected_version=data["version"], user=user)
    return services.return_section(section, comment=data["comment"], expected_version=data["version"], user=user)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(READ)
def report_detail(request, code: str, pk: int):
    programme = get_programme_for_user(request.user, code)
    report = get_object_or_404(Report.objects.select_related("programme", "created_by"), pk=pk, programme=programme)
    bound: dict[int, tuple[str, object]] = {}  # section pk → the form posted to it, kept when refused
    if request.method == "POST":
        _require_manage(request.user)
        section = get_object_or_404(ReportSection, pk=request.POST.get("section"), report=report)
        posted: SectionForm | SectionStepForm = (
            SectionStepForm(request.POST) if "step" in request.POST else SectionForm(request.POST)
        )
        if posted.is_valid():
            try:
                if isinstance(posted, SectionStepForm):
                    _step(section, posted, request.user)
                else:
                    services.save_section(
                        section,
                        text=posted.cleaned_data["text"],
                        expected_version=posted.cleaned_data["version"],
                        user=request.user,
                    )
            except DomainError as error:
                show_refusal(posted, error, current_version=lambda: ReportSection.objects.get(pk=section.pk).version)
            else:
                messages.success(request, _("Section “%(name)s” saved.") % {"name": section.get_key_display()})
                return redirect(f"{request.path}#section-{section.key}")
        bound[section.pk] = ("step" if isinstance(posted, SectionStepForm) else "text", posted)
    assembled = assemble(report)
    parts = []
    for section in assembled.sections:
        kind, posted_form = bound.get(section.pk, ("", None))
        parts.append(
            {
                "section": section,
                "form": posted_form
                if kind == "text"
                else SectionForm(initial={"text": section.text, "version": section.version}),
                "step_form": posted_form if kind == "step" else SectionStepForm(initial={"version": section.version}),
            }
        )
    return render(
        request,
        "reports/report.html",
        {
            "programme": programme,
            "report": report,
            "assembled": assembled,
            "parts": parts,
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@require_http_methods(["GET", "HEAD"])
@permission_required(READ)
def report_pdf(request, code: str, pk: int):
    """The report as a PDF, from the same figures and sections as its page; no personal data, so no download log."""
    programme = get_programme_for_user(request.user, code)
    report = get_object_or_404(Report.objects.select_related("programme"), pk=pk, programme=programme)
    return attachment(
        outputs.report_pdf(report),
        name=outputs.file_name(report, "pdf"),
        content_type=PDF,
        sample=report.is_sample or programme.is_sample,
    )


urlpatterns = [
    path("workspace/reports/<slug:code>/", report_list, name="report_list"),
    path("workspace/reports/<slug:code>/<int:pk>/", report_detail, name="report"),
    path("workspace/reports/<slug:code>/<int:pk>/report.pdf", report_pdf, name="report_pdf"),
]

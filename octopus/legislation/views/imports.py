"""Importing profiles and statistics from XLSX (staff): upload, preview with line-numbered errors, confirm, follow
the job; and a template workbook of each kind.

The parsed rows (not the file) wait in the session between the preview and the confirmation: staff confirm exactly
what they saw without uploading again, and the rows are planned again against the database at confirmation and
once more by the job, so a change in between cannot slip through."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from octopus.accounts.permissions import permission_required
from octopus.downloads import table_download
from octopus.legislation.forms.imports import ImportUploadForm
from octopus.legislation.imports import (
    ADD,
    ERROR,
    UNCHANGED,
    UPDATE,
    ImportRefused,
    plan_import,
    read_rows,
    template_rows,
)
from octopus.legislation.models import ImportJob, ImportKind
from octopus.legislation.tasks import job_progress, start_import
from octopus.lib.exports import Table

SESSION_KEY = "legislation.import"
SHOWN_LINES = 1000  # beyond that the preview lists only the lines in error: a page of 20,000 rows helps no one


@require_http_methods(["GET", "POST"])
@permission_required("legislation.import")
def legislation_import(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        try:
            rows = read_rows(upload, kind)
        except ImportRefused as error:
            form.add_error("file", str(error))
        else:
            if not rows:
                form.add_error("file", _("The file has a header but no line below it."))
            else:
                request.session[SESSION_KEY] = {"kind": kind, "rows": rows, "name": upload.name}
                return redirect("legislation_import_preview")
    context = {"form": form, "kinds": ImportKind.choices, "jobs": ImportJob.objects.select_related("created_by")[:10]}
    return render(request, "legislation/imports/upload.html", context)


@require_GET
@permission_required("legislation.import")
def legislation_import_template(request, kind):
    if kind not in ImportKind.values:
        raise Http404
    title, header, rows = template_rows(kind)
    return table_download("xlsx", f"octopus-{kind}-template", Table(title, header, rows))


@require_http_methods(["GET", "POST"])
@permission_required("legislation.import")
def legislation_import_preview(request):
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.info(request, _("Upload a workbook first."))
        return redirect("legislation_import")
    plan = plan_import(stored["kind"], stored["rows"])
    refusal = ""
    if request.method == "POST":
        if plan.errors:
            refusal = _("Nothing was imported; correct these lines first:") + "\n" + plan.error_text()
        else:
            job = start_import(stored["kind"], stored["rows"], file_name=stored["name"], user=request.user)
            del request.session[SESSION_KEY]
            return redirect("legislation_import_job", pk=job.pk)
    shown = [line for index, line in enumerate(plan.lines) if index < SHOWN_LINES or line.action == ERROR]
    context = {
        "plan": plan,
        "kind": ImportKind(stored["kind"]),
        "file_name": stored["name"],
        "refusal": refusal,
        "shown": shown,
        "hidden": len(plan.lines) - len(shown),
        "counts": {action: plan.count(action) for action in (ADD, UPDATE, UNCHANGED, ERROR)},
    }
    return render(request, "legislation/imports/preview.html", context)


@require_GET
@permission_required("legislation.import")
def legislation_import_job(request, pk):
    """How far an import has got; the page reloads itself until the job is finished."""
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
    done, total = job_progress(job)
    return render(request, "legislation/imports/job.html", {"job": job, "done": done, "total": total})


urlpatterns = [
    path("workspace/legislation/import/", legislation_import, name="legislation_import"),
    path(
        "workspace/legislation/import/template/<str:kind>.xlsx",
        legislation_import_template,
        name="legislation_import_template",
    ),
    path("workspace/legislation/import/preview/", legislation_import_preview, name="legislation_import_preview"),
    path("workspace/legislation/import/<int:pk>/", legislation_import_job, name="legislation_import_job"),
]

"""Importing profiles and statistics from XLSX (staff): upload, preview with line-numbered errors, confirm, follow
the job; and a template workbook of each kind.

The upload is streamed to the private folder and waits there between the preview and the confirmation: staff confirm
exactly what they saw without uploading again, and the workbook is planned again against the database at
confirmation and once more by the job, so a change in between cannot slip through."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from octopus.accounts.permissions import permission_required
from octopus.jobs.models import Job
from octopus.jobs.runner import visible_to
from octopus.legislation.forms.imports import ImportUploadForm
from octopus.legislation.imports import ADD, ERROR, UNCHANGED, UPDATE, ImportRefused, Workbook, template_rows
from octopus.legislation.jobs import KIND, start_import
from octopus.legislation.models import ImportKind
from octopus.lib import imports as pipeline
from octopus.lib.downloads import table_download
from octopus.lib.exports import Table

SESSION_KEY = "legislation.import"
SHOWN_LINES = 1000  # beyond that the preview lists only the lines in error: a page of 20,000 rows helps no one


def _check(kind: str, staged: str) -> pipeline.Report:
    return pipeline.check_file(Workbook(kind), default_storage.path(staged), {})


@require_http_methods(["GET", "POST"])
@permission_required("legislation.import")
def legislation_import(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        staged = pipeline.stage(upload)
        try:
            _check(kind, staged)
        except ImportRefused as error:
            pipeline.discard(staged)
            message = str(error)
            if "no line below" in message:
                message = _("The file has a header but no line below it.")
            form.add_error("file", message)
        else:
            previous = request.session.get(SESSION_KEY)
            if previous:
                pipeline.discard(previous["staged"])
            request.session[SESSION_KEY] = {"kind": kind, "staged": staged, "name": upload.name}
            return redirect("legislation:legislation_import_preview")
    jobs = visible_to(request.user, Job.objects.filter(kind=KIND))[:10]
    return render(request, "legislation/imports/upload.html", {"form": form, "kinds": ImportKind.choices, "jobs": jobs})


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
    if not stored or "staged" not in stored or not default_storage.exists(stored["staged"]):
        messages.info(request, _("Upload a workbook first."))
        return redirect("legislation:legislation_import")
    report = _check(stored["kind"], stored["staged"])
    plan = report.context["plan"]
    refusal = ""
    if request.method == "POST":
        if plan.errors:
            refusal = _("Nothing was imported; correct these lines first:") + "\n" + plan.error_text()
        else:
            job = start_import(
                stored["kind"], stored["staged"], total=report.rows, file_name=stored["name"], user=request.user
            )
            del request.session[SESSION_KEY]
            return redirect("jobs:job", pk=job.pk)
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


urlpatterns = [
    path("workspace/legislation/import/", legislation_import, name="legislation_import"),
    path(
        "workspace/legislation/import/template/<str:kind>.xlsx",
        legislation_import_template,
        name="legislation_import_template",
    ),
    path("workspace/legislation/import/preview/", legislation_import_preview, name="legislation_import_preview"),
]

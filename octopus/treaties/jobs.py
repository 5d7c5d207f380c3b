"""The Treaty Office chart import as a kind of job of the one job engine ("treaties.chart")."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from octopus.jobs import registry
from octopus.jobs.models import JobStatus
from octopus.jobs.runner import start_job
from octopus.lib import imports as pipeline
from octopus.lib.imports import ImportRefused
from octopus.treaties.imports import Chart
from octopus.treaties.models import Treaty

KIND = "treaties.chart"


def start_import(treaty: Treaty, staged: str, *, source: str, total: int, file_name: str, user):
    """Queue the import of a checked chart (already stored: `staged`); the job's page shows how far it has got."""
    payload = {"treaty": treaty.number, "source": source}
    return start_job(KIND, user=user, payload=payload, file=staged, file_name=file_name, target=treaty, total=total)


def run_import(job, progress) -> dict:
    if not job.file:
        raise ImportRefused(_("The file of this import is no longer kept; upload it again."))
    treaty = Treaty.objects.get(number=job.payload["treaty"])
    options = {"treaty": treaty, "source": job.payload["source"], "user": job.created_by}
    return pipeline.write_file(Chart(), job.file.path, options, progress=progress, confirm=progress.confirm)


def _summary(job) -> str:
    return _("Imported: %(added)s actions added, %(changed)s changed; %(unchanged)s were already recorded.") % {
        "added": len(job.outcome.get("added", [])),
        "changed": len(job.outcome.get("changed", [])),
        "unchanged": job.outcome.get("unchanged", 0),
    }


def _links(job) -> list:
    number = job.payload.get("treaty")
    again = (_("Import another chart"), reverse("treaties:treaty_import", args=[number]))
    if job.status != JobStatus.DONE:
        return [(_("Upload a corrected chart"), reverse("treaties:treaty_import", args=[number]))]
    return [(_("See the status of every State"), f"{reverse('treaties:country_list')}?treaty={number}"), again]


def register_kind() -> None:
    registry.register(
        KIND,
        run_import,
        permission="treaties.import_chart",
        label=gettext_lazy("Import of a Treaty Office chart"),
        summary=_summary,
        links=_links,
    )

"""The legislation import as a kind of job of the one job engine ("legislation.import")."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from octopus.accounts.services import log_action
from octopus.jobs import registry
from octopus.jobs.runner import start_job
from octopus.legislation.imports import ImportRefused, Workbook
from octopus.legislation.models import ImportKind
from octopus.lib import imports as pipeline

KIND = "legislation.import"


def start_import(kind: str, staged: str, *, total: int, file_name: str, user):
    """Queue an import of a checked workbook (already stored: `staged`); the job's page shows how far it has got."""
    return start_job(KIND, user=user, payload={"kind": kind}, file=staged, file_name=file_name, total=total)


def run_import(job, progress) -> dict:
    if not job.file:
        raise ImportRefused(_("The file of this import is no longer kept; upload it again."))
    kind = job.payload["kind"]
    options = {"user": job.created_by, "progress": progress}
    outcome = pipeline.write_file(Workbook(kind), job.file.path, options, progress=progress, confirm=progress.confirm)
    log_action(job, "legislation.import.done", user=job.created_by, data={"kind": kind, **outcome})
    return outcome


def _summary(job) -> str:
    outcome = job.outcome
    if job.payload.get("kind") == ImportKind.PROFILES:
        return _(
            "Imported: %(assessments)s statements and %(laws)s new laws recorded, reviewed; %(unchanged)s "
            "lines were already recorded."
        ) % {
            "assessments": outcome.get("assessments", 0),
            "laws": outcome.get("laws", 0),
            "unchanged": outcome.get("unchanged", 0),
        }
    return _(
        "Imported: %(added)s figures added, %(corrected)s corrected; %(unchanged)s lines were already recorded."
    ) % {
        "added": outcome.get("added", 0),
        "corrected": outcome.get("corrected", 0),
        "unchanged": outcome.get("unchanged", 0),
    }


def _links(job) -> list:
    if job.status != "done":
        return [(_("Upload a corrected file"), reverse("legislation:legislation_import"))]
    if job.payload.get("kind") == ImportKind.PROFILES:
        seen = (_("See the profiles"), reverse("legislation:legislation_workspace"))
    else:
        seen = (_("See the statistics"), reverse("legislation:statistics_list"))
    return [seen, (_("Import another file"), reverse("legislation:legislation_import"))]


def register_kind() -> None:
    registry.register(
        KIND,
        run_import,
        permission="legislation.import",
        label=gettext_lazy("Import of legislation"),
        summary=_summary,
        links=_links,
    )

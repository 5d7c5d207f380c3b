"""Background jobs of legislation (DESIGN.md §7.11: they take ids, are idempotent, are enqueued on commit)."""

import logging

from django.core.cache import caches
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import DomainError, log_action
from octopus.events.models import JobStatus
from octopus.legislation.imports import apply_import
from octopus.legislation.models import ImportJob

PROGRESS_EVERY = 25  # lines between two writes of the progress: often enough for the bar, rarely enough to be cheap
logger = logging.getLogger(__name__)


def progress_key(job_id: int) -> str:
    return f"legislation.import.{job_id}"


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(lines done, lines in all) of a job, as its worker last wrote them."""
    done = job.total if job.status == JobStatus.DONE else caches["progress"].get(progress_key(job.pk), 0)
    return min(done, job.total), job.total


@task()
def run_legislation_import(job_id: int) -> None:
    """Apply a confirmed import. A job already started or finished is left alone, so running it twice is harmless."""
    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    cache, key = caches["progress"], progress_key(job.pk)
    last = 0

    def progress(done: int) -> None:
        nonlocal last
        if done - last >= PROGRESS_EVERY or done == job.total:
            cache.set(key, done, timeout=86400)
            last = done

    try:
        outcome = apply_import(job.kind, job.rows, user=job.created_by, progress=progress)
    except DomainError as error:
        job.status, job.message = JobStatus.FAILED, str(error)
        cache.delete(key)  # nothing was written: the bar should not say otherwise
    except Exception:
        # Whatever broke, the transaction was undone: the job says so rather than running for ever, and the
        # error goes to the log for the administrators.
        logger.exception("Legislation import %s failed", job.pk)
        job.status, job.message = JobStatus.FAILED, _("The import failed unexpectedly; nothing was written.")
        cache.delete(key)
    else:
        job.status, job.outcome = JobStatus.DONE, outcome
        cache.set(key, job.total, timeout=86400)
        log_action(job, "legislation.import.done", user=job.created_by, data={"kind": job.kind, **outcome})
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "outcome", "finished_at"])


def start_import(kind: str, rows: list, *, file_name: str, user) -> ImportJob:
    """Queue an import of confirmed rows; the job's page shows how far it has got."""
    job = ImportJob.objects.create(kind=kind, rows=rows, total=len(rows), file_name=file_name[:200], created_by=user)
    transaction.on_commit(lambda: run_legislation_import.enqueue(job.pk))
    return job

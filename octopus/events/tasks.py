"""Background jobs of events (DESIGN.md §7.11: they take ids, are idempotent, are enqueued on commit)."""

from django.core.cache import caches
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from octopus.accounts.services import DomainError
from octopus.events.imports import apply_import
from octopus.events.models import ImportJob, JobStatus


def progress_key(job_id: int) -> str:
    return f"events.import.{job_id}"


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(lines done, lines in all) of a job, as its worker last wrote them."""
    done = job.total if job.status == JobStatus.DONE else caches["progress"].get(progress_key(job.pk), 0)
    return done, job.total


@task()
def run_participant_import(job_id: int) -> None:
    """Apply a confirmed import. A job already started or finished is left alone, so running it twice is harmless."""
    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    if not claimed:
        return
    job = ImportJob.objects.select_related("event", "form", "created_by").get(pk=job_id)
    cache, key = caches["progress"], progress_key(job.pk)

    def progress(lines):
        for done, line in enumerate(lines, start=1):
            yield line
            if done % 25 == 0 or done == len(lines):
                cache.set(key, done, timeout=86400)

    rows = [(number, values) for number, values in job.rows]
    try:
        outcome = apply_import(job.event, job.form, rows, update=job.update, user=job.created_by, progress=progress)
    except DomainError as error:
        job.status, job.message = JobStatus.FAILED, str(error)
    else:
        job.status, job.outcome = JobStatus.DONE, {
            "added": outcome.added, "updated": outcome.updated, "skipped": outcome.skipped}  # fmt: skip
    job.rows, job.finished_at = [], timezone.now()  # the personal data in the file is not kept past the import
    job.save(update_fields=["status", "message", "outcome", "rows", "finished_at"])


def start_import(event, form, rows, *, update: bool, file_name: str, user) -> ImportJob:
    """Queue an import of confirmed rows; the job's page shows how far it has got."""
    job = ImportJob.objects.create(
        event=event, form=form, rows=rows, total=len(rows), update=update, file_name=file_name[:200], created_by=user
    )
    transaction.on_commit(lambda: run_participant_import.enqueue(job.pk))
    return job

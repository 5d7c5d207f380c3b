"""Starting, running, watching and re-running jobs.

`start_job` records a queued job and enqueues the one django task, `run_job`, once the transaction commits.
`run_job` claims the job atomically (queued → running: a second delivery finds it taken and does nothing), looks
its kind up in the registry and runs it. While it runs, a small thread with its own database connection writes
the progress and a heartbeat, on each progress report (at most a few times a second) and every few seconds
anyway; a job's own writes happen in its transaction, which nobody else can see into until it commits. When the
worker dies the heartbeat stops: `reap_stale`, called whenever jobs are read and by `manage.py reap_jobs`, marks a
running job whose heartbeat is older than settings.JOB_HEARTBEAT_TIMEOUT failed. A job that finds it is no longer
running (reaped, or cancelled) stops at its next progress report, undoing what it had not committed.
"""

import logging
import os
import threading

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.http import Http404
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from octopus.jobs import registry
from octopus.jobs.models import Job, JobStatus
from octopus.lib.errors import DomainError

logger = logging.getLogger(__name__)
WORKER_STOPPED = gettext_lazy("The worker stopped; nothing was written. Run it again.")
UNEXPECTED = gettext_lazy("The job failed unexpectedly; nothing was written. Run it again.")


def heartbeat_timeout() -> float:
    """Seconds without a heartbeat after which a running job is taken for dead."""
    configured = getattr(settings, "JOB_HEARTBEAT_TIMEOUT", None)
    return float(configured or os.environ.get("OCTOPUS_JOB_HEARTBEAT_TIMEOUT") or 60)


class JobStopped(Exception):
    """The job is no longer running (reaped or cancelled): the work stops and its transaction is undone."""


class Progress:
    """What a running job reports: `progress(done, total)`. Cheap (memory only); the heartbeat writes it."""

    def __init__(self, job: Job):
        self.job_id, self.done, self.total = job.pk, job.done, job.total
        self.stopped = False
        self.changed = threading.Event()

    def __call__(self, done: int, total: int | None = None) -> None:
        if self.stopped:
            raise JobStopped
        self.done = done
        if total is not None:
            self.total = total
        self.changed.set()

    def confirm(self) -> None:
        """Just before a job commits its work: still ours? Locks the row, so nothing reaps it until the commit, and
        marks it done in the same transaction: a worker that dies right after the commit leaves a job that says
        done, not one that says nothing was written."""
        if not Job.objects.select_for_update().filter(pk=self.job_id, status=JobStatus.RUNNING).exists():
            raise JobStopped
        now = timezone.now()
        Job.objects.filter(pk=self.job_id).update(
            status=JobStatus.DONE, done=self.total, total=self.total, finished_at=now, heartbeat_at=now
        )


class Heartbeat(threading.Thread):
    """Writes progress and heartbeat from its own connection, so that other processes see them at once."""

    def __init__(self, progress: Progress):
        super().__init__(daemon=True, name=f"job-{progress.job_id}-heartbeat")
        self.progress = progress
        self.stopping = threading.Event()
        self.every = max(0.2, min(5.0, heartbeat_timeout() / 4))

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.progress.changed.wait(self.every)
                self.progress.changed.clear()
                if self.stopping.is_set():
                    break
                self.beat()
                self.stopping.wait(0.2)  # at most five writes a second, however fast the rows go
        finally:
            connections.close_all()  # this thread's own connection

    def beat(self) -> None:
        try:
            alive = Job.objects.filter(pk=self.progress.job_id, status=JobStatus.RUNNING).update(
                heartbeat_at=timezone.now(), done=self.progress.done, total=self.progress.total
            )
        except Exception:  # a lost connection for a moment: the next beat tries again
            logger.warning("Heartbeat of job %s not written", self.progress.job_id, exc_info=True)
            return
        if not alive:
            self.progress.stopped = True

    def stop(self) -> None:
        self.stopping.set()
        self.progress.changed.set()
        self.join()


def start_job(kind: str, *, user, payload=None, file=None, file_name: str = "", target=None, total: int = 0) -> Job:
    """Record a queued job and run it once the current transaction commits. `file` is an uploaded file (streamed to
    the private folder) or the name of one already stored there."""
    registry.get(kind)  # an unknown kind is a programming error, found here rather than in the worker
    job = Job(kind=kind, payload=payload or {}, total=total, file_name=file_name[:200], created_by=user)
    if target is not None:
        job.target = target
    if isinstance(file, str):
        job.file.name = file
    elif file is not None:
        job.file.save(os.path.basename(file_name or file.name), file, save=False)
    job.save()
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def claim(job_id: int) -> Job | None:
    now = timezone.now()
    taken = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    return Job.objects.select_related("created_by").get(pk=job_id) if taken else None


@task()
def run_job(job_id: int) -> None:
    """The one task of every job. A job already taken or finished is left alone: running it twice is harmless."""
    job = claim(job_id)
    if job is not None:
        execute(job)


def execute(job: Job) -> None:
    progress = Progress(job)
    # Inside someone else's transaction (a test, a command) nobody outside can see the job anyway: no thread.
    heartbeat = None if connection.in_atomic_block else Heartbeat(progress)
    if heartbeat is not None:
        heartbeat.start()
    status, outcome, message = JobStatus.DONE, {}, ""
    try:
        outcome = registry.get(job.kind).run(job, progress) or {}
    except JobStopped:
        status = None  # someone else ended it (reaped or cancelled) and said why
    except DomainError as error:
        status, message = JobStatus.FAILED, str(error)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        status, message = JobStatus.FAILED, str(UNEXPECTED)
    finally:
        if heartbeat is not None:
            heartbeat.stop()
    if status is None:
        job.refresh_from_db()
        if job.status == JobStatus.CANCELLED:
            discard_file(job)
        return
    now = timezone.now()
    done = progress.total if status == JobStatus.DONE else progress.done
    # A confirmed job is already done (its work committed with that status): it still gets its outcome.
    ours = [JobStatus.RUNNING, JobStatus.DONE] if status == JobStatus.DONE else [JobStatus.RUNNING]
    finished = Job.objects.filter(pk=job.pk, status__in=ours).update(
        status=status,
        outcome=outcome,
        message=message,
        done=done,
        total=progress.total,
        finished_at=now,
        heartbeat_at=now,
    )
    if finished and status == JobStatus.DONE:
        discard_file(job)


def discard_file(job: Job) -> None:
    """A done or cancelled job keeps no file: it may hold personal data."""
    if job.file:
        job.file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(file="")
        job.file = ""


def reap_stale(queryset=None) -> int:
    """Mark failed every running job whose worker stopped beating; how many. Called whenever jobs are read."""
    limit = timezone.now() - timezone.timedelta(seconds=heartbeat_timeout())
    stale = (queryset if queryset is not None else Job.objects.all()).filter(
        status=JobStatus.RUNNING, heartbeat_at__lt=limit
    )
    return stale.update(status=JobStatus.FAILED, message=str(WORKER_STOPPED), finished_at=timezone.now())


def read(pk: int) -> Job:
    """A job as it is now, marked failed first if its worker died."""
    reap_stale(Job.objects.filter(pk=pk))
    return Job.objects.select_related("created_by", "content_type").get(pk=pk)


def readable(user, pk: int) -> tuple[Job, registry.Kind]:
    """The job, reaped first, with its kind, for its page and its API route: 404 when there is none, 403 when the
    kind's permission does not let `user` read it."""
    try:
        job = read(pk)
        kind = registry.get(job.kind)
    except (Job.DoesNotExist, LookupError):
        raise Http404(_("No such job.")) from None
    if not kind.may_read(user, job):
        raise PermissionDenied(_("Your role does not let you read this job."))
    return job, kind


def visible_to(user, queryset=None) -> list[Job]:
    """The jobs `user` may read, reaped first."""
    queryset = queryset if queryset is not None else Job.objects.all()
    reap_stale(queryset)
    kinds = [name for name, kind in registry.KINDS.items() if user.has_perm(kind.permission)]
    jobs = queryset.filter(kind__in=kinds).select_related("created_by")
    return [job for job in jobs if registry.get(job.kind).may_read(user, job)]


def rerun(job: Job, *, user) -> Job:
    """A new job from a failed or cancelled one: the same kind, payload, target and file."""
    if not job.can_rerun:
        raise DomainError(_("Only a failed or cancelled job can be run again."))
    if job.payload.get("needs_file") and not job.file:
        raise DomainError(_("The file of this job is no longer kept; upload it again."))
    with transaction.atomic():
        new = Job(
            kind=job.kind,
            payload=job.payload,
            total=job.total,
            file_name=job.file_name,
            created_by=user,
            content_type=job.content_type,
            object_id=job.object_id,
            rerun_of=job,
        )
        new.file.name = job.file.name
        new.save()
        Job.objects.filter(pk=job.pk).update(file="")  # the file moves to the new job, which deletes it when done
        transaction.on_commit(lambda: run_job.enqueue(new.pk))
    return new


def cancel(job: Job) -> bool:
    """Cancel a queued or running job (a running one stops at its next progress report, writing nothing)."""
    now = timezone.now()
    cancelled = Job.objects.filter(pk=job.pk, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).update(
        status=JobStatus.CANCELLED, message=_("Cancelled; nothing was written."), finished_at=now
    )
    job.refresh_from_db()
    if cancelled and job.started_at is None:
        discard_file(job)
    return bool(cancelled)

"""Background jobs over the JSON API: the status of one job, for a client that follows an import or a report."""

import datetime

from ninja import Router, Schema

from octopus.accounts.api import Id, allowed
from octopus.jobs import runner
from octopus.jobs.models import JobStatus

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    status: JobStatus
    done: int
    total: int
    message: str
    outcome: dict
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    heartbeat_at: datetime.datetime | None
    finished_at: datetime.datetime | None


@router.get("/jobs/{id}", response=JobOut, auth=allowed(per_object=True), summary="One job: status, progress, message")
def job_status(request, id: Id):
    """Reading a job whose worker stopped beating marks it failed first. Only users whom the job's kind lets read
    it see it (403 otherwise)."""
    return runner.readable(request.user, id)[0]

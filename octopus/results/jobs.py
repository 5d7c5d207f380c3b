"""Freezing a programme's figures as a kind of job of the one job engine ("results.snapshot").

The page starts the job and follows it on the job's page; the job freezes the snapshot through the one service, in
one transaction, reporting each indicator, and confirms the job is still running just before it commits: a worker
that dies or a job cancelled meanwhile leaves no snapshot. The API freezes through the same service at once."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from octopus.jobs import registry
from octopus.jobs.models import JobStatus
from octopus.jobs.runner import start_job
from octopus.lib.errors import DomainError
from octopus.results import services
from octopus.results.models import Programme, Snapshot

KIND = "results.snapshot"


def start_freeze(programme: Programme, *, title: str, as_of: datetime.date, user):
    """Queue the freezing of the programme's figures for `as_of`; refused at once if the service would refuse."""
    services.check_snapshot(programme, title=title, as_of=as_of)
    payload = {"programme": programme.pk, "title": title.strip(), "as_of": as_of.isoformat()}
    return start_job(KIND, user=user, payload=payload, target=programme)


def run_freeze(job, progress) -> dict:
    programme = Programme.objects.filter(pk=job.payload["programme"]).first()
    if programme is None:
        raise DomainError(_("This programme no longer exists."))
    if job.created_by is None:
        raise DomainError(_("The account that asked for these figures no longer exists; freeze them again."))
    frozen = services.freeze_snapshot(
        programme,
        title=job.payload["title"],
        as_of=datetime.date.fromisoformat(job.payload["as_of"]),
        user=job.created_by,
        progress=progress,
        confirm=progress.confirm,
    )
    return {"snapshot": frozen.pk, "digest": frozen.digest, "indicators": len(frozen.data["indicators"])}


def _programme(job) -> Programme | None:
    return Programme.objects.filter(pk=job.payload.get("programme")).first()


def _readable(user, job) -> bool:
    """Those who may freeze figures read the job only for a programme they may read."""
    programme = _programme(job)
    return programme is not None and user.has_perm("results.view_programme", programme)


def _summary(job) -> str:
    return _("Figures of %(count)s indicators frozen for “%(title)s” as of %(day)s. Fingerprint %(digest)s.") % {
        "count": job.outcome.get("indicators", 0),
        "title": job.payload.get("title", ""),
        "day": job.payload.get("as_of", ""),
        "digest": job.outcome.get("digest", "")[:12],
    }


def _links(job) -> list:
    programme = _programme(job)
    if programme is None:
        return []
    frozen = Snapshot.objects.filter(pk=job.outcome.get("snapshot"), programme=programme).first()
    if job.status == JobStatus.DONE and frozen is not None:
        return [(_("See the frozen figures"), reverse("results:results_snapshot", args=[programme.code, frozen.pk]))]
    snapshots = reverse("results:results_snapshots", args=[programme.code])
    return [(_("Snapshots of %(programme)s") % {"programme": programme}, snapshots)]


def register_kind() -> None:
    registry.register(
        KIND,
        run_freeze,
        permission="results.manage",
        label=gettext_lazy("Freezing of figures for a report"),
        steps=gettext_lazy("indicators"),
        summary=_summary,
        links=_links,
        readable=_readable,
    )

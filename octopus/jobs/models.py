"""One record per background job (an import, a snapshot, a report): what to do, how far it got, how it ended."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class JobQuerySet(models.QuerySet):
    def serving(self, record: models.Model) -> "JobQuerySet":
        """The jobs of one record (an event's imports, say), newest first."""
        return self.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


class Job(models.Model):
    """queued → running (progress and a heartbeat) → done, failed or cancelled. A job takes ids and options in its
    payload, and a file on disk when it has one (deleted once the job is done or cancelled; a failed job keeps it so
    that it can be run again)."""

    kind = models.CharField(_("kind"), max_length=64, help_text=_("A registered kind, such as events.participants."))
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    payload = models.JSONField(default=dict, blank=True, help_text=_("Ids and options the job runs with."))
    file = models.FileField(upload_to="private/jobs/%Y/%m/", blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, help_text=_("Why it failed; nothing was written then."))
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    rerun_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"]), models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def can_rerun(self) -> bool:
        return self.status in (JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == JobStatus.DONE else 0)

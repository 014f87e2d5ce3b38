from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coproduce.coalitions.models import Coalition
from coproduce.core.fields import CleanCharField


class Job(models.Model):
    """One piece of long work: queued, running with progress, then done (maybe with a file)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Working")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        """Failures with a reason a person can act on, shown instead of the technical error."""

        NONE = "", _("None")
        WORKER_STOPPED = "worker_stopped", _("The worker stopped too often")
        DISK_FULL = "disk_full", _("The server's disk was full")

    kind = models.CharField(max_length=60)
    # What the job is about and which state of it, e.g. "workshop:4:report:pdf:<hash>", so a
    # finished result is served again until its subject changes. ("Key" is kept for the secrets
    # that let people in: a guest's, a card's.)
    fingerprint = models.CharField(max_length=200, db_index=True)
    title = CleanCharField(max_length=300)
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="jobs")
    # The action someone needs on the subject (a workshop, a café, a conversation; the
    # coalition when there is none) to see this job and its result (see permissions).
    action = models.CharField(max_length=40)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(null=True, blank=True)
    file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    failure = models.CharField(max_length=20, choices=Failure.choices, blank=True)
    # How many times a worker has taken the job; it is also the token of the current run, so a
    # worker that lost its lease can no longer write progress or a result.
    attempts = models.PositiveSmallIntegerField(default=0)
    # Until when the running job's worker is presumed alive; it renews the lease as it works.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # When the file was deleted to free space (JOB_FILE_DAYS after the job finished).
    file_expired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["fingerprint", "status"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.progress)

    @property
    def restarts(self) -> int:
        """How many times the job was started again after its worker stopped."""
        return max(self.attempts - 1, 0)

    @property
    def failure_reason(self) -> str:
        """What went wrong, in words for the person who asked for the job."""
        if self.failure == self.Failure.WORKER_STOPPED:
            return ngettext(
                "The worker stopped %(count)d time while doing this, so it was not started "
                "again. Try again later; if it happens again, tell the site's administrator.",
                "The worker stopped %(count)d times while doing this, so it was not started "
                "again. Try again later; if it happens again, tell the site's administrator.",
                self.attempts,
            ) % {"count": self.attempts}
        if self.failure == self.Failure.DISK_FULL:
            return str(
                _(
                    "There was no room left on the server's disk to keep the file. "
                    "Tell the site's administrator."
                )
            )
        return ""

    @property
    def file_days(self) -> int:
        return round(settings.JOB_FILE_DAYS)

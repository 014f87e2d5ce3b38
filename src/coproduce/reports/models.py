from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.workshops.models import Workshop


class WorkshopReport(models.Model):
    """A workshop's report: its themes (found, then edited by the facilitator) and versions."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="report")
    # {"questions": {"<question id or 'none'>": [theme dicts]}, "method": str, "edited": bool}
    themes = models.JSONField(default=dict, blank=True)
    themes_found_at = models.DateTimeField(null=True, blank=True)
    themes_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("workshop report")
        verbose_name_plural = _("workshop reports")

    def __str__(self) -> str:
        return f"Report: {self.workshop}"

    def get_absolute_url(self) -> str:
        return reverse("reports:edit", args=[self.workshop.slug])

    @property
    def coalition(self):
        return self.workshop.coalition


class ReportVersion(models.Model):
    """One version of the report's text: a draft being edited, or a published edition."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone who can see the coalition")
        MEMBERS = "members", _("Members of the coalition only")

    report = models.ForeignKey(WorkshopReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # The organisers' text for each section, as Markdown: {"<section key>": "..."}.
    texts = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    visibility = models.CharField(
        _("who can read it"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # The language the report's own words are published in; its pages and files read in it
    # whatever language the reader's browser asks for.
    language = models.CharField(
        _("language of the report"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # What the published edition showed, frozen, so old versions stay readable as they were.
    snapshot_html = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def workshop(self):
        return self.report.workshop

    @property
    def coalition(self):
        return self.report.workshop.coalition

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coproduce.coalitions.models import Coalition

from .datapackage import LICENCES


class Publication(models.Model):
    """Whether a public coalition publishes its open-data bundle, under which licence, and the
    bundle the worker built last (rebuilt every night while published)."""

    coalition = models.OneToOneField(Coalition, on_delete=models.CASCADE, related_name="open_data")
    published = models.BooleanField(_("publish the open-data bundle"), default=False)
    licence = models.CharField(
        _("licence"),
        max_length=20,
        choices=[(key, value["title"]) for key, value in LICENCES.items()],
        default="CC-BY-4.0",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)
    bundle = models.FileField(upload_to="open-data/", blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # What the bundle holds, for its page: [{"path", "bytes", "question"}, ...] (a
    # conversation's files carry its question, which their titles name).
    files = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.coalition} open data"

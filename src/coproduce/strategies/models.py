"""A coalition's coproduction strategy, written together in sections.

Organisers write the sections; members propose amendments to a section (new wording and a
reason) or a new section, and discuss them; organisers decide each one: accepted (the wording
goes in), merged with another amendment, or declined with a reason everyone can read. Every
change to the words freezes the strategy into a new `Version`, so any two can be compared.
Each section counts its own revisions: an amendment remembers the revision it was written
against, so accepting it over words that changed since is refused until someone has read them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.coalitions.models import Coalition
from coproduce.core.fields import CleanCharField, CleanTextField

TITLE_MAX = 200
TEXT_MAX = 20000
REASON_MAX = 4000


class Strategy(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="strategies")
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["coalition", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    text = CleanTextField(_("text"), blank=True, max_length=TEXT_MAX)
    revision = models.PositiveIntegerField(default=1)  # goes up whenever its words change

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["strategy", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def coalition(self) -> Coalition:
        return self.strategy.coalition


class Version(models.Model):
    """The strategy's words frozen at one moment: sections as a list of {"section": id or None,
    "title", "text"}, so a version keeps its words when the draft moves on."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    sections = models.JSONField(default=list)
    what_changed = CleanCharField(_("what changed"), max_length=500, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="strategy_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.strategy} v{self.number}"


class Amendment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged with another")
        DECLINED = "declined", _("Declined")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="amendments")
    # None: a new section.
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="amendments"
    )
    based_on_revision = models.PositiveIntegerField(default=0)
    title = CleanCharField(_("section title"), max_length=TITLE_MAX)
    text = CleanTextField(_("new wording"), max_length=TEXT_MAX)
    why = CleanTextField(_("why"), max_length=REASON_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # The organisers' reason for their decision, shown to everyone.
    reason = CleanTextField(_("reason for the decision"), blank=True, max_length=REASON_MAX)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    made_version = models.ForeignKey(
        Version, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["strategy", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def coalition(self) -> Coalition:
        return self.strategy.coalition

    @property
    def is_stale(self) -> bool:
        """The section's words changed since the amendment was written."""
        return self.section is not None and self.section.revision != self.based_on_revision


class Comment(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = CleanTextField(_("comment"), max_length=REASON_MAX)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["amendment", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

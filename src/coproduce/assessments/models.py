"""Self-assessments: partners rate how far the work meets a framework's items, 0 to 4.

An `Assessment` belongs to a coalition (and, optionally, to one of its workshops) and takes its
items from a built-in framework (charters/frameworks.py) or from a published version of the
coalition's charter. The items are frozen on each `Round` when it opens, so a charter that
changes later changes no answer already given; a second round of the same assessment freezes
them again, and an item removed in between is shown as removed.

A `Response` is one person's (or one guest's) answers in one round: a score per item (or none),
an optional note and evidence link per item, the sector they answer for and, when the
organisers promised a level of participation, the level they experienced. Scores are kept as
one JSON object per response (what the export gives) and packed as one short string (what
the results page reads: a round in one query, no per-answer rows; bench/).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.coalitions.models import Coalition
from coproduce.core.fields import CleanCharField
from coproduce.people.models import Guest
from coproduce.people.sectors import Sector

TITLE_MAX = 200
NOTE_MAX = 2000
EVIDENCE_MAX = 500


def new_link_code() -> str:
    """The secret in the answer link: whoever holds it may answer, with no account."""
    return secrets.token_urlsafe(16)


class Scale(models.TextChoices):
    """Where a promised or experienced level sits (library/labels.py names the levels)."""

    NONE = "", _("No promise")
    LADDER = "ladder", _("Ladder of co-production")
    IAP2 = "iap2", _("Spectrum of public participation")


class Assessment(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="assessments")
    workshop = models.ForeignKey(
        "workshops.Workshop",
        verbose_name=_("workshop it is about"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
    )
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    # Where the items come from: a built-in framework's key, or the coalition's charter (each
    # round freezes the items of its latest published version).
    framework = models.CharField(_("framework"), max_length=40, blank=True)
    charter = models.ForeignKey(
        "charters.Charter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credit = models.TextField(_("credit"), blank=True)
    # A level of participation the organisers promised for the process, if any.
    scale = models.CharField(_("scale"), max_length=10, blank=True, choices=Scale.choices)
    promised = models.CharField(_("promised level"), max_length=40, blank=True)
    link_code = models.CharField(max_length=32, unique=True, default=new_link_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["coalition", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.pk])


class Round(models.Model):
    """One asking of the assessment. ``items`` is the frozen list of
    {"id", "title", "meaning", "asks"} its respondents rated."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    items = models.JSONField(default=list)
    version = models.ForeignKey(
        "charters.Version", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="assessment_round"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} ({self.number})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def item_ids(self) -> list[str]:
        return [item["id"] for item in self.items]


SKIPPED = "-"


def pack(item_ids: list[str], scores: dict) -> str:
    """Scores as one character per item, in the round's order."""
    return "".join(SKIPPED if scores.get(i) is None else str(scores[i]) for i in item_ids)


class Response(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    guest = models.ForeignKey(
        Guest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    # A partner organisation answering as itself names itself (shown to organisers only).
    organisation = CleanCharField(_("organisation"), max_length=200, blank=True)
    # {item id: 0..4 or None}; and {item id: {"note": text, "evidence": url}} where given.
    scores = models.JSONField(default=dict)
    # The same scores as one character per item in the round's order ("0".."4", "-" skipped),
    # so the results page reads 5,000 responses as one array without decoding JSON (bench/).
    packed = models.TextField(default="", editable=False)
    notes = models.JSONField(default=dict, blank=True)
    experienced = models.CharField(_("level experienced"), max_length=40, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=Q(person__isnull=False),
                name="one_response_per_person",
            ),
            models.UniqueConstraint(
                fields=["round", "guest"],
                condition=Q(guest__isnull=False),
                name="one_response_per_guest",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(guest__isnull=False),
                name="response_has_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.sector}"

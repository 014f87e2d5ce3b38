from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.coalitions.models import Coalition
from coproduce.core import codes
from coproduce.core.fields import CleanCharField, CleanTextField
from coproduce.people.models import NAME_MAX, Guest
from coproduce.people.sectors import Sector
from coproduce.workshops.models import Workshop

AGREE, PASS, DISAGREE = 1, 0, -1


def new_conversation_code() -> str:
    # Kept by name: migrations refer to it.
    return codes.new_code()


class Conversation(models.Model):
    """An opinion map: a question, short statements, and everyone's agree/disagree/pass."""

    class Moderation(models.TextChoices):
        POST = "post", _("Statements appear at once; moderators can remove them")
        PRE = "pre", _("Statements appear after a moderator accepts them")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="conversations")
    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("workshop"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    question = CleanCharField(_("question"), max_length=500)
    description = CleanTextField(_("description"), max_length=5000, blank=True)
    # New conversations hold participants' statements until a moderator reads them: a room
    # should never see an insult projected before anyone could stop it. Existing ones keep theirs.
    moderation = models.CharField(
        _("moderation"), max_length=4, choices=Moderation.choices, default=Moderation.PRE
    )
    allow_statements = models.BooleanField(_("participants may add statements"), default=True)
    statement_max_length = models.PositiveSmallIntegerField(
        _("longest statement (characters)"), default=280
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    join_code = models.CharField(max_length=12, unique=True, default=new_conversation_code)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # The map, as last computed by the worker (see services.recompute_map).
    map_data = models.JSONField(null=True, blank=True)
    map_state = models.BinaryField(null=True, blank=True)  # warm start for the next update
    map_computed_at = models.DateTimeField(null=True, blank=True)
    map_votes = models.PositiveIntegerField(default=0)  # votes the map was computed from
    # The highest vote threshold webhooks were told of (webhooks/events.py): raised by a
    # conditional UPDATE, so two maps computed at once tell a threshold once.
    threshold_told = models.PositiveIntegerField(default=0)
    map_error = models.TextField(blank=True)
    # Stored with the map, apart from it, so the busiest pages need not read the map itself:
    # the participation figures counted when it was made (see selectors.count_figures), read
    # by the facilitator's page every few seconds, and each statement's routing priority
    # ({"statement id": priority}), read by every vote.
    map_figures = models.JSONField(null=True, blank=True)
    map_priorities = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )


class Voter(models.Model):
    """Someone taking part in a conversation, with the sector they came as."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="voters")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    guest = models.ForeignKey(
        Guest, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    display_name = CleanCharField(max_length=NAME_MAX, blank=True)
    sector = models.CharField(max_length=32, choices=Sector.choices, blank=True)
    excluded = models.BooleanField(_("votes excluded"), default=False)
    polis_id = models.CharField(max_length=64, blank=True)  # id in an imported Pol.is export
    # Joined with the conversation's code: the code admitted them, whatever their membership.
    # Others take part through their membership or registration and lose access with it.
    via_code = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "person"],
                condition=models.Q(person__isnull=False),
                name="one_voter_per_person",
            ),
            models.UniqueConstraint(
                fields=["conversation", "guest"],
                condition=models.Q(guest__isnull=False),
                name="one_voter_per_guest",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or f"#{self.pk}"


class Statement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    text = CleanTextField(_("statement"), max_length=5000)
    author = models.ForeignKey(
        Voter, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    is_meta = models.BooleanField(
        _("meta"),
        default=False,
        help_text=_("About the conversation itself; left out of the maths."),
    )
    is_seed = models.BooleanField(default=False)
    polis_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "status"])]

    def __str__(self) -> str:
        return self.text[:80]


class Vote(models.Model):
    """A voter's latest vote on a statement: one row per pair, the latest wins."""

    class Value(models.IntegerChoices):
        AGREE = AGREE, _("Agree")
        PASS = PASS, _("Pass / unsure")
        DISAGREE = DISAGREE, _("Disagree")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["voter", "statement"], name="one_vote_per_statement"),
            models.CheckConstraint(condition=models.Q(value__in=[-1, 0, 1]), name="vote_value"),
        ]
        indexes = [models.Index(fields=["conversation", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.voter} {self.value:+d} {self.statement_id}"


class VoteEvent(models.Model):
    """Every vote as it was cast, never changed: the history `Vote` keeps only the last of.

    Pol.is publishes votes as such a log (votes.csv), and researchers read re-votes from it;
    `services.cast_vote` writes one row per vote beside the upsert, and a Pol.is import keeps
    every row of the file it read."""

    # No index of its own: the (conversation, created_at) index below serves it, and every
    # index is one more write on the vote path.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="vote_events", db_index=False
    )
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="vote_events")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="vote_events")
    value = models.SmallIntegerField(choices=Vote.Value.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(value__in=[-1, 0, 1]), name="event_value"),
        ]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return (
            f"{self.voter} {self.value:+d} {self.statement_id} at {self.created_at:%Y-%m-%d %H:%M}"
        )


class ModerationEntry(models.Model):
    """Every moderation decision, with who took it and when."""

    class Action(models.TextChoices):
        ACCEPT = "accept", _("accepted a statement")
        REJECT = "reject", _("rejected a statement")
        META = "meta", _("marked a statement as meta")
        UNMETA = "unmeta", _("unmarked a meta statement")
        EXCLUDE = "exclude", _("excluded a participant's votes")
        INCLUDE = "include", _("included a participant's votes again")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="moderation_log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    statement = models.ForeignKey(Statement, null=True, blank=True, on_delete=models.CASCADE)
    voter = models.ForeignKey(Voter, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display()}"

import enum
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.core.fields import CleanCharField, CleanTextField
from coproduce.workshops.models import AgendaItem, AgendaQuestion, Registration

from .timer import Clock


def new_participant_key() -> str:
    return secrets.token_urlsafe(12)


class Cafe(models.Model):
    """A World Café on a workshop's agenda item: tables, rounds, a seating plan and notes."""

    class QuestionMode(models.TextChoices):
        PER_ROUND = "per_round", _("One question for all tables in each round")
        PER_TABLE = "per_table", _("A topic per table")

    class HostMode(models.TextChoices):
        FIXED = "fixed", _("Each table has a host who stays")
        NONE = "none", _("No hosts: everyone moves")

    class Phase(enum.StrEnum):
        """Where the rounds are. Whether notes may still change is apart: `is_closed`."""

        NOT_STARTED = "not_started"
        RUNNING = "running"  # a round is under way: `current_round`
        FINISHED = "finished"  # every round is done

    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="cafe")
    rounds = models.PositiveSmallIntegerField(_("rounds"), default=3)
    minutes_per_round = models.PositiveSmallIntegerField(_("minutes per round"), default=20)
    question_mode = models.CharField(
        _("questions"), max_length=12, choices=QuestionMode.choices, default=QuestionMode.PER_ROUND
    )
    host_mode = models.CharField(
        _("hosts"), max_length=8, choices=HostMode.choices, default=HostMode.FIXED
    )
    # 0 before the start, then the round under way, then rounds + 1 once all are done: read it
    # through `phase` and the properties below, which every page, service and job uses.
    current_round = models.PositiveSmallIntegerField(default=0)
    round_started_at = models.DateTimeField(null=True, blank=True)
    # The round's clock beyond its planned length (see `timer.Clock`): minutes added or taken
    # away, time spent in pauses that ended, and when the current pause began.
    extra_seconds = models.IntegerField(default=0)
    paused_seconds = models.PositiveIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    # What the facilitator's last "start round" or "close" changed, so it can be undone for a
    # minute: {"action", "token", "at", "before": {field: value}}. One step only; see
    # `live.services`.
    undo = models.JSONField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    plan_metrics = models.JSONField(null=True, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    # How many times the layout (tables, people, rules or seats) has changed: counted up by
    # `services.mark_changed`, and part of the job keys, so printed documents are remade.
    revision = models.PositiveIntegerField(default=1)
    # When the café itself last changed (its setup, a round, its state, its plan or layout):
    # set by every save and by `services.mark_changed`, for the API's `updated_since`.
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("World Café")
        verbose_name_plural = _("World Cafés")

    def __str__(self) -> str:
        return f"{self.agenda_item.title} ({self.workshop})"

    def save(self, *args, update_fields=None, **kwargs):
        self.updated_at = timezone.now()
        if update_fields is not None:
            update_fields = {*update_fields, "updated_at"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cafe:setup", args=[self.pk])

    @property
    def workshop(self):
        return self.agenda_item.workshop

    @property
    def coalition(self):
        return self.agenda_item.workshop.coalition

    @property
    def is_closed(self) -> bool:
        """Closed for notes: they can no longer be written or changed."""
        return self.closed_at is not None

    # The rounds' state, in one place ---------------------------------------------------------

    @property
    def phase(self) -> Phase:
        if self.current_round < 1:
            return self.Phase.NOT_STARTED
        if self.current_round > self.rounds:
            return self.Phase.FINISHED
        return self.Phase.RUNNING

    @property
    def has_started(self) -> bool:
        return self.phase is not self.Phase.NOT_STARTED

    @property
    def is_running(self) -> bool:
        return self.phase is self.Phase.RUNNING

    @property
    def is_finished(self) -> bool:
        return self.phase is self.Phase.FINISHED

    @property
    def held_rounds(self) -> int:
        """Rounds held or under way: their seats are history and never change."""
        return min(self.current_round, self.rounds)

    @property
    def shown_round(self) -> int:
        """The round pages show: the first before the start, the one under way while running,
        the last once all are done."""
        return self.held_rounds if self.has_started else 1

    @property
    def next_round(self) -> int:
        """The round the facilitator starts next; rounds + 1 means finishing the last one."""
        return self.shown_round + 1 if self.has_started else 1

    @property
    def rounds_ahead(self) -> int:
        """Rounds not started yet: the ones a new plan may still seat."""
        return self.rounds - self.held_rounds

    @property
    def round_numbers(self) -> range:
        return range(1, self.rounds + 1)

    # The round's clock --------------------------------------------------------------------------

    @property
    def clock(self) -> Clock | None:
        """The timer of the round under way, or None when no round is."""
        if not self.is_running or self.round_started_at is None:
            return None
        return Clock(
            started_at=self.round_started_at,
            planned=timedelta(minutes=self.minutes_per_round),
            extra=timedelta(seconds=self.extra_seconds),
            paused=timedelta(seconds=self.paused_seconds),
            paused_at=self.paused_at,
        )

    @property
    def clock_state(self) -> str:
        """Everything a participant's card shows of the round and its clock, as one token: the
        phones' poll compares it, so a pause or added minutes reach them."""
        # Times as epoch seconds: an ETag may not hold the spaces of a written-out date.
        moments = [self.round_started_at, self.paused_at, self.closed_at]
        stamps = [f"{moment.timestamp():.0f}" if moment else "-" for moment in moments]
        return ":".join([*stamps, str(self.extra_seconds), str(self.paused_seconds)])

    def set_clock(self, clock: Clock | None) -> None:
        """Store a clock's state in the café's fields (the caller saves)."""
        if clock is None:
            self.extra_seconds, self.paused_seconds, self.paused_at = 0, 0, None
            return
        self.round_started_at = clock.started_at
        self.extra_seconds = int(clock.extra.total_seconds())
        self.paused_seconds = int(clock.paused.total_seconds())
        self.paused_at = clock.paused_at

    @property
    def round_ends_at(self):
        clock = self.clock
        return clock.ends_at(timezone.now()) if clock else None

    @property
    def time_left(self) -> timedelta | None:
        clock = self.clock
        return clock.left(timezone.now()) if clock else None

    @property
    def is_paused(self) -> bool:
        return self.clock is not None and self.paused_at is not None

    @property
    def time_is_up(self) -> bool:
        clock = self.clock
        return clock is not None and clock.is_over(timezone.now())


class CafeRound(models.Model):
    """Which question the tables discuss in a round (when every table has the same one)."""

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="round_questions")
    number = models.PositiveSmallIntegerField()
    question = models.ForeignKey(AgendaQuestion, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["cafe", "number"], name="one_question_per_round")
        ]

    def __str__(self) -> str:
        return f"Round {self.number}: {self.question or '-'}"


class Participant(models.Model):
    """Someone in the café: a workshop registration, with what seating must know about them."""

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="participants")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="cafe_places"
    )
    present = models.BooleanField(_("here"), default=True)
    online = models.BooleanField(_("online"), default=False)
    immobile = models.BooleanField(
        _("stays at one table"), default=False, help_text=_("For example, for access needs.")
    )
    # The personal page's key, printed as a QR code on the person's card.
    key = models.CharField(max_length=24, unique=True, default=new_participant_key, editable=False)
    joined_round = models.PositiveSmallIntegerField(default=0)  # >0: arrived late, before it

    class Meta:
        ordering = ["registration__display_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cafe", "registration"], name="one_place_per_person")
        ]

    def __str__(self) -> str:
        return self.registration.display_name

    def get_absolute_url(self) -> str:
        return reverse("cafe:personal", args=[self.key])

    @property
    def coalition(self):
        return self.cafe.coalition

    @property
    def name(self) -> str:
        return self.registration.display_name


class Table(models.Model):
    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="tables")
    name = CleanCharField(_("name"), max_length=60)
    capacity = models.PositiveSmallIntegerField(_("seats"), default=5)
    online = models.BooleanField(_("online"), default=False)
    order = models.PositiveSmallIntegerField(_("number"), default=0)
    topic = models.ForeignKey(
        AgendaQuestion,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    host = models.OneToOneField(
        Participant,
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_table",
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def coalition(self):
        return self.cafe.coalition


class Rule(models.Model):
    class Kind(models.TextChoices):
        TOGETHER = "together", _("Must sit together")
        APART = "apart", _("Must not sit together")

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.first} / {self.second}: {self.get_kind_display()}"


class Seat(models.Model):
    """A person's table in one round."""

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="seats")
    round_number = models.PositiveSmallIntegerField()
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="seats")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="seats")

    class Meta:
        ordering = ["round_number", "table__order", "participant__registration__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cafe", "round_number", "participant"], name="one_seat_per_round"
            )
        ]
        indexes = [models.Index(fields=["cafe", "round_number"])]

    def __str__(self) -> str:
        return f"Round {self.round_number}: {self.participant} at {self.table}"


class Note(models.Model):
    """What a table wrote in a round: typed on a phone, or a photo of the tablecloth."""

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="notes")
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="notes")
    round_number = models.PositiveSmallIntegerField(_("round"))
    question = models.ForeignKey(
        AgendaQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = CleanTextField(_("note"), max_length=4000, blank=True)
    photo = models.FileField(
        _("photo of the tablecloth"), upload_to="cafe/photos/%Y/%m/", blank=True
    )
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    author_name = CleanCharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Made by the writer's phone for each note it sends: a retry or a double tap carries the
    # same key, so the note is stored once however often the phone sends it.
    sending_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["round_number", "table__order", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cafe", "sending_key"],
                condition=~models.Q(sending_key=""),
                name="one_note_per_sending",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60] or "(photo)"

    @property
    def coalition(self):
        return self.cafe.coalition


class NoteRevision(models.Model):
    """One version of a note as it was saved: its text and photo, who saved it and when.

    Every save of a note adds one, so any earlier version can be read and brought back;
    bringing one back is itself a new version."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")
    round_number = models.PositiveSmallIntegerField(_("round"))
    text = CleanTextField(_("note"), max_length=4000, blank=True)
    photo = models.CharField(max_length=255, blank=True)  # the stored file's name
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_by_participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_by_name = CleanCharField(max_length=200, blank=True)
    saved_at = models.DateTimeField(default=timezone.now, editable=False)
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-saved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.note_id} @ {self.saved_at:%Y-%m-%d %H:%M}"

    @property
    def coalition(self):
        return self.note.cafe.coalition

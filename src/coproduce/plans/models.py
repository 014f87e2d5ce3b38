"""A coalition's action plan: goals, the actions that serve them, who owns each action and how
it is going, and where each action came from.

An action is owned by one or more organisations of the coalition (`Ownership`: since when,
and until when once handed over, so the ownership question is answered in the open) and led by
one person. Its owners post `Update`s (what happened, with evidence); each update records the
status and progress it left the action at, so the timeline can be drawn. `Source` rows trace
an action back to what people said (a café note, a harvest theme, an opinion-map statement, a
charter principle, a library entry); `Unactioned` records why an organiser took a theme or a
statement no further, so every one of them has an answer ("you said, we did").
"""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.coalitions.models import Coalition
from coproduce.core.fields import CleanCharField, CleanTextField
from coproduce.people.models import Organisation

TITLE_MAX = 200
TEXT_MAX = 20000
UPDATE_MAX = 5000
REASON_MAX = 2000
WEIGHT_MAX = 100


def _weight(verbose: str):
    return models.PositiveSmallIntegerField(
        verbose,
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(WEIGHT_MAX)],
        help_text=_("How much it counts towards the whole, from 1 to 100 (all 1: equal)."),
    )


class Plan(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="plans")
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    summary = CleanTextField(_("summary"), blank=True, max_length=TEXT_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["coalition", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Goal(models.Model):
    """What the plan is for. A goal may sit under another goal of the same plan, one level
    deep (services keep it so, which also rules out circles)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    description = CleanTextField(_("description"), blank=True, max_length=TEXT_MAX)
    weight = _weight(_("weight"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=WEIGHT_MAX), name="goal_weight_in_range"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="goal_not_its_own_part"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def coalition(self) -> Coalition:
        return self.plan.coalition


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    STALLED = "stalled", _("Stalled")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    description = CleanTextField(_("description"), blank=True, max_length=TEXT_MAX)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partners"), blank=True, related_name="+"
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # Why it was dropped: shown to everyone who can see the plan.
    reason = CleanTextField(_("reason"), blank=True, max_length=REASON_MAX)
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    weight = _weight(_("weight"))
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["goal", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="action_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=WEIGHT_MAX), name="action_weight_in_range"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(due_on__gte=F("starts_on")),
                name="action_due_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DONE) | Q(progress=100), name="action_done_at_100"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DROPPED) | ~Q(reason=""),
                name="action_dropped_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def coalition(self) -> Coalition:
        return self.goal.plan.coalition

    def is_overdue(self, today=None) -> bool:
        """Its due date has passed (before `today`: the coalition's, where pages know it) and
        it is neither done nor dropped."""
        today = today or timezone.localdate()
        finished = self.status in (Status.DONE, Status.DROPPED)
        return self.due_on is not None and self.due_on < today and not finished


class Ownership(models.Model):
    """An organisation owning an action, from `since` until a hand-over ends it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="ownerships")
    # Kept while the history names it: an organisation that owned an action is not deleted.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)
    note = CleanCharField(_("note"), blank=True, max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["action", "since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation"],
                condition=Q(until__isnull=True),
                name="one_current_ownership_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="ownership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} owns {self.action}"


def evidence_path(update: "Update", filename: str) -> str:
    return f"plans/evidence/{update.action_id}/{filename}"


class Update(models.Model):
    """What happened on an action, posted by an owner, with the status and progress it left."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    text = CleanTextField(_("what happened"), max_length=UPDATE_MAX)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    evidence_url = models.URLField(_("link to evidence"), blank=True, max_length=1000)
    evidence_file = models.FileField(
        _("file or photo"), upload_to=evidence_path, blank=True, max_length=300
    )

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["action", "written_at", "pk"]
        indexes = [models.Index(fields=["action", "written_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="update_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Kind(models.TextChoices):
    NOTE = "note", _("Café note")
    THEME = "theme", _("Harvest theme")
    STATEMENT = "statement", _("Opinion-map statement")
    PRINCIPLE = "principle", _("Charter principle")
    LIBRARY = "library", _("Library entry")


class _Reference(models.Model):
    """What people said or wrote, one of five kinds: the foreign key of its kind is set, and
    a theme (which lives in its report's data) is its report and its number there."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.ForeignKey("cafe.Note", on_delete=models.CASCADE, null=True, related_name="+")
    report = models.ForeignKey(
        "reports.WorkshopReport", on_delete=models.CASCADE, null=True, related_name="+"
    )
    theme = models.PositiveIntegerField(null=True)
    statement = models.ForeignKey(
        "conversations.Statement", on_delete=models.CASCADE, null=True, related_name="+"
    )
    principle = models.ForeignKey(
        "charters.Principle", on_delete=models.CASCADE, null=True, related_name="+"
    )
    entry = models.ForeignKey(
        "library.Entry", on_delete=models.CASCADE, null=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def target_id(self) -> int | None:
        """The id of what it refers to (a theme's number in its report)."""
        column = {"theme": "theme", "library": "entry_id"}.get(self.kind, f"{self.kind}_id")
        return getattr(self, column, None)

    @staticmethod
    def one_kind_constraint(name: str) -> models.CheckConstraint:
        empty = {
            "note": Q(note__isnull=True),
            "theme": Q(report__isnull=True, theme__isnull=True),
            "statement": Q(statement__isnull=True),
            "principle": Q(principle__isnull=True),
            "library": Q(entry__isnull=True),
        }
        full = {
            "note": Q(note__isnull=False),
            "theme": Q(report__isnull=False, theme__isnull=False),
            "statement": Q(statement__isnull=False),
            "principle": Q(principle__isnull=False),
            "library": Q(entry__isnull=False),
        }
        condition = Q()
        for kind in Kind.values:
            others = Q()
            for other in Kind.values:
                if other != kind:
                    others &= empty[other]
            condition |= Q(kind=kind) & full[kind] & others
        return models.CheckConstraint(condition=condition, name=name)


class Source(_Reference):
    """Where an action came from."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="sources")

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["action", "pk"]
        constraints = [_Reference.one_kind_constraint("source_one_kind")]
        indexes = [models.Index(fields=["report", "theme"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id} for {self.action_id}"


class Unactioned(_Reference):
    """Why an organiser took a harvest theme or a common-ground statement no further."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="+")
    reason = CleanTextField(_("reason"), max_length=REASON_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reason for no action")
        verbose_name_plural = _("reasons for no action")
        ordering = ["coalition", "pk"]
        constraints = [
            _Reference.one_kind_constraint("unactioned_one_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=[Kind.THEME, Kind.STATEMENT]),
                name="unactioned_theme_or_statement",
            ),
            models.UniqueConstraint(
                fields=["report", "theme"],
                condition=Q(kind=Kind.THEME),
                name="one_reason_per_theme",
            ),
            models.UniqueConstraint(
                fields=["statement"],
                condition=Q(kind=Kind.STATEMENT),
                name="one_reason_per_statement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id}: {self.reason[:60]}"


# -- emails about the plan ------------------------------------------------------------------


class EmailKind(models.TextChoices):
    DUE_SOON = "due_soon", _("a week before an action is due")
    OVERDUE = "overdue", _("when an action becomes overdue")
    DIGEST = "digest", _("the monthly digest of what changed")
    OUTCOMES = "outcomes", _("what came of a workshop you took part in")


class EmailTime(models.Model):
    """When the coalition's plan emails go out: a time of day in the coalition's time zone."""

    coalition = models.OneToOneField(Coalition, on_delete=models.CASCADE, related_name="+")
    send_at = models.TimeField(_("send reminders at"), default=time(9, 0))

    class Meta:
        verbose_name = _("time for plan emails")
        verbose_name_plural = _("times for plan emails")

    def __str__(self) -> str:
        return f"{self.coalition}: {self.send_at}"


class Notice(models.Model):
    """One thing one person is told by email, claimed before it is sent: the unique keys make
    sure nobody is told the same thing twice, however many workers sweep at once. A reminder
    is about an action and its due date (a new due date is a new reminder); a digest is about
    a coalition and a month. One email carries all of a person's notices of one sweep."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=EmailKind.choices)
    action = models.ForeignKey(Action, on_delete=models.CASCADE, null=True, related_name="+")
    due_on = models.DateField(null=True)
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, null=True, related_name="+")
    month = models.DateField(null=True)  # the digest's month: its first day
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Sending: how many times a task took it to send, and, after the mail server refused it,
    # when the sweep queues it again (None: not waiting for another try). Unsent, with
    # `attempts` at the cap and no `retry_at`: given up.
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("plan email")
        verbose_name_plural = _("plan emails")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "action", "due_on"],
                condition=Q(action__isnull=False),
                name="one_reminder_per_person_action_and_due_date",
            ),
            models.UniqueConstraint(
                fields=["person", "coalition", "month"],
                condition=Q(kind="digest"),
                name="one_digest_per_person_coalition_and_month",
            ),
        ]
        indexes = [
            models.Index(fields=["sent_at", "person"]),
            models.Index(
                fields=["retry_at"], condition=Q(retry_at__isnull=False), name="plan_notice_retry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.person_id}"


class EmailOptOut(models.Model):
    """A person who turned off one kind of plan email (from the link in it)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=EmailKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("plan email turned off")
        verbose_name_plural = _("plan emails turned off")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_plan_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: no {self.kind}"


class OutcomesEmail(models.Model):
    """One person told by email what came of a workshop they took part in, on one day (in the
    workshop's time zone): claimed before it is sent, so pressing the button twice, or two
    organisers pressing it at once, tells nobody twice that day. A later day may tell them
    again (the actions have moved on)."""

    workshop = models.ForeignKey("workshops.Workshop", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("email about what came of a workshop")
        verbose_name_plural = _("emails about what came of a workshop")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "person", "day"], name="one_outcomes_email_per_person_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"outcomes of {self.workshop_id} for {self.person_id} on {self.day}"

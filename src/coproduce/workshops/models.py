import zoneinfo
from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coproduce.coalitions.models import Coalition
from coproduce.core import codes
from coproduce.core.fields import CleanCharField, CleanTextField
from coproduce.core.timezones import DEFAULT_ZONE, validate_time_zone  # noqa: F401 (migrations)
from coproduce.people.models import NAME_MAX, Guest
from coproduce.people.sectors import Sector

# No 0/O or 1/I/L: codes are read aloud and copied from a slide (see core.codes).
JOIN_CODE_ALPHABET = codes.ALPHABET
JOIN_CODE_LENGTH = codes.LENGTH


def new_join_code() -> str:
    # Kept by name: migrations refer to it.
    return codes.new_code()


class Workshop(models.Model):
    """A convened event of a coalition: agenda, registrations, attendance and conclusions."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="workshops")
    title = CleanCharField(_("title"), max_length=NAME_MAX)
    slug = models.SlugField(_("short name for links"), max_length=80, unique=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_ZONE, validators=[validate_time_zone]
    )
    venue = CleanCharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    summary = CleanTextField(_("summary"), max_length=10000, blank=True)
    methodology = CleanTextField(_("methodology"), max_length=10000, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    join_code = models.CharField(
        _("join code"), max_length=12, unique=True, default=new_join_code, editable=False
    )
    reminder_time = models.TimeField(
        _("reminder email"),
        null=True,
        blank=True,
        default=time(10, 0),
        help_text=_(
            "Registered people get a reminder the day before, at this time in the workshop's "
            "time zone. Leave empty to send no reminder."
        ),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", args=[self.slug])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def has_ended(self) -> bool:
        # Self-registration and the join code work until the end; afterwards a code would only
        # invite spam. The desk can still record attendance after the day.
        return timezone.now() >= self.ends_at

    def organisers(self) -> list["Contributor"]:
        return [c for c in self.contributors.all() if c.is_organiser]

    def speakers_and_facilitators(self) -> list["Contributor"]:
        return [c for c in self.contributors.all() if c.is_speaker or c.is_facilitator]


class Contributor(models.Model):
    """Someone named on the programme: an organiser, a speaker, a facilitator (or several)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="contributors")
    name = CleanCharField(_("name"), max_length=NAME_MAX)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    affiliation = CleanCharField(_("organisation"), max_length=NAME_MAX, blank=True)
    is_organiser = models.BooleanField(_("organiser"), default=False)
    is_speaker = models.BooleanField(_("speaker"), default=False)
    is_facilitator = models.BooleanField(_("facilitator"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("organiser, speaker or facilitator")
        verbose_name_plural = _("organisers, speakers and facilitators")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class DesiredOutcome(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="desired_outcomes"
    )
    text = CleanCharField(_("outcome"), max_length=1000)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("desired outcome")
        verbose_name_plural = _("desired outcomes")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("Presentation")
        WORLD_CAFE = "world_cafe", _("World Café")
        DISCUSSION = "discussion", _("Discussion")
        BREAK = "break", _("Break")
        OTHER = "other", _("Other")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agenda_items")
    title = CleanCharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    speaker = CleanCharField(_("speaker"), max_length=NAME_MAX, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"))
    description = CleanTextField(_("description"), max_length=5000, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def coalition(self):
        return self.workshop.coalition


class AgendaQuestion(models.Model):
    """A question or topic an agenda item works on, such as a World Café question."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="questions")
    label = CleanCharField(_("label"), max_length=60, blank=True, help_text=_("e.g. POLICY"))
    text = CleanCharField(_("question"), max_length=1000)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.text}" if self.label else self.text


class Conclusion(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="conclusions")
    text = CleanTextField(_("conclusion"), max_length=5000)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Registration(models.Model):
    """A person's or guest's place at a workshop, and their arrival on the day."""

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("registration status", "Registered")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    guest = models.ForeignKey(
        Guest, null=True, blank=True, on_delete=models.CASCADE, related_name="registrations"
    )
    # Kept on the registration so the count by sector is one query, and stays what the
    # participant said at the time even if their profile changes later.
    display_name = CleanCharField(_("name"), max_length=NAME_MAX)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    city = CleanCharField(_("city or region"), max_length=NAME_MAX, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REGISTERED)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    # Email: in the language the person registered in; the report only if they asked for it;
    # nothing more about this workshop once they unsubscribed from it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    wants_report = models.BooleanField(_("email me when the report is published"), default=False)
    emails_stopped = models.BooleanField(_("unsubscribed"), default=False)
    # Set by one conditional UPDATE, so of two workers only one sends the reminder.
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["display_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "person"],
                condition=Q(person__isnull=False),
                name="one_registration_per_person",
            ),
            models.UniqueConstraint(
                fields=["workshop", "guest"],
                condition=Q(guest__isnull=False),
                name="one_registration_per_guest",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False, guest__isnull=True)
                | Q(person__isnull=True, guest__isnull=False),
                name="registration_is_person_or_guest",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status", "sector"])]

    def __str__(self) -> str:
        return f"{self.display_name} at {self.workshop}"

    @property
    def is_guest(self) -> bool:
        return self.guest_id is not None

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None


class EmailDelivery(models.Model):
    """One email to one registration and what became of it, so the desk can see failures."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("registration confirmation")
        REMINDER = "reminder", _("reminder")
        REPORT = "report", _("report published")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("could not be sent")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="email_deliveries"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    # What the mail server said, in one line; kept out of pages shown to participants.
    error = models.CharField(max_length=300, blank=True)
    # What the message needs beyond the registration (the report's address).
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.registration.display_name}: {self.status}"


class EmailOptOut(models.Model):
    """An address that unsubscribed from every email about workshops."""

    email = models.CharField(max_length=254, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("address that unsubscribed")
        verbose_name_plural = _("addresses that unsubscribed")

    def __str__(self) -> str:
        return self.email

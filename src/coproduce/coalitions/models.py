import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.core.fields import CleanCharField, CleanTextField, EmailAddressField
from coproduce.core.timezones import DEFAULT_ZONE, validate_time_zone
from coproduce.people.models import NAME_MAX, City, Organisation


class Role(models.TextChoices):
    """Roles within one coalition, from most to least responsibility."""

    ORGANISER = "organiser", _("Organiser")
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can see it")
    PRIVATE = "private", _("Private: only its members can see it")


class Coalition(models.Model):
    """The space where partners coproduce: organisations, people with roles, and their work."""

    name = CleanCharField(_("name"), max_length=NAME_MAX)
    slug = models.SlugField(_("short name for links"), max_length=80, unique=True)
    purpose = CleanTextField(_("purpose"), max_length=5000)
    city = models.ForeignKey(
        City, verbose_name=_("city or region"), null=True, blank=True, on_delete=models.SET_NULL
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("member organisations"), blank=True, related_name="coalitions"
    )
    # Times of what has no workshop of its own (a conversation, say) are shown in it, and a
    # new workshop starts in it.
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_ZONE, validators=[validate_time_zone]
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When its own fields last changed (name, purpose, visibility...), for programs that keep a
    # copy (the API's `updated_since`); its work has times of its own.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("coalition")
        verbose_name_plural = _("coalitions")
        ordering = ["name"]
        # Two coalitions of one city with the same name (whatever its capitals) would be told
        # apart by nobody; coalitions without a city share one namespace.
        constraints = [
            models.UniqueConstraint(Lower("name"), "city", name="unique_coalition_name_per_city"),
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(city__isnull=True),
                name="unique_coalition_name_without_city",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coalitions:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class Membership(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "person"], name="one_membership_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}) in {self.coalition}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


def invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """A link that lets people join a coalition with a role: once by default, until it expires."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    # With an address the link is sent there and only the account with that address may use
    # it, so a forwarded or leaked link is worthless to anyone else.
    email = EmailAddressField(
        _("for (optional)"),
        blank=True,
        help_text=_(
            "Only the account with this address can use the link, and it is sent there. "
            "Leave empty to copy the link and share it yourself."
        ),
    )
    # Single use by default: a link shared with a group must say how many may use it.
    max_uses = models.PositiveIntegerField(
        _("how many people may use it"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), default=invitation_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.coalition}: {self.get_role_display()}"

    def get_absolute_url(self) -> str:
        return reverse("coalitions:accept_invitation", args=[self.token])

    @property
    def is_usable(self) -> bool:
        return (
            self.revoked_at is None
            and self.expires_at > timezone.now()
            and self.uses < self.max_uses
        )

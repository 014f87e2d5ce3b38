import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.core.fields import CleanCharField, CleanTextField, EmailAddressField, normalise_email

from .sectors import Sector

NAME_MAX = 200


class City(models.Model):
    """A city or city region where coalitions work and organisations are based."""

    name = CleanCharField(_("name"), max_length=NAME_MAX)
    country = CleanCharField(_("country"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("city or region")
        verbose_name_plural = _("cities and regions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "country", name="unique_city_name_country")
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.country}" if self.country else self.name


class Organisation(models.Model):
    name = CleanCharField(_("name"), max_length=NAME_MAX)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    city = models.ForeignKey(
        City, verbose_name=_("city"), null=True, blank=True, on_delete=models.SET_NULL
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="unique_organisation_name")]

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "Person":
        if not email:
            raise ValueError("A person needs an email address.")
        person = self.model(email=normalise_email(email), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "Person":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email: str) -> "Person":
        return self.get(email=normalise_email(email))


class Person(AbstractBaseUser, PermissionsMixin):
    """Someone with an account. Logs in with an email address."""

    email = EmailAddressField(_("email address"), unique=True)
    full_name = CleanCharField(_("name"), max_length=NAME_MAX)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, blank=True)
    city = models.ForeignKey(
        City, verbose_name=_("city or region"), null=True, blank=True, on_delete=models.SET_NULL
    )
    languages = CleanCharField(
        _("languages"), max_length=200, blank=True, help_text=_("For example: English, Spanish")
    )
    # The language the person last chose on the site (or registered for a workshop in), for
    # the emails sent to them; blank until then (see `services.language_of`).
    language = models.CharField(_("language for emails"), max_length=8, blank=True)
    access_needs = CleanTextField(
        _("access needs"),
        blank=True,
        max_length=2000,
        help_text=_("Anything organisers should arrange so you can take part fully."),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)


def new_guest_key() -> str:
    return secrets.token_urlsafe(18)


class Guest(models.Model):
    """Someone taking part through a join code: a display name and a sector, nothing else.

    The key is the guest's credential; it lives in their session and in their personal link.
    """

    display_name = CleanCharField(_("display name"), max_length=80)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    key = models.CharField(max_length=32, unique=True, default=new_guest_key, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")

    def __str__(self) -> str:
        return self.display_name


class ApiToken(models.Model):
    """A personal token a program uses to reach the API as its person (see people/tokens.py).

    Only a SHA-256 hash of the token is stored, with its first characters so people can tell
    their tokens apart; the token itself is shown once, when it is made.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = CleanCharField(_("name"), max_length=100)
    prefix = models.CharField(_("first characters"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    write = models.BooleanField(_("may change things"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def allows_write(self) -> bool:
        return self.write

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_live(self, now=None) -> bool:
        return self.revoked_at is None and not self.is_expired(now)

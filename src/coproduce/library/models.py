"""The library: cases, methods, organisations and policies that coalitions learn from.

An entry is either a coalition's own (its members write it; it is as visible as the coalition)
or the shared library's (anyone signed in may propose one; it waits for a moderator before it
is public). Participedia's fields are kept as Participedia names them, so an export can be
imported back; the fields of ours (the four Co's, the ladder step, decision rights) sit beside
them.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.coalitions.models import Coalition
from coproduce.core.fields import CleanCharField, CleanTextField
from coproduce.workshops.models import AgendaQuestion, Workshop

TITLE_MAX = 300
DESCRIPTION_MAX = 3000
# Participedia's longest case narratives run to about 60,000 characters; a body four times
# that is a mistake (or an attack on the search index), refused with a message.
BODY_MAX = 250_000


class Kind(models.TextChoices):
    CASE = "case", _("Case")
    METHOD = "method", _("Method")
    ORGANISATION = "organization", _("Organisation")
    POLICY = "policy", _("Policy")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")


class Mode(models.TextChoices):
    """Participedia's `facetoface_online_or_both`."""

    FACE_TO_FACE = "facetoface", _("Face to face")
    ONLINE = "online", _("Online")
    BOTH = "both", _("Both")


class Entry(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CASE)
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    description = CleanTextField(_("short description"), max_length=DESCRIPTION_MAX, blank=True)
    body = CleanTextField(_("full text (Markdown)"), max_length=BODY_MAX, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    city = CleanCharField(_("city"), max_length=120, blank=True)
    province = CleanCharField(_("province or region"), max_length=120, blank=True)
    country = CleanCharField(_("country"), max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    # [{"url": ..., "label": ...}]: where a reader can check what the entry says.
    links = models.JSONField(_("sources"), default=list, blank=True)
    licence = CleanCharField(_("licence"), max_length=200, blank=True)

    # Participedia's multi-value fields, each a list of its keys (up to three, ranked).
    issues = models.JSONField(_("issues"), default=list, blank=True)
    topics = models.JSONField(_("specific topics"), default=list, blank=True)
    purposes = models.JSONField(_("purposes"), default=list, blank=True)
    approaches = models.JSONField(_("approaches"), default=list, blank=True)
    method_types = models.JSONField(_("method types"), default=list, blank=True)
    decision_methods = models.JSONField(_("decision methods"), default=list, blank=True)
    organiser_types = models.JSONField(_("organiser types"), default=list, blank=True)
    iap2_level = models.CharField(_("level of public participation"), max_length=40, blank=True)
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    recruitment = models.CharField(_("recruitment"), max_length=40, blank=True)
    mode = models.CharField(
        _("face to face or online"), max_length=16, choices=Mode.choices, blank=True
    )
    # Every other column of a Participedia row, as it came, so an export gives it back.
    participedia = models.JSONField(default=dict, blank=True, editable=False)

    # Ours: how the entry stands as coproduction.
    four_cos = models.JSONField(_("the four Co's"), default=list, blank=True)
    ladder_step = models.CharField(
        _("step on the ladder of co-production"), max_length=20, blank=True
    )
    decision_rights = CleanTextField(
        _("who holds the decision rights"), max_length=1000, blank=True
    )

    # Where it came from and who may see it.
    coalition = models.ForeignKey(
        Coalition,
        verbose_name=_("coalition"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="library_entries",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(_("source"), max_length=40, blank=True)  # "participedia", ...
    source_id = models.CharField(max_length=40, blank=True)
    source_url = models.URLField(_("source page"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("library entry")
        verbose_name_plural = _("library entries")
        ordering = ["title"]
        constraints = [
            # A second import of the same export updates what the first created.
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="one_entry_per_source_id",
            ),
        ]
        # title: the library's first page lists entries by title (a walk down this index
        # instead of sorting every entry, 0.4 ms against 270 ms at 100,000 entries on SQLite).
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["title"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:entry", args=[self.pk])

    @property
    def is_shared(self) -> bool:
        """In the shared library rather than one coalition's."""
        return self.coalition_id is None


class Revision(models.Model):
    """What an entry said after each change, and who made it."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField()  # the editable fields as saved (services.EDITABLE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = CleanCharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.entry} #{self.number}"


class Correction(models.Model):
    """A change someone proposed to a public entry, waiting for its editors' decision."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="corrections")
    # The revision it was written against: accepting it over a later change is refused.
    base_number = models.PositiveIntegerField()
    data = models.JSONField()  # the fields it changes, with their proposed values
    reason = CleanTextField(_("why"), max_length=2000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    reply = CleanTextField(_("reply"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.entry}: {self.reason[:40]}"


class Link(models.Model):
    """An entry brought into a coalition's work: to the coalition, a workshop, a café question."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="work_links")
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(
        Workshop, null=True, blank=True, on_delete=models.CASCADE, related_name="library_links"
    )
    question = models.ForeignKey(
        AgendaQuestion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="library_links",
    )
    note = CleanCharField(_("why it matters here"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]
        # One link per place is kept by services.link_entry (NULLs make a unique constraint
        # on these columns useless on SQLite).

    def __str__(self) -> str:
        return f"{self.entry} -> {self.workshop or self.coalition}"


class Facet(models.Model):
    """One facet value of one entry, written whenever the entry is saved, so a search counts
    entries per value with one grouped query on either database."""

    # No index of its own: the one on (entry, name) below serves every lookup by entry, and
    # a third index over a million rows slowed an import's facet rows by a sixth.
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="facets", db_index=False
    )
    name = models.CharField(max_length=16)
    value = models.CharField(max_length=120)

    class Meta:
        indexes = [
            models.Index(fields=["name", "value", "entry"]),
            models.Index(fields=["entry", "name"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"

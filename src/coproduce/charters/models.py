"""A coalition's charter: the principles its partners hold themselves to, drafted together,
published as a call to action and signed.

The draft (`Charter` with its `Principle` rows) is what organisers edit and members discuss.
Every accepted change, and every edit an organiser saves, freezes the draft into a new `Version`
(a snapshot of its wording), so any two versions can be compared. Publishing marks one version
public; it never changes afterwards, and signatures belong to that version, so a signatory
always signed exactly the words they read.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.coalitions.models import Coalition
from coproduce.core.fields import CleanCharField, CleanTextField
from coproduce.people.models import Organisation
from coproduce.people.sectors import Sector

TITLE_MAX = 200
TEXT_MAX = 4000  # a principle's meaning or ask: a few paragraphs, not a document
PREAMBLE_MAX = 20000
COMMITMENT_MAX = 500
COMMITMENTS_MAX = 10  # per signature


class Charter(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="charters")
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    preamble = CleanTextField(_("preamble"), blank=True, max_length=PREAMBLE_MAX)
    # Where the first draft came from: a built-in framework's key (charters/frameworks.py), with
    # the credit it needs, or a workshop whose harvest themes became the first principles.
    framework = models.CharField(_("framework"), max_length=40, blank=True)
    credit = CleanTextField(_("credit"), blank=True)
    from_workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The opinion map the principles were put to, each principle a statement.
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["coalition", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Principle(models.Model):
    """One principle of the current draft."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="principles")
    position = models.PositiveIntegerField(default=0)
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    meaning = CleanTextField(_("what it means"), max_length=TEXT_MAX)
    asks = CleanTextField(_("what it asks of signatories"), blank=True, max_length=TEXT_MAX)

    class Meta:
        ordering = ["charter", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Version(models.Model):
    """The draft's wording frozen at one moment. Principles are stored as a list of
    {"principle": id of the draft's principle or None, "title", "meaning", "asks"} so a version
    keeps its words when the draft moves on or a principle is removed."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    preamble = CleanTextField(_("preamble"), blank=True)
    principles = models.JSONField(default=list)
    what_changed = CleanCharField(_("what changed"), max_length=500, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # The short link of a published version (/c/<code>/), and the QR code that carries it.
    short_code = models.CharField(max_length=16, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["charter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "number"], name="charter_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.charter} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Comment(models.Model):
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = CleanTextField(_("comment"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["principle", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Proposal(models.Model):
    """A suggested new wording for a principle (or a new principle, when `principle` is None),
    with the proposer's reason and the organisers' decision and reply."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="proposals")
    principle = models.ForeignKey(
        Principle, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    # The version the proposer read: a proposal against wording that changed since is shown
    # with the change, so organisers do not overwrite someone else's accepted words unknowingly.
    based_on = models.ForeignKey(
        Version, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = CleanCharField(_("title"), max_length=TITLE_MAX)
    meaning = CleanTextField(_("what it means"), max_length=TEXT_MAX)
    asks = CleanTextField(_("what it asks of signatories"), blank=True, max_length=TEXT_MAX)
    reason = CleanTextField(_("why"), max_length=TEXT_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    reply = CleanTextField(_("reply"), blank=True, max_length=TEXT_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    made_version = models.ForeignKey(
        Version, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["charter", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Signature(models.Model):
    """Someone signing a published version: for an organisation (by a named person with a
    role in it) or for themselves. Counted and shown only once the email is confirmed;
    withdrawing keeps the row (shown as withdrawn)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation_name = CleanCharField(_("organisation"), max_length=200, blank=True)
    # The organisation's name folded (case, spaces), so "GMCVO" and " gmcvo " sign once.
    # A TextField: folding can lengthen a name ("ß" becomes "ss").
    organisation_key = models.TextField(blank=True, editable=False)
    name = CleanCharField(_("name"), max_length=200)
    role = CleanCharField(_("role in the organisation"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    email = models.EmailField(_("email"))
    email_key = models.TextField(editable=False)
    public = models.BooleanField(_("show my signature publicly"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Only a hash of the confirmation link's secret is kept.
    token_hash = models.CharField(max_length=64, editable=False, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # A signature of an earlier version carried over when its signatory re-confirmed.
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["version", "created_at", "pk"]
        # Only confirmed signatures hold the place: an unconfirmed one (a wrong address, or
        # someone signing in another's name) must not stop the real signatory.
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation_key"],
                condition=Q(withdrawn_at__isnull=True, confirmed_at__isnull=False)
                & ~Q(organisation_key=""),
                name="one_signature_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["version", "email_key"],
                condition=Q(withdrawn_at__isnull=True, confirmed_at__isnull=False)
                & Q(organisation_key=""),
                name="one_individual_signature_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation_name or self.name

    @property
    def is_organisation(self) -> bool:
        return bool(self.organisation_key)


class Commitment(models.Model):
    """A named commitment a signatory makes ("we will pay residents for their time by 2027")."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="commitments")
    position = models.PositiveIntegerField(default=0)
    text = CleanCharField(_("commitment"), max_length=COMMITMENT_MAX)

    class Meta:
        ordering = ["signature", "position", "pk"]

    def __str__(self) -> str:
        return self.text

"""Reads the charter pages share: the coalition's charters, a draft with its discussion, and
where people agree on each principle once the draft was put to a conversation."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from coproduce.conversations.models import Statement, Vote
from coproduce.conversations.presenting import vote_shares

from .models import Charter, Comment, Principle, Proposal, Version
from .services import statement_of

COMMENTS_SHOWN = 50  # per principle; older ones stay in the database
DECIDED_SHOWN = 30


def find_version(request, coalition_slug: str, charter_id: int, number: int) -> Version:
    """A charter's version by its coalition's slug, its charter and its number, for the
    doors of the pages and of the API (404 when there is none)."""
    return get_object_or_404(
        Version.objects.select_related("charter__coalition"),
        charter__pk=charter_id,  # an id too large for the database is simply not found
        charter__coalition__slug=coalition_slug,
        number=number,
    )


def find_published(request, coalition_slug: str, charter_id: int, number: int) -> Version:
    """`find_version`, for what only a published version has (its signatures, its call)."""
    version = find_version(request, coalition_slug, charter_id, number)
    if not version.is_published:
        raise Http404
    return version


def charters_of(coalition):
    return (
        Charter.objects.filter(coalition=coalition)
        .annotate(
            n_principles=Count("principles", distinct=True),
            n_versions=Count("versions", distinct=True),
            n_open=Count("proposals", filter=Q(proposals__status="open"), distinct=True),
        )
        .order_by("-created_at")
    )


def published_versions(coalition):
    """The published versions of the coalition's charters, newest first (public pages)."""
    return (
        Version.objects.filter(charter__coalition=coalition, published_at__isnull=False)
        .select_related("charter")
        .order_by("-published_at")
    )


def principles_of(charter: Charter) -> list[Principle]:
    """The draft's principles with their comments and open proposals (three queries)."""
    comments = Comment.objects.select_related("author").order_by("created_at", "pk")
    open_proposals = Proposal.objects.filter(status=Proposal.Status.OPEN).select_related(
        "author", "based_on"
    )
    principles = list(
        charter.principles.order_by("position", "pk").prefetch_related(
            Prefetch("comments", queryset=comments, to_attr="all_comments"),
            Prefetch("proposals", queryset=open_proposals, to_attr="open_proposals"),
        )
    )
    for principle in principles:
        for proposal in principle.open_proposals:
            proposal.words_changed = words_changed_since(proposal, principle)
    return principles


def words_changed_since(proposal: Proposal, principle: Principle) -> bool:
    """Whether this principle's words changed after the version the proposal was made
    against (other principles changing does not matter to it)."""
    if proposal.based_on is None:
        return False
    now = (principle.title, principle.meaning, principle.asks)
    for row in proposal.based_on.principles:
        if row.get("principle") == principle.pk:
            return (row.get("title"), row.get("meaning"), row.get("asks")) != now
    return True  # not in that version: it was added since


def new_principle_proposals(charter: Charter):
    return (
        charter.proposals.filter(status=Proposal.Status.OPEN, principle__isnull=True)
        .select_related("author")
        .order_by("created_at")
    )


def decided_proposals(charter: Charter):
    return (
        charter.proposals.exclude(status=Proposal.Status.OPEN)
        .select_related("author", "decided_by", "principle")
        .order_by("-decided_at")[:DECIDED_SHOWN]
    )


def versions_of(charter: Charter):
    return charter.versions.select_related("made_by").order_by("-number")


def version(charter: Charter, number: int) -> Version | None:
    return charter.versions.filter(number=number).first()


def wording_of(principle: Principle | None) -> dict | None:
    if principle is None:
        return None
    return {"title": principle.title, "meaning": principle.meaning, "asks": principle.asks}


def agreement(charter: Charter, principles: list[Principle]) -> dict[int, dict]:
    """Each principle's votes in the charter's conversation (one query), matched through the
    statement it became; a principle reworded since has no statement and shows nothing."""
    if charter.conversation_id is None:
        return {}
    rows = (
        # The conversation's own figures count only shown statements and included voters.
        Vote.objects.filter(
            conversation_id=charter.conversation_id,
            statement__status=Statement.Status.ACCEPTED,
            voter__excluded=False,
        )
        .values("statement__text")
        .annotate(
            agree=Count("pk", filter=Q(value=1)),
            disagree=Count("pk", filter=Q(value=-1)),
            passed=Count("pk", filter=Q(value=0)),
        )
    )
    by_text = {row["statement__text"]: row for row in rows}
    found = {}
    for principle in principles:
        row = by_text.get(statement_of(principle.title, principle.meaning))
        if row:
            found[principle.pk] = vote_shares(row["agree"], row["disagree"], row["passed"])
    return found

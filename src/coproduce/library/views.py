"""The library's pages: search, an entry, its history, writing and correcting entries, and
moderation. Each view goes through a door; reads come from selectors and the search engine,
writes go through `library.services`."""

import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.coalitions.selectors import find_coalition
from coproduce.core.doors import door
from coproduce.core.ratelimit import hit
from coproduce.core.user_markdown import markdown_to_html

from . import searching, selectors, services
from .forms import (
    CompareForm,
    CorrectionForm,
    DecisionForm,
    EditEntryForm,
    ModerateForm,
    NewEntryForm,
    initial_of,
)
from .links import links_of
from .models import Correction, Entry, Status
from .rules import sight
from .search import engine

SIMILAR_SHOWN = 5
REVISIONS_PAGE_SIZE = 50
MODERATION_PAGE_SIZE = 30


def find_entry(request, entry_id: int) -> Entry:
    return get_object_or_404(selectors.entries(), pk=entry_id)


# --- finding --------------------------------------------------------------------------------


@door(get=Action.PUBLIC)
def search(request):
    """One box, picks to narrow by, ranked results with the matched words marked."""
    query = searching.read_query(request.GET)
    results = engine.search(
        query.text,
        sight=sight(request.user),
        chosen=query.chosen,
        limit=searching.PAGE_SIZE,
        offset=(query.page - 1) * searching.PAGE_SIZE,
    )
    pages = min(math.ceil(results.total / searching.PAGE_SIZE), searching.LAST_PAGE)
    context = {
        "query": query,
        "results": results,
        "hits": [_hit_row(hit, query.text) for hit in results.hits],
        "panels": searching.panels(query, results.facets),
        "picks": searching.picks_of(query),
        "clear_url": searching.Query(query.text, {}, 1).url(),
        "page": query.page,
        "pages": pages,
        "previous_url": query.url(page=query.page - 1) if query.page > 1 else "",
        "next_url": query.url(page=query.page + 1) if query.page < pages else "",
        "first": (query.page - 1) * searching.PAGE_SIZE + 1,
        "may_contribute": request.user.is_authenticated,
    }
    return render(request, "library/search.html", context)


def _hit_row(hit, text: str) -> dict:
    entry = hit.entry
    return {
        "entry": entry,
        "title": searching.marked_title(entry.title, text),
        "snippet": hit.snippet_html,
        "where": selectors.where_of(entry),
        "when": selectors.when_of(entry),
    }


@door(get=Action.VIEW, find=find_entry)
def entry(request, entry):
    visitor = Visitor.of(request)
    may_moderate = can(visitor, Action.MODERATE_ENTRY, entry)
    may_edit = can(visitor, Action.EDIT_ENTRY, entry)
    context = {
        "entry": entry,
        "body_html": markdown_to_html(entry.body) if entry.body else "",
        "facts": selectors.facts_of(entry),
        "where": selectors.where_of(entry),
        "when": selectors.when_of(entry),
        "sources": selectors.sources_of(entry),
        "source_page": selectors.source_page_of(entry),
        "links": links_of(entry, visitor),
        "similar": engine.similar(entry, sight=sight(request.user), limit=SIMILAR_SHOWN),
        "may_edit": may_edit,
        "may_correct": not may_edit and can(visitor, Action.CORRECT_ENTRY, entry),
        "may_moderate": may_moderate,
        "open_corrections": list(selectors.open_corrections_of(entry)[:20]) if may_moderate else [],
        "moderate_form": ModerateForm(),
    }
    return render(request, "library/entry.html", context)


@door(get=Action.VIEW, find=find_entry)
def history(request, entry):
    """Every revision with its author, and what changed between any two of them."""
    revisions = selectors.revisions_of(entry)
    page = Paginator(revisions, REVISIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    latest = services.latest_number(entry)
    picked = CompareForm({"start": request.GET.get("from"), "end": request.GET.get("to")})
    start, end = max(latest - 1, 0), latest
    if picked.is_valid():
        end = min(picked.cleaned_data["end"] or end, latest)
        start = picked.cleaned_data["start"]
        start = max(end - 1, 0) if start is None else min(start, end)
    older, newer = selectors.revision(entry, start), selectors.revision(entry, end)
    changes = selectors.changes_between(older.data if older else {}, newer.data if newer else {})
    context = {
        "entry": entry,
        "page": page,
        "numbers": range(latest, 0, -1) if latest <= 500 else range(latest, latest - 500, -1),
        "start": start,
        "end": end,
        "older": older,
        "newer": newer,
        "changes": changes,
    }
    return render(request, "library/history.html", context)


# --- writing --------------------------------------------------------------------------------


def _save_errors(form, error: ValidationError) -> None:
    """A refusal from the model (rare: the form checks the same limits) shown on the form."""
    form.add_error(None, list(error.messages))


@door(get=Action.SIGNED_IN, post=Action.SIGNED_IN)
def create(request):
    """Propose an entry for the shared library: a moderator publishes it."""
    return _create(request, coalition=None)


@door(get=Action.CONTRIBUTE, post=Action.CONTRIBUTE, find=find_coalition)
def create_for(request, coalition):
    """A coalition's own entry: published at once, as visible as the coalition."""
    return _create(request, coalition=coalition)


def _create(request, coalition):
    form = NewEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if coalition is None:  # open to anyone signed in: an account may not flood the queue
            hit("library_proposal", f"person:{request.user.pk}")
        try:
            created = services.create_entry(
                form.entry_data(),
                author=request.user,
                coalition=coalition,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _save_errors(form, error)
        else:
            if coalition is None:
                messages.success(
                    request,
                    _(
                        "Thank you. Your entry waits for a moderator; until it is published "
                        "only you and the moderators can see it."
                    ),
                )
            else:
                messages.success(request, _("The entry is in the coalition's library."))
            return redirect(created)
    context = {"form": form, "coalition": coalition}
    return render(request, "library/entry_form.html", context)


@door(get=Action.EDIT_ENTRY, post=Action.EDIT_ENTRY, find=find_entry)
def edit(request, entry):
    if request.method != "POST":
        latest = services.latest_number(entry)
        form = EditEntryForm(entry=entry, initial={**initial_of(entry), "base": latest})
        return _edit_page(request, entry, form)
    form = EditEntryForm(request.POST, entry=entry)
    if not form.is_valid():
        return _edit_page(request, entry, form)
    base = form.cleaned_data["base"]
    try:
        services.update_entry(
            entry,
            form.entry_data(),
            author=request.user,
            note=form.cleaned_data["note"],
            base=base,
        )
    except services.Conflict:
        # Read after the failed save: the number taken before it may be older still.
        return _conflict(request, entry, base, services.latest_number(entry))
    except ValidationError as error:
        _save_errors(form, error)
        return _edit_page(request, entry, form)
    messages.success(request, _("Saved. The history keeps the earlier version."))
    return redirect(entry)


def _conflict(request, entry, base: int, latest: int):
    """Someone saved in between: keep this person's text in the form, show what the other
    change was, and let them save again on top of it (the form now starts from the latest)."""
    data = request.POST.copy()
    data["base"] = str(latest)
    form = EditEntryForm(data, entry=entry)
    form.is_valid()
    older, newer = selectors.revision(entry, base), selectors.revision(entry, latest)
    meanwhile = selectors.changes_between(older.data if older else {}, newer.data if newer else {})
    context = {"meanwhile": meanwhile, "newer": newer}
    return _edit_page(request, entry, form, context, status=409)


def _edit_page(request, entry, form, extra=None, status=200):
    context = {"form": form, "entry": entry, "coalition": entry.coalition, **(extra or {})}
    return render(request, "library/entry_form.html", context, status=status)


@door(get=Action.CORRECT_ENTRY, post=Action.CORRECT_ENTRY, find=find_entry)
def correct(request, entry):
    """Propose a correction: the entry's editors accept or decline it."""
    initial = {**initial_of(entry), "base": services.latest_number(entry)}
    form = CorrectionForm(request.POST or None, entry=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        hit("library_proposal", f"person:{request.user.pk}")
        try:
            services.propose_correction(
                entry,
                form.entry_data(),
                form.cleaned_data["reason"],
                author=request.user,
                base=form.cleaned_data["base"],
            )
        except ValidationError as error:
            _save_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. The entry's editors will read your correction and reply."),
            )
            return redirect(entry)
    return render(request, "library/correct.html", {"form": form, "entry": entry})


# --- moderating -----------------------------------------------------------------------------


@door(get=Action.MODERATE_ENTRY, post=Action.MODERATE_ENTRY, find=find_entry)
def correction(request, entry, correction_id: int):
    """A proposed correction as a diff, accepted or declined with a reply."""
    proposal = get_object_or_404(
        Correction.objects.select_related("proposed_by", "decided_by"),
        pk=correction_id,
        entry=entry,
    )
    proposal.entry = entry
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _decide(request, entry, proposal, form)
    context = {
        "entry": entry,
        "correction": proposal,
        "changes": selectors.correction_changes(proposal),
        "outdated": proposal.base_number != services.latest_number(entry),
        "form": form,
    }
    return render(request, "library/correction.html", context)


def _decide(request, entry, proposal, form):
    if proposal.state != Correction.State.OPEN:
        messages.info(request, _("This correction was already decided."))
        return redirect("library:correction", entry.pk, proposal.pk)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.decide_correction(proposal, accept, form.cleaned_data["reply"], by=request.user)
    except services.Conflict:
        messages.error(
            request,
            _(
                "The entry changed after this correction was written, so it cannot be applied "
                "as it is. Edit the entry to make the change by hand, then decline this "
                "correction with a word of thanks."
            ),
        )
        return redirect("library:correction", entry.pk, proposal.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("library:correction", entry.pk, proposal.pk)
    if accept:
        messages.success(request, _("Accepted: the entry now says what the correction proposed."))
    else:
        messages.success(request, _("Declined. The person who proposed it sees your reply."))
    return redirect(entry)


@door(post=Action.MODERATE_ENTRY, find=find_entry)
def moderate(request, entry):
    """Publish or decline an entry."""
    form = ModerateForm(request.POST)
    if form.is_valid():
        publish = form.cleaned_data["decision"] == "publish"
        services.moderate(entry, publish)
        if publish:
            messages.success(request, _("Published: everyone who may see it can find it now."))
        else:
            messages.success(request, _("Declined: the entry is hidden from searches."))
    if request.POST.get("back") == "moderation":
        return redirect("library:moderation")
    return redirect(entry)


@door(get=Action.SIGNED_IN)
def moderation(request):
    """What waits for this person: entries to publish (the site's staff), corrections to
    decide (the editors of entries), and their own proposals."""
    pending = selectors.pending_entries(request.user)
    page = Paginator(pending, MODERATION_PAGE_SIZE).get_page(request.GET.get("page"))
    corrections = selectors.open_corrections(request.user)
    context = {
        "page": page,
        "corrections": list(corrections[:MODERATION_PAGE_SIZE]),
        "corrections_total": corrections.count(),
        "proposals": list(selectors.proposals_of(request.user)[:MODERATION_PAGE_SIZE]),
        "my_corrections": list(selectors.corrections_by(request.user)[:MODERATION_PAGE_SIZE]),
        "moderate_form": ModerateForm(),
        "Status": Status,
    }
    return render(request, "library/moderation.html", context)

"""Pages that bring library entries into the work: link one to a workshop (or one of its café
questions) or to a coalition, and take a link away again.

Whoever may contribute to the coalition links; the entry must be one they may see, and the
question one of the workshop's (the form checks both, whatever was posted).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action
from coproduce.coalitions.selectors import find_coalition
from coproduce.core.doors import door
from coproduce.workshops.selectors import find_workshop

from . import services
from .link_forms import LinkForm, offered_entries
from .links import unlink as remove_link
from .models import Entry, Link
from .rules import visible_entries

PANEL = "library-panel"  # the id of the panel the pages go back to


def find_link(request, link_id: int) -> Link:
    return get_object_or_404(
        Link.objects.select_related("coalition", "workshop", "entry"), pk=link_id
    )


@door(get=Action.CONTRIBUTE, post=Action.CONTRIBUTE, find=find_workshop)
def link_workshop(request, workshop):
    """Link an entry to the workshop or one of its café questions."""
    return _link_page(request, workshop.coalition, workshop)


@door(get=Action.CONTRIBUTE, post=Action.CONTRIBUTE, find=find_coalition)
def link_coalition(request, coalition):
    """Link an entry to the coalition's work in general."""
    return _link_page(request, coalition, None)


def _link_page(request, coalition, workshop):
    words = " ".join(request.GET.get("q", "").split())
    offered = offered_entries(request.user, words)
    chosen = _chosen_entry(request)
    if chosen is not None and chosen not in offered:
        offered.insert(0, chosen)
    if chosen is None and words and len(offered) == 1:
        chosen = offered[0]  # the one match of a search: picked already
    form = LinkForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        workshop=workshop,
        offered=offered,
        initial={"entry": chosen.pk if chosen else None},
    )
    place = workshop or coalition
    if request.method == "POST" and form.is_valid():
        entry = form.cleaned_data["entry"]
        services.link_entry(
            entry,
            coalition=coalition,
            workshop=workshop,
            question=form.cleaned_data.get("question"),
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("“%(title)s” is linked.") % {"title": entry.title})
        return redirect(f"{place.get_absolute_url()}#{PANEL}")
    context = {
        "form": form,
        "workshop": workshop,
        "coalition": coalition,
        "place": place,
        "words": words,
        "searched": bool(words),
        "offered": offered,
        "action": request.path,
    }
    return render(request, "library/link_form.html", context, status=400 if form.errors else 200)


def _chosen_entry(request) -> Entry | None:
    """The entry a page asked to link (`?entry=`), if the person may see it."""
    raw = request.GET.get("entry", "")
    if not raw.isdigit() or len(raw) > 18:  # beyond any id: no entry, not a database error
        return None
    return Entry.objects.filter(visible_entries(request.user), pk=int(raw)).first()


@door(post=Action.CONTRIBUTE, find=find_link)
def unlink(request, link):
    """Take the entry out of this place in the work; the entry stays in the library."""
    place = link.workshop or link.coalition
    # The entry may be one this person cannot see (another coalition's): name it only if not.
    seen = Entry.objects.filter(visible_entries(request.user), pk=link.entry_id).first()
    remove_link(link)
    if seen is None:
        messages.success(request, _("The entry is no longer linked here."))
    else:
        message = _("“%(title)s” is no longer linked here.") % {"title": seen.title}
        messages.success(request, message)
    return redirect(f"{place.get_absolute_url()}#{PANEL}")

"""The pages for drafting a charter: the coalition's charters, starting one, the draft with its
comments and proposals, editing, proposing, deciding, and the versions compared.

Each view goes through a door; reads come from `selectors`, writes go through `services`.
Published versions and signing are in signing_views.py (publishing, h2).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.coalitions.models import Visibility
from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.coalitions.selectors import find_coalition
from coproduce.core.confirm import Question, ask_first, confirmed
from coproduce.core.doors import door
from coproduce.core.user_markdown import markdown_to_html
from coproduce.core.versions import picked_pair

from . import comparing, frameworks, selectors, services
from .forms import (
    CommentForm,
    DecisionForm,
    HeaderForm,
    PrincipleFormSet,
    ProposalForm,
    StartForm,
    principle_initial,
    snapshot_initial,
)
from .models import Charter, Principle, Proposal
from .services import PRINCIPLES_MAX, CharterError, StaleDraft


def find_charter(request, coalition_slug: str, charter_id: int) -> Charter:
    return get_object_or_404(
        Charter.objects.select_related("coalition"), pk=charter_id, coalition__slug=coalition_slug
    )


def find_principle(request, coalition_slug: str, charter_id: int, principle_id: int) -> Principle:
    return get_object_or_404(
        Principle.objects.select_related("charter__coalition"),
        pk=principle_id,
        charter_id=charter_id,
        charter__coalition__slug=coalition_slug,
    )


def find_proposal(request, coalition_slug: str, charter_id: int, proposal_id: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("charter__coalition", "principle", "author", "based_on"),
        pk=proposal_id,
        charter_id=charter_id,
        charter__coalition__slug=coalition_slug,
    )


def _refused(form, error: CharterError) -> None:
    """A refusal from the service shown on the field it names (the form checks most first)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def _charter_url(charter: Charter, anchor: str = "") -> str:
    url = reverse("charters:detail", args=[charter.coalition.slug, charter.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the coalition's charters ---------------------------------------------------------------


@door(get=Action.VIEW, find=find_coalition)
def charter_list(request, coalition):
    """Members see the drafts; everyone who may see the coalition sees what was published."""
    visitor = Visitor.of(request)
    members = can(visitor, Action.MEMBERS_VIEW, coalition)
    context = {
        "coalition": coalition,
        "charters": list(selectors.charters_of(coalition)) if members else [],
        "published": list(selectors.published_versions(coalition)[:50]),
        "members": members,
        "may_start": can(visitor, Action.EDIT_CHARTER, coalition),
    }
    return render(request, "charters/list.html", context)


@door(get=Action.EDIT_CHARTER, post=Action.EDIT_CHARTER, find=find_coalition)
def create(request, coalition):
    workshops = list(coalition.workshops.order_by("-starts_at")[:50])
    form = StartForm(request.POST or None, workshops=workshops)
    if request.method == "POST" and form.is_valid():
        try:
            charter = services.start_charter(
                coalition,
                title=form.cleaned_data["title"],
                preamble=form.cleaned_data["preamble"],
                by=request.user,
                **form.choice(),
            )
        except CharterError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The draft charter is ready. Members can now discuss it."))
            if form.choice()["workshop"] and charter.principles.count() >= PRINCIPLES_MAX:
                messages.info(
                    request,
                    _(
                        "A charter can have at most %(max)s principles, so only the first "
                        "%(max)s themes became principles."
                    )
                    % {"max": PRINCIPLES_MAX},
                )
            return redirect(_charter_url(charter))
    context = {"coalition": coalition, "form": form, "frameworks": frameworks.FRAMEWORKS}
    return render(request, "charters/start.html", context)


# --- the draft --------------------------------------------------------------------------------


@door(get=Action.VIEW, find=find_charter)
def detail(request, charter):
    visitor = Visitor.of(request)
    principles = selectors.principles_of(charter)
    latest = services.latest_version(charter)
    agreement = selectors.agreement(charter, principles)
    for principle in principles:
        principle.agreement = agreement.get(principle.pk)
    context = {
        "coalition": charter.coalition,
        "charter": charter,
        "preamble_html": markdown_to_html(charter.preamble) if charter.preamble else "",
        "principles": principles,
        "new_proposals": list(selectors.new_principle_proposals(charter)),
        "decided": list(selectors.decided_proposals(charter)),
        "latest": latest,
        "source": frameworks.framework(charter.framework),
        "may_edit": can(visitor, Action.EDIT_CHARTER, charter),
        "may_discuss": can(visitor, Action.DISCUSS_CHARTER, charter),
        "comment_form": CommentForm(),
    }
    return render(request, "charters/detail.html", context)


@door(get=Action.EDIT_CHARTER, post=Action.EDIT_CHARTER, find=find_charter)
def edit(request, charter):
    latest = services.latest_version(charter)
    if request.method != "POST":
        principles = list(charter.principles.order_by("position", "pk"))
        number = latest.number if latest else 0
        header = HeaderForm(
            initial={"title": charter.title, "preamble": charter.preamble, "base": number}
        )
        formset = PrincipleFormSet(initial=principle_initial(principles), prefix="p")
        return _edit_page(request, charter, header, formset)
    header = HeaderForm(request.POST)
    header.is_valid()
    base = header.cleaned_data.get("base")
    # The posted rows follow the version the page was loaded from, not the draft as it is now.
    shown = selectors.version(charter, base) if base else latest
    initial = snapshot_initial(shown.principles) if shown else []
    formset = PrincipleFormSet(request.POST, initial=initial, prefix="p")
    if not (header.is_valid() and formset.is_valid()):
        return _edit_page(request, charter, header, formset)
    try:
        version = services.save_draft(
            charter,
            title=header.cleaned_data["title"],
            preamble=header.cleaned_data["preamble"],
            principles=formset.wordings(),
            removed=formset.removed(),
            what_changed=header.cleaned_data["what_changed"],
            base=base,
            by=request.user,
        )
    except StaleDraft as stale:
        return _conflict(request, charter, stale, initial)
    except CharterError as error:  # the forms check the same first; this is a last guard
        header.add_error(None, str(error))
        return _edit_page(request, charter, header, formset)
    if version is None:
        messages.info(request, _("Nothing changed, so no new version was made."))
    else:
        messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
    return redirect(_charter_url(charter))


def _conflict(request, charter, stale, initial):
    """Someone saved while this person was editing: show what they changed, keep the text,
    and add the principles that came in meanwhile so saving again does not lose them."""
    older = selectors.version(charter, stale.base)
    meanwhile = comparing.compare(older, stale.latest) if older else None
    header = HeaderForm({**request.POST.dict(), "base": stale.latest.number})
    header.is_valid()
    data, initial = _with_added_since(request.POST, initial, charter)
    formset = PrincipleFormSet(data, initial=initial, prefix="p")
    formset.is_valid()
    return _edit_page(request, charter, header, formset, meanwhile=meanwhile)


def _with_added_since(posted, initial, charter):
    """The posted rows with a row for each principle the form did not have, put after the
    rows that were loaded and before the new ones typed, so they count as loaded rows."""
    data = posted.copy()
    total = int(posted.get("p-TOTAL_FORMS", 0))
    loaded = min(int(posted.get("p-INITIAL_FORMS", 0)), total)
    fields = ("pk", "title", "meaning", "asks", "ORDER", "DELETE")
    shown = {posted.get(f"p-{i}-pk") for i in range(total)}
    added = [p for p in charter.principles.order_by("position", "pk") if str(p.pk) not in shown]
    typed = [{f: posted.get(f"p-{i}-{f}") for f in fields} for i in range(loaded, total)]
    rows = [{"pk": p.pk, "title": p.title, "meaning": p.meaning, "asks": p.asks} for p in added]
    for i, row in enumerate(rows + typed, start=loaded):
        for name in fields:
            data.pop(f"p-{i}-{name}", None)
            if row.get(name) not in (None, ""):
                data[f"p-{i}-{name}"] = str(row[name])
    data["p-TOTAL_FORMS"], data["p-INITIAL_FORMS"] = (
        str(total + len(added)),
        str(loaded + len(added)),
    )
    return data, (list(initial) + [{}] * loaded)[:loaded] + rows


def _edit_page(request, charter, header, formset, meanwhile=None):
    context = {
        "coalition": charter.coalition,
        "charter": charter,
        "header": header,
        "formset": formset,
        "meanwhile": meanwhile,
    }
    return render(request, "charters/edit.html", context)


@door(post=Action.DISCUSS_CHARTER, find=find_principle)
def comment(request, principle):
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(principle, text=form.cleaned_data["text"], by=request.user)
        except CharterError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect(_charter_url(principle.charter, f"principle-{principle.pk}"))
    context = {"coalition": principle.charter.coalition, "charter": principle.charter}
    context.update({"principle": principle, "form": form})
    return render(request, "charters/comment.html", context)


# --- proposals --------------------------------------------------------------------------------


@door(get=Action.DISCUSS_CHARTER, post=Action.DISCUSS_CHARTER, find=find_principle)
def propose(request, principle):
    return _propose(request, principle.charter, principle)


@door(get=Action.DISCUSS_CHARTER, post=Action.DISCUSS_CHARTER, find=find_charter)
def propose_new(request, charter):
    return _propose(request, charter, None)


def _propose(request, charter, principle):
    initial = selectors.wording_of(principle) or {}
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose(
                charter,
                form.wording(),
                reason=form.cleaned_data["reason"],
                by=request.user,
                principle=principle,
            )
        except CharterError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("Thank you. The organisers will accept or decline it with a reply.")
            )
            anchor = f"principle-{principle.pk}" if principle else "new-principles"
            return redirect(_charter_url(charter, anchor))
    context = {"coalition": charter.coalition, "charter": charter}
    context.update({"principle": principle, "form": form})
    return render(request, "charters/propose.html", context)


@door(get=Action.VIEW, post=Action.EDIT_CHARTER, find=find_proposal)
def proposal(request, proposal):
    charter = proposal.charter
    current = selectors.wording_of(proposal.principle)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _decide(request, proposal, form)
        except CharterError as error:
            _refused(form, error)
        else:
            return redirect(_charter_url(charter))
    context = {
        "coalition": charter.coalition,
        "charter": charter,
        "proposal": proposal,
        "changed_since": comparing.changed_since(proposal, current),
        "proposed": comparing.proposed_change(proposal, current),
        "may_decide": can(Visitor.of(request), Action.EDIT_CHARTER, proposal),
        "form": form,
    }
    return render(request, "charters/proposal.html", context)


def _decide(request, proposal, form) -> None:
    reply = form.cleaned_data["reply"]
    if form.cleaned_data["decision"] == DecisionForm.ACCEPT:
        version = services.accept(proposal, by=request.user, reply=reply)
        messages.success(
            request,
            _("Accepted. The charter is now at version %(number)s.") % {"number": version.number},
        )
    else:
        services.decline(proposal, by=request.user, reply=reply)
        messages.success(request, _("Declined, with your reply to the proposer."))


# --- versions ---------------------------------------------------------------------------------


@door(get=Action.VIEW, find=find_charter)
def versions(request, charter):
    context = {
        "coalition": charter.coalition,
        "charter": charter,
        "versions": list(selectors.versions_of(charter)[:200]),
        "may_edit": can(Visitor.of(request), Action.EDIT_CHARTER, charter),
    }
    return render(request, "charters/versions.html", context)


@door(get=Action.VIEW, find=find_charter)
def compare(request, charter):
    """Any two versions side by side in words (default: the latest against the one before)."""
    latest = services.latest_version(charter)
    last = latest.number if latest else 0
    start, end = picked_pair(request.GET, last)
    older, newer = selectors.version(charter, start), selectors.version(charter, end)
    if last < 2:
        older = newer = None  # nothing to compare: the page says there is one version
    context = {
        "coalition": charter.coalition,
        "charter": charter,
        "document_title": charter.title,
        "numbers": range(last, 0, -1),
        "start": start,
        "end": end,
        "comparison": comparing.compare(older, newer) if older and newer else None,
    }
    return render(request, "charters/compare.html", context)


@door(post=Action.EDIT_CHARTER, find=find_charter)
def converse(request, charter):
    """Put the draft to a conversation: each principle a statement people vote on. In a public
    coalition that conversation is public too, so the organiser is asked first."""
    if charter.coalition.visibility == Visibility.PUBLIC and not confirmed(request):
        question = Question(
            title=_("Put the draft's principles to a public conversation?"),
            losses=[
                _(
                    "The coalition is public: anyone who can see it will be able to read every "
                    "principle of this draft and vote on it, not only the coalition's members."
                )
            ],
            yes=_("Yes, put them to a conversation"),
            cancel_url=_charter_url(charter),
        )
        return ask_first(request, question, {"coalition": charter.coalition, "charter": charter})
    try:
        conversation = services.put_to_conversation(charter, by=request.user)
    except CharterError as error:
        messages.error(request, str(error))
        return redirect(_charter_url(charter))
    messages.success(
        request, _("The conversation is open. Share it so people can say where they agree.")
    )
    return redirect(conversation)

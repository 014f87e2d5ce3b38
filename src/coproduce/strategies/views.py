"""The pages of a strategy written together: the coalition's strategies, starting one, the
strategy with its sections and amendments, editing a section, proposing an amendment, an
amendment with its discussion and the organisers' decision, and the versions compared.

Each view goes through a door; reads come from `selectors`, writes go through `services`.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.coalitions.selectors import find_coalition
from coproduce.core.doors import door
from coproduce.core.user_markdown import markdown_to_html
from coproduce.core.versions import picked_pair

from . import selectors, services
from .forms import (
    AmendmentForm,
    CommentForm,
    DecisionForm,
    EditSectionForm,
    SectionFormSet,
    TitleForm,
)
from .models import Amendment, Section, Strategy
from .services import StaleAmendment, StrategyError


def find_strategy(request, coalition_slug: str, strategy_id: int) -> Strategy:
    return get_object_or_404(
        Strategy.objects.select_related("coalition"), pk=strategy_id, coalition__slug=coalition_slug
    )


def find_section(request, coalition_slug: str, strategy_id: int, section_id: int) -> Section:
    return get_object_or_404(
        Section.objects.select_related("strategy__coalition"),
        pk=section_id,
        strategy_id=strategy_id,
        strategy__coalition__slug=coalition_slug,
    )


def find_amendment(request, coalition_slug: str, strategy_id: int, amendment_id: int) -> Amendment:
    return get_object_or_404(
        Amendment.objects.select_related(
            "strategy__coalition", "section", "author", "decided_by", "merged_into", "made_version"
        ),
        pk=amendment_id,
        strategy_id=strategy_id,
        strategy__coalition__slug=coalition_slug,
    )


def _refused(form, error: StrategyError) -> None:
    """A refusal from the service shown on the field it names (the form checks most first)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def _strategy_url(strategy: Strategy, anchor: str = "") -> str:
    url = reverse("strategies:detail", args=[strategy.coalition.slug, strategy.pk])
    return f"{url}#{anchor}" if anchor else url


def _amendment_url(amendment: Amendment, anchor: str = "") -> str:
    strategy = amendment.strategy
    url = reverse("strategies:amendment", args=[strategy.coalition.slug, strategy.pk, amendment.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the coalition's strategies -------------------------------------------------------------


@door(get=Action.VIEW, find=find_coalition)
def strategy_list(request, coalition):
    """Members see the strategies; others who may see the coalition learn only that they are
    its members' work."""
    visitor = Visitor.of(request)
    members = can(visitor, Action.MEMBERS_VIEW, coalition)
    context = {
        "coalition": coalition,
        "strategies": list(selectors.strategies_of(coalition)[:100]) if members else [],
        "members": members,
        "may_start": can(visitor, Action.EDIT_STRATEGY, coalition),
    }
    return render(request, "strategies/list.html", context)


@door(get=Action.EDIT_STRATEGY, post=Action.EDIT_STRATEGY, find=find_coalition)
def create(request, coalition):
    form = TitleForm(request.POST or None)
    sections = SectionFormSet(request.POST or None, prefix="s")
    if request.method == "POST" and form.is_valid() and sections.is_valid():
        try:
            strategy = services.start_strategy(
                coalition,
                title=form.cleaned_data["title"],
                sections=sections.sections(),
                by=request.user,
            )
        except StrategyError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("The strategy is started. Members can now propose amendments.")
            )
            return redirect(_strategy_url(strategy))
    context = {"coalition": coalition, "form": form, "sections": sections}
    return render(request, "strategies/start.html", context)


# --- the strategy ---------------------------------------------------------------------------


@door(get=Action.VIEW, find=find_strategy)
def detail(request, strategy):
    visitor = Visitor.of(request)
    sections = selectors.sections_of(strategy)
    for section in sections:
        section.html = markdown_to_html(section.text) if section.text else ""
    context = {
        "coalition": strategy.coalition,
        "strategy": strategy,
        "sections": sections,
        "new_sections": list(selectors.new_section_amendments(strategy)),
        "decided": list(selectors.decided_amendments(strategy)),
        "version_number": selectors.latest_number(strategy),
        "may_edit": can(visitor, Action.EDIT_STRATEGY, strategy),
        "may_amend": can(visitor, Action.AMEND_STRATEGY, strategy),
    }
    return render(request, "strategies/detail.html", context)


@door(get=Action.EDIT_STRATEGY, post=Action.EDIT_STRATEGY, find=find_section)
def edit_section(request, section):
    if request.method != "POST":
        initial = {"title": section.title, "text": section.text, "revision": section.revision}
        return _edit_page(request, section, EditSectionForm(initial=initial))
    form = EditSectionForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, section, form)
    if form.cleaned_data["revision"] != section.revision:
        # Someone saved the section meanwhile: show their words, keep these, save on a second
        # go only.
        data = request.POST.copy()
        data["revision"] = str(section.revision)
        form = EditSectionForm(data)
        form.is_valid()
        return _edit_page(request, section, form, meanwhile=True)
    try:
        version = services.save_section(
            section,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            by=request.user,
        )
    except StrategyError as error:
        _refused(form, error)
        return _edit_page(request, section, form)
    if version is None:
        messages.info(request, _("Nothing changed, so no new version was made."))
    else:
        messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
    return redirect(_strategy_url(section.strategy, f"section-{section.pk}"))


def _edit_page(request, section, form, meanwhile=False):
    context = {
        "coalition": section.strategy.coalition,
        "strategy": section.strategy,
        "section": section,
        "section_html": markdown_to_html(section.text) if section.text else "",
        "form": form,
        "meanwhile": meanwhile,
    }
    return render(request, "strategies/edit_section.html", context)


# --- amendments -----------------------------------------------------------------------------


@door(get=Action.AMEND_STRATEGY, post=Action.AMEND_STRATEGY, find=find_section)
def propose(request, section):
    return _propose(request, section.strategy, section)


@door(get=Action.AMEND_STRATEGY, post=Action.AMEND_STRATEGY, find=find_strategy)
def propose_new(request, strategy):
    return _propose(request, strategy, None)


def _propose(request, strategy, section):
    initial = {}
    if section is not None:
        initial = {"title": section.title, "text": section.text, "revision": section.revision}
    form = AmendmentForm(request.POST or None, initial=initial)
    meanwhile = False
    if request.method == "POST" and form.is_valid():
        read = form.cleaned_data.get("revision")
        if section is not None and read is not None and read != section.revision:
            # The section changed while they wrote: they see its words now, keep theirs.
            data = request.POST.copy()
            data["revision"] = str(section.revision)
            form = AmendmentForm(data, initial=initial)
            form.is_valid()
            meanwhile = True
        else:
            try:
                amendment = services.propose(
                    strategy,
                    section=section,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    why=form.cleaned_data["why"],
                    by=request.user,
                )
            except StrategyError as error:
                _refused(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Members can discuss your amendment; the organisers will "
                        "decide on it and say why."
                    ),
                )
                return redirect(_amendment_url(amendment))
    context = {
        "coalition": strategy.coalition,
        "strategy": strategy,
        "section": section,
        "section_html": markdown_to_html(section.text) if section and section.text else "",
        "form": form,
        "meanwhile": meanwhile,
    }
    return render(request, "strategies/propose.html", context)


@door(get=Action.VIEW, post=Action.EDIT_STRATEGY, find=find_amendment)
def amendment(request, amendment):
    form = DecisionForm(request.POST or None, targets=selectors.merge_targets(amendment))
    if request.method == "POST" and form.is_valid():
        try:
            _decide(request, amendment, form)
        except StaleAmendment as stale:
            form.add_error("seen_changes", str(stale))
        except StrategyError as error:
            _refused(form, error)
        else:
            return redirect(_strategy_url(amendment.strategy, "decided"))
    return _amendment_page(request, amendment, decision_form=form)


def _decide(request, amendment, form) -> None:
    data = form.cleaned_data
    decision, reason = data["decision"], data["reason"]
    if decision == DecisionForm.ACCEPT:
        version = services.accept(
            amendment, by=request.user, reason=reason, seen_changes=data["seen_changes"]
        )
        messages.success(
            request,
            _("Accepted. The strategy is now at version %(number)s.") % {"number": version.number},
        )
    elif decision == DecisionForm.MERGE:
        services.merge(amendment, into=data["into"], by=request.user, reason=reason)
        messages.success(request, _("Merged, with your reason for everyone to read."))
    else:
        services.decline(amendment, by=request.user, reason=reason)
        messages.success(request, _("Declined, with your reason for everyone to read."))


@door(post=Action.AMEND_STRATEGY, find=find_amendment)
def comment(request, amendment):
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment(amendment, text=form.cleaned_data["text"], by=request.user)
        except StrategyError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect(_amendment_url(amendment, "comments"))
    return _amendment_page(request, amendment, comment_form=form)


def _amendment_page(request, amendment, *, decision_form=None, comment_form=None):
    visitor = Visitor.of(request)
    strategy = amendment.strategy
    may_decide = can(visitor, Action.EDIT_STRATEGY, amendment)
    if decision_form is None and may_decide:
        decision_form = DecisionForm(targets=selectors.merge_targets(amendment))
    is_open = amendment.status == Amendment.Status.OPEN
    context = {
        "coalition": strategy.coalition,
        "strategy": strategy,
        "amendment": amendment,
        "is_open": is_open,
        "stale": is_open and amendment.is_stale,
        "changed_since": selectors.changed_since(amendment) if is_open else [],
        "proposed": selectors.proposed_change(amendment) if is_open else [],
        "proposed_html": markdown_to_html(amendment.text),
        "why_html": markdown_to_html(amendment.why),
        "comments": list(selectors.comments_of(amendment)),
        "merged_here": list(selectors.merged_into(amendment)),
        "may_decide": may_decide,
        "may_comment": can(visitor, Action.AMEND_STRATEGY, amendment),
        "form": decision_form,
        "comment_form": comment_form or CommentForm(),
    }
    return render(request, "strategies/amendment.html", context)


# --- versions -------------------------------------------------------------------------------


@door(get=Action.VIEW, find=find_strategy)
def versions(request, strategy):
    context = {
        "coalition": strategy.coalition,
        "strategy": strategy,
        "versions": list(selectors.versions_of(strategy)[: selectors.VERSIONS_SHOWN]),
    }
    return render(request, "strategies/versions.html", context)


@door(get=Action.VIEW, find=find_strategy)
def compare(request, strategy):
    """Any two versions section by section in words (default: the latest against the one
    before)."""
    last = selectors.latest_number(strategy)
    start, end = picked_pair(request.GET, last)
    older, newer = selectors.version(strategy, start), selectors.version(strategy, end)
    comparison = None
    if last >= 2 and older and newer:
        comparison = selectors.compare(older, newer)
    context = {
        "coalition": strategy.coalition,
        "strategy": strategy,
        "document_title": strategy.title,
        "numbers": range(last, 0, -1),
        "start": start,
        "end": end,
        "comparison": comparison,
    }
    return render(request, "strategies/compare.html", context)

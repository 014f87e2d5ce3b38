from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.core.confirm import Question, ask_first, confirmed
from coproduce.core.csvfiles import writer as csv_writer
from coproduce.core.doors import door
from coproduce.core.uploads import content_type_for
from coproduce.jobs.services import start_job
from coproduce.workshops.models import AgendaItem
from coproduce.workshops.selectors import registration_of

from . import selectors, services
from .access import participant_by_key, participant_for, remember
from .forms import (
    CafeForm,
    ParticipantFormSet,
    RoundQuestionFormSet,
    RuleForm,
    TableFormSet,
)
from .models import Cafe, Note, Participant, Rule, Table
from .outcomes import themes_with_outcomes
from .polled import polled_cafes

PEOPLE_PAGE_SIZE = 100


def find_cafe(request, cafe_id: int) -> Cafe:
    return get_object_or_404(
        Cafe.objects.select_related("agenda_item__workshop__coalition"), pk=cafe_id
    )


def find_cafe_polled(request, cafe_id: int) -> Cafe:
    """The café for a phone's poll (htmx, every few seconds): kept in the process for a
    second, so a room of phones reads it about once a second per process rather than 75
    times; a round started reaches the phones at most a second later. The full page, and
    every facilitator's page, read it fresh."""
    if not request.headers.get("HX-Request"):
        return find_cafe(request, cafe_id)
    return polled_cafes.get(cafe_id, lambda: find_cafe(request, cafe_id))


def find_item(request, item_id: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("workshop__coalition"), pk=item_id)


def find_table(request, cafe_id: int, table_id: int) -> Table:
    return get_object_or_404(
        Table.objects.select_related("cafe__agenda_item__workshop__coalition"),
        pk=table_id,
        cafe_id=cafe_id,
    )


def find_note(request, note_id: int) -> Note:
    return get_object_or_404(
        Note.objects.select_related("cafe__agenda_item__workshop__coalition", "table"), pk=note_id
    )


def find_card(request, key: str) -> Participant:
    participant = participant_by_key(key)
    if participant is None:
        raise Http404
    return participant


def _base(cafe: Cafe, tab: str) -> dict:
    return {"cafe": cafe, "workshop": cafe.workshop, "coalition": cafe.coalition, "tab": tab}


@door(post=Action.RUN_WORKSHOP, find=find_item)
def open_cafe(request, item):
    """Turn a World Café agenda item into a café with tables (once), then set it up."""
    try:
        cafe = services.cafe_for(item)
    except services.CafeError as error:
        messages.error(request, str(error))
        return redirect(item.workshop)
    return redirect("cafe:setup", cafe.pk)


@door(get=Action.RUN_WORKSHOP, post=Action.RUN_WORKSHOP, find=find_cafe)
def setup(request, cafe):
    participants = cafe.participants.select_related("registration")
    form = CafeForm(request.POST or None, instance=cafe, prefix="cafe")
    tables = TableFormSet(
        request.POST or None, instance=cafe, prefix="tables", participants=participants
    )
    questions = RoundQuestionFormSet(request.POST or None, instance=cafe, prefix="rounds")
    if request.method == "POST" and form.is_valid() and tables.is_valid() and questions.is_valid():
        services.save_setup(form, tables, questions)
        messages.success(request, _("Saved."))
        return redirect("cafe:setup", cafe.pk)
    context = {**_base(cafe, "setup"), "form": form, "tables": tables, "questions": questions}
    return render(request, "cafe/setup.html", context)


@door(get=Action.RUN_WORKSHOP, post=Action.RUN_WORKSHOP, find=find_cafe)
def people(request, cafe):
    participants = cafe.participants.select_related("registration")
    page = Paginator(participants, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    queryset = participants.filter(pk__in=[p.pk for p in page.object_list])
    formset = ParticipantFormSet(request.POST or None, queryset=queryset, prefix="people")
    if request.method == "POST" and formset.is_valid():
        services.save_people(formset)
        messages.success(request, _("Saved."))
        return redirect(f"{reverse('cafe:people', args=[cafe.pk])}?page={page.number}")
    context = {
        **_base(cafe, "people"),
        "page": page,
        "formset": formset,
        "rule_form": RuleForm(participants=participants),
        "rules": cafe.rules.select_related("first__registration", "second__registration"),
    }
    return render(request, "cafe/people.html", context)


@door(post=Action.RUN_WORKSHOP, find=find_cafe)
def add_newcomers(request, cafe):
    added = services.sync_participants(cafe)
    messages.success(
        request,
        ngettext(
            "%(n)s newly registered person added.", "%(n)s newly registered people added.", added
        )
        % {"n": added},
    )
    return redirect("cafe:people", cafe.pk)


@door(post=Action.RUN_WORKSHOP, find=find_cafe)
def add_rule(request, cafe):
    form = RuleForm(request.POST, participants=cafe.participants.all())
    if not form.is_valid():
        messages.error(request, _("Choose a rule and two people."))
    else:
        try:
            services.add_rule(
                cafe,
                form.cleaned_data["kind"],
                form.cleaned_data["first"],
                form.cleaned_data["second"],
            )
            messages.success(request, _("Rule added."))
        except services.CafeError as error:
            messages.error(request, str(error))
    return redirect("cafe:people", cafe.pk)


@door(post=Action.RUN_WORKSHOP, find=find_cafe)
def delete_rule(request, cafe, rule_id):
    rule = get_object_or_404(
        Rule.objects.select_related("first__registration", "second__registration"),
        pk=rule_id,
        cafe=cafe,
    )
    if not confirmed(request):
        names = {"first": rule.first.name, "second": rule.second.name}
        lost = (
            _("%(first)s and %(second)s no longer have to sit together in the next plan.")
            if rule.kind == Rule.Kind.TOGETHER
            else _("%(first)s and %(second)s may be seated together in the next plan.")
        )
        question = Question(
            title=_("Delete the rule for %(first)s and %(second)s?") % names,
            losses=[lost % names],
            stays=[_("Seats already planned stay as they are until you make a new plan.")],
            yes=_("Yes, delete the rule"),
            cancel_url=reverse("cafe:people", args=[cafe.pk]),
        )
        return ask_first(request, question, _base(cafe, "people"))
    services.remove_rule(rule)
    messages.success(request, _("Rule removed."))
    return redirect("cafe:people", cafe.pk)


@door(get=Action.RUN_WORKSHOP, find=find_cafe)
def plan(request, cafe):
    metrics = selectors.metric_rows(cafe.plan_metrics)
    context = {
        **_base(cafe, "plan"),
        "grid": selectors.plan_grid(cafe),
        "metrics": metrics,
        "explain_bounds": selectors.some_repeats_unavoidable(metrics),
        "reasons": selectors.plan_reasons(cafe),
        "reasons_outdated": selectors.plan_reasons_outdated(cafe),
        "obstacle": services.why_not_plannable(cafe),
    }
    return render(request, "cafe/plan.html", context)


@door(post=Action.RUN_WORKSHOP, find=find_cafe)
def make_plan(request, cafe):
    obstacle = services.why_not_plannable(cafe)
    if obstacle:
        messages.error(request, obstacle)
        return redirect("cafe:plan", cafe.pk)
    job = start_job(
        kind="cafe.plan",
        fingerprint=f"cafe:{cafe.pk}:plan:v{cafe.revision}:r{cafe.current_round}",
        title=_("Seating plan for %(cafe)s") % {"cafe": cafe.agenda_item.title},
        subject=cafe,
        action=Action.RUN_WORKSHOP,
        params={"cafe": cafe.pk, "next": reverse("cafe:plan", args=[cafe.pk])},
        user=request.user,
    )
    return redirect(job)


# The participant's own pages --------------------------------------------------------------------


@door(get=Action.ENTER, post=Action.ENTER, find=find_card)
def personal(request, participant):
    """The link on a participant's card. Opening it asks "Continue as Ana?"; only saying yes
    (a POST) makes this browser Ana's, so a link opened by a preview, a scanner or an image
    changes nothing."""
    if request.method == "POST":
        remember(request, participant)
        return redirect("cafe:mine", participant.cafe_id)
    cafe = participant.cafe
    context = {**_base(cafe, "mine"), "participant": participant, "server_now": timezone.now()}
    return render(request, "cafe/personal.html", context)


@door(get=Action.VIEW, find=find_cafe_polled)
def mine(request, cafe):
    """A participant's page; it asks every few seconds (htmx) where to sit now, and that
    refresh reads a handful of rows and writes nothing, not even the session."""
    polling = bool(request.headers.get("HX-Request"))
    participant = participant_for(request, cafe)
    if participant is None:
        if _registered(request, cafe):  # arrived, not seated yet: the page waits for a table
            template = "cafe/waiting.html#now" if polling else "cafe/waiting.html"
            return render(request, template, {**_base(cafe, "mine"), "server_now": timezone.now()})
        if polling:  # no longer in the café: load the whole page, which says so (once)
            response = HttpResponse()
            response["HX-Redirect"] = request.path
            return response
        messages.error(
            request, _("You are not taking part in this café. Register for the workshop first.")
        )
        return redirect(cafe.workshop)
    if polling:
        return _poll_answer(request, cafe, participant)
    context = {
        **_base(cafe, "mine"),
        **selectors.my_state(cafe, participant, route=True),
        "server_now": timezone.now(),
    }
    return render(request, "cafe/mine.html", context)


def _registered(request, cafe) -> bool:
    """Registered for the workshop (a late arrival the facilitator has not seated yet)."""
    visitor = Visitor.of(request)
    return registration_of(cafe.workshop, visitor.user, visitor.guest) is not None


def _poll_answer(request, cafe, participant):
    """The "where do I sit now" card, or 304 when nothing it shows has changed.

    What it shows depends only on the café's set-up and plan (its revision), the round and its
    clock, the person and the language, so the phone's browser keeps the last card and asks
    whether it changed: most of a room's polls are then answered without reading a seat or
    rendering."""
    tag = '"{}"'.format(
        "-".join(
            str(part)
            for part in (
                cafe.pk,
                cafe.revision,
                cafe.current_round,
                cafe.clock_state,
                participant.pk,
                translation.get_language(),
            )
        )
    )
    if tag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        context = {**_base(cafe, "mine"), **selectors.my_state(cafe, participant, route=False)}
        response = render(request, "cafe/mine.html#now", context)
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"  # kept by the phone, always revalidated
    patch_vary_headers(response, ["Cookie", "HX-Request", "Accept-Language"])
    return response


# Notes --------------------------------------------------------------------------------------------


# Writing, changing and restoring notes: note_views.py


@door(get=Action.VIEW, find=find_note)
def note_photo(request, note):
    if not note.photo:
        raise Http404
    response = FileResponse(note.photo.open("rb"), content_type=content_type_for(note.photo.name))
    response["Content-Disposition"] = "inline"
    return response


@door(get=Action.VIEW, find=find_cafe)
def harvest(request, cafe):
    by = "table" if request.GET.get("by") == "table" else "question"
    context = {
        **_base(cafe, "harvest"),
        "by": by,
        "groups": selectors.harvest_groups(cafe, by),
        "can_run": can(request.user, Action.RUN_WORKSHOP, cafe),
        "themes": themes_with_outcomes(cafe, request.user),  # and what became of each
    }
    return render(request, "cafe/harvest.html", context)


# Printables -------------------------------------------------------------------------------------

PRINTABLES = {"roster", "cards", "badges"}


@door(post=Action.RUN_WORKSHOP, find=find_cafe)
def printables(request, cafe, kind):
    if kind not in PRINTABLES:
        raise Http404
    if not cafe.seats.exists():
        messages.error(request, _("Make a seating plan first."))
        return redirect("cafe:plan", cafe.pk)
    job = start_job(
        kind="cafe.printables",
        # Cards and rosters are printed in the language of whoever asks: one file each.
        fingerprint=(
            f"cafe:{cafe.pk}:printables:{kind}:v{cafe.revision}:{translation.get_language()}"
        ),
        title=selectors.printable_title(kind, cafe),
        subject=cafe,
        action=Action.RUN_WORKSHOP,
        params={"cafe": cafe.pk, "kind": kind, "base_url": request.build_absolute_uri("/")},
        user=request.user,
    )
    return redirect(job)


@door(get=Action.RUN_WORKSHOP, find=find_cafe)
def breakout_csv(request, cafe):
    """Online tables as breakout rooms for a video call: one row per person (room, email)."""
    try:
        round_number = int(request.GET.get("round", "1"))
    except ValueError:
        raise Http404 from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="breakout-rooms-round-{round_number}.csv"'
    )
    writer = csv_writer(response)
    writer.writerow(["Pre-assign Room Name", "Email Address"])
    for room, person in selectors.breakout_rows(cafe, round_number):
        writer.writerow([room, person])
    return response

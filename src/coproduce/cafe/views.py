import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coproduce.coalitions.permissions import Action, authorize, can
from coproduce.jobs.services import start_job
from coproduce.workshops.models import AgendaItem

from . import selectors, services
from .access import may_write_notes, participant_for, remember
from .forms import (
    CafeForm,
    NoteForm,
    ParticipantFormSet,
    RoundQuestionFormSet,
    RuleForm,
    TableFormSet,
)
from .models import Cafe, Note, Participant, Rule, Table

PEOPLE_PAGE_SIZE = 100


def _cafe(cafe_id) -> Cafe:
    return get_object_or_404(
        Cafe.objects.select_related("agenda_item__workshop__coalition"), pk=cafe_id
    )


def _base(cafe: Cafe, tab: str) -> dict:
    return {"cafe": cafe, "workshop": cafe.workshop, "coalition": cafe.coalition, "tab": tab}


@require_POST
def open_cafe(request, item_id):
    """Turn a World Café agenda item into a café with tables (once), then set it up."""
    item = get_object_or_404(AgendaItem.objects.select_related("workshop__coalition"), pk=item_id)
    authorize(request, Action.RUN_WORKSHOP, item.workshop)
    try:
        cafe = services.cafe_for(item)
    except services.CafeError as error:
        messages.error(request, str(error))
        return redirect(item.workshop)
    return redirect("cafe:setup", cafe.pk)


@require_http_methods(["GET", "POST"])
def setup(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    participants = cafe.participants.select_related("registration")
    form = CafeForm(request.POST or None, instance=cafe, prefix="cafe")
    tables = TableFormSet(
        request.POST or None, instance=cafe, prefix="tables", participants=participants
    )
    questions = RoundQuestionFormSet(request.POST or None, instance=cafe, prefix="rounds")
    if request.method == "POST" and form.is_valid() and tables.is_valid() and questions.is_valid():
        with transaction.atomic():
            form.save()
            tables.save()
            questions.save()
            services.set_round_questions(cafe)
            services.bump(cafe)
        messages.success(request, _("Saved."))
        return redirect("cafe:setup", cafe.pk)
    context = {**_base(cafe, "setup"), "form": form, "tables": tables, "questions": questions}
    return render(request, "cafe/setup.html", context)


@require_http_methods(["GET", "POST"])
def people(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    participants = cafe.participants.select_related("registration")
    page = Paginator(participants, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    queryset = participants.filter(pk__in=[p.pk for p in page.object_list])
    formset = ParticipantFormSet(request.POST or None, queryset=queryset, prefix="people")
    if request.method == "POST" and formset.is_valid():
        formset.save()
        services.bump(cafe)
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


@require_POST
def add_newcomers(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    added = services.sync_participants(cafe)
    messages.success(request, _("%(n)s newly registered people added.") % {"n": added})
    return redirect("cafe:people", cafe.pk)


@require_POST
def add_rule(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
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


@require_POST
def delete_rule(request, cafe_id, rule_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    get_object_or_404(Rule, pk=rule_id, cafe=cafe).delete()
    services.bump(cafe)
    messages.success(request, _("Rule removed."))
    return redirect("cafe:people", cafe.pk)


def plan(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    context = {
        **_base(cafe, "plan"),
        "grid": selectors.plan_grid(cafe),
        "metrics": selectors.metric_rows(cafe.plan_metrics),
        "problem": services.check_plannable(cafe),
    }
    return render(request, "cafe/plan.html", context)


@require_POST
def make_plan(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    problem = services.check_plannable(cafe)
    if problem:
        messages.error(request, problem)
        return redirect("cafe:plan", cafe.pk)
    job = start_job(
        kind="cafe.plan",
        key=f"cafe:{cafe.pk}:plan:v{cafe.version}:r{cafe.current_round}",
        title=_("Seating plan for %(cafe)s") % {"cafe": cafe.agenda_item.title},
        coalition=cafe.coalition,
        action=Action.RUN_WORKSHOP,
        params={"cafe": cafe.pk, "next": reverse("cafe:plan", args=[cafe.pk])},
        user=request.user,
    )
    return redirect(job)


def live(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    context = {**_base(cafe, "live"), **selectors.live_state(cafe)}
    if request.headers.get("HX-Request"):
        return render(request, "cafe/live.html#state", context)
    return render(request, "cafe/live.html", context)


@require_POST
def advance(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    try:
        cafe = services.advance_round(cafe)
    except services.CafeError as error:
        messages.error(request, str(error))
    else:
        if cafe.current_round <= cafe.rounds:
            messages.success(request, _("Round %(n)s has started.") % {"n": cafe.current_round})
        else:
            messages.success(request, _("All rounds are done. Time to harvest."))
    return redirect("cafe:live", cafe.pk)


@require_POST
def close(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    if request.POST.get("reopen"):
        services.reopen_cafe(cafe)
        messages.success(request, _("Notes can be changed again."))
    else:
        services.close_cafe(cafe)
        messages.success(request, _("The café is closed; its notes can no longer be changed."))
    return redirect("cafe:harvest", cafe.pk)


def screen(request, cafe_id):
    """The room screen: every table of the current round, in large type."""
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    context = {**_base(cafe, "screen"), **selectors.live_state(cafe)}
    template = (
        "cafe/screen.html#tables" if request.headers.get("HX-Request") else "cafe/screen.html"
    )
    return render(request, template, context)


# The participant's own pages --------------------------------------------------------------------


def personal(request, key):
    """A participant's page by the key on their card: knowing the key is being that person."""
    participant = get_object_or_404(
        Participant.objects.select_related(
            "cafe__agenda_item__workshop__coalition", "registration"
        ),
        key=key,
    )
    remember(request, participant)
    return _my_page(request, participant.cafe, participant)


def mine(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.VIEW, cafe)
    participant = participant_for(request, cafe)
    if participant is None:
        messages.error(request, _("You are not in this café. Ask the facilitator to add you."))
        return redirect(cafe.workshop)
    return _my_page(request, cafe, participant)


def _my_page(request, cafe, participant):
    context = {**_base(cafe, "mine"), **selectors.my_state(cafe, participant)}
    if request.headers.get("HX-Request"):
        return render(request, "cafe/mine.html#now", context)
    return render(request, "cafe/mine.html", context)


# Notes --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def table_notes(request, cafe_id, table_id):
    cafe = _cafe(cafe_id)
    table = get_object_or_404(Table, pk=table_id, cafe=cafe)
    participant = participant_for(request, cafe)
    if participant is None:
        authorize(request, Action.VIEW, cafe)
    if not may_write_notes(request, cafe, table):
        raise Http404
    initial_round = min(max(cafe.current_round, 1), cafe.rounds)
    form = NoteForm(
        request.POST or None,
        request.FILES or None,
        cafe=cafe,
        initial={"round_number": initial_round},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_note(
                cafe,
                table=table,
                round_number=form.cleaned_data["round_number"],
                text=form.cleaned_data["text"],
                photo=form.cleaned_data.get("photo") or None,
                author=participant,
            )
        except services.CafeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Note saved. Add another, or change one below."))
            return redirect("cafe:table_notes", cafe.pk, table.pk)
    context = {
        **_base(cafe, "notes"),
        "table": table,
        "form": form,
        "participant": participant,
        "notes": table.notes.select_related("question").order_by("round_number", "created_at"),
    }
    return render(request, "cafe/table_notes.html", context)


@require_http_methods(["GET", "POST"])
def edit_note(request, note_id):
    note = get_object_or_404(
        Note.objects.select_related("cafe__agenda_item__workshop__coalition", "table"), pk=note_id
    )
    cafe = note.cafe
    if participant_for(request, cafe) is None:
        authorize(request, Action.VIEW, cafe)
    if not may_write_notes(request, cafe, note.table):
        raise Http404
    form = NoteForm(request.POST or None, request.FILES or None, cafe=cafe, instance=note)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_note(
                cafe,
                table=note.table,
                round_number=form.cleaned_data["round_number"],
                text=form.cleaned_data["text"],
                photo=request.FILES.get("photo"),
                note=Note.objects.get(pk=note.pk),
            )
        except services.CafeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Note saved."))
            return redirect("cafe:table_notes", cafe.pk, note.table_id)
    return render(
        request, "cafe/edit_note.html", {**_base(cafe, "notes"), "form": form, "note": note}
    )


def note_photo(request, note_id):
    note = get_object_or_404(
        Note.objects.select_related("cafe__agenda_item__workshop__coalition"), pk=note_id
    )
    if participant_for(request, note.cafe) is None:
        authorize(request, Action.VIEW, note.cafe)
    if not note.photo:
        raise Http404
    content_type = services.photo_type(note.photo.open("rb"))
    return FileResponse(note.photo.open("rb"), content_type=content_type)


def harvest(request, cafe_id):
    cafe = _cafe(cafe_id)
    authorize(request, Action.VIEW, cafe)
    by = "table" if request.GET.get("by") == "table" else "question"
    context = {
        **_base(cafe, "harvest"),
        "by": by,
        "groups": selectors.harvest_groups(cafe, by),
        "can_run": can(request.user, Action.RUN_WORKSHOP, cafe),
    }
    return render(request, "cafe/harvest.html", context)


# Printables -------------------------------------------------------------------------------------

PRINTABLES = {"roster", "cards", "badges"}


@require_POST
def printables(request, cafe_id, kind):
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    if kind not in PRINTABLES:
        raise Http404
    if not cafe.seats.exists():
        messages.error(request, _("Make a seating plan first."))
        return redirect("cafe:plan", cafe.pk)
    job = start_job(
        kind="cafe.printables",
        key=f"cafe:{cafe.pk}:printables:{kind}:v{cafe.version}",
        title=selectors.printable_title(kind, cafe),
        coalition=cafe.coalition,
        action=Action.RUN_WORKSHOP,
        params={"cafe": cafe.pk, "kind": kind, "base_url": request.build_absolute_uri("/")},
        user=request.user,
    )
    return redirect(job)


def breakout_csv(request, cafe_id):
    """Online tables as breakout rooms for a video call: one row per person (room, email)."""
    cafe = _cafe(cafe_id)
    authorize(request, Action.RUN_WORKSHOP, cafe)
    try:
        round_number = int(request.GET.get("round", "1"))
    except ValueError:
        raise Http404 from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="breakout-rooms-round-{round_number}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["Pre-assign Room Name", "Email Address"])
    for room, person in selectors.breakout_rows(cafe, round_number):
        writer.writerow([room, person])
    return response

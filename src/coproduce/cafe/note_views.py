"""Table notes: writing them (also from a phone that lost its connection), changing them, and
their history (who saved each version, when, and bringing an earlier one back)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action, Visitor
from coproduce.core.doors import door

from . import services
from .access import participant_for
from .forms import NoteForm
from .models import Note
from .note_forms import NewNoteForm
from .rules import editable_notes, writable_rounds
from .views import _base, find_note, find_table


def _wants_json(request) -> bool:
    """The page's script sends notes itself (to queue them while offline) and asks for JSON."""
    return "application/json" in request.headers.get("Accept", "")


def _writer(request, cafe) -> services.Writer:
    return services.Writer(participant=participant_for(request, cafe), user=request.user)


@door(get=Action.WRITE_NOTE, post=Action.WRITE_NOTE, find=find_table)
def table_notes(request, table):
    cafe = table.cafe
    writer = _writer(request, cafe)
    rounds = writable_rounds(Visitor.of(request), table)
    shown = cafe.shown_round
    form = NewNoteForm(
        request.POST or None,
        request.FILES or None,
        rounds=rounds,
        initial={"round_number": shown if shown in rounds else rounds[-1]},
    )
    if request.method == "POST":
        note = _save_new(form, cafe, table, writer)
        if _wants_json(request):
            return _json_answer(request, table, form, note)
        if note is not None:
            messages.success(request, _("Note saved. Add another, or change one below."))
            return redirect("cafe:table_notes", cafe.pk, table.pk)
    notes = list(table.notes.select_related("question").order_by("round_number", "created_at"))
    context = {
        **_base(cafe, "notes"),
        "table": table,
        "form": form,
        "participant": writer.participant,
        "notes": notes,
        "editable": editable_notes(Visitor.of(request), table, notes),
    }
    return render(request, "cafe/table_notes.html", context)


def _save_new(form, cafe, table, writer) -> Note | None:
    if not form.is_valid():
        return None
    try:
        return services.save_note(
            cafe,
            table=table,
            round_number=form.cleaned_data["round_number"],
            text=form.cleaned_data["text"],
            photo=form.cleaned_data.get("photo") or None,
            author=writer.participant,
            by=writer,
            sending_key=form.cleaned_data["key"],
        )
    except services.CafeError as error:
        form.add_error(None, str(error))
        return None


def _json_answer(request, table, form, note):
    """What the page's script needs: the note as the list shows it, or the form's messages."""
    if note is None:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"saved": False, "errors": problems}, status=400)
    editable = editable_notes(Visitor.of(request), table, [note])
    html = render_to_string(
        "cafe/table_notes.html#note",
        {"note": note, "table": table, "cafe": table.cafe, "editable": editable},
        request=request,
    )
    return JsonResponse({"saved": True, "html": html})


@door(get=Action.EDIT_NOTE, post=Action.EDIT_NOTE, find=find_note)
def edit_note(request, note):
    cafe = note.cafe
    rounds = writable_rounds(Visitor.of(request), note.table)
    form = NoteForm(request.POST or None, request.FILES or None, rounds=rounds, instance=note)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_note(
                cafe,
                table=note.table,
                round_number=form.cleaned_data["round_number"],
                text=form.cleaned_data["text"],
                photo=request.FILES.get("photo"),
                note=Note.objects.get(pk=note.pk),
                by=_writer(request, cafe),
            )
        except services.CafeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Note saved."))
            return redirect("cafe:table_notes", cafe.pk, note.table_id)
    return render(request, "cafe/edit_note.html", _edit_context(note, form))


def _edit_context(note, form) -> dict:
    revisions = list(note.revisions.all())
    return {
        **_base(note.cafe, "notes"),
        "form": form,
        "note": note,
        # The newest is the note as it stands; the others can be brought back.
        "current": revisions[0] if revisions else None,
        "earlier": revisions[1:],
    }


@door(post=Action.EDIT_NOTE, find=find_note)
def restore_note(request, note, revision_id):
    revision = get_object_or_404(note.revisions, pk=revision_id)
    if revision.round_number not in writable_rounds(Visitor.of(request), note.table):
        # The version belongs to a round this person did not sit at this table.
        messages.error(request, _("You can bring back only a version for a round you sat here."))
        return redirect("cafe:edit_note", note.pk)
    try:
        services.restore_note(note, revision, by=_writer(request, note.cafe))
    except services.CafeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The earlier version is back. The one it replaced is kept in the history.")
        )
    return redirect("cafe:edit_note", note.pk)

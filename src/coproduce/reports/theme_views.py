"""The themes page: an affinity board of the table notes, and finding the themes again.

Notes are cards and themes are columns, one board per café question. Every change is a plain
form post (keyboard and phone work without JavaScript); ``reports/static/reports/board.js``
sends the same forms in the background and drags cards between columns. Each form carries the
board's revision: a change made on a board someone else has changed since is refused with a
plain message and the board as it now stands, rather than applied to notes that moved.
"""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.coalitions.permissions import Action
from coproduce.core.confirm import Question, ask_first, confirmed
from coproduce.core.doors import door
from coproduce.core.text import clean_text
from coproduce.jobs.services import start_job

from . import services
from . import themes as theme_maths
from .gather import fingerprint
from .models import WorkshopReport
from .theme_method import confidence_label
from .views import find_workshop

EDITS = ("rename", "merge", "move_up", "move_down", "move_card", "move_notes", "split")
NEW = "new"


class BoardEditForm(forms.Form):
    """One change to one question's board; which fields matter depends on the change."""

    edit = forms.ChoiceField(choices=[(e, e) for e in EDITS])
    question = forms.CharField(max_length=40)
    revision = forms.CharField(max_length=40, required=False)
    theme = forms.IntegerField(required=False)
    into = forms.IntegerField(required=False)
    note = forms.IntegerField(required=False)
    notes = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    to = forms.CharField(max_length=20, required=False)
    label = forms.CharField(max_length=200, required=False)

    NEEDS = {
        "rename": ("theme", "label"),
        "merge": ("theme", "into"),
        "move_up": ("theme",),
        "move_down": ("theme",),
        "move_card": ("note", "to"),
        "move_notes": ("notes", "into"),
        "split": ("theme", "notes"),
    }

    def __init__(self, *args, note_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].choices = [(n, n) for n in note_ids]

    def clean(self):
        cleaned = super().clean()
        for name in self.NEEDS.get(cleaned.get("edit"), ()):
            if cleaned.get(name) in (None, "", []):
                self.add_error(name, gettext_lazy("This is needed for that change."))
        return cleaned


class BoardChanged(Exception):
    """The board changed under the facilitator's change; the message says so plainly."""


def revision_of(report: WorkshopReport) -> str:
    changed = report.themes_changed_at
    return changed.isoformat() if changed else ""


@door(get=Action.RUN_WORKSHOP, post=Action.RUN_WORKSHOP, find=find_workshop)
def themes(request, workshop):
    """The affinity board: the facilitator's review of the themes found in the table notes."""
    notes = {n.id: n for n in services.harvest_notes(workshop)}
    if request.method == "POST":
        _change(request, workshop, notes)
        key = request.POST.get("question", "")
        anchor = f"#q-{key}" if key.isalnum() else ""
        return redirect(reverse("reports:themes", args=[workshop.slug]) + anchor)
    report = services.report_of(workshop)
    context = {
        "workshop": workshop,
        "coalition": workshop.coalition,
        "report": report,
        "revision": revision_of(report),
        "questions": board(report, notes, workshop),
        "has_notes": bool(notes),
    }
    return render(request, "reports/themes.html", context)


def _change(request, workshop, notes) -> None:
    form = BoardEditForm(request.POST, note_ids=list(notes))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return
    args = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])}
    try:
        done = apply_change(services.report_for(workshop), **args)
    except BoardChanged as changed:
        messages.error(request, str(changed))
    else:
        messages.success(request, done)


@transaction.atomic
def apply_change(report: WorkshopReport, *, question: str, edit: str, **args) -> str:
    """Apply one change under the report's row lock; returns what was done, in words."""
    report = WorkshopReport.objects.select_for_update().get(pk=report.pk)
    revision = args.pop("revision", None)
    if revision is not None and revision != revision_of(report):
        raise BoardChanged(
            _(
                "Someone else changed these themes a moment ago. The board now shows their "
                "change; make yours again if it is still needed."
            )
        )
    if args.get("label"):  # labels live in JSON, which the clean model fields do not cover
        args["label"] = clean_text(args["label"], multiline=False)
    try:
        current = services.themes_of(report, question)
        changed, done = _apply(current, edit, args)
    except (theme_maths.ThemeError, services.ReportError, ValueError) as error:
        raise BoardChanged(
            _("That change could not be made to the board as it is now. Please try again.")
        ) from error
    report.themes["questions"][question] = [t.as_dict() for t in changed]
    report.themes["edited"] = True
    report.themes_changed_at = timezone.now()
    report.save(update_fields=["themes", "themes_changed_at"])
    return done


def _apply(current: list, edit: str, args: dict) -> tuple[list, str]:
    """The new themes, and a sentence saying what changed (read out after a drag)."""
    if edit == "move_card":
        return _move_card(current, args["note"], args["to"])
    if edit in ("move_up", "move_down"):
        return _move(current, args["theme"], -1 if edit == "move_up" else 1)
    if edit == "rename":
        changed = theme_maths.rename(current, args["theme"], args["label"])
        return changed, _("Renamed to “%(label)s”.") % {"label": _label(changed, args["theme"])}
    if edit == "merge":
        changed = theme_maths.merge(current, args["into"], args["theme"])
        return changed, _("Merged into “%(label)s”.") % {"label": _label(changed, args["into"])}
    if edit == "split":
        label = args.get("label") or _("New theme")
        changed = theme_maths.split(current, args["theme"], args["notes"], label=label)
        return changed, _("Made the new theme “%(label)s”.") % {"label": label}
    for note in args["notes"]:  # move_notes
        current = theme_maths.move_note(current, note, args["into"])
    return current, _("Moved to “%(label)s”.") % {"label": _label(current, args["into"])}


def _move_card(current: list, note: int, to: str) -> tuple[list, str]:
    if to == NEW:
        changed = theme_maths.new_theme(current, note, _("New theme"))
        return changed, _("Made a new theme with the note; give it a name.")
    changed = theme_maths.move_note(current, note, int(to))
    return changed, _("Moved to “%(label)s”.") % {"label": _label(changed, int(to))}


def _move(current: list, theme_id: int, step: int) -> tuple[list, str]:
    order = [t.id for t in current]
    i = order.index(theme_id)  # ValueError: no such theme, answered as a stale board
    j = i + step
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    changed = theme_maths.reorder(current, order)
    return changed, _("“%(label)s” is now theme %(n)s.") % {
        "label": _label(changed, theme_id),
        "n": order.index(theme_id) + 1,
    }


def _label(themes: list, theme_id: int) -> str:
    return next(t.label for t in themes if t.id == theme_id)


def board(report: WorkshopReport, notes: dict, workshop) -> list[dict]:
    """Each question's columns as the template shows them, in the report's order."""
    titles = {
        str(q.pk): q.text for item in workshop.agenda_items.all() for q in item.questions.all()
    }
    view = []
    for key, found in report.themes.get("questions", {}).items():
        columns = [_column(theme, notes) for theme in found]
        view.append(
            {
                "key": key,
                "title": titles.get(key, _("Notes without a question")),
                "themes": columns,
                "unclear": any(t.get("confidence") == theme_maths.NONE for t in found),
            }
        )
    return view


def _column(theme: dict, notes: dict) -> dict:
    level = theme.get("confidence")
    suggested = level in (theme_maths.CLEAR, theme_maths.LOOSE)
    return {
        **theme,
        "notes": [notes[n] for n in theme["note_ids"] if n in notes],
        "badge": _("Suggested: %(confidence)s") % {"confidence": confidence_label(level)}
        if suggested
        else "",
    }


@door(post=Action.RUN_WORKSHOP, find=find_workshop)
def find_themes(request, workshop):
    if not services.harvest_notes(workshop):
        messages.error(request, _("There are no table notes to group yet."))
        return redirect("reports:themes", workshop.slug)
    report = services.report_of(workshop)
    if report.themes and not confirmed(request):
        return _ask_before_finding_again(request, workshop, report)
    job = start_job(
        kind="reports.themes",
        fingerprint=f"workshop:{workshop.pk}:themes:{fingerprint(workshop)}",
        title=_("Finding themes in the notes of “%(title)s”") % {"title": workshop.title},
        subject=workshop,
        action=Action.RUN_WORKSHOP,
        params={"workshop": workshop.pk, "next": reverse("reports:themes", args=[workshop.slug])},
        user=request.user,
        reuse=False,
    )
    return redirect(job)


def _ask_before_finding_again(request, workshop, report):
    if report.themes.get("edited"):
        lost = _(
            "Your changes to the themes (new names, merged or split themes, notes moved "
            "between themes) are replaced by what is found in the notes now."
        )
    else:
        lost = _("The themes shown now are replaced by what is found in the notes now.")
    question = Question(
        title=_("Find the themes again?"),
        losses=[lost],
        stays=[_("The table notes themselves do not change.")],
        yes=_("Yes, find the themes again"),
        cancel_url=reverse("reports:themes", args=[workshop.slug]),
    )
    return ask_first(request, question, {"workshop": workshop, "coalition": workshop.coalition})

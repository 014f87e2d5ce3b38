"""Changes to a workshop's report: finding and editing themes, drafting, publishing."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.cafe.models import Note
from coproduce.coalitions.permissions import Action, can
from coproduce.core.text import clean_text
from coproduce.webhooks import events as webhook_events
from coproduce.workshops import emails as workshop_emails
from coproduce.workshops.models import Registration, Workshop

from . import themes as theme_maths
from .models import ReportVersion, WorkshopReport
from .theme_method import method_of

NO_QUESTION = "none"


class ReportError(Exception):
    """Something the organiser must fix; the message says what."""


def report_for(workshop: Workshop) -> WorkshopReport:
    """The workshop's report, created the first time something is written to it."""
    report, _created = WorkshopReport.objects.get_or_create(workshop=workshop)
    return report


def report_of(workshop: Workshop) -> WorkshopReport:
    """The workshop's report for reading: an unsaved, empty one when there is none yet, so a
    page that only shows it writes nothing."""
    return WorkshopReport.objects.filter(workshop=workshop).first() or WorkshopReport(
        workshop=workshop
    )


# Themes ---------------------------------------------------------------------------------------


def harvest_notes(workshop: Workshop) -> list[theme_maths.Note]:
    rows = Note.objects.filter(cafe__agenda_item__workshop=workshop).values_list(
        "pk", "text", "question_id"
    )
    return [theme_maths.Note(pk, text, question) for pk, text, question in rows if text.strip()]


def find_themes(report: WorkshopReport, *, seed: int = 0) -> dict:
    """Group the café's notes into themes, question by question, replacing earlier themes."""
    notes = harvest_notes(report.workshop)
    result = theme_maths.find_themes(
        notes, seed=seed, by_question=True, question_names=question_names(report.workshop)
    )
    questions: dict[str, list[dict]] = {}
    for theme in result.themes:
        key = str(theme.question_id) if theme.question_id is not None else NO_QUESTION
        questions.setdefault(key, []).append(theme.as_dict())
    report.themes = {
        "questions": questions,
        "method": method_of(result),  # as worded when found; reports word it anew
        "blank_notes": len(result.ignored_ids),
        "given": any(g.chosen_by == "given" for g in result.groups),
        "edited": False,
    }
    report.themes_found_at = report.themes_changed_at = timezone.now()
    report.save(update_fields=["themes", "themes_found_at", "themes_changed_at"])
    return {"themes": len(result.themes), "notes": len(notes)}


def question_names(workshop: Workshop) -> dict:
    """Each café question's text by id: a column of notes without clear themes is named so."""
    names: dict = {None: _("Notes without a question")}
    for item in workshop.agenda_items.prefetch_related("questions"):
        names.update({q.pk: q.text for q in item.questions.all()})
    return names


def ensure_themes(report: WorkshopReport) -> None:
    """Find themes once if the café has notes and nobody has yet. Slow the first time (the
    maths loads scikit-learn), so only the worker and the command line call it."""
    if not report.themes and harvest_notes(report.workshop):
        find_themes(report)


def note_themes(cafe) -> dict[int, str]:
    """Each note's theme label, for the café's harvest spreadsheet (empty before themes exist)."""
    report = WorkshopReport.objects.filter(workshop_id=cafe.agenda_item.workshop_id).first()
    labels: dict[int, str] = {}
    for raw_themes in (report.themes.get("questions", {}) if report else {}).values():
        for raw in raw_themes:
            theme = theme_maths.Theme.from_dict(raw)
            labels.update({note_id: theme.label for note_id in theme.note_ids})
    return labels


def themes_of(report: WorkshopReport, question_key: str) -> list[theme_maths.Theme]:
    raw = report.themes.get("questions", {}).get(question_key)
    if raw is None:
        raise ReportError(_("There are no themes for that question."))
    return [theme_maths.Theme.from_dict(t) for t in raw]


@transaction.atomic
def edit_themes(report: WorkshopReport, question_key: str, edit: str, **args) -> None:
    """Apply one facilitator edit to one question's themes (see themes/editing.py for each)."""
    report = WorkshopReport.objects.select_for_update().get(pk=report.pk)
    if args.get("label"):  # labels live in JSON, which the clean model fields do not cover
        args["label"] = clean_text(args["label"], multiline=False)
    current = themes_of(report, question_key)
    try:
        changed = _apply(current, edit, args)
    except theme_maths.ThemeError as error:
        raise ReportError(str(error)) from error
    report.themes["questions"][question_key] = [t.as_dict() for t in changed]
    report.themes["edited"] = True
    report.themes_changed_at = timezone.now()
    report.save(update_fields=["themes", "themes_changed_at"])


def _apply(current, edit: str, args: dict):
    if edit == "rename":
        return theme_maths.rename(current, args["theme"], args["label"])
    if edit == "merge":
        return theme_maths.merge(current, args["into"], args["theme"])
    if edit == "split":
        return theme_maths.split(
            current, args["theme"], args["notes"], label=args.get("label") or None
        )
    if edit == "move_notes":
        for note in args["notes"]:
            current = theme_maths.move_note(current, note, args["into"])
        return current
    if edit in ("move_up", "move_down"):
        order = [t.id for t in current]
        i = order.index(args["theme"]) if args["theme"] in order else -1
        j = i - 1 if edit == "move_up" else i + 1
        if i < 0 or not 0 <= j < len(order):
            return current
        order[i], order[j] = order[j], order[i]
        return theme_maths.reorder(current, order)
    raise ReportError(_("Unknown edit."))


# Versions -------------------------------------------------------------------------------------


def draft_preview(report: WorkshopReport, user=None) -> ReportVersion:
    """The version being edited, or the next draft as it would start (unsaved): from the last
    version's text."""
    latest = report.versions.order_by("-number").first() if report.pk else None
    if latest is not None and latest.is_draft:
        return latest
    number = (latest.number if latest else 0) + 1
    texts = dict(latest.texts) if latest else {}
    return ReportVersion(report=report, number=number, texts=texts, created_by=user)


@transaction.atomic
def draft_of(report: WorkshopReport, user=None) -> ReportVersion:
    """The version being edited, saved: a new draft starts from the last version's text.

    Two organisers saving at once must not both number a new draft "last + 1": the report's
    row is locked first, so the second waits and then finds the draft the first made."""
    _lock(report.pk)
    draft = draft_preview(report, user)
    if draft.pk is None:
        draft.save()
    return draft


def _lock(report_id: int) -> None:
    """Hold the report's row until the transaction ends (PostgreSQL; SQLite's transactions
    here begin IMMEDIATE, which already serialises writers)."""
    list(WorkshopReport.objects.select_for_update().filter(pk=report_id).values_list("pk"))


def save_texts(version: ReportVersion, texts: dict[str, str]) -> None:
    if not version.is_draft:
        raise ReportError(_("A published version cannot change; edit the new draft instead."))
    # Kept in JSON, which the clean model fields do not cover: cleaned here.
    cleaned = {key: clean_text(value) for key, value in texts.items()}
    version.texts = {key: value for key, value in cleaned.items() if value.strip()}
    version.save(update_fields=["texts", "updated_at"])


@transaction.atomic
def publish(
    version: ReportVersion, *, visibility: str, html: str, language: str | None = None
) -> ReportVersion:
    """Publish the draft as it reads now; it stays readable as it was after later versions.

    Read again under the report's lock: of two organisers publishing the same draft at once,
    the second is told it is already published, and a draft started meanwhile waits."""
    _lock(version.report_id)
    version.refresh_from_db(fields=["published_at"])
    if not version.is_draft:
        raise ReportError(_("This version is already published."))
    version.visibility = visibility
    version.language = language or version.language
    version.snapshot_html = html
    version.published_at = timezone.now()
    version.save(
        update_fields=["visibility", "language", "snapshot_html", "published_at", "updated_at"]
    )
    tell_registrants(version)
    webhook_events.report_published(version)
    return version


def tell_registrants(version: ReportVersion) -> int:
    """Email those who asked at registration, and who may read this version, that it is out."""
    workshop = version.report.workshop
    asked = Registration.objects.filter(
        workshop=workshop,
        status=Registration.Status.REGISTERED,
        wants_report=True,
        person__isnull=False,
    ).select_related("person", "workshop")
    readers = [r for r in asked if can(r.person, Action.VIEW, version)]
    path = reverse("reports:version", args=[workshop.slug, version.number])
    return workshop_emails.send_report_published(readers, path)

"""How assessments change: created, rounds opened and closed, a promise declared, answers saved.

Every write goes through here, so the rules (items frozen per round, one response per person
or guest per round, scores 0..4, notes cleaned and bounded) hold whoever writes: a page, the
demo or a test.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from coproduce.charters.frameworks import framework as built_in
from coproduce.charters.models import Charter, Version
from coproduce.core.text import clean_text
from coproduce.library.labels import IAP2, LADDER
from coproduce.people.sectors import Sector

from .models import EVIDENCE_MAX, NOTE_MAX, Assessment, Response, Round, Scale, pack

LEVELS = {Scale.LADDER: LADDER, Scale.IAP2: IAP2}


class AssessmentError(Exception):
    """A change that cannot be made, with a message for the person who asked."""


def levels_of(scale: str) -> list[str]:
    """The keys of a scale's levels, lowest first (empty for no scale)."""
    return list(LEVELS.get(scale, {}))


# --- items -----------------------------------------------------------------------------------


def framework_items(key: str) -> list[dict]:
    """A built-in framework's items, frozen in English (the pages translate them back)."""
    found = built_in(key)
    if found is None:
        raise AssessmentError(_("There is no such framework."))
    with override("en"):
        return [
            {"id": i.key, "title": str(i.title), "meaning": str(i.meaning), "asks": str(i.asks)}
            for i in found.items
        ]


def latest_published(charter: Charter) -> Version | None:
    return charter.versions.filter(published_at__isnull=False).order_by("-number").first()


def version_items(version: Version) -> list[dict]:
    """A published version's principles. An item keeps the draft principle's id across
    versions, so the same principle is compared between rounds even if its wording changed."""
    items = []
    for index, principle in enumerate(version.principles, start=1):
        origin = principle.get("principle")
        key = f"p{origin}" if origin else f"v{version.pk}-{index}"
        items.append(
            {
                "id": key,
                "title": str(principle.get("title", "")),
                "meaning": str(principle.get("meaning", "")),
                "asks": str(principle.get("asks", "")),
            }
        )
    return items


def _items_now(assessment: Assessment) -> tuple[list[dict], Version | None]:
    if assessment.framework:
        return framework_items(assessment.framework), None
    if assessment.charter is None:
        raise AssessmentError(_("The charter this assessment used is gone."))
    version = latest_published(assessment.charter)
    if version is None:
        raise AssessmentError(_("The charter has no published version to assess against."))
    return version_items(version), version


# --- assessments and rounds ------------------------------------------------------------------


@transaction.atomic
def create_assessment(
    coalition,
    *,
    title: str,
    framework: str = "",
    charter: Charter | None = None,
    workshop=None,
    author=None,
) -> Assessment:
    """A new assessment with its first round open."""
    if bool(framework) == (charter is not None):
        raise AssessmentError(_("Choose a framework or a published charter."))
    if charter is not None and charter.coalition_id != coalition.pk:
        raise AssessmentError(_("Choose one of this coalition's charters."))
    if workshop is not None and workshop.coalition_id != coalition.pk:
        raise AssessmentError(_("Choose one of this coalition's workshops."))
    credit = ""
    if framework:
        found = built_in(framework)
        with override("en"):  # kept in English; the pages translate it back
            credit = str(found.credit) if found else ""
    assessment = Assessment.objects.create(
        coalition=coalition,
        title=clean_text(title, multiline=False)[:200],
        framework=framework,
        charter=charter,
        credit=credit,
        workshop=workshop,
        created_by=author if getattr(author, "is_authenticated", False) else None,
    )
    items, version = _items_now(assessment)
    Round.objects.create(assessment=assessment, number=1, items=items, version=version)
    return assessment


def latest_round(assessment: Assessment) -> Round:
    return assessment.rounds.order_by("-number").first()


def close_round(assessment: Assessment) -> Round:
    current = latest_round(assessment)
    if current.is_open:
        current.closed_at = timezone.now()
        current.save(update_fields=["closed_at"])
    return current


def reopen_round(assessment: Assessment) -> Round:
    current = latest_round(assessment)
    if not current.is_open:
        current.closed_at = None
        current.save(update_fields=["closed_at"])
    return current


@transaction.atomic
def new_round(assessment: Assessment) -> Round:
    """Close the current round and open the next, with the items as they are now. The
    assessment's row is locked first, so two clicks at once make two rounds one after the
    other instead of the same round number twice."""
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    current = close_round(assessment)
    items, version = _items_now(assessment)
    return Round.objects.create(
        assessment=assessment, number=current.number + 1, items=items, version=version
    )


def set_promise(assessment: Assessment, scale: str, level: str) -> Assessment:
    if scale not in Scale.values:
        raise AssessmentError(_("Choose the ladder, the spectrum or no promise."))
    if scale and level not in levels_of(scale):
        raise AssessmentError(_("Choose a level of that scale."))
    assessment.scale, assessment.promised = scale, level if scale else ""
    assessment.save(update_fields=["scale", "promised"])
    return assessment


# --- answers ---------------------------------------------------------------------------------


def clean_scores(round_: Round, scores: dict) -> dict:
    """{item id: 0..4 or None} for every item of the round; refuses unknown items and any
    score outside 0..4, naming the item."""
    titles = {item["id"]: item["title"] for item in round_.items}
    unknown = set(scores) - set(titles)
    if unknown:
        raise ValidationError(_("That item is not part of this round."))
    cleaned = {}
    for item_id, title in titles.items():
        value = scores.get(item_id)
        if value in (None, ""):
            cleaned[item_id] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number < 0 or number > 4 or str(number) != str(value).strip():
            raise ValidationError(
                _("“%(item)s”: choose a score from 0 to 4, or leave it out.") % {"item": title}
            )
        cleaned[item_id] = number
    return cleaned


def clean_notes(round_: Round, notes: dict) -> dict:
    """{item id: {"note", "evidence"}} for the items that have either, cleaned and bounded."""
    titles = {item["id"]: item["title"] for item in round_.items}
    cleaned = {}
    for item_id, given in notes.items():
        if item_id not in titles:
            continue
        note = clean_text(str(given.get("note", "") or "")).strip()
        evidence = clean_text(str(given.get("evidence", "") or ""), multiline=False).strip()
        named = {"item": titles[item_id]}
        if len(note) > NOTE_MAX:
            raise ValidationError(
                _("“%(item)s”: a note can be at most %(max)s characters.")
                % {**named, "max": NOTE_MAX}
            )
        if len(evidence) > EVIDENCE_MAX or (
            evidence and not evidence.lower().startswith(("http://", "https://"))
        ):
            raise ValidationError(
                _("“%(item)s”: an evidence link starts with https:// or http://.") % named
            )
        if note or evidence:
            cleaned[item_id] = {"note": note, "evidence": evidence}
    return cleaned


def _lock_open(round_: Round) -> None:
    """Lock the round's row and refuse if it closed since it was read."""
    found = Round.objects.select_for_update().filter(pk=round_.pk)
    closed = list(found.values_list("closed_at", flat=True))
    if not closed or closed[0] is not None:
        raise AssessmentError(_("This round is closed: answers can no longer be changed."))


def response_of(round_: Round, *, person=None, guest=None) -> Response | None:
    if person is not None and getattr(person, "is_authenticated", False):
        return round_.responses.filter(person=person).first()
    if guest is not None:
        return round_.responses.filter(guest=guest).first()
    return None


def save_response(
    round_: Round,
    *,
    person=None,
    guest=None,
    sector: str,
    scores: dict,
    notes: dict | None = None,
    experienced: str = "",
    organisation: str = "",
    is_sample: bool = False,
) -> Response:
    """Create or change this person's (or guest's) answers for the round. The round's row is
    locked while the answers are written, so a round closed (or followed by a new one) a
    moment ago is seen as closed, never written to after."""
    if person is None and guest is None:
        raise AssessmentError(_("Answers need someone to belong to."))
    if sector not in Sector.values:
        raise ValidationError(_("Choose a sector, or “Prefer not to say”."))
    scale = round_.assessment.scale
    if experienced and experienced not in levels_of(scale):
        raise ValidationError(_("Choose one of the levels listed."))
    cleaned = clean_scores(round_, scores)
    values = {
        "sector": sector,
        "scores": cleaned,
        "packed": pack(round_.item_ids, cleaned),
        "notes": clean_notes(round_, notes or {}),
        "experienced": experienced,
        "organisation": clean_text(organisation or "", multiline=False).strip()[:200],
        "is_sample": is_sample,
        "updated_at": timezone.now(),
    }
    who = {"person": person} if person is not None else {"guest": guest}
    try:
        with transaction.atomic():
            _lock_open(round_)
            response, _created = Response.objects.update_or_create(
                round=round_, **who, defaults=values
            )
    except IntegrityError:  # two tabs saving at once: the other one's row exists now
        with transaction.atomic():
            _lock_open(round_)
            response = Response.objects.get(round=round_, **who)
            for name, value in values.items():
                setattr(response, name, value)
            response.save()
    return response

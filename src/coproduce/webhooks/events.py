"""The events a webhook may ask for, and the payloads the other apps emit.

Payloads hold ids, names, addresses and counts: what an organiser sees, never who registered.
"""

from django.conf import settings
from django.db.models import Count

from .names import ACTION_UPDATED, REGISTRATION, REPORT_PUBLISHED, VOTES_THRESHOLD
from .services import emit

VOTE_THRESHOLDS = (100, 1000, 10000)


def _link(path: str) -> str:
    return settings.SITE_URL + path


def registration(registration) -> None:
    """A place was taken: the workshop and its registrations counted by sector (counted after
    the registration is committed, and only for a coalition with a webhook that wants it)."""
    workshop = registration.workshop

    def payload() -> dict:
        counts = dict(
            workshop.registrations.filter(status="registered")
            .values_list("sector")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {
            "workshop": {
                "id": workshop.pk,
                "title": workshop.title,
                "url": _link(workshop.get_absolute_url()),
            },
            "registered": sum(counts.values()),
            "by_sector": counts,
            "capacity": workshop.capacity,
        }

    emit(workshop.coalition, REGISTRATION, payload)


def report_published(version) -> None:
    report = version.report
    workshop = report.workshop
    emit(
        workshop.coalition,
        REPORT_PUBLISHED,
        {
            "report": {"id": report.pk, "version": version.number},
            "visibility": version.visibility,
            "language": version.language,
            "workshop": {
                "id": workshop.pk,
                "title": workshop.title,
                "url": _link(workshop.get_absolute_url()),
            },
            "published_at": version.published_at.isoformat() if version.published_at else None,
        },
    )


def action_updated(update) -> None:
    action = update.action
    emit(
        action.coalition,
        ACTION_UPDATED,
        {
            "action": {
                "id": action.pk,
                "title": action.title,
                "status": action.status,
                "progress": action.progress,
            },
            "update": {"id": update.pk, "written_at": update.written_at.isoformat()},
        },
    )


def votes_counted(conversation, votes: int) -> None:
    """The map was recomputed from `votes` votes: tell of each threshold reached that was not
    told before. Each is claimed on the conversation's row first (`threshold_told`), so two
    recomputes finishing together tell it once."""
    for threshold in VOTE_THRESHOLDS:
        if votes < threshold:
            break
        claimed = type(conversation)._default_manager.filter(
            pk=conversation.pk, threshold_told__lt=threshold
        )
        if claimed.update(threshold_told=threshold) != 1:
            continue
        emit(
            conversation.coalition,
            VOTES_THRESHOLD,
            {
                "conversation": {
                    "id": conversation.pk,
                    "question": conversation.question,
                    "url": _link(conversation.get_absolute_url()),
                },
                "threshold": threshold,
                "votes": votes,
            },
        )

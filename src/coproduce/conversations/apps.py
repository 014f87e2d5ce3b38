from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "coproduce.conversations"
    label = "conversations"
    verbose_name = _("Conversations and opinion maps")

    def ready(self) -> None:
        from coproduce.workshops.demo import register_demo_step

        from .demo import demo_conversation

        register_demo_step(demo_conversation)
        from coproduce.coalitions.sections import register_section
        from coproduce.jobs.registry import register
        from coproduce.workshops.sections import register_workshop_section

        from . import jobs, rules, sections  # noqa: F401  (rules: who may take part)

        register("conversations.export", jobs.export_job)
        register_section(
            "conversations", "conversations/coalition_section.html", sections.coalition_section, 20
        )
        register_workshop_section(
            "conversations", "conversations/workshop_section.html", sections.workshop_section, 30
        )
        from coproduce.core.codes import register_code_source

        register_code_source("conversations", _live_conversation_codes)


def _live_conversation_codes(candidates) -> set[str]:
    """Which of these codes let someone join a conversation now (until it closes)."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import Conversation

    open_now = Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now())
    live = Conversation.objects.filter(open_now, join_code__in=list(candidates))
    return set(live.values_list("join_code", flat=True))

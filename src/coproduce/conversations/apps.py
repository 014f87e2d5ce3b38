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
        from coproduce.coalitions.panels import register_panel
        from coproduce.jobs.registry import register
        from coproduce.workshops.panels import register_workshop_panel

        from . import jobs, panels, rules  # noqa: F401  (rules: who may take part)

        register("conversations.export", jobs.export_job)
        register_panel(
            "conversations", "conversations/coalition_panel.html", panels.coalition_panel, 20
        )
        register_workshop_panel(
            "conversations", "conversations/workshop_panel.html", panels.workshop_panel, 30
        )
        from coproduce.core.codes import register_code_destination, register_code_source

        register_code_source("conversations", _live_conversation_codes)
        register_code_destination("conversations", _conversation_join_page)


def _live_conversation_codes(candidates) -> set[str]:
    """Which of these codes let someone join a conversation now (until it closes)."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import Conversation

    open_now = Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now())
    live = Conversation.objects.filter(open_now, join_code__in=list(candidates))
    return set(live.values_list("join_code", flat=True))


def _conversation_join_page(code: str) -> str | None:
    """The join page of the conversation with this code, for the home page's one code box."""
    from django.urls import reverse

    from .models import Conversation

    if Conversation.objects.filter(join_code=code).exists():
        return reverse("conversations:join", args=[code])
    return None

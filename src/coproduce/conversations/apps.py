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

        from . import jobs, sections

        register("conversations.export", jobs.export_job)
        register_section(
            "conversations", "conversations/coalition_section.html", sections.coalition_section, 20
        )
        register_workshop_section(
            "conversations", "conversations/workshop_section.html", sections.workshop_section, 30
        )

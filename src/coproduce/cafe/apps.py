from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CafeConfig(AppConfig):
    name = "coproduce.cafe"
    label = "cafe"
    verbose_name = _("World Café")

    def ready(self) -> None:
        from coproduce.workshops.demo import register_demo_step

        from .demo import demo_cafe

        register_demo_step(demo_cafe)
        from coproduce.jobs.registry import register
        from coproduce.workshops.sections import register_workshop_section
        from coproduce.workshops.signals import registration_cancelled

        from . import (
            jobs,
            rules,  # noqa: F401  (registers who may see a café and write its notes)
            sections,
        )
        from .access import rotate_keys

        registration_cancelled.connect(rotate_keys, dispatch_uid="cafe.rotate_keys")
        register("cafe.plan", jobs.plan_job)
        register("cafe.printables", jobs.printables_job)
        register_workshop_section(
            "cafe", "cafe/workshop_section.html", sections.workshop_section, 20
        )

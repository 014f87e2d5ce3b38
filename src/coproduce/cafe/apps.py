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
        from django.db.models.signals import post_save

        from coproduce.jobs.registry import register
        from coproduce.workshops.panels import register_workshop_panel
        from coproduce.workshops.signals import registration_cancelled

        from . import jobs, panels, polled, rules  # noqa: F401  (rules: who may see a café, write notes)
        from .access import rotate_keys
        from .models import Cafe

        registration_cancelled.connect(rotate_keys, dispatch_uid="cafe.rotate_keys")
        post_save.connect(polled.forget, sender=Cafe, dispatch_uid="cafe.polled.forget")
        register("cafe.plan", jobs.plan_job)
        register("cafe.printables", jobs.printables_job)
        register_workshop_panel("cafe", "cafe/workshop_panel.html", panels.workshop_panel, 20)
        register_workshop_panel("cafe_now", "cafe/workshop_now.html", panels.participant_now, 5)

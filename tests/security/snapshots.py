"""Everything a request could change, read back so two moments can be compared."""

from django.apps import apps

APPS = (
    "people",
    "coalitions",
    "workshops",
    "cafe",
    "conversations",
    "reports",
    "jobs",
    "library",
    "charters",
    "assessments",
    "plans",
    "strategies",
    "webhooks",
    "opendata",
)
# Set by logging in, which the test does itself before each request.
IGNORED = {("people", "person"): {"last_login"}}


def snapshot() -> dict[str, list]:
    """Every row of every Coproduce table, in key order."""
    state = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            ignored = IGNORED.get((label, model._meta.model_name), set())
            names = [f.attname for f in model._meta.concrete_fields if f.name not in ignored]
            rows = model.objects.order_by("pk").values_list(*names)
            state[model._meta.label] = list(rows)
            for through in _many_to_many(model):
                key = through._meta.label
                state[key] = list(through.objects.order_by("pk").values_list())
    return state


def _many_to_many(model):
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        if through._meta.auto_created:
            yield through

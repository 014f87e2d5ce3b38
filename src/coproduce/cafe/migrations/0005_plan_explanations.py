"""The seating plan's explanation lines were stored under "notes" in `Cafe.plan_metrics`, a word
that also names table notes: move them to "explanations", as the seating engine now writes."""

from django.db import migrations


def _rename_key(apps, old: str, new: str) -> None:
    Cafe = apps.get_model("cafe", "Cafe")
    for cafe in Cafe.objects.filter(plan_metrics__has_key=old).only("plan_metrics").iterator():
        metrics = dict(cafe.plan_metrics)
        metrics[new] = metrics.pop(old)
        cafe.plan_metrics = metrics
        cafe.save(update_fields=["plan_metrics"])


def notes_to_explanations(apps, schema_editor):
    _rename_key(apps, "notes", "explanations")


def explanations_to_notes(apps, schema_editor):
    _rename_key(apps, "explanations", "notes")


class Migration(migrations.Migration):
    dependencies = [
        ("cafe", "0004_rename_version_to_revision"),
    ]

    operations = [
        migrations.RunPython(notes_to_explanations, explanations_to_notes),
    ]

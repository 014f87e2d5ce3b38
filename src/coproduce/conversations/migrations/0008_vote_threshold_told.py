from django.db import migrations, models
from django.db.models import Case, Value, When

# The thresholds webhooks/events.py tells of, as they were when this ran.
THRESHOLDS = (10000, 1000, 100)


def already_told(apps, schema_editor):
    """A conversation whose map had passed a threshold before this field existed was told of it
    then (or had nobody to tell): don't tell it again at its next map."""
    Conversation = apps.get_model("conversations", "Conversation")
    Conversation.objects.filter(map_votes__gte=min(THRESHOLDS)).update(
        threshold_told=Case(
            *(When(map_votes__gte=t, then=Value(t)) for t in THRESHOLDS), default=Value(0)
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0007_vote_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="threshold_told",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(already_told, migrations.RunPython.noop),
    ]

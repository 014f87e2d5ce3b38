"""The round's clock (minutes added or taken away, pauses) and a minute's undo of starting a
round or closing the café."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cafe", "0006_note_history_and_sending_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="cafe",
            name="extra_seconds",
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name="cafe",
            name="paused_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="cafe",
            name="paused_seconds",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="cafe",
            name="undo",
            field=models.JSONField(blank=True, null=True),
        ),
    ]

import django.utils.timezone
from django.db import migrations, models


def from_created(apps, schema_editor):
    """Existing coalitions last changed, as far as anyone knows, when they were created."""
    Coalition = apps.get_model("coalitions", "Coalition")
    Coalition.objects.update(updated_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("coalitions", "0007_coalition_time_zone")]

    operations = [
        migrations.AddField(
            model_name="coalition",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(from_created, migrations.RunPython.noop),
    ]

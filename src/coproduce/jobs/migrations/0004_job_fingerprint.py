from django.db import migrations, models


class Migration(migrations.Migration):
    """A job's `key` is its fingerprint: what it is about and which state of it."""

    dependencies = [("jobs", "0003_clean_text")]

    operations = [
        migrations.RemoveIndex(model_name="job", name="jobs_job_key_7b0861_idx"),
        migrations.RenameField("job", "key", "fingerprint"),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["fingerprint", "status"], name="jobs_job_fingerp_403cbc_idx"),
        ),
    ]

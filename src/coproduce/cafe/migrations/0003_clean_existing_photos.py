"""Photos stored before uploads were cleaned still carry their metadata (GPS position, phone
model) and their uploaded names: re-encode each one as a clean JPEG under a random name."""

import logging

from django.db import migrations

logger = logging.getLogger("coproduce.cafe")


def clean_existing_photos(apps, schema_editor):
    from coproduce.core.uploads import ImageRefused, clean_image

    Note = apps.get_model("cafe", "Note")
    for note in Note.objects.exclude(photo="").iterator():
        old = note.photo.name
        try:
            with note.photo.open("rb") as stored:
                cleaned = clean_image(stored)
        except (OSError, ImageRefused) as error:
            # Unreadable or not an image: keep no file rather than one that may be unsafe.
            logger.warning("Removing the photo of note %s (%s): %s", note.pk, old, error)
            note.photo = ""
        else:
            note.photo.save(cleaned.name, cleaned, save=False)
        note.save(update_fields=["photo"])
        Note._meta.get_field("photo").storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [("cafe", "0002_clean_text")]

    operations = [migrations.RunPython(clean_existing_photos, migrations.RunPython.noop)]

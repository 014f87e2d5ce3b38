"""A facet row's entry is indexed once, by (entry, name): the foreign key's own index on entry
alone repeated it, and each of an import's million facet rows paid for both."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0005_common_words"),
    ]

    operations = [
        migrations.AlterField(
            model_name="facet",
            name="entry",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="facets",
                to="library.entry",
            ),
        ),
    ]

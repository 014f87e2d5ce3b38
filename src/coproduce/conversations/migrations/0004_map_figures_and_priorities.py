"""The figures and the routing priorities the worker now stores beside each map, filled in for
maps made before: the pages read them instead of counting votes or loading the map."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def _figures(conversation, Vote) -> dict:
    # As conversations.selectors.figures counted them when this migration was written.
    votes = conversation.votes.filter(statement__status="accepted")
    voters = votes.values("voter").distinct().count()
    n_votes = votes.count()
    writers = conversation.statements.filter(author__isnull=False).values("author").distinct()
    n_writers = writers.count()
    clustered = conversation.map_data.get("participation", {}).get("clustered", 0)
    return {
        "visitors": conversation.voters.count(),
        "voters": voters,
        "votes": n_votes,
        "statements": conversation.statements.filter(status="accepted").count(),
        "statements_total": conversation.statements.count(),
        "statements_voted_on": conversation.statements.filter(
            Exists(Vote.objects.filter(statement=OuterRef("pk")))
        ).count(),
        "writers": n_writers,
        "votes_per_voter": n_votes / voters if voters else 0.0,
        "share_writing": n_writers / voters if voters else 0.0,
        "clustered": clustered,
        "share_clustered": clustered / voters if voters else 0.0,
    }


def fill_in(apps, schema_editor):
    Conversation = apps.get_model("conversations", "Conversation")
    Vote = apps.get_model("conversations", "Vote")
    for conversation in Conversation.objects.filter(map_data__isnull=False).defer("map_state"):
        conversation.map_priorities = {
            str(s["id"]): s["priority"] for s in conversation.map_data.get("statements", [])
        }
        conversation.map_figures = _figures(conversation, Vote)
        conversation.save(update_fields=["map_priorities", "map_figures"])


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0003_clean_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="map_figures",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="conversation",
            name="map_priorities",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]

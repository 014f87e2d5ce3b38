"""The facet values of entries, kept in their own table for counting (see models.Facet).

Multi-value fields give one row per value; the year is counted by decade ("2010" stands for
2010-2019), which keeps the list short enough to read.
"""

from . import bulk, generation
from .models import Entry, Facet

# Facet name -> how to read its values off an entry. The order is the order on the page.
FACETS = {
    "kind": lambda entry: [entry.kind],
    "country": lambda entry: [entry.country] if entry.country else [],
    "city": lambda entry: [entry.city] if entry.city else [],
    "issue": lambda entry: list(entry.issues),
    "iap2": lambda entry: [entry.iap2_level] if entry.iap2_level else [],
    "four_cos": lambda entry: list(entry.four_cos),
    "mode": lambda entry: [entry.mode] if entry.mode else [],
    "decade": lambda entry: [str(entry.start_year // 10 * 10)] if entry.start_year else [],
}
VALUE_MAX = Facet._meta.get_field("value").max_length


def values_of(entry: Entry) -> list[tuple[str, str]]:
    found = set()
    for name, read in FACETS.items():
        for value in read(entry):
            if isinstance(value, str) and value.strip():
                found.add((name, value.strip()[:VALUE_MAX]))
    return sorted(found)


def write(entries: list[Entry]) -> None:
    """Replace the facet rows of these entries (two queries for any number of them)."""
    Facet.objects.filter(entry_id__in=[entry.pk for entry in entries]).delete()
    rows = ((entry.pk, name, value) for entry in entries for name, value in values_of(entry))
    # Plain rows (COPY or executemany): model objects for bulk_create cost four times as
    # much, and an import writes about a million of these rows.
    bulk.write(Facet._meta.db_table, ("entry_id", "name", "value"), rows)
    generation.bump()  # what searches counted is out of date

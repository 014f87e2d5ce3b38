"""Keeping the search index in step with the entries (placeholder until the search lands)."""


def update(entries) -> None:
    """Write (or rewrite) the index rows of these saved entries."""

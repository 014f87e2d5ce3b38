"""PostgreSQL's full-text indexes keep new rows in a pending list that every search reads
whole, until something files them into the index proper (search/index.py, `file_pending`):
an import does at its end, the worker's sweep does for the trickle of edits, and a role that
does not own the indexes leaves them alone rather than failing. On SQLite there is no such
list and nothing to do."""

import pytest
from django.db import connection
from library.test_common_words import entry, postgresql

from coproduce.jobs.sweep import sweep
from coproduce.library.search import index

pytestmark = pytest.mark.django_db


def pending_pages() -> int:
    """Files what is pending and says how many pages that was (0: nothing was waiting)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list('library_search_document'::regclass)"
            " + gin_clean_pending_list('library_search_title'::regclass)"
        )
        return cursor.fetchone()[0]


def test_an_edit_waits_in_the_pending_list_until_the_sweep_files_it():
    entry("Community kitchens", "Neighbours cook together on Fridays")
    if not postgresql():
        assert index.file_pending() == 0
        return
    assert index.file_pending() > 0  # the edit's rows were waiting
    assert pending_pages() == 0
    entry("Street parties", "Closed roads and long tables")
    sweep()
    assert pending_pages() == 0


def test_a_large_write_files_its_rows_when_it_refreshes_the_statistics():
    made = [entry(f"Garden {n}", f"Seeds and soil, plot {n}") for n in range(3)]
    index.update(made, analyze_after=len(made))
    if postgresql():
        assert pending_pages() == 0
    else:
        assert index.file_pending() == 0


def test_a_role_that_does_not_own_the_indexes_leaves_them_to_the_autovacuum():
    if not postgresql():
        assert index.file_pending() == 0
        return
    entry("Repair cafe", "Fixing toasters and bicycles")
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE coproduce_test_reader")  # undone with the test's transaction
        cursor.execute("SET ROLE coproduce_test_reader")
        try:
            assert index.file_pending() == 0
        finally:
            cursor.execute("RESET ROLE")
    assert pending_pages() > 0  # still waiting for its owner

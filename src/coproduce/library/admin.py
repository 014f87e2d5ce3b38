"""The library in the admin: to look things up. Entries change through the library's own pages
(library/services.py), which keep revisions, facets and the search index in step; an edit here
would bypass all three, so the admin only reads."""

from django.contrib import admin

from .models import Correction, Entry, Link


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnly):
    list_display = ["title", "kind", "country", "coalition", "status", "source", "updated_at"]
    list_filter = ["kind", "status", "source", "is_sample"]
    search_fields = ["title", "source_id"]
    raw_id_fields = ["coalition", "added_by"]


@admin.register(Correction)
class CorrectionAdmin(ReadOnly):
    list_display = ["entry", "state", "proposed_by", "created_at"]
    list_filter = ["state"]


@admin.register(Link)
class LinkAdmin(ReadOnly):
    list_display = ["entry", "coalition", "workshop", "question", "created_at"]

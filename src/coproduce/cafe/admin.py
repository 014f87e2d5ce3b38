from django.contrib import admin

from .models import Cafe, Note, Participant, Table


class TableInline(admin.TabularInline):
    model = Table
    extra = 0
    raw_id_fields = ["host", "topic"]


@admin.register(Cafe)
class CafeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "rounds", "current_round", "closed_at"]
    inlines = [TableInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "cafe", "present", "online", "immobile"]
    raw_id_fields = ["registration"]
    exclude = ["key"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cafe", "table", "round_number", "created_at"]
    list_filter = ["cafe"]
    raw_id_fields = ["table", "author", "question"]
    # Photos arrive only through the note form, which strips their metadata and re-encodes them.
    readonly_fields = ["photo"]

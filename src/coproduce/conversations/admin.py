from django.contrib import admin

from .models import Conversation, ModerationEntry, Statement


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["question", "coalition", "workshop", "created_at", "map_computed_at"]
    list_filter = ["coalition"]
    search_fields = ["question"]
    exclude = ["map_state", "map_data", "map_figures", "map_priorities"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "conversation", "status", "is_meta"]
    list_filter = ["status", "is_meta"]
    raw_id_fields = ["author", "conversation"]


@admin.register(ModerationEntry)
class ModerationEntryAdmin(admin.ModelAdmin):
    list_display = ["conversation", "actor", "action", "created_at"]
    readonly_fields = [f.name for f in ModerationEntry._meta.fields]

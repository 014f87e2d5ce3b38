from django.contrib import admin

from .models import (
    AgendaItem,
    AgendaQuestion,
    Conclusion,
    Contributor,
    DesiredOutcome,
    Registration,
    Workshop,
)


class ContributorInline(admin.TabularInline):
    model = Contributor
    extra = 0


class DesiredOutcomeInline(admin.TabularInline):
    model = DesiredOutcome
    extra = 0


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    show_change_link = True


class ConclusionInline(admin.StackedInline):
    model = Conclusion
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "coalition", "starts_at", "time_zone", "capacity", "is_sample"]
    list_filter = ["coalition", "is_sample"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["join_code"]
    inlines = [ContributorInline, DesiredOutcomeInline, AgendaItemInline, ConclusionInline]


class AgendaQuestionInline(admin.TabularInline):
    model = AgendaQuestion
    extra = 0


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "workshop", "kind", "minutes"]
    inlines = [AgendaQuestionInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["display_name", "workshop", "sector", "status", "checked_in_at", "is_sample"]
    list_filter = ["status", "sector", "is_sample"]
    search_fields = ["display_name"]
    raw_id_fields = ["person", "guest"]

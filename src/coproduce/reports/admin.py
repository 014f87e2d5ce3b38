from django.contrib import admin

from .models import ReportVersion, WorkshopReport


class VersionInline(admin.TabularInline):
    model = ReportVersion
    fields = ["number", "published_at", "visibility"]
    readonly_fields = fields
    extra = 0


@admin.register(WorkshopReport)
class WorkshopReportAdmin(admin.ModelAdmin):
    list_display = ["workshop", "themes_found_at"]
    inlines = [VersionInline]
    exclude = ["themes"]

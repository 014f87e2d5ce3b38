from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "progress", "attempts", "created_at", "finished_at"]
    list_filter = ["kind", "status", "failure"]
    readonly_fields = [f.name for f in Job._meta.fields]

from django.contrib import admin

from .models import Coalition, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(Coalition)
class CoalitionAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "visibility", "is_sample"]
    list_filter = ["visibility", "is_sample"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["city", "organisations"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["coalition", "role", "email", "expires_at", "revoked_at", "uses"]
    list_filter = ["role"]
    readonly_fields = ["token", "uses"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import City, Guest, Organisation, Person


@admin.register(Person)
class PersonAdmin(UserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "organisation", "sector", "is_staff", "is_sample"]
    list_filter = ["sector", "is_staff", "is_superuser", "is_active", "is_sample"]
    search_fields = ["full_name", "email"]
    autocomplete_fields = ["organisation", "city"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "full_name",
                    "organisation",
                    "sector",
                    "city",
                    "languages",
                    "access_needs",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "city"]
    list_filter = ["sector"]
    search_fields = ["name"]
    autocomplete_fields = ["city"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country"]
    search_fields = ["name", "country"]


@admin.register(Guest)
class GuestAdmin(admin.ModelAdmin):
    list_display = ["display_name", "sector", "created_at", "is_sample"]
    list_filter = ["sector", "is_sample"]
    search_fields = ["display_name"]
    exclude = ["key"]

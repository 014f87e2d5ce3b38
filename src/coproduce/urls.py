from django.contrib import admin
from django.urls import include, path

from coproduce.people.views import limit_admin_login

from . import mine, views

# The admin's login gets the same per-address limit as ours (django-axes covers both).
admin.site.login = limit_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("my/", mine.my_workshops, name="mine"),
    path("accounts/", include("coproduce.people.urls")),
    path("coalitions/<slug:slug>/report/", include("coproduce.reports.coalition_urls")),
    path("coalitions/<slug:coalition_slug>/webhooks/", include("coproduce.webhooks.urls")),
    path("coalitions/<slug:coalition_slug>/open-data/", include("coproduce.opendata.urls")),
    path("coalitions/", include("coproduce.coalitions.urls")),
    path("", include("coproduce.workshops.urls")),
    path("jobs/", include("coproduce.jobs.urls")),
    path("cafe/", include("coproduce.cafe.urls")),
    path("conversations/", include("coproduce.conversations.urls")),
    path("reports/", include("coproduce.reports.urls")),
    path("library/", include("coproduce.library.urls")),
    path("charters/", include("coproduce.charters.urls")),
    path("assessments/", include("coproduce.assessments.urls")),
    path("plans/", include("coproduce.plans.urls")),
    path("strategies/", include("coproduce.strategies.urls")),
    path("api/", include("coproduce.api.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

# Refusals before any view: problems (JSON) under /api/, the site's pages elsewhere.
handler400 = "coproduce.api.views.bad_request"
handler404 = "coproduce.api.views.page_not_found"

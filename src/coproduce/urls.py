from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("coproduce.people.urls")),
    path("coalitions/", include("coproduce.coalitions.urls")),
    path("", include("coproduce.workshops.urls")),
    path("jobs/", include("coproduce.jobs.urls")),
    path("cafe/", include("coproduce.cafe.urls")),
    path("conversations/", include("coproduce.conversations.urls")),
    path("reports/", include("coproduce.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

"""The coalition's report, under the coalition's own address (/coalitions/<slug>/report/), so
no workshop's short name can stand in its way."""

from django.urls import path

from . import coalition_views

app_name = "coalition_report"

urlpatterns = [
    path("", coalition_views.coalition, name="page"),
    path("download/<str:fmt>/", coalition_views.coalition_download, name="download"),
]

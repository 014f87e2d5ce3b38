from django.urls import path

from . import theme_views, views

app_name = "reports"

urlpatterns = [
    path("report.css", views.report_css, name="css"),
    path("<slug:slug>/", views.edit, name="edit"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/v/<id:number>/", views.version, name="version"),
    path(
        "<slug:slug>/v/<id:number>/download/<str:fmt>/",
        views.download_version,
        name="download_version",
    ),
    path("<slug:slug>/download/<str:fmt>/", views.download, name="download"),
    path("<slug:slug>/themes/", theme_views.themes, name="themes"),
    path("<slug:slug>/themes/find/", theme_views.find_themes, name="find_themes"),
]

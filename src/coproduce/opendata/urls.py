from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.page, name="page"),
    path("build/", views.build_now, name="build"),
    path("bundle.zip", views.download, name="download"),
]

from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("<id:job_id>/", views.detail, name="detail"),
    path("<id:job_id>/file/", views.download, name="download"),
]

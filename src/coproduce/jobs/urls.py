from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/", views.detail, name="detail"),
    path("<int:job_id>/file/", views.download, name="download"),
]

from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<id:webhook_id>/", views.webhook_detail, name="detail"),
    path("<id:webhook_id>/test/", views.send_test, name="test"),
    path("<id:webhook_id>/delete/", views.delete, name="delete"),
]

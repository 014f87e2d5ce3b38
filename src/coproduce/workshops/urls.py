from django.urls import path

from . import exports, links, views

app_name = "workshops"

urlpatterns = [
    path("join/", views.join_start, name="join_start"),
    path("join/<str:code>/", views.join, name="join"),
    path("coalitions/<slug:coalition_slug>/workshops/new/", views.workshop_create, name="create"),
    path("workshops/<slug:slug>/", views.workshop_detail, name="detail"),
    path("workshops/<slug:slug>/edit/", views.workshop_edit, name="edit"),
    path("workshops/<slug:slug>/programme/<str:part>/", views.programme, name="programme"),
    path("workshops/<slug:slug>/register/", views.register, name="register"),
    path("workshops/<slug:slug>/cancel/", views.cancel, name="cancel"),
    path("workshops/<slug:slug>/desk/", views.desk, name="desk"),
    path(
        "workshops/<slug:slug>/desk/<id:registration_id>/check-in/",
        views.check_in,
        name="check_in",
    ),
    path("workshops/<slug:slug>/desk/walk-in/", views.walk_in, name="walk_in"),
    path(
        "workshops/<slug:slug>/desk/registrations.csv",
        exports.registrations_csv,
        name="registrations_csv",
    ),
    path("registration/<str:token>/cancel/", links.cancel_by_link, name="cancel_by_link"),
    path("email/unsubscribe/<str:token>/", links.unsubscribe, name="unsubscribe"),
    path("workshops/<slug:slug>/join-code/", views.new_join_code, name="new_join_code"),
    path("workshops/<slug:slug>/calendar.ics", views.ics, name="ics"),
    path("workshops/<slug:slug>/join-qr.svg", views.join_qr, name="join_qr"),
]

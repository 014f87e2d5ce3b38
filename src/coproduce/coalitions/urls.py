from django.urls import path

from . import views

app_name = "coalitions"

urlpatterns = [
    path("", views.coalition_list, name="list"),
    path("new/", views.coalition_create, name="create"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("<slug:slug>/", views.coalition_detail, name="detail"),
    path("<slug:slug>/edit/", views.coalition_edit, name="edit"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<id:membership_id>/role/", views.change_role, name="change_role"),
    path(
        "<slug:slug>/members/<id:membership_id>/remove/", views.remove_member, name="remove_member"
    ),
    path("<slug:slug>/invitations/", views.invite, name="invite"),
    path(
        "<slug:slug>/invitations/<id:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<slug:slug>/organisations/", views.add_organisation, name="add_organisation"),
    path(
        "<slug:slug>/organisations/<id:organisation_id>/remove/",
        views.remove_organisation,
        name="remove_organisation",
    ),
]

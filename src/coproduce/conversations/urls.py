from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("new/<slug:coalition_slug>/", views.create, name="create"),
    path("join/<str:code>/", views.join, name="join"),
    path("<id:conversation_id>/", views.detail, name="detail"),
    path("<id:conversation_id>/room/", views.room, name="room"),
    path("<id:conversation_id>/results/", views.results, name="results"),
    path("<id:conversation_id>/vote/", views.vote, name="vote"),
    path("<id:conversation_id>/take-part/", views.take_part, name="take_part"),
    path("<id:conversation_id>/statements/", views.add_statement, name="add_statement"),
    path("<id:conversation_id>/my-votes/", views.my_votes, name="my_votes"),
    path("<id:conversation_id>/my-votes/change/", views.change_vote, name="change_vote"),
    path("<id:conversation_id>/moderate/", views.moderate, name="moderate"),
    path(
        "<id:conversation_id>/moderate/statements/<id:statement_id>/",
        views.moderate_statement,
        name="moderate_statement",
    ),
    path(
        "<id:conversation_id>/moderate/voters/<id:voter_id>/",
        views.moderate_voter,
        name="moderate_voter",
    ),
    path("<id:conversation_id>/export/", views.export, name="export"),
    path("<id:conversation_id>/join-code/", views.new_join_code, name="new_join_code"),
    path("<id:conversation_id>/join-qr.svg", views.join_qr, name="join_qr"),
]

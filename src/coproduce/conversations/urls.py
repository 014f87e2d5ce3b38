from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("new/<slug:coalition_slug>/", views.create, name="create"),
    path("join/<str:code>/", views.join, name="join"),
    path("<int:conversation_id>/", views.detail, name="detail"),
    path("<int:conversation_id>/vote/", views.vote, name="vote"),
    path("<int:conversation_id>/take-part/", views.take_part, name="take_part"),
    path("<int:conversation_id>/statements/", views.add_statement, name="add_statement"),
    path("<int:conversation_id>/my-votes/", views.my_votes, name="my_votes"),
    path("<int:conversation_id>/my-votes/change/", views.change_vote, name="change_vote"),
    path("<int:conversation_id>/moderate/", views.moderate, name="moderate"),
    path(
        "<int:conversation_id>/moderate/statements/<int:statement_id>/",
        views.moderate_statement,
        name="moderate_statement",
    ),
    path(
        "<int:conversation_id>/moderate/voters/<int:voter_id>/",
        views.moderate_voter,
        name="moderate_voter",
    ),
    path("<int:conversation_id>/export/", views.export, name="export"),
    path("<int:conversation_id>/join-code/", views.new_join_code, name="new_join_code"),
]

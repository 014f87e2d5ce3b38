from django.urls import path

from . import link_views, views

app_name = "library"

urlpatterns = [
    # Pages of the library itself (search, entries, history, contributions, moderation).
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("new/<slug:coalition_slug>/", views.create_for, name="create_for"),
    path("moderation/", views.moderation, name="moderation"),
    path("<id:entry_id>/", views.entry, name="entry"),
    path("<id:entry_id>/history/", views.history, name="history"),
    path("<id:entry_id>/edit/", views.edit, name="edit"),
    path("<id:entry_id>/correct/", views.correct, name="correct"),
    path(
        "<id:entry_id>/corrections/<id:correction_id>/",
        views.correction,
        name="correction",
    ),
    path("<id:entry_id>/moderate/", views.moderate, name="moderate"),
    # Bringing entries into the work (links to coalitions, workshops, café questions).
    path("link/workshop/<slug:slug>/", link_views.link_workshop, name="link_workshop"),
    path(
        "link/coalition/<slug:coalition_slug>/",
        link_views.link_coalition,
        name="link_coalition",
    ),
    path("link/<id:link_id>/remove/", link_views.unlink, name="unlink"),
]

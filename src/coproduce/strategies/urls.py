from django.urls import path

from . import views

app_name = "strategies"

# /strategies/<coalition slug>/... and /strategies/<coalition slug>/<strategy id>/...
_STRATEGY = "<slug:coalition_slug>/<id:strategy_id>/"
urlpatterns = [
    path("<slug:coalition_slug>/", views.strategy_list, name="list"),
    path("<slug:coalition_slug>/new/", views.create, name="create"),
    path(_STRATEGY, views.detail, name="detail"),
    path(f"{_STRATEGY}sections/<id:section_id>/edit/", views.edit_section, name="edit_section"),
    path(f"{_STRATEGY}sections/<id:section_id>/propose/", views.propose, name="propose"),
    path(f"{_STRATEGY}propose/", views.propose_new, name="propose_new"),
    path(f"{_STRATEGY}amendments/<id:amendment_id>/", views.amendment, name="amendment"),
    path(f"{_STRATEGY}amendments/<id:amendment_id>/comment/", views.comment, name="comment"),
    path(f"{_STRATEGY}versions/", views.versions, name="versions"),
    path(f"{_STRATEGY}compare/", views.compare, name="compare"),
]

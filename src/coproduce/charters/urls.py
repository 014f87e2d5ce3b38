from django.urls import path

from . import views

app_name = "charters"

# Drafting: /charters/<coalition slug>/... and /charters/<coalition slug>/<charter id>/...
_CHARTER = "<slug:coalition_slug>/<id:charter_id>/"
urlpatterns: list = [
    path("<slug:coalition_slug>/", views.charter_list, name="list"),
    path("<slug:coalition_slug>/new/", views.create, name="create"),
    path(_CHARTER, views.detail, name="detail"),
    path(f"{_CHARTER}edit/", views.edit, name="edit"),
    path(f"{_CHARTER}propose/", views.propose_new, name="propose_new"),
    path(f"{_CHARTER}principles/<id:principle_id>/propose/", views.propose, name="propose"),
    path(f"{_CHARTER}principles/<id:principle_id>/comment/", views.comment, name="comment"),
    path(f"{_CHARTER}proposals/<id:proposal_id>/", views.proposal, name="proposal"),
    path(f"{_CHARTER}versions/", views.versions, name="versions"),
    path(f"{_CHARTER}compare/", views.compare, name="compare"),
    path(f"{_CHARTER}conversation/", views.converse, name="converse"),
]

# The call to action (publishing and signing): signing_views.py. Kept after the draft's
# patterns; a short code always starts with a letter, so it never reads as a charter's number.
from . import signing_views  # noqa: E402

_VERSION = "<slug:coalition_slug>/<id:charter_id>/v/<id:number>/"
urlpatterns += [
    path("c/<str:code>/", signing_views.short_link, name="short_link"),
    path("signature/<str:token>/", signing_views.signature, name="signature"),
    path("reconfirm/<str:token>/", signing_views.reconfirm, name="reconfirm"),
    path(_VERSION, signing_views.call, name="call"),
    path(f"{_VERSION}sign/", signing_views.sign, name="sign"),
    path(f"{_VERSION}signed/", signing_views.signed, name="signed"),
    path(f"{_VERSION}withdraw/", signing_views.withdraw_mine, name="withdraw_mine"),
    path(f"{_VERSION}publish/", signing_views.publish, name="publish"),
    path(f"{_VERSION}signatures.csv", signing_views.signatures_csv, name="signatures_csv"),
    path(f"{_VERSION}call.csv", signing_views.call_csv, name="call_csv"),
    path(f"{_VERSION}call.json", signing_views.call_json, name="call_json"),
]

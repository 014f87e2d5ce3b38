from django.urls import path

from . import views
from .api import api
from .envelope import envelope

app_name = "api"

# Ninja's patterns, less its home page (the reference page takes its place), each through the
# envelope (token, rate limit, body limit, ETag). Each operation behind them has a door.
operations = [
    path(str(p.pattern), envelope(p.callback), name=p.name)
    for p in api.urls[0]
    if p.name != "api-root"
]

urlpatterns = [
    path("", views.reference, name="reference"),
    path("openapi.json", envelope(views.openapi_json), name="openapi"),
    *operations,
]

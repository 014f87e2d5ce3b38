from django.urls import path  # noqa: F401

from . import views  # noqa: F401

app_name = "library"

urlpatterns = [
    # Pages of the library itself (search, entries, history, contributions, moderation).
    # Bringing entries into the work (links to coalitions, workshops, café questions).
]

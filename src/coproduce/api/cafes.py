"""Cafés through the API (being written)."""

from django.utils.translation import gettext_noop
from ninja import Router

router = Router(tags=[gettext_noop("Cafés")])

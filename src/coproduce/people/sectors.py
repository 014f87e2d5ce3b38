"""The sectors a coalition mixes. One list, used by forms, charts, seating and the opinion lens."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    PUBLIC_SERVICE = "public_service", _("Public service")
    RESEARCH = "research", _("Research")
    CIVIL_SOCIETY = "civil_society", _("Civil society and voluntary sector")
    RESIDENTS = "residents", _("Residents and community groups")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Other")


# Fixed order for charts and tables, so the same sector is always in the same place and colour.
SECTOR_ORDER = [choice.value for choice in Sector]

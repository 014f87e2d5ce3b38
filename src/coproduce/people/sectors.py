"""The sectors a coalition mixes. One list, used by forms, charts, seating and the opinion lens.

Nobody's sector is guessed: every form asks with an empty first choice, and "Prefer not to say"
is an answer of its own. Charts and tables show it (and any sector never asked) as "not given",
and the seating engine mixes only the sectors people gave.
"""

from django import forms
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
    NOT_GIVEN = "not_given", _("Prefer not to say")


# The sectors someone can belong to; "Prefer not to say" is an answer, not a sector.
GIVEN_SECTORS = tuple(value for value in Sector.values if value != Sector.NOT_GIVEN)

# Fixed order for charts and tables, so the same sector is always in the same place and colour;
# "not given" comes last, as its own bar or row.
SECTOR_ORDER = [*GIVEN_SECTORS, Sector.NOT_GIVEN.value]

NOT_GIVEN_LABEL = _("Not given")


def sector_key(value: str | None) -> str:
    """Where a stored sector is counted: its own bar, or "not given" (declined or never asked)."""
    return value if value in GIVEN_SECTORS else Sector.NOT_GIVEN.value


def sector_label(value: str | None) -> str:
    """A sector as charts and tables name it."""
    key = sector_key(value)
    return str(NOT_GIVEN_LABEL if key == Sector.NOT_GIVEN else Sector(key).label)


def seating_sector(value: str | None) -> str | None:
    """A person's sector for mixing tables: None when not given, so that people who kept their
    sector to themselves are seated freely rather than spread like one large sector."""
    return value if value in GIVEN_SECTORS else None


def sector_field(label=None, *, required: bool = True, **kwargs) -> forms.ChoiceField:
    """A sector question that starts empty, so a sector is chosen, never assumed."""
    return forms.ChoiceField(
        label=label or _("Sector"),
        choices=[("", _("Choose a sector")), *Sector.choices],
        required=required,
        error_messages={"required": _("Choose a sector, or “Prefer not to say”.")},
        **kwargs,
    )

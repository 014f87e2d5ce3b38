"""Time zones as people pick them: a coalition's and a workshop's own, from the machine's tz
database (so a tzdata update is never a model change)."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_ZONE = "Europe/London"


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(name)s” is not a known time zone.") % {"name": name})


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]

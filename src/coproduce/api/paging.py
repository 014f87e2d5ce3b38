"""Cursor pagination: each page ends with an opaque cursor naming the last item's sort key and
id, so the next page starts after it whatever was added or removed meanwhile (no offsets that
shift). The cursor is signed: a tampered or foreign one is refused (400 naming `cursor`)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .problems import ApiProblem

SALT = "coproduce.api.cursor"
DEFAULT_LIMIT, MAX_LIMIT = 50, 200


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def encode(key, pk: int, order: str) -> str:
    value = key.isoformat() if isinstance(key, datetime) else key
    return signing.dumps([order, value, pk], salt=SALT, compress=True)


def decode(cursor: str, order: str) -> tuple:
    """The (sort key, id) the cursor names, or a 400 problem naming `cursor`."""
    try:
        made_for, key, pk = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise bad_cursor() from None
    if made_for != order or not isinstance(pk, int):
        raise bad_cursor()
    return key, pk


def bad_cursor() -> ApiProblem:
    message = _("This cursor is not one this list gave out; start again without it.")
    return ApiProblem(
        400,
        _("cursor: %(message)s") % {"message": message},
        errors=[{"field": "cursor", "location": "query", "message": message}],
    )


def paginate(items: QuerySet, *, order: str, cursor: str | None, limit: int) -> Page:
    """One page of `items` in (order, id) order, after the cursor's item: one query."""
    items = items.order_by(order, "pk")
    if cursor:
        key, pk = decode(cursor, order)
        if isinstance(key, str) and _is_time(order, items):
            key = parse_datetime(key)
        items = items.filter(Q(**{f"{order}__gt": key}) | Q(**{order: key, "pk__gt": pk}))
    rows = list(items[: limit + 1])
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], encode(getattr(last, order), last.pk, order))


def changed_since(items: QuerySet, updated_since: datetime | None) -> QuerySet:
    """The items changed at or after `updated_since` (all of them without one). The time goes
    to the database in UTC: PostgreSQL takes zone offsets up to 15:59 only, where ISO 8601
    and Python allow 23:59, and a time near year 1 may not move to UTC at all."""
    if updated_since is None:
        return items
    try:
        since = updated_since.astimezone(UTC)
    except OverflowError:  # before year 1 or after 9999 in UTC: all of them, or none
        edge = datetime.min if updated_since.year == datetime.min.year else datetime.max
        since = edge.replace(tzinfo=UTC)
    return items.filter(updated_at__gte=since)


def _is_time(order: str, items: QuerySet) -> bool:
    return items.model._meta.get_field(order).get_internal_type() == "DateTimeField"


def next_link(request, next_cursor: str | None) -> str | None:
    if next_cursor is None:
        return None
    query = {k: v for k, v in request.GET.items() if k != "cursor"}
    query["cursor"] = next_cursor
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")

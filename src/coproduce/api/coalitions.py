"""Coalitions and their workshops, as the coalition pages show them."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_noop
from ninja import Query, Router
from pydantic import AwareDatetime

from coproduce.coalitions.models import Coalition
from coproduce.coalitions.permissions import Action, visible_coalitions
from coproduce.workshops.models import Workshop

from . import schemas
from .doors import api_door
from .paging import DEFAULT_LIMIT, MAX_LIMIT, changed_since, paginate
from .responses import answers, listed

router = Router(tags=[gettext_noop("Coalitions")])


def find_coalition(request, slug: str) -> Coalition:
    return get_object_or_404(Coalition.objects.select_related("city"), slug=slug)


def coalition_data(request, coalition: Coalition) -> dict:
    return {
        "slug": coalition.slug,
        "name": coalition.name,
        "purpose": coalition.purpose,
        "city": coalition.city.name if coalition.city else None,
        "visibility": coalition.visibility,
        "time_zone": coalition.time_zone,
        "created_at": coalition.created_at,
        "updated_at": coalition.updated_at,
        "url": request.build_absolute_uri(coalition.get_absolute_url()),
        "workshops": request.build_absolute_uri(
            reverse("api:coalition_workshops", args=[coalition.slug])
        ),
    }


def workshop_summary(request, workshop: Workshop) -> dict:
    return {
        "slug": workshop.slug,
        "title": workshop.title,
        "coalition": workshop.coalition.slug,
        "starts_at": workshop.starts_at,
        "ends_at": workshop.ends_at,
        "time_zone": workshop.time_zone,
        "venue": workshop.venue,
        "updated_at": workshop.updated_at,
        "url": request.build_absolute_uri(workshop.get_absolute_url()),
    }


@router.get(
    "/coalitions/",
    response=answers(schemas.CoalitionList),
    summary=gettext_noop("Coalitions you may see"),
    description=gettext_noop(
        "Every public coalition and those you belong to, by name. updated_since keeps those "
        "whose own fields (name, purpose, visibility) changed since."
    ),
)
@api_door(Action.PUBLIC)
def coalitions(
    request,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = visible_coalitions(request.user).select_related("city")
    found = changed_since(found, updated_since)
    page = paginate(found, order="name", cursor=cursor, limit=limit)
    return listed(request, [coalition_data(request, c) for c in page.items], page)


@router.get(
    "/coalitions/{slug}/",
    response=answers(schemas.Coalition),
    summary=gettext_noop("One coalition"),
)
@api_door(Action.VIEW, find=find_coalition)
def coalition(request, coalition: Coalition):
    return coalition_data(request, coalition)


@router.get(
    "/coalitions/{slug}/workshops/",
    response=answers(schemas.WorkshopList),
    summary=gettext_noop("A coalition's workshops"),
    description=gettext_noop("The coalition's workshops by start time, earliest first."),
    url_name="coalition_workshops",
)
@api_door(Action.VIEW, find=find_coalition)
def coalition_workshops(
    request,
    coalition: Coalition,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = Workshop.objects.filter(coalition=coalition).select_related("coalition")
    found = changed_since(found, updated_since)
    page = paginate(found, order="starts_at", cursor=cursor, limit=limit)
    return listed(request, [workshop_summary(request, w) for w in page.items], page)

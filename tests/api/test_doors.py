"""Every API operation has a door, and the routes check says so when one has not."""

from ninja import NinjaAPI, Router

from coproduce.api.api import api
from coproduce.api.doors import api_door, door_of, operations, operations_without_door
from coproduce.coalitions.permissions import Action
from coproduce.core import routes


def test_every_operation_of_the_api_has_a_door():
    assert [op for _path, op in operations(api)]
    assert operations_without_door(api) == []
    assert all(door_of(op) is not None for _path, op in operations(api))


def an_api_with_an_open_operation() -> NinjaAPI:
    router = Router()

    @router.get("/guarded/")
    @api_door(Action.PUBLIC)
    def guarded(request):
        return {}

    @router.get("/open/")
    def open_to_all(request):
        return {}

    other = NinjaAPI(urls_namespace="doorless-test")
    other.add_router("", router)
    return other


def test_an_operation_without_a_door_is_found():
    assert operations_without_door(an_api_with_an_open_operation()) == ["GET /open/"]


def test_the_routes_check_fails_for_it(monkeypatch):
    other = an_api_with_an_open_operation()
    monkeypatch.setitem(routes._operation_checks, "api", lambda: operations_without_door(other))
    errors = routes.every_view_has_a_door()
    assert [e.id for e in errors] == ["coproduce.E002"]
    assert "GET /open/" in errors[0].msg


def test_the_site_passes_the_routes_check():
    assert routes.every_view_has_a_door() == []

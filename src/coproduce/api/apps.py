from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coproduce.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from coproduce.core.routes import own_doors

        from .api import api
        from .doors import operations_without_door

        # The API's URL patterns are ninja's; each operation behind them has a door of its own,
        # which the routes check asks for here instead of on the patterns.
        own_doors("api", lambda: operations_without_door(api))

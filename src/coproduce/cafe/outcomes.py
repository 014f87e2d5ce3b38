"""What became of the harvest's themes, for the café's harvest page.

Themes live in the workshop's report and what became of them in the action plan, both floors
above the café. The plan registers a provider (`register_theme_outcomes`, from its
AppConfig.ready) and the café never imports it. With no provider the harvest page shows no
themes, as before.

A provider takes the café and the person looking and returns the themes that person may see,
in order, each with `label` (the theme's name) and `became`: an object with `actions` (each
with `title`, `url`, `status` and `progress`), `hidden` (how many actions the person may not
see), `reason` (why an organiser took it no further) and `answer_url` (for an organiser, where
to answer a theme nothing has answered yet), or None when there is nothing to say.
"""

from collections.abc import Callable

from .models import Cafe

ThemeOutcomes = Callable[[Cafe, object], list]
_providers: list[ThemeOutcomes] = []


def register_theme_outcomes(provider: ThemeOutcomes) -> None:
    if provider not in _providers:
        _providers.append(provider)


def themes_with_outcomes(cafe: Cafe, user) -> list:
    """The harvest's themes this person may see, each with what became of it."""
    themes: list = []
    for provider in _providers:
        themes.extend(provider(cafe, user))
    return themes

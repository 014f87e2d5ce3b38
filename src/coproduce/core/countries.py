"""Country names in the reader's language.

Entries store a country as a name, as an import or a person wrote it: most often in English
("United Kingdom", as Participedia writes them), sometimes in Spanish ("España"). A page in
Spanish should say "Reino Unido", one in English "Spain". Babel carries the Unicode CLDR's name
of every country in every language; a stored name is looked up among the English and Spanish
ones (and a few common short forms), and shown in the reader's language. Anything else (a
region, a misspelling, a name in a third language) is shown as it was stored: a name is never
lost, only translated when it is known for sure.
"""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation

# Short forms people write that are not the CLDR's own name of the country.
SHORT_FORMS = {
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "USA": "US",
    "U.S.A.": "US",
    "United States of America": "US",
    "EEUU": "US",
    "EE. UU.": "US",
}


def country_name(stored: str, language: str | None = None) -> str:
    """The country as the reader's language (or `language`) names it; as stored when it is not
    a country known by that name."""
    code = _codes().get(_key(stored or ""))
    if code is None:
        return stored
    return _names(language or translation.get_language() or settings.LANGUAGE_CODE)[code]


@lru_cache(maxsize=1024)  # an import asks for the same few countries 100,000 times
def country_names(stored: str) -> tuple[str, ...]:
    """The name as stored, then the country's name in each of the site's languages that
    differs from it (what a search should find the country by: "Reino Unido" an entry stored
    as "United Kingdom"); only the stored name when it is not a known country."""
    if _codes().get(_key(stored or "")) is None:
        return (stored,) if stored else ()
    names = {_key(stored): stored}
    for language, _name in settings.LANGUAGES:
        name = country_name(stored, language)
        names.setdefault(_key(name), name)
    return tuple(names.values())


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """Each known name, folded, -> its two-letter code (the CLDR's regions, such as "Europe",
    have numbers for codes and are left out: they are not countries)."""
    codes = {}
    for language, _name in settings.LANGUAGES:
        for code, name in _territories(language).items():
            if len(code) == 2 and code.isalpha():
                codes.setdefault(_key(name), code)
    codes.update({_key(name): code for name, code in SHORT_FORMS.items()})
    return codes


@lru_cache(maxsize=16)
def _names(language: str) -> dict[str, str]:
    names = dict(_territories("en"))
    names.update(_territories(language))
    return names


def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language.replace("-", "_")).territories)
    except (UnknownLocaleError, ValueError):
        return {}

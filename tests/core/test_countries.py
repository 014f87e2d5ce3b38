"""Country names in the reader's language (core/countries.py): a stored name known in English
or Spanish is shown in the reader's language; anything else is shown as it was stored."""

import pytest
from django.utils import translation

from coproduce.core.countries import country_name, country_names


@pytest.mark.parametrize(
    ("stored", "language", "shown"),
    [
        ("United Kingdom", "es", "Reino Unido"),
        ("Spain", "es", "España"),
        ("España", "en", "Spain"),
        ("Belgium", "es", "Bélgica"),
        (" united  kingdom ", "es", "Reino Unido"),  # spaces and case as people type them
        ("UK", "es", "Reino Unido"),
        ("USA", "en", "United States"),
        ("Italy", "es-ar", "Italia"),  # a regional variant of a language
        ("Italy", "xx", "Italy"),  # a language Babel does not know: English
    ],
)
def test_a_known_country_is_named_in_the_readers_language(stored, language, shown):
    assert country_name(stored, language) == shown


@pytest.mark.parametrize("stored", ["Greater Manchester", "Englnd", "Deutschland", "", "150"])
def test_anything_else_is_shown_as_stored(stored):
    # A region, a misspelling, a name in a third language, nothing, a region's CLDR code.
    assert country_name(stored, "es") == stored


def test_the_active_language_is_used_when_none_is_given():
    with translation.override("es"):
        assert country_name("Belgium") == "Bélgica"
    with translation.override("en"):
        assert country_name("Bélgica") == "Belgium"


@pytest.mark.parametrize(
    ("stored", "names"),
    [
        ("United Kingdom", ["United Kingdom", "Reino Unido"]),
        ("España", ["España", "Spain"]),  # the stored name first
        ("UK", ["UK", "United Kingdom", "Reino Unido"]),
        (" united  kingdom ", [" united  kingdom ", "Reino Unido"]),  # one name per spelling
        ("Greater Manchester", ["Greater Manchester"]),
        ("", []),
    ],
)
def test_a_country_is_searched_by_its_name_in_every_language_of_the_site(stored, names):
    assert country_names(stored) == tuple(names)

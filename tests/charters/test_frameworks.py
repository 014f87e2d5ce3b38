"""The built-in frameworks: complete, credited, keyed stably, and translatable."""

import pytest
from django.utils import translation

from coproduce.charters import frameworks


def test_the_three_frameworks_are_there_in_order():
    assert [key for key, _name in frameworks.choices()] == ["scie", "nef", "jam_and_justice"]
    assert frameworks.framework("nope") is None
    assert len(frameworks.framework("scie").items) == 4
    assert len(frameworks.framework("nef").items) == 6
    assert len(frameworks.framework("jam_and_justice").items) == 7


@pytest.mark.parametrize("key", list(frameworks.FRAMEWORKS))
def test_every_framework_is_credited_and_complete(key):
    framework = frameworks.framework(key)
    assert framework.key == key
    assert framework.source_url.startswith("https://")
    assert "Our own wording" in str(framework.credit)
    keys = [item.key for item in framework.items]
    assert len(keys) == len(set(keys))
    for item in framework.items:
        assert item.key.isidentifier()
        assert str(item.title) and str(item.meaning) and str(item.asks)
        assert len(str(item.title)) <= 200


def test_items_are_frozen():
    item = frameworks.framework("nef").items[0]
    with pytest.raises(AttributeError):
        item.key = "other"


def test_texts_follow_the_language():
    with translation.override("en"):
        english = str(frameworks.framework("scie").items[0].title)
    assert english == "Equality"

"""Which two versions a "compare versions" page shows, whatever the query string says."""

import pytest
from django.http import QueryDict

from coproduce.core.versions import picked_pair


@pytest.mark.parametrize(
    ("query", "last", "expected"),
    [
        ("", 5, (4, 5)),  # the latest against the one before
        ("", 1, (1, 1)),
        ("from=2&to=4", 5, (2, 4)),
        ("from=4&to=2", 5, (2, 4)),  # "from 4 to 2" compares the same two
        ("from=2&to=99", 5, (2, 5)),  # past the latest: the latest
        ("to=3", 5, (2, 3)),
        ("from=abc&to=%00", 5, (4, 5)),  # typed nonsense: the default, never an error
        ("from=-3&to=0", 5, (4, 5)),
        ("from=99999999999999999999", 5, (4, 5)),
    ],
)
def test_picked_pair(query, last, expected):
    assert picked_pair(QueryDict(query), last) == expected

"""What the API's permission walk (test_permissions.py) expects of one operation."""

from collections.abc import Callable
from dataclasses import dataclass

from security.world import World


@dataclass
class Expectation:
    args: Callable[[World], dict]  # the path's arguments
    sees: Callable[[World], frozenset]  # who gets an answer; the rest are refused
    body: Callable[[World], dict] | None = None  # a write's valid body: the door decides
    writers: Callable[[World], frozenset] = lambda w: frozenset()  # who may write, by token

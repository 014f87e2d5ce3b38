"""Arguments every `coproduce` command reads the same way.

Numbers are checked against a stated range (finite, whole where they must be), and a bad option
is answered with one line on standard error and exit status 2, never with the usage block.
Pure (no Django), so the algorithm commands (`seat`, `opinion`) use it as well as the
management commands.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

# The seed reaches CP-SAT, whose random seed is a 32-bit signed integer.
MAX_SEED = 2**31 - 1


def one_line(text: object) -> str:
    """`text` on one line, whatever line breaks a file name or an error message carried."""
    return " ".join(str(text).splitlines())


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, saying so when it is not."""

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low} to {high}, got {_quoted(text)}"
            )
        return value

    return parse


def seconds(low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a finite number of seconds from `low` to `high`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(
                f"must be a number of seconds from {low:g} to {high:g}, got {_quoted(text)}"
            )
        return value

    return parse


class OneLineParser(argparse.ArgumentParser):
    """An argument parser that answers a bad option with one line and exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see --help)\n")

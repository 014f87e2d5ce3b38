"""Why a plan cannot do better: each reason is a code with its numbers (and the people or
tables it names), so that the site can say it in the reader's language.

A reason is also a string, its English sentence, for the command line and the JSON it
prints; the site reads `code` and `values` instead (see `cafe/selectors.py`).
"""

from __future__ import annotations

from typing import Any

# English for the command line, one sentence per code. The site has its own translated
# sentences for the same codes.
ENGLISH = {
    "held_sector_gap": "the rounds already held leave the sectors {deviation} away from an "
    "even mix",
    "pinned_sectors": "{where}: the people who cannot move leave the sectors at least "
    "{deviation} away from an even mix",
    "held_repeats": "the rounds already held have {repeats} repeated meetings",
    "counting": "{where}: {meetings} meetings at tables but only {fresh} pairs who "
    "have not met yet, so at least {repeats} repeated meetings",
    "transition": "{where}: too few tables for the people of one table to split up "
    "each round, so at least {repeats} repeated meetings",
    "design": "{where}: at most {rounds} rounds without anyone meeting twice are "
    "possible with these tables, so at least {repeats} repeated meetings",
    "pinned_table": "{count} people pinned to table {table} every round ({people}): "
    "{repeats} repeated meetings",
    "together": "{people} must sit together: {repeats} repeated meetings",
    "uneven_tables": "tables were filled unevenly to keep people apart; the best possible is "
    "counted for these table sizes",
    "searched_spread": "{where}: a full search showed the meetings cannot be spread more evenly",
    "searched_repeats": "{where}: a full search showed at least {repeats} repeated "
    "meetings are needed",
    "rule_broken": "rule broken: {rule}",
    "optimal": "every measure reaches the best any plan could do",
}


class Reason(str):
    """One reason: the English sentence, with `code` and `values` for translating it."""

    code: str
    values: dict[str, Any]

    def __new__(cls, code: str, **values: Any) -> Reason:
        shown = {key: _english(key, value) for key, value in values.items()}
        if "online" in values:
            shown["where"] = "online tables" if values["online"] else "tables in the room"
        made = super().__new__(cls, ENGLISH[code].format(**shown))
        made.code, made.values = code, values
        return made

    def __reduce__(self):
        return (_rebuild, (self.code, self.values))

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, **self.values}


def _rebuild(code: str, values: dict[str, Any]) -> Reason:
    return Reason(code, **values)


def _english(key: str, value: Any) -> str:
    """Ids quoted as the problem gave them, the rest as it is."""
    if isinstance(value, list | tuple):
        return ", ".join(repr(item) for item in value)
    return repr(value) if key == "table" else str(value)

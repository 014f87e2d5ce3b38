"""How big a café the engine plans, and how long the work before and after the search takes.

The search stops at its time limit, but around it sits work that grows with the café and
cannot stop half-way: compiling the problem, its bounds, the greedy first plan (round by round)
and measuring the plan at the end. Sizes are therefore capped, checked on the numbers before
anything is built, and `seconds_needed` lets the command line refuse a time limit it could not
keep instead of overrunning it. Pure: imports nothing, so `problem` and the command line can
both use it.
"""

from __future__ import annotations

MAX_PEOPLE = 10_000
MAX_TABLES = 2_000
MAX_ROUNDS = 100
# The platform's own tables seat 1 to 50 (cafe/forms.py); a World Café table seats 4 or 5.
MAX_TABLE_SEATS = 50
# People x rounds: the seats to fill (S5000, the largest café the benchmarks plan, has 25,000).
MAX_SEATINGS = 100_000
# People x rounds x others at their table: every meeting is remembered, about 170 bytes
# each, so this caps the memory near 200 MB. S5000 has 100,000.
MAX_MEETINGS = 1_000_000
# Input files (problem JSON, people CSV, previous plan): the largest café, with names and a
# full history written out one id a line, is about 5 MB.
MAX_INPUT_BYTES = 8 * 2**20

# Fitted to the work around the search (time limit 0.01 s) of 40 café shapes from 100 to 10,000
# people, on a 2-core machine shared with other work (load 3 to 9), as an upper envelope: no
# measured run took longer than this predicts, and the median run took 2.2 times less. Seconds
# per seating (person x round), per meeting, per meeting looked up among those already had (the
# greedy start looks through who met whom), and per table and round.
SECONDS_PER_SEATING = 2.3e-4
SECONDS_PER_MEETING = 2.5e-6
SECONDS_PER_LOOKUP = 8e-7
SECONDS_PER_TABLE_ROUND = 1.2e-4
# Of that, what comes after the search (measuring the plan, writing its JSON): per seating and
# per meeting, an upper envelope of the same runs.
FINISH_SECONDS_PER_SEATING = 2e-5
FINISH_SECONDS_PER_MEETING = 2.5e-6


def even_table_size(people: int, tables: int) -> int:
    """People at the fullest table when `people` fill `tables` evenly."""
    return -(-people // tables) if tables > 0 else 0


def size_problem(
    *, people: int, tables: int, rounds: int, table_size: int | None = None
) -> str | None:
    """Why a café of this size is too big to plan, or None. Checked before anything is built;
    `table_size` defaults to an even filling of every table."""
    for count, what, most in (
        (rounds, "rounds", MAX_ROUNDS),
        (tables, "tables", MAX_TABLES),
        (people, "people", MAX_PEOPLE),
    ):
        if count > most:
            return f"{count} {what} is more than the seating engine can plan; the most is {most}"
    size = even_table_size(people, tables) if table_size is None else table_size
    seatings, meetings = people * rounds, people * rounds * max(0, size - 1)
    if seatings > MAX_SEATINGS:
        return (
            f"{people} people over {rounds} rounds ({seatings} seats to fill) is more than the "
            f"seating engine can plan; the most is {MAX_SEATINGS} (people x rounds)"
        )
    if meetings > MAX_MEETINGS:
        return (
            f"{people} people at tables of {size} over {rounds} rounds ({meetings} meetings) is "
            f"more than the seating engine can plan; the most is {MAX_MEETINGS} "
            "(people x rounds x others at the table): use more, smaller tables"
        )
    return None


def seconds_needed(
    *, people: int, tables: int, rounds: int, table_size: int | None = None
) -> float:
    """Seconds the work around the search may take for a café of this size (cautious)."""
    size = even_table_size(people, tables) if table_size is None else table_size
    seatings = people * rounds
    already_met = min(max(0, people - 1), rounds * max(0, size - 1))
    return (
        seatings * SECONDS_PER_SEATING
        + seatings * size * SECONDS_PER_MEETING
        + seatings * already_met * SECONDS_PER_LOOKUP
        + tables * rounds * SECONDS_PER_TABLE_ROUND
    )


def seconds_to_finish(
    *, people: int, tables: int, rounds: int, table_size: int | None = None
) -> float:
    """Seconds measuring and writing the plan may take once the search has stopped (cautious):
    the search must stop that long before the time limit."""
    size = even_table_size(people, tables) if table_size is None else table_size
    seatings = people * rounds
    return seatings * FINISH_SECONDS_PER_SEATING + seatings * size * FINISH_SECONDS_PER_MEETING

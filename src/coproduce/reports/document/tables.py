"""Tables as every renderer lays them out: a chart's numbers as a table, and column widths.

Every chart shows its numbers beside it, in every format: `chart_table` turns a chart into a
`Table`. Fixed-layout tables (HTML for WeasyPrint, DOCX) get their column widths from here.
"""

from __future__ import annotations

import math

from .model import BarChartSpec, ChartSpec, Labels, ScatterSpec, Table

# Column widths follow the longest line in each column, but no column gets less than
# MIN_WEIGHT/MAX_WEIGHT of the widest one's share: a long text in one cell should wrap rather
# than squeeze the numbers beside it.
MIN_WEIGHT, MAX_WEIGHT = 6, 40
PADDING = 3  # characters' worth of a cell's padding, border and bold header


def format_number(value: float, decimals: int = 1) -> str:
    """As the SVG labels show it: integers without decimals."""
    if not math.isfinite(value):
        return str(value)
    return str(int(value)) if float(value).is_integer() else f"{value:.{decimals}f}"


def chart_table(chart: ChartSpec, labels: Labels) -> Table:
    if isinstance(chart, BarChartSpec):
        return _bar_table(chart, labels)
    return _scatter_table(chart, labels)


def _bar_table(chart: BarChartSpec, labels: Labels) -> Table:
    header = (labels.category, *(name for name, _ in chart.series))
    rows = tuple(
        (category, *(format_number(values[i]) for _, values in chart.series))
        for i, category in enumerate(chart.categories)
    )
    return Table(header, rows, numeric_columns=tuple(range(1, len(header))))


def _scatter_table(chart: ScatterSpec, labels: Labels) -> Table:
    """One row per group and how many people are in it: where a group sits on the picture
    has no unit a reader could use, so its coordinates are not printed."""
    groups: dict[int | None, list[tuple[float, float]]] = {}
    for x, y, group in chart.points:
        groups.setdefault(group, []).append((x, y))
    order = sorted(groups, key=lambda g: (g is None, g if g is not None else 0))
    rows = tuple(_scatter_row(chart, labels, g, groups[g]) for g in order)
    header = (labels.group, labels.points)
    return Table(header, rows, numeric_columns=(1,))


def _scatter_row(
    chart: ScatterSpec, labels: Labels, group: int | None, points: list[tuple[float, float]]
) -> tuple[str, str]:
    if group is None:
        name = labels.no_group
    elif 0 <= group < len(chart.series_names):
        name = chart.series_names[group]
    else:
        name = f"{labels.group} {group + 1}"
    return (name, str(len(points)))


def column_weights(header: tuple[str, ...], rows: list | tuple) -> list[int]:
    """Relative column widths from the longest line in each column (the first 200 rows)."""
    weights = []
    for c, head in enumerate(header):
        cells = [row[c] for row in rows[:200]]
        longest = max([len(line) for text in cells for line in text.split("\n")] or [0])
        # headers are bold, about a quarter wider than the same letters in a cell
        longest = max(longest, *(round(len(line) * 1.25) for line in head.split("\n")))
        # + PADDING: each cell's padding takes the same room however short its text
        weights.append(min(max(longest, MIN_WEIGHT), MAX_WEIGHT) + PADDING)
    return weights


def percentages(weights: list[int] | list[float]) -> list[int]:
    """Whole percentages, each at least 1, summing to exactly 100 (largest remainder), so a
    fixed-layout table is never wider than its box. Needs at most 100 weights."""
    total = sum(weights) or 1
    shares = [max(w * 100 / total, 1.0) for w in weights]
    scale = 100 / sum(shares)
    shares = [s * scale for s in shares]
    floors = [max(int(s), 1) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - floors[i], reverse=True)
    for i in order[: max(0, 100 - sum(floors))]:
        floors[i] += 1
    while sum(floors) > 100:  # only when the minimum of 1% pushed the sum over
        floors[floors.index(max(floors))] -= 1
    return floors

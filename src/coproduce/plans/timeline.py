"""The plan's timeline chart as plain SVG text: each action a bar from its start to its due
date, a line for today, overdue actions hatched in red and said in words.

Pure Python (no Django): the page gives the bars, today, its own words and how to write a
month, and shows the same facts in a table beside the picture (for screen readers and print).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

# Colours with at least 3:1 contrast against white (WCAG 1.4.11), one per state; the state is
# also in the table and, for overdue actions, written beside the bar.
COLOURS = {
    "not_started": "#57534e",
    "in_progress": "#1f5f8b",
    "done": "#166534",
    "stalled": "#b45309",
    "dropped": "#6b7280",
    "overdue": "#b91c1c",
}
LABEL_CHARS = 58  # a longer title is cut in the picture; the table has it whole


@dataclass(frozen=True)
class Bar:
    label: str
    start: date | None
    due: date | None
    progress: int = 0  # 0-100: how much of the bar is filled
    state: str = "in_progress"  # a key of COLOURS
    note: str = ""  # words written after the title ("overdue")


@dataclass(frozen=True)
class Words:
    title: str
    description: str
    today: str


def drawn(bars: list[Bar]) -> list[Bar]:
    """The bars the chart can place: those with a start or a due date."""
    return [bar for bar in bars if bar.start or bar.due]


def span(bars: list[Bar], today: date) -> tuple[date, date]:
    """The first and last day shown: every bar's dates and today, a little margin each side."""
    days = [today] + [d for bar in bars for d in (bar.start, bar.due) if d]
    first, last = min(days), max(days)
    margin = max((last - first).days // 20, 3)
    return first - timedelta(days=margin), last + timedelta(days=margin)


def month_ticks(first: date, last: date, most: int = 6) -> list[date]:
    """The first day of every n-th month between the two days, at most `most` of them."""
    months = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    step = max(1, -(-len(months) // most))
    return months[::step]


def _cut(text: str, size: int = LABEL_CHARS) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def draw(
    bars: list[Bar],
    *,
    today: date,
    words: Words,
    month_label: Callable[[date], str],
    chart_id: str = "timeline",
    width: int = 480,
) -> str:
    """The SVG; bars without any date are left out (the page lists them in its table)."""
    bars = drawn(bars)
    first, last = span(bars, today)
    days = max((last - first).days, 1)
    top, row, bar_height, bottom = 24, 34, 12, 24
    height = top + max(len(bars), 1) * row + bottom

    def x(day: date) -> float:
        return (day - first).days / days * width

    title_id, desc_id, hatch = f"{chart_id}-title", f"{chart_id}-desc", f"{chart_id}-hatch"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" '
        f'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(words.title)}</title>',
        f'<desc id="{desc_id}">{escape(words.description)}</desc>',
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fee2e2"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{COLOURS["overdue"]}" stroke-width="3"/>'
        f"</pattern></defs>",
    ]
    for tick in month_ticks(first, last):
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - bottom}" '
            f'stroke="#d1d5db"/>'
            f'<text x="{tx + 3:.1f}" y="14" font-size="11" fill="#4b5563">'
            f"{escape(month_label(tick))}</text>"
        )
    for index, bar in enumerate(bars):
        parts += _bar(bar, top + index * row, x, bar_height, hatch)
    tx = x(today)
    anchor = "end" if tx > width / 2 else "start"
    shift = -4 if anchor == "end" else 4
    parts.append(
        f'<line class="today" x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" '
        f'y2="{height - bottom + 4}" stroke="#111827" stroke-width="2" stroke-dasharray="4 3"/>'
        f'<text x="{tx + shift:.1f}" y="{height - 6}" text-anchor="{anchor}" font-size="12" '
        f'font-weight="bold" fill="#111827">{escape(words.today)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _bar(bar: Bar, y: int, x: Callable[[date], float], height: int, hatch: str) -> list[str]:
    colour = COLOURS.get(bar.state, COLOURS["in_progress"])
    label = _cut(bar.label) + (f" · {bar.note}" if bar.note else "")
    weight = ' font-weight="bold"' if bar.state == "overdue" else ""
    parts = [
        f'<text x="0" y="{y + 13}" fill="{"#991b1b" if bar.state == "overdue" else "#1f2937"}"'
        f"{weight}>{escape(label)}</text>"
    ]
    start, due = bar.start or bar.due, bar.due or bar.start
    left, right = x(start), x(due)
    length = max(right - left, 4.0)
    top = y + 18
    fill = f"url(#{hatch})" if bar.state == "overdue" else "#ffffff"
    dash = ' stroke-dasharray="3 2"' if bar.due is None else ""
    parts.append(
        f'<rect class="bar {escape(bar.state)}" x="{left:.1f}" y="{top}" width="{length:.1f}" '
        f'height="{height}" fill="{fill}" stroke="{colour}" stroke-width="1.5"{dash}/>'
    )
    done = length * max(0, min(bar.progress, 100)) / 100
    if done and bar.state != "overdue":
        parts.append(
            f'<rect x="{left:.1f}" y="{top}" width="{done:.1f}" height="{height}" fill="{colour}"/>'
        )
    return parts

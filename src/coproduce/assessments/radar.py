"""A radar chart (one spoke per item, 0 at the centre, 4 at the rim) as plain SVG text.

Pure: no Django import, like core/charts.py. The chart carries a <title> and <desc>, and the
page shows the same numbers in a table beside it. Spokes are numbered rather than named, so
long item titles never collide; the table and the list under the chart give the names.
"""

import math
from html import escape

from coproduce.core.charts import PALETTE

RINGS = (1, 2, 3, 4)


def _point(cx: float, cy: float, radius: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count  # the first spoke points up
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def radar(
    *,
    title: str,
    description: str,
    spokes: list[str],
    series: list[tuple[str, list[float | None]]],
    chart_id: str = "radar",
    size: int = 320,
    top: float = 4.0,
) -> str:
    """``spokes`` are the labels at the rim (short: numbers); ``series`` is (name, one value
    per spoke or None for "nobody answered"), drawn as a closed outline with dots."""
    count = max(len(spokes), 3)
    cx = cy = size / 2
    reach = size / 2 - 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart radar" viewBox="0 0 {size} {size}"'
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for ring in RINGS:
        points = [_point(cx, cy, reach * ring / top, i, count) for i in range(count)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polygon points="{path}" fill="none" stroke="#d4d4d8" stroke-width="1"/>')
    for index, label in enumerate(spokes):
        x, y = _point(cx, cy, reach, index, count)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#a1a1aa"/>'
        )
        lx, ly = _point(cx, cy, reach + 14, index, count)
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="middle" font-size="12"'
            f' fill="#27272a">{escape(label)}</text>'
        )
    for number, (name, values) in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points = [
            _point(cx, cy, reach * max(0.0, min(value, top)) / top, i, count)
            for i, value in enumerate(values)
            if value is not None and math.isfinite(value)
        ]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polygon points="{path}" fill="{colour}" fill-opacity="0.12" stroke="{colour}"'
            f' stroke-width="2"><title>{escape(name)}</title></polygon>'
        )
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)

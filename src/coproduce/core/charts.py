"""Charts as plain SVG text, drawn on the server so they work without JavaScript, in print
and in PDF. No Django import: the report layout uses these too.

Every chart carries a <title> and <desc>, and the page shows the same numbers in a table
beside it, so nobody has to read values off the picture.
"""

from dataclasses import dataclass
from html import escape

# Colours with at least 3:1 contrast against white (WCAG 1.4.11, non-text contrast).
PALETTE = ["#1f5f8b", "#b3541e", "#4d7c0f", "#7c3aed", "#be185d", "#0f766e", "#57534e"]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int | float]


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def horizontal_bars(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    chart_id: str = "chart",
    width: int = 400,
    bar_height: int = 14,
) -> str:
    """Grouped horizontal bars: each category's name on its own line, then one bar per series.

    Names sit above the bars rather than beside them so long sector names never get cut and
    the chart stays readable when a phone scales it down.
    """
    label_height = 18
    group_height = label_height + len(series) * bar_height + 10
    legend_height = 24 if len(series) > 1 else 0
    height = legend_height + max(len(categories), 1) * group_height + 4
    largest = max((v for s in series for v in s.values), default=0) or 1
    plot_width = width - 40  # room for the value after the longest bar
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    parts += _legend(series) if legend_height else []
    for row, category in enumerate(categories):
        top = legend_height + row * group_height
        parts.append(f'<text x="0" y="{top + 13}" fill="#1f2937">{escape(category)}</text>')
        for index, one in enumerate(series):
            value = one.values[row]
            y = top + label_height + index * bar_height
            length = plot_width * value / largest
            parts.append(
                f'<rect x="0" y="{y}" width="{length:.1f}" height="{bar_height - 2}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(one.name)}: '
                f"{_fmt(value)}</title></rect>"
            )
            parts.append(
                f'<text x="{length + 5:.1f}" y="{y + bar_height - 3}" font-size="12" '
                f'fill="#1f2937">{_fmt(value)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _legend(series: list[Series]) -> list[str]:
    parts, x = [], 0
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 17}" y="15" fill="#1f2937">{escape(one.name)}</text>')
        x += 30 + 8 * len(one.name)
    return parts


def scatter(
    *,
    title: str,
    description: str,
    points: list[tuple[float, float, int | None]],
    series_names: list[str],
    chart_id: str = "scatter",
    size: int = 360,
    max_points: int = 2000,
) -> str:
    """Points on a plane, coloured by series (None: grey, in no series), with a legend.

    Large maps are thinned to `max_points` (every n-th point, so the picture is the same each
    time); the description should carry the real numbers.
    """
    step = max(1, -(-len(points) // max_points))
    shown = points[::step]
    xs = [p[0] for p in shown] or [0.0]
    ys = [p[1] for p in shown] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    margin, plot = 12, size - 24
    legend_height = 20 * ((len(series_names) + 2) // 3)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {size} '
        f'{size + legend_height}" width="{size}" height="{size + legend_height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" '
        f'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="12">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect x="0.5" y="0.5" width="{size - 1}" height="{size - 1}" fill="#ffffff" '
        f'stroke="#d1d5db"/>',
    ]
    radius = 4 if len(shown) < 200 else 2.5
    for x, y, series in shown:
        px = margin + plot / 2 + (x - cx) / span * plot
        py = margin + plot / 2 - (y - cy) / span * plot
        colour = "#9ca3af" if series is None else PALETTE[series % len(PALETTE)]
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{radius}" fill="{colour}" fill-opacity="0.8"/>'
        )
    for index, name in enumerate(series_names):
        x, y = 6 + (index % 3) * (size // 3), size + 16 + 20 * (index // 3)
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<circle cx="{x + 6}" cy="{y - 4}" r="6" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y}" fill="#1f2937">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)

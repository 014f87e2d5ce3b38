"""Charts as plain SVG text, drawn on the server so they work without JavaScript, in print
and in PDF. No Django import: the report layout uses these too.

Every chart carries a <title> and <desc>, and the page shows the same numbers in a table
beside it, so nobody has to read values off the picture.
"""

from collections.abc import Callable
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
    marked: tuple[float, float] | None = None,
    marked_label: str = "",
    label_series: bool = False,
) -> str:
    """Points on a plane, coloured by series (None: grey, in no series), with a legend.

    Large maps are thinned to `max_points` (every n-th point, so the picture is the same each
    time); the description should carry the real numbers. `marked` rings one point (the
    reader's own) and writes `marked_label` beside it; `label_series` writes each series'
    name at the middle of its points, so the picture reads without the legend's colours.
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
    # Dots grow with the picture, so a projected map reads from the back of the room.
    radius = round((4 if len(shown) < 200 else 2.5) * size / 360, 1)
    for x, y, series in shown:
        px = margin + plot / 2 + (x - cx) / span * plot
        py = margin + plot / 2 - (y - cy) / span * plot
        colour = "#9ca3af" if series is None else PALETTE[series % len(PALETTE)]
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{radius}" fill="{colour}" fill-opacity="0.8"/>'
        )

    def place(x: float, y: float) -> tuple[float, float]:
        return margin + plot / 2 + (x - cx) / span * plot, margin + plot / 2 - (
            y - cy
        ) / span * plot

    if label_series:
        parts += _series_labels(shown, series_names, place, size)
    if marked is not None:
        parts += _marker(*place(*marked), marked_label, size)
    for index, name in enumerate(series_names):
        x, y = 6 + (index % 3) * (size // 3), size + 16 + 20 * (index // 3)
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<circle cx="{x + 6}" cy="{y - 4}" r="6" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y}" fill="#1f2937">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _series_labels(
    shown: list[tuple[float, float, int | None]],
    series_names: list[str],
    place: Callable[[float, float], tuple[float, float]],
    size: int,
) -> list[str]:
    """Each series' name in a white box just above its highest dot (below its lowest when
    there is no room above), kept inside the frame: the picture reads without colours."""
    parts = []
    for index, name in enumerate(series_names):
        mine = [place(x, y) for x, y, series in shown if series == index]
        if not mine:
            continue
        middle = sum(px for px, _ in mine) / len(mine)
        highest, lowest = min(py for _, py in mine), max(py for _, py in mine)
        width, height = 16 + 9 * len(name), 24
        x = min(max(middle - width / 2, 2), size - width - 2)
        y = (
            highest - 8 - height
            if highest - 8 - height >= 2
            else min(lowest + 8, size - height - 2)
        )
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width}" height="{height}" rx="4" '
            f'fill="#ffffff" fill-opacity="0.9" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{x + width / 2:.1f}" y="{y + 17:.1f}" text-anchor="middle" '
            f'font-weight="bold" font-size="15" fill="#111827">{escape(name)}</text>'
        )
    return parts


def _marker(px: float, py: float, label: str, size: int) -> list[str]:
    """A black ring round one dot (the reader's own) and its label beside it, on the side
    with more room."""
    anchor, dx = ("end", -14) if px > size / 2 else ("start", 14)
    return [
        f'<circle class="marked" cx="{px:.1f}" cy="{py:.1f}" r="9" fill="none" stroke="#000000" '
        f'stroke-width="3"/>',
        f'<text class="marked-label" x="{px + dx:.1f}" y="{py + 5:.1f}" text-anchor="{anchor}" '
        f'font-size="14" font-weight="bold" fill="#000000" stroke="#ffffff" stroke-width="3" '
        f'paint-order="stroke">{escape(label)}</text>',
    ]


# Agree, disagree, pass: at least 3:1 against white (WCAG 1.4.11), told apart by order too.
SHARE_COLOURS = {"agree": "#15803d", "disagree": "#b91c1c", "pass": "#6b7280"}


def stacked_bar(shares: list[tuple[str, float]], *, width: int = 200, height: int = 12) -> str:
    """One bar split by shares that add up to 1 (e.g. agree, disagree, pass). Decorative: the
    page writes the per cents beside it, so screen readers skip the picture."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="stacked-bar" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" aria-hidden="true" focusable="false">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f3f4f6"/>',
    ]
    x = 0.0
    for kind, share in shares:
        length = width * max(share, 0.0)
        if length > 0:
            parts.append(
                f'<rect x="{x:.1f}" y="0" width="{length:.1f}" height="{height}" '
                f'fill="{SHARE_COLOURS.get(kind, PALETTE[-1])}"/>'
            )
        x += length
    parts.append("</svg>")
    return "".join(parts)

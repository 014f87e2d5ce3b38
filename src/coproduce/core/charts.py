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
    width: int = 560,
    bar_height: int = 16,
    label_width: int = 210,
) -> str:
    """Grouped horizontal bars: one group per category, one bar per series, with value labels."""
    n_series = max(len(series), 1)
    group_height = n_series * bar_height + 12
    legend_height = 24 if len(series) > 1 else 0
    height = legend_height + max(len(categories), 1) * group_height + 8
    largest = max((v for s in series for v in s.values), default=0) or 1
    plot_width = width - label_width - 40
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    parts += _legend(series, label_width) if legend_height else []
    for row, category in enumerate(categories):
        top = legend_height + row * group_height + 4
        middle = top + n_series * bar_height / 2
        parts.append(
            f'<text x="{label_width - 8}" y="{middle + 4:.1f}" text-anchor="end" '
            f'fill="#1f2937">{escape(category)}</text>'
        )
        for index, one in enumerate(series):
            value = one.values[row]
            y = top + index * bar_height
            length = plot_width * value / largest
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height - 3}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(one.name)}: '
                f"{_fmt(value)}</title></rect>"
            )
            parts.append(
                f'<text x="{label_width + length + 5:.1f}" y="{y + bar_height - 5}" '
                f'fill="#1f2937">{_fmt(value)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _legend(series: list[Series], left: int) -> list[str]:
    parts, x = [], left
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 17}" y="15" fill="#1f2937">{escape(one.name)}</text>')
        x += 30 + 8 * len(one.name)
    return parts

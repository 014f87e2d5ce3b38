"""Charts as PNG, for DOCX (Word has no reliable SVG support): the same data and the same look
as the SVG charts in `coproduce.core.charts`, drawn with Pillow.

Drawn at twice the layout size so the picture stays sharp when printed at ~16 cm. Text uses
DejaVu Sans when it is installed (Latin, Greek, Cyrillic), a CJK font for text with Chinese or
Japanese characters when one is installed, else Pillow's built-in font. The title and
description go into the PNG's text chunks; the DOCX renderer also sets the picture's alt text.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from coproduce.core.charts import PALETTE, Series

from .tables import format_number

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
LATIN_FONTS = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf")
CJK_FONTS = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "wqy-zenhei.ttc",
    "wqy-microhei.ttc",
    "DroidSansFallbackFull.ttf",
)
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
TEXT, GRID, GREY = "#1f2937", "#d1d5db", "#9ca3af"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def find_font(names: tuple[str, ...]) -> Path | None:
    """The first of ``names`` installed under the usual font folders (searched once)."""
    for name in names:
        for folder in FONT_DIRS:
            found = next(folder.rglob(name), None) if folder.is_dir() else None
            if found:
                return found
    return None


@functools.cache
def _load(path: Path | None, size: int) -> Font:
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            pass
    return ImageFont.load_default(size)


def font_for(text: str, size: int) -> Font:
    if _CJK.search(text):
        cjk = find_font(CJK_FONTS)
        if cjk is not None:
            return _load(cjk, size)
    return _load(find_font(LATIN_FONTS), size)


def _text_width(text: str, font: Font) -> float:
    return font.getlength(text)


def drawable(text: str) -> str:
    """Control characters and line/paragraph separators as spaces: libraqm refuses some (a
    lone U+0085 makes it fail) and none has a glyph."""
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") and c != "\n" else c for c in text
    )


def wrap(text: str, font: Font, width: float) -> list[str]:
    """Greedy line breaking by pixel width; a word longer than a line is cut anywhere."""
    lines: list[str] = []
    for paragraph in drawable(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if _text_width(candidate, font) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for char in word:  # only reached for a word wider than the whole line
                if line and _text_width(line + char, font) > width:
                    lines.append(line)
                    line = ""
                line += char
        lines.append(line)
    return lines


def _png(image: Image.Image, title: str, description: str) -> bytes:
    info = PngInfo()
    info.add_itxt("Title", title)
    info.add_itxt("Description", description)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, compress_level=6)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Bars


def bars_png(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    width: int = 640,
    bar_height: int = 14,
    scale: int = 2,
) -> bytes:
    """Grouped horizontal bars as in `charts.horizontal_bars`: category names on their own
    (wrapped) lines above one bar per series, values after the bars, a legend on top."""
    s = scale
    label_size, value_size, line = 13 * s, 12 * s, 17 * s
    labels = [wrap(c, font_for(c, label_size), (width - 4) * s) or [""] for c in categories]
    legend = _legend_rows(series, width * s, label_size) if len(series) > 1 else []
    top = len(legend) * 20 * s + (4 * s if legend else 0)
    group = [len(lines) * line + len(series) * bar_height * s + 10 * s for lines in labels]
    height = top + sum(group) + 4 * s
    image = Image.new("RGB", (width * s, max(height, 20 * s)), "white")
    draw = ImageDraw.Draw(image)
    _draw_legend(draw, legend, label_size, s)
    largest = max((v for one in series for v in one.values), default=0) or 1
    value_font = _load(find_font(LATIN_FONTS), value_size)
    plot = (width - 48) * s  # room for the value after the longest bar
    y = top
    for row, lines in enumerate(labels):
        for text in lines:
            draw.text((0, y), text, fill=TEXT, font=font_for(text, label_size))
            y += line
        for index, one in enumerate(series):
            length = plot * one.values[row] / largest
            colour = PALETTE[index % len(PALETTE)]
            draw.rectangle((0, y, length, y + (bar_height - 2) * s), fill=colour)
            draw.text(
                (length + 5 * s, y - s), format_number(one.values[row]), fill=TEXT, font=value_font
            )
            y += bar_height * s
        y += 10 * s
    return _png(image, title, description)


def _legend_rows(
    series: Sequence[Series] | Sequence[str], width: int, size: int
) -> list[list[tuple[int, str, int]]]:
    """Legend entries (palette index, name, x) packed into rows that fit ``width``."""
    rows: list[list[tuple[int, str, int]]] = [[]]
    x = 0
    for index, one in enumerate(series):
        name = one if isinstance(one, str) else one.name
        font = font_for(name, size)
        name = wrap(name, font, width * 0.8)[0]  # one line per entry, however long the name
        entry = int(size * 1.4 + _text_width(name, font) + size * 1.2)
        if x and x + entry > width:
            rows.append([])
            x = 0
        rows[-1].append((index, name, x))
        x += entry
    return rows


def _draw_legend(draw: ImageDraw.ImageDraw, rows: list, size: int, s: int, top: int = 0) -> None:
    for number, row in enumerate(rows):
        y = top + number * 20 * s + 4 * s
        for index, name, x in row:
            colour = PALETTE[index % len(PALETTE)]
            draw.rectangle((x, y, x + 12 * s, y + 12 * s), fill=colour)
            draw.text((x + 17 * s, y - s), name, fill=TEXT, font=font_for(name, size))


# ---------------------------------------------------------------------------------------------
# Scatter


def scatter_png(
    *,
    title: str,
    description: str,
    points: Sequence[tuple[float, float, int | None]],
    series_names: Sequence[str],
    size: int = 360,
    max_points: int = 2000,
    scale: int = 2,
) -> bytes:
    """Points coloured by series (None: grey) with a legend below, as in `charts.scatter`,
    including its thinning to ``max_points`` and its equal scales on both axes."""
    s = scale
    step = max(1, -(-len(points) // max_points))
    shown = list(points[::step])
    legend = _legend_rows(list(series_names), size * s, 12 * s)
    legend_height = len(legend) * 20 * s + 4 * s if series_names else 0
    image = Image.new("RGB", (size * s, size * s + legend_height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size * s - 1, size * s - 1), outline=GRID, width=s)
    radius = (4 if len(shown) < 200 else 2.5) * s
    placed = _place(shown, size * s, 12 * s)
    for px, py, group in placed:
        colour = GREY if group is None else PALETTE[group % len(PALETTE)]
        draw.ellipse((px - radius, py - radius, px + radius, py + radius), fill=colour)
    _label_groups(draw, placed, series_names, size * s, s)
    _draw_legend(draw, legend, 12 * s, s, top=size * s + 4 * s)
    return _png(image, title, description)


def _label_groups(
    draw: ImageDraw.ImageDraw,
    placed: list[tuple[float, float, int | None]],
    names: Sequence[str],
    size: int,
    s: int,
) -> None:
    """Each group's name in a white box just above its highest dot (below its lowest when
    there is no room), as the SVG map has it: a printed map needs no colour to say which
    group is which."""
    height, gap = 22 * s, 8 * s
    for index, name in enumerate(names):
        mine = [(x, y) for x, y, g in placed if g == index]
        if not mine:
            continue
        font = font_for(name, 13 * s)
        name = wrap(name, font, size * 0.8)[0]  # one drawable line, however long the name
        width = _text_width(name, font) + 12 * s
        middle = sum(x for x, _ in mine) / len(mine)
        highest, lowest = min(y for _, y in mine), max(y for _, y in mine)
        left = min(max(middle - width / 2, 2 * s), size - width - 2 * s)
        top = highest - gap - height
        if top < 2 * s:
            top = min(lowest + gap, size - height - 2 * s)
        colour = PALETTE[index % len(PALETTE)]
        draw.rounded_rectangle(
            (left, top, left + width, top + height),
            4 * s,
            fill="white",
            outline=colour,
            width=2 * s,
        )
        draw.text((left + 6 * s, top + 3 * s), name, fill=TEXT, font=font)


def _place(
    points: list[tuple[float, float, int | None]], size: int, margin: int
) -> list[tuple[float, float, int | None]]:
    """Pixel positions: centred, one scale for both axes (distances mean the same both ways)."""
    xs = [p[0] for p in points] or [0.0]
    ys = [p[1] for p in points] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    plot = size - 2 * margin
    return [
        (margin + plot / 2 + (x - cx) / span * plot, margin + plot / 2 - (y - cy) / span * plot, g)
        for x, y, g in points
    ]

"""The timeline chart's layout (pure: no database, no Django)."""

import xml.etree.ElementTree as ET
from datetime import date

from coproduce.plans import timeline
from coproduce.plans.timeline import Bar, Words

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2027, 3, 15)
WORDS = Words(title="When each action is due", description="Two actions.", today="today")


def draw(bars, **kwargs):
    return timeline.draw(bars, today=TODAY, words=WORDS, month_label=date.isoformat, **kwargs)


def test_each_action_is_a_bar_from_start_to_due_with_a_line_for_today():
    bars = [
        Bar("Pay residents", date(2027, 1, 1), date(2027, 6, 30), 50, "in_progress"),
        Bar("Train facilitators", date(2026, 10, 1), date(2027, 2, 1), 100, "done"),
    ]
    svg = ET.fromstring(draw(bars, width=400))
    assert svg.find(f"{SVG}title").text == WORDS.title
    assert svg.find(f"{SVG}desc").text == WORDS.description
    rects = [r for r in svg.iter(f"{SVG}rect") if "bar" in (r.get("class") or "")]
    assert len(rects) == 2
    first, last = timeline.span(bars, TODAY)
    days = (last - first).days

    def x(day):
        return (day - first).days / days * 400

    assert float(rects[0].get("x")) == round(x(date(2027, 1, 1)), 1)
    width = float(rects[0].get("width"))
    assert abs(width - (x(date(2027, 6, 30)) - x(date(2027, 1, 1)))) < 0.2
    (today,) = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "today"]
    assert abs(float(today.get("x1")) - x(TODAY)) < 0.1
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "today" in texts and "Pay residents" in texts


def test_an_overdue_action_is_hatched_in_red_and_says_so_in_words():
    bars = [Bar("Late one", date(2026, 12, 1), date(2027, 2, 1), 40, "overdue", "overdue")]
    svg = draw(bars)
    assert 'fill="url(#timeline-hatch)"' in svg
    assert '<pattern id="timeline-hatch"' in svg
    assert "Late one · overdue" in svg
    calm = draw([Bar("On time", date(2026, 12, 1), date(2027, 6, 1), 40, "in_progress")])
    assert "url(#timeline-hatch)" not in calm.split("</defs>")[1]


def test_actions_without_dates_are_left_out_and_one_date_still_draws():
    bars = [
        Bar("No dates", None, None),
        Bar("Only due", None, date(2027, 5, 1)),
        Bar("Only start", date(2027, 1, 1), None),
    ]
    assert [bar.label for bar in timeline.drawn(bars)] == ["Only due", "Only start"]
    svg = draw(bars)
    assert "No dates" not in svg and "Only due" in svg and "Only start" in svg
    assert 'stroke-dasharray="3 2"' in svg  # no due date: an open, dashed bar


def test_no_bars_still_makes_a_valid_picture():
    svg = ET.fromstring(draw([]))
    assert svg.find(f"{SVG}title").text == WORDS.title


def test_text_is_escaped_and_long_titles_are_cut():
    hostile = '<script>alert("x")</script> & more'
    svg = draw([Bar(hostile, date(2027, 1, 1), date(2027, 2, 1))])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed XML
    long = "A" * 200
    assert "A" * 200 not in draw([Bar(long, date(2027, 1, 1), date(2027, 2, 1))])


def test_month_ticks_are_first_days_and_at_most_six():
    ticks = timeline.month_ticks(date(2025, 1, 15), date(2028, 12, 1))
    assert 1 < len(ticks) <= 6
    assert all(tick.day == 1 for tick in ticks)
    assert ticks == sorted(ticks)
    assert timeline.month_ticks(date(2027, 1, 2), date(2027, 1, 20)) == []
    december = timeline.month_ticks(date(2026, 11, 20), date(2027, 2, 2))
    assert december == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


def test_the_span_holds_every_date_and_today():
    bars = [Bar("a", date(2027, 1, 1), date(2027, 2, 1))]
    first, last = timeline.span(bars, date(2028, 1, 1))
    assert first < date(2027, 1, 1) and last > date(2028, 1, 1)

"""An inline SVG bar chart of articles per day (no script, no external asset)."""

from __future__ import annotations

from datetime import date
from html import escape

WIDTH, HEIGHT, PAD = 560, 140, 24


def per_day_svg(counts: list[tuple[str, int]], label: str) -> str:
    """Bars of ``(YYYY-MM-DD, count)`` on a time axis from the first day to the last; each bar
    has a ``<title>`` (the day and its count) and the class ``bar``."""
    days = [(date.fromisoformat(day), n) for day, n in counts if _is_day(day)]
    if not days:
        return f'<p class="empty">{escape(label)}: no dated article</p>'
    first, last = days[0][0], days[-1][0]
    span = (last - first).days + 1
    top = max(n for _, n in days)
    step = (WIDTH - 2 * PAD) / span
    bar = max(step * 0.8, 1.5)
    rects = []
    for day, n in days:
        h = (HEIGHT - 2 * PAD) * n / top
        x = PAD + (day - first).days * step
        rects.append(
            f'<rect class="bar" x="{x:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{bar:.1f}" height="{h:.1f}">'
            f"<title>{day.isoformat()}: {n}</title></rect>"
        )
    axis = (
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>'
        f'<text x="{PAD}" y="{HEIGHT - 6}" class="tick">{first.isoformat()}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 6}" class="tick" text-anchor="end">{last.isoformat()}</text>'
        f'<text x="{PAD}" y="{PAD - 8}" class="tick">max {top}/day</text>'
    )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">{axis}{"".join(rects)}</svg>'
    )


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
        return True
    except ValueError:
        return False

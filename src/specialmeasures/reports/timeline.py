"""The provider timeline: ratings per key question and regime episodes over time, as SVG.

Draws what it is given (a provider profile from ``register.provider_profile``) and computes
nothing about the regime. Colours follow CQC's conventions for the four ratings; every shape has
a text label, and the page shows the same data as a table, so colour is never the only cue.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

__all__ = ["PALETTE", "RATING_COLOURS", "REGIME_COLOURS", "timeline_svg"]

RATING_COLOURS = {
    "Outstanding": "#005eb8",
    "Good": "#007f3b",
    "Requires improvement": "#ffb81c",
    "Inadequate": "#d5281b",
}
RATING_TEXT = {
    "Outstanding": "#ffffff",
    "Good": "#ffffff",
    "Requires improvement": "#212b32",
    "Inadequate": "#ffffff",
}
REGIME_COLOURS = {"smq": "#330072", "cp": "#768692", "rsp": "#7c2855", "smf": "#425563"}
#: Colours for lines of a chart that are not ratings or regimes (NHS identity palette), in order.
PALETTE = ("#005eb8", "#d5281b", "#007f3b", "#ffb81c", "#330072", "#768692", "#ae2573", "#00a499")

_ROWS = ("overall", "safe", "effective", "caring", "responsive", "well_led")
_ROW_LABELS = {
    "overall": "Overall",
    "safe": "Safe",
    "effective": "Effective",
    "caring": "Caring",
    "responsive": "Responsive",
    "well_led": "Well-led",
}


def _x(day: date, start: date, end: date, left: float, width: float) -> float:
    span = max(1, (end - start).days)
    return left + width * min(max((day - start).days, 0), span) / span


def timeline_svg(
    profile: dict[str, Any], *, start: date | None = None, end: date | None = None
) -> str:
    """Return an accessible inline SVG of the profile's ratings and regime episodes."""
    as_of = date.fromisoformat(profile["as_of"])
    end = end or as_of
    start = start or date(2013, 1, 1)
    left, width, row_h, top = 110.0, 760.0, 22.0, 30.0
    regime_top = top + row_h * len(_ROWS) + 12
    height = regime_top + row_h + 34
    name = escape(profile["provider"]["name"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 20:.0f} {height:.0f}" '
        f'class="sm-timeline" role="img" aria-labelledby="tl-title tl-desc">',
        f'<title id="tl-title">Ratings and regime timeline for {name}</title>',
        '<desc id="tl-desc">Each row shows the rating in force for one key question from its '
        "publication until superseded; the bottom row shows regime episodes. The same data is in "
        "the tables below.</desc>",
    ]
    for year in range(start.year, end.year + 1):
        x = _x(date(year, 1, 1), start, end, left, width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{regime_top + row_h}" stroke="#d8dde0"/>'
        )
        parts.append(
            f'<text x="{x + 2:.1f}" y="{top - 10}" font-size="11" fill="#4c6272">{year}</text>'
        )
    inspections = sorted(profile["inspections"], key=lambda i: i["publication_date"])
    for index, question in enumerate(_ROWS):
        y = top + index * row_h
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="#212b32">{_ROW_LABELS[question]}</text>'
        )
        rated = [
            (date.fromisoformat(i["publication_date"]), i["ratings"].get(question))
            for i in inspections
        ]
        rated = [(d, r) for d, r in rated if r]
        for n, (published, rating) in enumerate(rated):
            until = rated[n + 1][0] if n + 1 < len(rated) else end
            x0, x1 = _x(published, start, end, left, width), _x(until, start, end, left, width)
            colour = RATING_COLOURS.get(rating, "#aeb7bd")
            label = escape(f"{_ROW_LABELS[question]}: {rating} from {published.isoformat()}")
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 2}" width="{max(x1 - x0, 1.5):.1f}" height="{row_h - 4}" '
                f'fill="{colour}" stroke="#ffffff"><title>{label}</title></rect>'
            )
            if x1 - x0 > 26:
                short = {
                    "Outstanding": "O",
                    "Good": "G",
                    "Requires improvement": "RI",
                    "Inadequate": "I",
                }.get(rating, "?")
                parts.append(
                    f'<text x="{x0 + 4:.1f}" y="{y + 15}" font-size="11" fill="{RATING_TEXT.get(rating, "#212b32")}" aria-hidden="true">{short}</text>'
                )
    parts.append(
        f'<text x="{left - 8}" y="{regime_top + 15}" font-size="12" text-anchor="end" fill="#212b32">Regimes</text>'
    )
    for episode in profile["episodes"]:
        x0 = _x(date.fromisoformat(episode["start"]), start, end, left, width)
        x1 = _x(
            date.fromisoformat(episode["end"]) if episode["end"] else end, start, end, left, width
        )
        colour = REGIME_COLOURS.get(episode["regime"], "#425563")
        label = escape(
            f"{episode['regime_label']}: {episode['start']} to {episode['end'] or 'ongoing'}"
        )
        parts.append(
            f'<rect x="{x0:.1f}" y="{regime_top + 2}" width="{max(x1 - x0, 1.5):.1f}" height="{row_h - 4}" '
            f'fill="{colour}"><title>{label}</title></rect>'
        )
        if x1 - x0 > 40:
            parts.append(
                f'<text x="{x0 + 4:.1f}" y="{regime_top + 15}" font-size="11" fill="#ffffff" aria-hidden="true">{escape(episode["regime"].upper())}</text>'
            )
    legend_y = regime_top + row_h + 22
    x = left
    for rating, colour in RATING_COLOURS.items():
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 16}" y="{legend_y}" font-size="11" fill="#212b32">{rating}</text>'
        )
        x += 30 + 7 * len(rating)
    parts.append("</svg>")
    return "".join(parts)

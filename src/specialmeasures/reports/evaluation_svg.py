"""Evaluation figures as accessible inline SVG for the web pages: the trajectory figure and the
event-study plot.

Each draws exactly the document it is given (``evaluation.views.trajectory_figure``, an event
study's ``document()``) and computes nothing; every shape carries a ``<title>`` (shown on hover
and read by screen readers), and the pages show the same data as tables, so colour is never the
only cue. The matplotlib versions in ``reports.charts`` are for files.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from specialmeasures.evaluation.events import event_label
from specialmeasures.reports.timeline import PALETTE, RATING_COLOURS, REGIME_COLOURS

__all__ = ["event_study_svg", "km_svg", "trajectory_svg"]

_SERIES = (("overall", "Overall"), ("well_led", "Well-led"))


def _x(day: date, start: date, end: date, left: float, width: float) -> float:
    span = max(1, (end - start).days)
    return left + width * min(max((day - start).days, 0), span) / span


def trajectory_svg(figure: dict[str, Any]) -> str:
    """One band per trust: overall and well-led ratings as steps, regime episodes beneath."""
    start, end = date.fromisoformat(figure["start"]), date.fromisoformat(figure["as_of"])
    left, width, row_h, gap = 190.0, 700.0, 16.0, 18.0
    band = row_h * 3 + gap
    top = 24.0
    regimes: dict[str, str] = {}  # the regimes drawn, for the key: series -> label
    for trust in figure["trusts"]:
        for ep in trust["episodes"]:
            regimes.setdefault(ep["series"], ep["value_label"])
    key_rows = 2 if regimes else 1
    height = top + band * max(1, len(figure["trusts"])) + 6 + 18 * key_rows
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 20:.0f} '
        f'{height:.0f}" role="img" aria-labelledby="traj-title traj-desc" class="sm-trajectory">',
        f'<title id="traj-title">{escape(figure["title"])}</title>',
        f'<desc id="traj-desc">For each of {len(figure["trusts"])} trusts, from {start} to '
        f"{end}: the overall and well-led ratings in force, and the regime episodes. The tables "
        "below give the same data.</desc>",
    ]
    for year in range(start.year + 1, end.year + 1):
        x = _x(date(year, 1, 1), start, end, left, width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6:.1f}" x2="{x:.1f}" y2="{height - 20:.1f}" '
            'stroke="#d8dde0" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top - 10:.1f}" font-size="11" text-anchor="middle" '
            f'fill="#212b32">{year}</text>'
        )
    for n, trust in enumerate(figure["trusts"]):
        y0 = top + n * band
        label = escape(f"{trust['code']} {trust['group_label']}")
        parts.append(f'<g aria-label="{escape(trust["name"])}">')
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y0 + row_h:.1f}" font-size="12" text-anchor="end" '
            f'fill="#212b32">{escape(trust["code"])}</text>'
            f'<text x="{left - 8:.1f}" y="{y0 + row_h * 2:.1f}" font-size="10" '
            f'text-anchor="end" fill="#4c6272">{escape(str(trust["group_label"]))[:30]}</text>'
        )
        for row, (series, series_label) in enumerate(_SERIES):
            y = y0 + row * row_h
            for step in (s for s in trust["ratings"] if s["series"] == series):
                x1 = _x(date.fromisoformat(step["start"]), start, end, left, width)
                x2 = _x(date.fromisoformat(step["end"]), start, end, left, width)
                colour = RATING_COLOURS.get(step["value_label"], "#768692")
                parts.append(
                    f'<rect x="{x1:.1f}" y="{y:.1f}" width="{max(x2 - x1, 1):.1f}" '
                    f'height="{row_h - 2:.1f}" fill="{colour}"><title>{label}: '
                    f"{series_label} {escape(step['value_label'])} from {step['start']} to "
                    f"{step['end']}</title></rect>"
                )
        y = y0 + 2 * row_h
        for ep in trust["episodes"]:
            x1 = _x(date.fromisoformat(ep["start"]), start, end, left, width)
            x2 = _x(date.fromisoformat(ep["end"]), start, end, left, width)
            colour = REGIME_COLOURS.get(ep["series"], "#425563")
            parts.append(
                f'<rect x="{x1:.1f}" y="{y + 3:.1f}" width="{max(x2 - x1, 1):.1f}" '
                f'height="{row_h - 6:.1f}" fill="{colour}" fill-opacity="0.8"><title>{label}: '
                f"{escape(ep['value_label'])} from {ep['start']} to {ep['end']}</title></rect>"
            )
        parts.append("</g>")
    # The key: ratings (upper strips) on one row, then the regimes of the bars beneath.
    key_y = height - 6 - 18 * (key_rows - 1)
    parts.append('<g class="sm-legend" aria-label="Key">')
    parts.append(
        f'<text x="{left - 8:.1f}" y="{key_y:.1f}" font-size="11" text-anchor="end" '
        'fill="#4c6272">Rating</text>'
    )
    for n, (name, colour) in enumerate(RATING_COLOURS.items()):
        x = left + n * 150
        parts.append(
            f'<g class="sm-legend-item"><rect x="{x:.1f}" y="{key_y - 9:.1f}" width="10" '
            f'height="10" fill="{colour}"/><text x="{x + 14:.1f}" y="{key_y:.1f}" '
            f'font-size="11" fill="#212b32">{escape(name)}</text></g>'
        )
    if regimes:
        key_y += 18
        parts.append(
            f'<text x="{left - 8:.1f}" y="{key_y:.1f}" font-size="11" text-anchor="end" '
            'fill="#4c6272">Regime (bars)</text>'
        )
        for n, (series, name) in enumerate(sorted(regimes.items())):
            x = left + n * 175
            colour = REGIME_COLOURS.get(series, "#425563")
            parts.append(
                f'<g class="sm-legend-item"><rect x="{x:.1f}" y="{key_y - 7:.1f}" width="14" '
                f'height="6" fill="{colour}" fill-opacity="0.8"/><text x="{x + 18:.1f}" '
                f'y="{key_y:.1f}" font-size="11" fill="#212b32">{escape(name)}</text></g>'
            )
    parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def event_study_svg(document: dict[str, Any]) -> str:
    """Estimates by month relative to the event with confidence intervals, zero and the event."""
    rows = [
        {**r, "ci_low": _or(r.get("ci_low"), r["estimate"]),
         "ci_high": _or(r.get("ci_high"), r["estimate"])}
        for r in document["event_study"]
        if r.get("estimate") is not None
    ]  # fmt: skip
    left, width, top, plot_h = 70.0, 780.0, 30.0, 260.0
    lo_k, hi_k = (int(k) for k in document["window"])
    values = [0.0, *(float(r["ci_low"]) for r in rows), *(float(r["ci_high"]) for r in rows)]
    y_min, y_max = min(values), max(values)
    if y_max - y_min < 1e-12:
        y_min, y_max = y_min - 1, y_max + 1
    pad = (y_max - y_min) * 0.05
    y_min, y_max = y_min - pad, y_max + pad

    def x(k: float) -> float:
        return left + width * (k - lo_k) / max(1, hi_k - lo_k)

    def y(v: float) -> float:
        return top + plot_h * (y_max - v) / (y_max - y_min)

    title = escape(f"Effect of {event_label(document['event'])} on {document['indicator']}")
    level = round(float(document["level"]) * 100)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 20:.0f} '
        f'{top + plot_h + 50:.0f}" role="img" aria-labelledby="es-title es-desc" '
        'class="sm-event-study">',
        f'<title id="es-title">{title}</title>',
        f'<desc id="es-desc">{document["estimator"]} estimates for months {lo_k} to {hi_k} '
        f"relative to the event, with {level}% confidence intervals. The table below gives the "
        "same numbers.</desc>",
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{left + width}" y2="{y(0):.1f}" '
        'stroke="#768692" stroke-width="1"/>',
        f'<line x1="{x(-0.5):.1f}" y1="{top}" x2="{x(-0.5):.1f}" y2="{top + plot_h}" '
        'stroke="#768692" stroke-dasharray="4 3"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#212b32"/>',
    ]
    for n in range(5):
        v = y_min + (y_max - y_min) * n / 4
        parts.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#212b32">{v:.3g}</text>'
        )
    step = 6 if hi_k - lo_k > 24 else 3
    for k in range(lo_k - lo_k % step, hi_k + 1, step):
        if k < lo_k:
            continue
        parts.append(
            f'<text x="{x(k):.1f}" y="{top + plot_h + 16:.1f}" font-size="11" '
            f'text-anchor="middle" fill="#212b32">{k}</text>'
        )
    parts.append(
        f'<text x="{left + width / 2:.1f}" y="{top + plot_h + 36:.1f}" font-size="12" '
        'text-anchor="middle" fill="#212b32">months relative to the event</text>'
    )
    for r in rows:
        xk = x(r["k"])
        tip = escape(
            f"month {r['k']}: {r['estimate']:.3g} ({level}% CI {r['ci_low']:.3g} to "
            f"{r['ci_high']:.3g})"
        )
        parts.append(
            f'<g><title>{tip}</title><line x1="{xk:.1f}" y1="{y(r["ci_low"]):.1f}" '
            f'x2="{xk:.1f}" y2="{y(r["ci_high"]):.1f}" stroke="#91b8e0" stroke-width="2"/>'
            f'<circle cx="{xk:.1f}" cy="{y(r["estimate"]):.1f}" r="3" fill="#005eb8"/></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def km_svg(figure: dict[str, Any]) -> str:
    """Kaplan-Meier re-entry-free survival: one step line per stratum, with a legend."""
    left, width, top, plot_h = 60.0, 600.0, 20.0, 240.0
    x_max = max(1.0, float(figure["max_months"]))

    def x(months: float) -> float:
        return left + width * min(months, x_max) / x_max

    def y(share: float) -> float:
        return top + plot_h * (1.0 - share)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 250:.0f} '
        f'{top + plot_h + 50:.0f}" role="img" aria-labelledby="km-title km-desc" class="sm-km">',
        f'<title id="km-title">{escape(figure["title"])}</title>',
        f'<desc id="km-desc">Share of trusts not re-entered, by months since their first exit, '
        f"one line per {escape(figure['by'].replace('-', ' '))}. The table below gives the "
        "same numbers.</desc>",
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#212b32"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + width}" y2="{top + plot_h}" '
        'stroke="#212b32"/>',
    ]
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<text x="{left - 6}" y="{y(share) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#212b32">{share:.0%}</text>'
        )
    step = 12 if x_max > 36 else 6
    for months in range(0, int(x_max) + 1, step):
        parts.append(
            f'<text x="{x(months):.1f}" y="{top + plot_h + 16:.1f}" font-size="11" '
            f'text-anchor="middle" fill="#212b32">{months}</text>'
        )
    parts.append(
        f'<text x="{left + width / 2:.1f}" y="{top + plot_h + 36:.1f}" font-size="12" '
        'text-anchor="middle" fill="#212b32">months since leaving special measures</text>'
    )
    for n, curve in enumerate(figure["curves"]):
        colour = PALETTE[n % len(PALETTE)]
        points = []
        last = 1.0
        for s in curve["steps"]:
            points += [(x(s["months"]), y(last)), (x(s["months"]), y(s["survival"]))]
            last = s["survival"]
        points.append((x(x_max), y(last)))
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        median = curve["median_months"]
        tip = escape(
            f"{curve['stratum']}: {curve['n']} exits, {curve['re_entries']} re-entries, "
            f"median {'not reached' if median is None else f'{median:g} months'}"
        )
        parts.append(
            f'<g><title>{tip}</title><polyline points="{path}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5"/></g>'
        )
        ly = top + 14 + 18 * n
        parts.append(
            f'<line x1="{left + width + 15}" y1="{ly - 4}" x2="{left + width + 35}" '
            f'y2="{ly - 4}" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{left + width + 40}" y="{ly:.1f}" font-size="11" fill="#212b32">'
            f"{escape(str(curve['stratum']))} (n={curve['n']})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)

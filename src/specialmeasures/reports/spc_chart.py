"""Making Data Count XmR charts and icons as accessible inline SVG.

Draws what it is given (``register.indicators``) and computes nothing. Colours are the Making
Data Count ones; colour is never the only cue: every icon carries a letter and a text label,
special-cause points are larger and lettered (I improvement, C concern, N neutral), and the
page shows the same data as a table.
"""

from __future__ import annotations

from html import escape
from typing import Any

from specialmeasures.reports.axis import nice_ticks, tick_label

__all__ = ["MDC_COLOURS", "assurance_icon_svg", "variation_icon_svg", "xmr_chart_svg"]

#: Making Data Count colours: common cause, improvement, concern, neutral.
MDC_COLOURS = {
    "common": "#a6a6a6",
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "neutral": "#490092",
}
# Darker shades for text and lines on white, for contrast (WCAG 1.4.11 non-text contrast 3:1).
_INK = "#212b32"
#: The national standard line: NHS green (contrast 4.5:1 on white), dotted to tell it from limits.
_STANDARD = "#007f3b"
_POINT = {
    "common_cause": ("common", ""),
    "special_cause_improvement": ("improvement", "I"),
    "special_cause_concern": ("concern", "C"),
    "special_cause_neutral_high": ("neutral", "N"),
    "special_cause_neutral_low": ("neutral", "N"),
}
_VARIATION = {
    "common_cause": ("common", "", ""),
    "improvement_high": ("improvement", "H", "up"),
    "improvement_low": ("improvement", "L", "down"),
    "concern_high": ("concern", "H", "up"),
    "concern_low": ("concern", "L", "down"),
    "neutral_high": ("neutral", "H", "up"),
    "neutral_low": ("neutral", "L", "down"),
}
_ASSURANCE = {
    "pass": ("improvement", "P"),
    "fail": ("concern", "F"),
    "inconsistent": ("common", "?"),
}


def _icon(colour: str, letter: str, label: str, arrow: str = "", size: int = 32) -> str:
    text_colour = "#ffffff" if colour != MDC_COLOURS["common"] else _INK
    arrow_path = ""
    if arrow == "up":
        arrow_path = '<path d="M24 9 l4 5 h-8 z" fill="#ffffff"/>'
    elif arrow == "down":
        arrow_path = '<path d="M24 27 l4 -5 h-8 z" fill="#ffffff"/>'
    if not letter:  # common cause: a flat grey line through the circle
        body = f'<path d="M9 18 h18" stroke="{_INK}" stroke-width="2.5"/>'
    else:
        body = (
            f'<text x="16" y="22" text-anchor="middle" font-size="15" font-weight="700" '
            f'font-family="Arial, sans-serif" fill="{text_colour}">{escape(letter)}</text>'
        )
    return (
        f'<svg class="sm-icon" role="img" width="{size}" height="{size}" viewBox="0 0 36 36" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
        f'<circle cx="18" cy="18" r="16" fill="{colour}" stroke="{_INK}" stroke-width="1"/>'
        f"{body}{arrow_path}</svg>"
    )


def variation_icon_svg(icon: str, label: str) -> str:
    """The Making Data Count variation icon ``icon`` (e.g. ``concern_high``) as inline SVG."""
    kind, letter, arrow = _VARIATION.get(icon, ("common", "", ""))
    return _icon(MDC_COLOURS[kind], letter, label, arrow)


def assurance_icon_svg(icon: str | None, label: str) -> str:
    """The assurance icon (``pass``, ``fail``, ``inconsistent``; None: no target)."""
    if icon is None:
        return _icon("#ffffff", "–", label)
    kind, letter = _ASSURANCE.get(icon, ("common", "?"))
    return _icon(MDC_COLOURS[kind], letter, label)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def xmr_chart_svg(chart: dict[str, Any], *, width: int = 860, height: int = 340) -> str:
    """The XmR chart of ``register.indicator_chart``: points, mean, process limits and the
    special-cause points coloured and lettered, with a title and a description."""
    ind = chart["indicator"]
    points = [p for p in chart["points"] if p["value"] is not None]
    left, right, top, bottom = 64, 16, 28, 48
    w, h = width - left - right, height - top - bottom
    ys = [p["value"] for p in points]
    for p in points:
        ys += [v for v in (p["upper_process_limit"], p["lower_process_limit"]) if v is not None]
    target = ind.get("target")
    if target is not None:
        ys.append(float(target))
    lo, hi = (min(ys), max(ys)) if ys else (0.0, 1.0)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
    # Round ticks (70%, 75%, 80% for a proportion), the axis running from the first to the last.
    ticks = nice_ticks(lo - pad, hi + pad)
    lo, hi = ticks[0], ticks[-1]
    percent = ind.get("unit") == "proportion"
    n = max(len(points), 2)

    def x(i: int) -> float:
        return left + w * i / (n - 1)

    def y(v: float) -> float:
        return top + h * (hi - v) / (hi - lo)

    desc = (
        f"XmR chart of {ind['name']} ({ind['unit']}), {ind['n']} points from "
        f"{ind['first_period'][:7]} to {ind['latest_period'][:7]}. Mean {_fmt(ind['mean'])}"
        + (
            f", process limits {_fmt(ind['lower_process_limit'])} to "
            f"{_fmt(ind['upper_process_limit'])}"
            if ind["lower_process_limit"] is not None
            else ""
        )
        + (f", national standard {_fmt(float(target))}" if target is not None else "")
        + f". {ind['special_cause_improvement']} special-cause improvement points and "
        f"{ind['special_cause_concern']} special-cause concern points. {ind['variation_label']}."
        " The table below gives every point."
    )
    out = [
        f'<svg class="sm-chart" role="img" aria-labelledby="xmr-title xmr-desc" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="xmr-title">{escape(ind["name"])}: XmR chart</title>',
        f'<desc id="xmr-desc">{escape(desc)}</desc>',
        f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="#ffffff" stroke="#d8dde0"/>',
    ]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    for v in ticks:  # y axis ticks
        out.append(
            f'<text class="sm-y-tick" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="{_INK}">{tick_label(v, step, percent=percent)}</text>'
        )
    step = max(1, len(points) // 8)
    for i in range(0, len(points), step):  # x axis labels (YYYY-MM)
        out.append(
            f'<text x="{x(i):.1f}" y="{top + h + 18}" text-anchor="middle" font-size="11" '
            f'fill="{_INK}">{points[i]["period"][:7]}</text>'
        )

    def line(key: str, style: str) -> None:
        segs = [(x(i), y(p[key])) for i, p in enumerate(points) if p[key] is not None]
        if len(segs) > 1:
            d = " ".join(
                f"{'M' if j == 0 else 'L'}{a:.1f},{b:.1f}" for j, (a, b) in enumerate(segs)
            )
            out.append(f'<path d="{d}" fill="none" {style}/>')

    line("upper_process_limit", f'stroke="{_INK}" stroke-width="1.2" stroke-dasharray="6 4"')
    line("lower_process_limit", f'stroke="{_INK}" stroke-width="1.2" stroke-dasharray="6 4"')
    line("mean", f'stroke="{_INK}" stroke-width="1.5"')
    if target is not None:
        out.append(
            f'<path d="M{left},{y(float(target)):.1f} h{w}" fill="none" stroke="{_STANDARD}" '
            f'stroke-width="1.5" stroke-dasharray="2 3"/>'
        )
    line("value", 'stroke="#768692" stroke-width="1.2"')
    for i, p in enumerate(points):
        kind, letter = _POINT.get(p["point_type"], ("common", ""))
        colour = MDC_COLOURS[kind]
        r = 6 if letter else 3.5
        tip = f"{p['period'][:7]}: {_fmt(p['value'])} ({p['point_label']})"
        out.append(
            f'<g><title>{escape(tip)}</title><circle cx="{x(i):.1f}" cy="{y(p["value"]):.1f}" '
            f'r="{r}" fill="{colour}" stroke="{_INK}" stroke-width="0.8"/>'
        )
        if letter:
            out.append(
                f'<text x="{x(i):.1f}" y="{y(p["value"]) + 3.5:.1f}" text-anchor="middle" '
                f'font-size="8" font-weight="700" fill="#ffffff">{letter}</text>'
            )
        out.append("</g>")
    legend = [
        ("Mean", "solid"),
        ("Process limits", "dashed"),
        ("I: improvement", "improvement"),
        ("C: concern", "concern"),
        ("N: neutral", "neutral"),
        ("Common cause", "common"),
    ]
    if target is not None:
        legend.append(("Standard", "standard"))
    lx = float(left)
    for text, kind in legend:
        ly = height - 10
        if kind in MDC_COLOURS:
            out.append(
                f'<circle cx="{lx + 5}" cy="{ly - 4}" r="5" fill="{MDC_COLOURS[kind]}" '
                f'stroke="{_INK}" stroke-width="0.8"/>'
            )
        elif kind == "standard":
            out.append(
                f'<path d="M{lx},{ly - 4} h12" stroke="{_STANDARD}" stroke-width="1.5" '
                f'stroke-dasharray="2 3"/>'
            )
        else:
            dash = ' stroke-dasharray="6 4"' if kind == "dashed" else ""
            out.append(f'<path d="M{lx},{ly - 4} h12" stroke="{_INK}" stroke-width="1.5"{dash}/>')
        out.append(
            f'<text x="{lx + 16}" y="{ly}" font-size="11" fill="{_INK}">{escape(text)}</text>'
        )
        lx += 16 + 6.2 * len(text) + 14
    out.append("</svg>")
    return "\n".join(out)

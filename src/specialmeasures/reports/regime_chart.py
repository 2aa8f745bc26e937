"""The number of providers in each regime month by month, as an accessible inline SVG step
chart. Draws what it is given (``register.national_overview``'s ``series``) and computes
nothing; each line has its own dash pattern and an end label, and the page gives the same
numbers as a table."""

from __future__ import annotations

from html import escape
from typing import Any

from specialmeasures.reports.timeline import REGIME_COLOURS

__all__ = ["regime_counts_svg"]

_INK = "#212b32"
_DASHES = ("", "6 3", "2 3", "8 3 2 3")


def regime_counts_svg(series: dict[str, Any], *, width: int = 860, height: int = 300) -> str:
    """A step chart with one line per regime of ``series`` (``regimes`` and ``months``)."""
    months = series["months"]
    regimes = series["regimes"]
    left, right, top, bottom = 48, 230, 20, 40
    w, h = width - left - right, height - top - bottom
    peak = int(max([1] + [m[r["regime"]] for m in months for r in regimes]))
    n = max(len(months), 2)

    def x(i: int) -> float:
        return left + w * i / (n - 1)

    def y(v: float) -> float:
        return float(top + h * (1 - v / peak))

    last = months[-1] if months else {}
    summary = "; ".join(f"{r['label']}: {last.get(r['regime'], 0)}" for r in regimes)
    span = f"from {months[0]['month']} to {months[-1]['month']}" if months else ""
    out = [
        f'<svg class="sm-chart" role="img" aria-labelledby="regimes-title regimes-desc" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        '<title id="regimes-title">Providers in each regime, month by month</title>',
        f'<desc id="regimes-desc">Step chart {span}. Latest: {escape(summary)}. '
        "The table below gives every month.</desc>",
        f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="#ffffff" stroke="#d8dde0"/>',
    ]
    for k in range(5):
        v = peak * k / 4
        out.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{_INK}">{v:.0f}</text>'
        )
    step = max(1, len(months) // 8)
    for i in range(0, len(months), step):
        out.append(
            f'<text x="{x(i):.1f}" y="{top + h + 18}" text-anchor="middle" font-size="11" '
            f'fill="{_INK}">{months[i]["month"]}</text>'
        )
    for j, r in enumerate(regimes):
        key = r["regime"]
        colour = REGIME_COLOURS.get(key, _INK)
        d = []
        for i, m in enumerate(months):
            if i == 0:
                d.append(f"M{x(i):.1f},{y(m[key]):.1f}")
            else:
                d.append(f"H{x(i):.1f}V{y(m[key]):.1f}")
        dash = f' stroke-dasharray="{_DASHES[j % len(_DASHES)]}"' if _DASHES[j % 4] else ""
        out.append(
            f'<path d="{" ".join(d)}" fill="none" stroke="{colour}" stroke-width="2.2"{dash}/>'
        )
        if months:
            out.append(
                f'<text x="{left + w + 6}" y="{y(last[key]) + 4 + 12 * j:.1f}" font-size="11" '
                f'fill="{_INK}">{escape(r["label"])} ({last[key]})</text>'
            )
    out.append("</svg>")
    return "\n".join(out)

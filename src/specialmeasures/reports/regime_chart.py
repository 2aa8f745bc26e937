"""The number of providers in each regime month by month, as an accessible inline SVG step
chart. Draws what it is given (``register.national_overview``'s ``series``) and computes
nothing; each line has its own dash pattern and an end label, and the page gives the same
numbers as a table."""

from __future__ import annotations

from html import escape
from typing import Any

from specialmeasures.reports.timeline import REGIME_COLOURS

__all__ = ["regime_counts_svg", "spread_labels"]

_INK = "#212b32"
_DASHES = ("", "6 3", "2 3", "8 3 2 3")
#: Vertical room one end label needs (11 px text plus 2 px of air).
_LABEL_GAP = 13.0


def spread_labels(wanted: list[float], low: float, high: float, gap: float) -> list[float]:
    """Label baselines as near as possible to ``wanted`` but at least ``gap`` apart and within
    ``[low, high]``, keeping their order (labels of lines ending at the same height stack)."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed: list[float] = []
    for i in order:
        y = max(wanted[i], low, placed[-1] + gap if placed else low)
        placed.append(y)
    # Too low at the bottom: slide the stack up from the last label, never above ``low``.
    for k in range(len(placed) - 1, -1, -1):
        ceiling = high if k == len(placed) - 1 else placed[k + 1] - gap
        placed[k] = max(low, min(placed[k], ceiling))
    out = [0.0] * len(wanted)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def regime_counts_svg(series: dict[str, Any], *, width: int = 860, height: int = 300) -> str:
    """A step chart with one line per regime of ``series`` (``regimes`` and ``months``)."""
    months = series["months"]
    regimes = series["regimes"]
    left, right, top, bottom = 48, 230, 20, 40
    w, h = width - left - right, height - top - bottom
    peak = int(
        max([1] + [m[r["regime"]] for m in months for r in regimes if m[r["regime"]] is not None])
    )
    n = max(len(months), 2)

    def x(i: int) -> float:
        return left + w * i / (n - 1)

    def y(v: float) -> float:
        return float(top + h * (1 - v / peak))

    last = months[-1] if months else {}
    summary = "; ".join(f"{r['label']}: {last.get(r['regime']) or 0}" for r in regimes)
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
    ends = spread_labels(
        [y(last.get(r["regime"]) or 0) + 4 for r in regimes], top + 10, height - 4, _LABEL_GAP
    )
    for j, r in enumerate(regimes):
        key = r["regime"]
        colour = REGIME_COLOURS.get(key, _INK)
        d: list[str] = []
        for i, m in enumerate(months):
            if m[key] is None:  # the regime did not exist yet: no line, not a zero
                continue
            if not d:
                d.append(f"M{x(i):.1f},{y(m[key]):.1f}")
            else:
                d.append(f"H{x(i):.1f}V{y(m[key]):.1f}")
        dash = f' stroke-dasharray="{_DASHES[j % len(_DASHES)]}"' if _DASHES[j % 4] else ""
        if d:
            out.append(
                f'<path d="{" ".join(d)}" fill="none" stroke="{colour}" stroke-width="2.2"{dash}/>'
            )
        if months:
            end = y(last.get(key) or 0)
            out.append(
                f'<path d="M{left + w},{end:.1f}L{left + w + 8},{ends[j] - 4:.1f}" '
                f'stroke="{colour}" stroke-width="1" fill="none"/>'
            )
            out.append(
                f'<text class="sm-end-label" x="{left + w + 10}" y="{ends[j]:.1f}" '
                f'font-size="11" fill="{_INK}">{escape(r["label"])} ({last.get(key) or 0})</text>'
            )
    out.append("</svg>")
    return "\n".join(out)

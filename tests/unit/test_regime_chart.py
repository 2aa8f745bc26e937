"""End labels of the overview's regime chart never overlap and stay inside the chart."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from specialmeasures.reports.regime_chart import regime_counts_svg, spread_labels


@given(st.lists(st.floats(min_value=0, max_value=300), min_size=1, max_size=6))
def test_spread_labels_keeps_a_gap_inside_the_bounds(wanted: list[float]) -> None:
    placed = spread_labels(wanted, 30.0, 296.0, 13.0)
    ordered = sorted(placed)
    assert all(b - a >= 13.0 - 1e-9 for a, b in itertools.pairwise(ordered))
    assert all(30.0 <= y <= 296.0 for y in placed)


def test_lines_ending_at_zero_get_separate_labels_within_the_picture() -> None:
    regimes = [{"regime": k, "label": k.upper(), "from": "2013-07-16"} for k in "abcde"]
    months = [{"month": f"2025-{m:02d}", "a": 1, "b": 0, "c": 0, "d": 0, "e": 0} for m in (1, 2)]
    svg = regime_counts_svg({"regimes": regimes, "months": months}, height=300)
    ys = sorted(float(y) for y in re.findall(r'class="sm-end-label" x="[\d.]+" y="([\d.]+)"', svg))
    assert len(ys) == 5
    assert all(b - a >= 13 for a, b in itertools.pairwise(ys))
    assert ys[-1] <= 300


def test_a_month_before_a_regime_began_draws_no_line() -> None:
    regimes = [{"regime": "pip", "label": "PIP", "from": "2025-04-01"}]
    months = [{"month": "2025-03", "pip": None}, {"month": "2025-04", "pip": 2}]
    svg = regime_counts_svg({"regimes": regimes, "months": months})
    path = re.search(r'<path d="(M[^"]+)" fill="none" stroke="[^"]+" stroke-width="2.2"', svg)
    assert path is not None
    assert path.group(1).count("M") == 1
    assert "V" not in path.group(1)

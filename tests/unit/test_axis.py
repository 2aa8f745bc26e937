"""Round axis ticks (reports/axis.py): they cover the data, step evenly by a round amount, and
proportions read as whole or half percentages."""

from __future__ import annotations

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from specialmeasures.reports.axis import nice_ticks, tick_label

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(finite, finite)
def test_ticks_cover_the_range_in_even_round_steps(a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    ticks = nice_ticks(lo, hi)
    assert 2 <= len(ticks) <= 8
    steps = [y - x for x, y in itertools.pairwise(ticks)]
    # Covered to within a millionth of a step (far below a pixel).
    assert ticks[0] <= lo + 1e-6 * steps[0]
    assert ticks[-1] >= hi - 1e-6 * steps[0]
    assert max(steps) - min(steps) <= 1e-6 * steps[0]
    mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))


def test_a_proportion_axis_reads_in_percent() -> None:
    ticks = nice_ticks(0.7312, 0.8506)
    step = ticks[1] - ticks[0]
    labels = [tick_label(v, step, percent=True) for v in ticks]
    assert labels == ["72%", "74%", "76%", "78%", "80%", "82%", "84%", "86%"]
    assert tick_label(0.0, 0.05, percent=True) == "0%"

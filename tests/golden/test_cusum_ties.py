"""CUSUM signals at limits within a few ulps of a value the chart attains, as R cusum 0.4.2.

Whether such a chart signals is decided by the exact sequence of floating-point additions of
the reference's recursion (``ct <- max(0, ct + w); ct >= limit``). The cases hold limits 0 to 3
ulps above, at, and 1 ulp below an attained value, on deterioration and improvement charts,
Bernoulli and risk-adjusted, with and without reset. Inputs are in
``data/cusum_tie_cases.json``; expected values in ``data/cusum_tie_expected.csv`` were produced
by ``data/cusum_ties.R`` (the script names the package commit). Signals must agree exactly,
weights and paths to 1e-12 relative.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from specialmeasures.stats.cusum import CusumOptions, bernoulli_cusum, risk_adjusted_cusum

DATA = Path(__file__).resolve().parent / "data"
CASES: list[dict[str, Any]] = json.loads((DATA / "cusum_tie_cases.json").read_text())


def _expected(case_id: str) -> list[dict[str, str]]:
    with (DATA / "cusum_tie_expected.csv").open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["case_id"] == case_id]


@pytest.mark.parametrize("case", CASES, ids=[c["case_id"] for c in CASES])
def test_signals_match_r_at_ties(case: dict[str, Any]) -> None:
    rows = _expected(case["case_id"])
    assert len(rows) == len(case["outcomes"])
    options = CusumOptions(
        limit=float(case["limit"]), odds_ratio=case["odds_multiplier"], reset=case["reset"]
    )
    if case["function_name"] == "cusum":
        result = bernoulli_cusum(case["outcomes"], case["failure_probability"], options)
    else:
        result = risk_adjusted_cusum(case["outcomes"], case["risk"], options)
    want_signal = [row["signal"] == "1" for row in rows]
    assert result.signal.tolist() == want_signal
    np.testing.assert_allclose(result.weight, [float(r["weight"]) for r in rows], rtol=1e-12)
    np.testing.assert_allclose(result.ct, [float(r["ct"]) for r in rows], rtol=1e-12, atol=0)


def test_cases_sit_at_ties() -> None:
    """The fixture exercises what it claims: some limits are crossed only by a few ulps."""
    shifts = {c["ulps_from_attained"] for c in CASES}
    assert {-1, 0, 2, 3} <= shifts

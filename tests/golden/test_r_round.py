"""``r_round`` against R 4.2.2's ``round()`` on 2,710 values, most of them decimal ties.

Expected values in ``data/r_round.csv`` were produced by ``data/r_round.R`` (Debian's R 4.2.2).
numpy's ``np.round`` differs from R on a share of them, which is why the funnel's SHMI rounding
uses ``r_round``; the last test keeps that reason visible.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from specialmeasures.stats.rounding import r_round

DATA = Path(__file__).resolve().parent / "data" / "r_round.csv"


def _columns() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with DATA.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(np.array([float(r[k]) for r in rows]) for k in ("x", "round2", "round3"))  # type: ignore[return-value]


def test_matches_r_to_the_bit() -> None:
    x, round2, round3 = _columns()
    assert np.array_equal(r_round(x, 2), round2)
    assert np.array_equal(r_round(x, 3), round3)


def test_numpy_rounding_would_not_match() -> None:
    x, round2, _ = _columns()
    assert int((np.round(x, 2) != round2).sum()) > 20  # 56 of 2,710 here

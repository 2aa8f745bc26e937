"""Parity with FunnelPlotR 0.6.0 (reference/FunnelPlotR): every stored case, 1e-9 relative on
numbers, exact on flags, in reference-compatible mode.

Beside the shared reference cases, ``data/funnelplotr_ties/`` holds SHMI funnels whose expected
counts sum to decimal ties at 2 dp (made by ``data/funnelplotr_ties.R`` running the package's own
``funnel_plot()``): R's ``round()`` decides those, and numpy's rounding would not match it.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from specialmeasures.stats.funnel import (
    FunnelOptions,
    aggregate_groups,
    compute_funnel,
    funnel_lookup,
    outlier_flags,
)

# Same location as the ``reference_dir`` fixture (tests/golden/conftest.py), needed at collection.
REFERENCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
FOLDER = REFERENCE_DIR / "FunnelPlotR"
RTOL = 1e-9
ATOL = 1e-12  # for expected values that are exactly 0


TIES = Path(__file__).resolve().parent / "data" / "funnelplotr_ties"


def _rows(name: str, folder: Path = FOLDER) -> list[dict[str, str]]:
    path = folder / name
    if not path.is_file():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _json(name: str, folder: Path = FOLDER) -> Any:
    path = folder / name
    return json.loads(path.read_text()) if path.is_file() else None


TIE_CASES: list[dict[str, Any]] = _json("cases.json", TIES)
CASES: list[dict[str, Any]] = (_json("cases.json") or []) + TIE_CASES
INPUTS = _rows("inputs_aggregated.csv") + _rows("inputs_aggregated.csv", TIES)
EXPECTED = _rows("aggregated_expected.csv") + _rows("aggregated_expected.csv", TIES)
LOOKUP = _rows("limits_lookup.csv")
UNIT = _json("unit_cases.json") or {}


def _num(text: str) -> float:
    return math.nan if text in ("", "NA") else float(text)


def _close(actual: Any, expected: Any, what: str) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, float), np.asarray(expected, float), rtol=RTOL, atol=ATOL, err_msg=what
    )


def _options(case: dict[str, Any]) -> FunnelOptions:
    return FunnelOptions(
        data_type=case["data_type"],
        sr_method=case["sr_method"],
        trim_by=float(case["trim_by"]),
        outlier_level=0.95 if int(case["limit"]) == 95 else 0.998,
        draw_adjusted=bool(case["draw_adjusted"]),
        draw_unadjusted=bool(case["draw_unadjusted"]),
        multiplier=float(case["multiplier"]),
        shmi_rounding=bool(case["SHMI_rounding"]),
        reference_compatible=True,
    )


def test_reference_folder_present(reference_dir: Path) -> None:
    assert (reference_dir / "FunnelPlotR" / "cases.json").is_file()
    assert len(CASES) > len(TIE_CASES), "no FunnelPlotR cases found"


def test_tie_cases_hold_decimal_ties() -> None:
    """The tie cases exercise what they claim: numpy's rounding moves some of their counts."""
    sums = np.array([float(r["denominator"]) for r in _rows("inputs_aggregated.csv", TIES)])
    expected = np.array([float(r["denominator"]) for r in _rows("aggregated_expected.csv", TIES)])
    assert len(TIE_CASES) == 4
    assert np.sort(np.round(sums, 2)).tolist() != np.sort(expected).tolist()


@pytest.mark.parametrize("case", CASES, ids=[c["case_id"] for c in CASES])
def test_funnel_case(case: dict[str, Any], reference_dir: Path) -> None:
    rows = [r for r in INPUTS if r["case_id"] == case["case_id"]]
    assert rows, f"no inputs for {case['case_id']}"
    labels, o, e = aggregate_groups(
        [float(r["numerator"]) for r in rows],
        [float(r["denominator"]) for r in rows],
        [r["group"] for r in rows],
    )
    result = compute_funnel(o, e, options=_options(case))

    assert len(labels) == case["n_groups"]
    _close(result.phi[0], case["phi"], "phi")
    _close(result.tau2[0], case["tau2"], "tau2")
    _close(result.target[0], case["target"], "target")
    assert bool(result.adjusted_effective[0]) == case["draw_adjusted_effective"]
    assert bool(result.unadjusted_effective[0]) == case["draw_unadjusted_effective"]
    assert int(result.outlier.sum()) == case["n_outliers"]
    assert sorted(labels[result.outlier].tolist()) == sorted(case["outlier_groups"])

    expected = {r["group"]: r for r in EXPECTED if r["case_id"] == case["case_id"]}
    if not expected:
        return  # a case with summary values only
    order = [list(labels).index(g) for g in expected]
    exp = list(expected.values())

    def col(name: str) -> list[float]:
        return [_num(r[name]) for r in exp]

    _close(result.numerator[order], col("numerator"), "numerator")
    _close(result.denominator[order], col("denominator"), "denominator")
    _close(result.ratio[order], col("rr"), "rr")
    _close(result.target_transformed[result.funnel[order]], col("target_transformed"), "tt")
    _close(result.y[order], col("Y"), "Y")
    _close(result.z[order], col("Uzscore"), "Uzscore")
    _close(result.z_trimmed[order], col("Wuzscore"), "Wuzscore")
    for name, array, level in (
        ("LCL95", result.lower, 0),
        ("UCL95", result.upper, 0),
        ("LCL99", result.lower, 1),
        ("UCL99", result.upper, 1),
        ("OD95LCL", result.od_lower, 0),
        ("OD95UCL", result.od_upper, 0),
        ("OD99LCL", result.od_lower, 1),
        ("OD99UCL", result.od_upper, 1),
    ):
        _close(array[level][order], col(name), name)
    assert result.outlier[order].astype(int).tolist() == [int(r["outlier"]) for r in exp]
    assert result.trimmed[order].astype(int).tolist() == [int(r["trimmed"]) for r in exp]


LOOKUP_IDS = sorted({r["lookup_id"] for r in LOOKUP})


@pytest.mark.parametrize("lookup_id", LOOKUP_IDS)
def test_limits_lookup(lookup_id: str, reference_dir: Path) -> None:
    rows = [r for r in LOOKUP if r["lookup_id"] == lookup_id]
    first = rows[0]
    options = FunnelOptions(
        data_type=first["data_type"],  # type: ignore[arg-type]
        sr_method=first["sr_method"],  # type: ignore[arg-type]
        multiplier=float(first["multiplier"]),
        reference_compatible=True,
    )
    lookup = funnel_lookup(
        float(first["max_x"]),
        tau2=float(first["tau2"]),
        target=float(first["target"]),
        options=options,
    )
    _close(lookup.denominator, [float(r["number_seq"]) for r in rows], "number_seq")
    for name, array, level in (
        ("odll95", lookup.od_lower, 0),
        ("odul95", lookup.od_upper, 0),
        ("odll998", lookup.od_lower, 1),
        ("odul998", lookup.od_upper, 1),
        ("ll95", lookup.lower, 0),
        ("ul95", lookup.upper, 0),
        ("ll998", lookup.lower, 1),
        ("ul998", lookup.upper, 1),
    ):
        _close(array[level], [float(r[name]) for r in rows], name)


def test_poisson_limits(reference_dir: Path) -> None:
    case = UNIT["poisson_limits"]
    lookup = funnel_lookup(
        max(case["number_seq"]),
        tau2=0.0,
        target=float(case["target"]),
        options=FunnelOptions(multiplier=float(case["multiplier"]), reference_compatible=True),
        denominators=case["number_seq"],
        grid=False,
    )
    _close(lookup.lower[0], case["ll95"], "ll95")
    _close(lookup.upper[0], case["ul95"], "ul95")
    _close(lookup.lower[1], case["ll998"], "ll998")
    _close(lookup.upper[1], case["ul998"], "ul998")


def test_aggregate(reference_dir: Path) -> None:
    case = UNIT["aggregate"]
    labels, o, e = aggregate_groups(
        case["input"]["numerator"], case["input"]["denominator"], case["input"]["group"]
    )
    assert labels.tolist() == case["expected"]["group"]
    _close(o, case["expected"]["numerator"], "numerator")
    _close(e, case["expected"]["denominator"], "denominator")
    _close(o / e, case["expected"]["rr"], "rr")


OUTLIER_CASES = UNIT.get("outliers", {}).get("cases", [])


@pytest.mark.parametrize("case", OUTLIER_CASES)
def test_outliers(case: dict[str, Any], reference_dir: Path) -> None:
    data = UNIT["outliers"]
    lim = data["limits"]
    prefix = "OD" if case["draw_adjusted"] else ""
    level = "95" if case["limit"] == 95 else "99"
    if prefix:
        lower, upper = lim[f"OD{level}LCL"], lim[f"OD{level}UCL"]
    else:
        lower, upper = lim[f"LCL{level}"], lim[f"UCL{level}"]
    flags = outlier_flags(data["rr"], lower, upper, multiplier=float(case["multiplier"]))
    if not (case["draw_adjusted"] or case["draw_unadjusted"]):
        flags = np.zeros_like(flags)
    assert flags.astype(int).tolist() == case["expected_outlier"]

"""Parity with NHSRplotthedots 0.2.2 (reference/NHSRplotthedots): every stored case, 1e-9
relative on numbers, exact on flags, labels and icons, with default options."""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from specialmeasures.stats.spc import SpcOptions
from specialmeasures.stats.spc_icons import ASSURANCE_TYPES, assurance_codes
from specialmeasures.stats.spc_rules import (
    part_of_run,
    part_of_two_in_three,
    shift_markers,
    step_signs,
    trend_markers,
    two_in_three,
)
from specialmeasures.stats.spc_tidy import SpcResult, spc

# Same location as the ``reference_dir`` fixture (tests/golden/conftest.py), needed at collection.
FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "NHSRplotthedots"
RTOL = 1e-9
ATOL = 1e-12  # for expected values that are exactly 0


def _rows(name: str) -> list[dict[str, str]]:
    path = FOLDER / name
    if not path.is_file():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _json(name: str) -> Any:
    path = FOLDER / name
    return json.loads(path.read_text()) if path.is_file() else None


CASES: list[dict[str, Any]] = _json("cases.json") or []
POINTS: dict[str, list[dict[str, str]]] = defaultdict(list)
for _row in _rows("points.csv"):
    POINTS[_row["case_id"]].append(_row)
SUMMARY: dict[str, list[dict[str, str]]] = defaultdict(list)
for _row in _rows("summary.csv"):
    SUMMARY[_row["case_id"]].append(_row)
ICONS: dict[str, list[dict[str, str]]] = defaultdict(list)
for _row in _rows("icons.csv"):
    ICONS[_row["case_id"]].append(_row)
HELPERS: dict[str, Any] = _json("rule_helpers.json") or {}


def _num(text: str) -> float:
    return math.nan if text in ("", "NA", "NaN") else float(text)


def _bool(text: str) -> bool | None:
    return None if text in ("", "NA") else text == "TRUE"


def _close(actual: Any, expected: Any, what: str) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, float), np.asarray(expected, float), rtol=RTOL, atol=ATOL, err_msg=what
    )


def _unbox(value: Any) -> Any:
    """R scalars are stored as one-element JSON arrays (``[0.5]``)."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _run_case(case: dict[str, Any]) -> SpcResult:
    rows = POINTS[case["case_id"]]
    fix = _unbox(case.get("fix_after_n_points"))
    options = SpcOptions(
        improvement_direction=_unbox(case.get("improvement_direction", "increase")),
        screen_outliers=bool(_unbox(case.get("screen_outliers", True))),
        fix_after_n_points=int(fix) if fix is not None else None,
    )
    rebase = case.get("rebase")
    if isinstance(rebase, str):
        rebase = [rebase]
    target = case.get("target")
    if isinstance(target, dict):
        target = {str(k): float(_unbox(v)) for k, v in target.items()}
    elif target is not None:
        target = float(_unbox(target))
    facets = [r["f"] for r in rows] if case.get("facet_field") else None
    return spc(
        [_num(r["y"]) for r in rows],
        [r["x"] for r in rows],
        facets=facets,
        rebase=rebase,
        target=target,
        options=options,
    )


def test_reference_folder_present(reference_dir: Path) -> None:
    assert (reference_dir / "NHSRplotthedots" / "cases.json").is_file()
    assert CASES, "no NHSRplotthedots cases found"
    assert all(POINTS[c["case_id"]] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["case_id"] for c in CASES])
def test_points(case: dict[str, Any], reference_dir: Path) -> None:
    rows = POINTS[case["case_id"]]
    result = _run_case(case)
    # The reference sorts by facet then date, as we do.
    assert result.facet.tolist() == [r["f"] for r in rows]
    assert [str(d) for d in result.date] == [r["x"] for r in rows]
    for column, ours in [
        ("mean_col", result.mean),
        ("lpl", result.lpl),
        ("upl", result.upl),
        ("nlpl", result.nlpl),
        ("nupl", result.nupl),
    ]:
        _close(ours, [_num(r[column]) for r in rows], column)
    assert result.rebase_group.tolist() == [int(r["rebase_group"]) for r in rows]
    assert result.short_group_warning.tolist() == [_bool(r["short_group_warning"]) for r in rows]
    # R's NA (missing value, or NaN limits) is False for us, with the reason visible.
    for column, ours in [
        ("outside_limits", result.outside_limits),
        ("close_to_limits", result.close_to_limits),
    ]:
        expected = [_bool(r[column]) for r in rows]
        assert ours.tolist() == [bool(e) for e in expected], column
        unknown = [e is None for e in expected]
        assert all(
            m or math.isnan(lim)
            for m, lim, u in zip(result.missing, result.lpl, unknown, strict=True)
            if u
        )
    rtm = [r["relative_to_mean"] for r in rows]
    assert result.relative_to_mean.tolist() == [0 if v in ("", "NA") else int(v) for v in rtm]
    assert result.missing.tolist() == [v in ("", "NA") for v in rtm]
    assert result.special_cause_type.tolist() == [r["special_cause_type"] for r in rows]
    assert result.special_cause_flag.tolist() == [_bool(r["special_cause_flag"]) for r in rows]
    assert result.point_type.tolist() == [r["point_type"] for r in rows]
    _close(result.target, [_num(r["target"]) for r in rows], "target")


@pytest.mark.parametrize("case", CASES, ids=[c["case_id"] for c in CASES])
def test_summary(case: dict[str, Any], reference_dir: Path) -> None:
    expected = SUMMARY[case["case_id"]]
    assert expected
    summary = _run_case(case).summary()
    assert summary.facet.tolist() == [r["f"] for r in expected]
    assert summary.rebase_group.tolist() == [int(r["rebase_group"]) for r in expected]
    for column, ours in [
        ("mean_col", summary.mean),
        ("lpl", summary.lpl),
        ("upl", summary.upl),
    ]:
        _close(ours, [_num(r[column]) for r in expected], column)
    for column in ("n", "common_cause", "special_cause_improvement", "special_cause_concern"):
        assert getattr(summary, column).tolist() == [int(r[column]) for r in expected], column
    assert summary.variation_type.tolist() == [r["variation_type"] for r in expected]
    assert list(summary.assurance_type) == [r["assurance_type"] or None for r in expected]


@pytest.mark.parametrize("case", CASES, ids=[c["case_id"] for c in CASES])
def test_icons(case: dict[str, Any], reference_dir: Path) -> None:
    expected = {r["f"]: (r["variation_icon"], r["assurance_icon"]) for r in ICONS[case["case_id"]]}
    assert expected
    ours = {
        facet: (f"{variation}.svg", f"{assurance}.svg" if assurance else "")
        for facet, (variation, assurance) in _run_case(case).icons().items()
    }
    assert ours == expected


def _starts(n: int) -> np.ndarray[Any, np.dtype[np.bool_]]:
    starts = np.zeros(n, dtype=bool)
    starts[:1] = True
    return starts


def _helper(name: str, args: dict[str, Any]) -> list[float]:
    if name == "ptd_seven_point_one_side_mean":
        v = np.asarray(args["v"], dtype=np.int8)
        # The reference returns TRUE/FALSE; our marker also tells the side (+1/-1).
        return np.abs(shift_markers(v, _starts(v.size))).tolist()
    if name == "ptd_part_of_seven_trend":
        return part_of_run(np.asarray(args["v"], dtype=np.int8)).astype(int).tolist()
    if name == "ptd_seven_point_trend":
        y = np.asarray(args["y"], dtype=np.float64)
        return trend_markers(step_signs(y, _starts(y.size))).tolist()
    if name == "ptd_two_in_three":
        v = np.asarray(args["v"], dtype=bool)
        rtm = np.asarray(args["rtm"], dtype=np.int8)
        return two_in_three(v, rtm, _starts(v.size)).astype(int).tolist()
    if name == "ptd_part_of_two_in_three":
        v = np.asarray(args["v"], dtype=bool)
        x = np.asarray(args["x"], dtype=bool)
        return part_of_two_in_three(v, x).astype(int).tolist()
    raise AssertionError(f"unknown helper {name}")


HELPER_CASES = HELPERS.get("rule_helper_cases", [])


@pytest.mark.parametrize(
    "case", HELPER_CASES, ids=[f"{c['function_name']}-{i}" for i, c in enumerate(HELPER_CASES)]
)
def test_rule_helper(case: dict[str, Any], reference_dir: Path) -> None:
    assert _helper(case["function_name"], case["args"]) == case["expected"]


ASSURANCE_CASES = HELPERS.get("assurance_cases", [])


@pytest.mark.parametrize("case", ASSURANCE_CASES)
def test_assurance(case: dict[str, Any], reference_dir: Path) -> None:
    code = assurance_codes(
        np.array([float(case["target"])]),
        np.array([float(case["lpl"])]),
        np.array([float(case["upl"])]),
        case["improvement_direction"],
    )[0]
    assert (ASSURANCE_TYPES[code] if code >= 0 else None) == case["expected_assurance_type"]

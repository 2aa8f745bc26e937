"""The validation's table of measures and its independent estimator."""

from __future__ import annotations

import math

import pytest

from specialmeasures.demo.world import WORLDS
from specialmeasures.evaluation.validation import summarise_errors, validate_impact, validation_rows


def _record(att: float, se: float, truth: float = 0.0) -> dict[str, float | bool]:
    return {"att": att, "se": se, "att_truth": truth,
            "att_covered": abs(att - truth) <= 1.959964 * se, "pretrend_p": 0.5}  # fmt: skip


def test_measures_are_computed_from_the_seeds() -> None:
    records = [_record(0.01, 0.01), _record(-0.01, 0.01), _record(0.03, 0.01), _record(0.0, 0.01)]
    out = summarise_errors(records, 0.95)  # type: ignore[arg-type]
    assert out["att_bias"] == pytest.approx(0.0075)
    assert out["att_coverage"] == 0.75  # 0.03 is 3 SEs from 0
    assert out["att_coverage_low"] < 0.75 < out["att_coverage_high"]
    assert out["interval_excludes_zero"] == 0.25
    spread = math.sqrt(sum((x - 0.0075) ** 2 for x in (0.01, -0.01, 0.03, 0.0)) / 3)
    assert out["sd_of_estimates"] == pytest.approx(spread)
    assert out["se_ratio"] == pytest.approx(0.01 / spread)
    assert out["mde_80_from_reported_se"] == pytest.approx((1.959964 + 0.841621) * 0.01, rel=1e-5)
    assert out["att_bias_mc_se"] == pytest.approx(spread / 2)


@pytest.mark.slow
def test_null_world_beside_the_independent_estimator() -> None:
    result = validate_impact("ae_four_hour", 1, first_seed=2, world=WORLDS["null"],
                             independent=True)  # fmt: skip
    assert result.world == "null"
    assert result.summary["att_truth"] == 0.0 == result.independent["att_truth"]
    assert 0.0 <= result.summary["shadow_share_of_comparators"] <= 1.0
    rows = validation_rows(result)
    assert rows[0]["measure"].startswith("true average effect")
    assert set(rows[0]) == {"measure", "matched", "callaway_santanna"}
    assert all(not v.startswith("0.0000000") for r in rows for v in r.values())

"""Reading an impact estimate: cannot tell, the minimum detectable effect, disagreement."""

from __future__ import annotations

import pytest

from specialmeasures.evaluation.reading import read_estimate


def _att(est: float, se: float) -> dict[str, float]:
    return {"estimate": est, "se": se, "ci_low": est - 1.96 * se, "ci_high": est + 1.96 * se}


def test_an_interval_with_zero_cannot_tell() -> None:
    r = read_estimate(_att(0.01, 0.01), 0.95)
    assert r["verdict"] == "cannot tell"
    assert r["text"][0].startswith("Cannot tell")
    assert r["mde"] == pytest.approx((1.959964 + 0.841621) * 0.01, rel=1e-5)


def test_an_interval_without_zero_reads_as_an_effect_with_caveats() -> None:
    r = read_estimate(_att(0.05, 0.01), 0.95, pretrend_p=0.001)
    assert r["verdict"] == "effect"
    assert "caveats" in r["text"][0]
    assert any("pre-trend test rejects" in t for t in r["text"])


def test_disagreement_with_the_independent_estimator_is_said_and_explained() -> None:
    other = {"att": _att(0.06, 0.01), "pretrend": {"p_value": 1e-6}}
    r = read_estimate(_att(0.01, 0.01), 0.95, independent=other)
    assert r["agreement"] == "disagree"
    assert "disagree" in r["text"][-1]
    assert "dip" in r["text"][-1]
    same = read_estimate(_att(0.01, 0.01), 0.95, independent={"att": _att(0.012, 0.01)})
    assert same["agreement"] == "agree"

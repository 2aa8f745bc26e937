"""NOF 2025/26 segmentation: the published worked example, bookends, ties, quartiles, caps."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from specialmeasures.domain import DomainError
from specialmeasures.rules.nof import (
    MetricSpec,
    NofOptions,
    apply_deficit_cap,
    apply_pip,
    league_ranks,
    metric_ranks,
    quartile_segments,
    raw_delivery_scores,
    score_metric,
    segment,
)

#: The published worked example and bookends, in the shared folder beside the project root.
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "regime"


def _rows(name: str) -> list[dict[str, str]]:
    path = REFERENCE / name
    assert path.exists(), f"reference file missing: {path} (../shared/reference/regime)"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def test_published_worked_example_is_1_53_and_segment_1() -> None:
    rows = _rows("nof_2025_26_worked_example.csv")
    scores = np.array([[float(r["score"]) for r in rows]])
    assert len(rows) == 11
    assert scores.sum() == pytest.approx(16.83)
    raw = raw_delivery_scores(scores)
    assert raw.tolist() == [1.53]
    # Peers of the same type: the example trust's 1.53 is in the lowest quartile.
    peers = np.array([1.53, 1.9, 2.1, 2.3, 2.5, 2.6, 2.9, 3.1])
    assert quartile_segments(peers, ["acute"] * 8)[0] == 1
    # The example's "latest deficit -0.73%" would cap it at segment 3 if it is a deficit.
    assert apply_deficit_cap(np.array([1]), np.array([True])).tolist() == [3]


@pytest.mark.parametrize(
    ("case", "spec", "values"),
    [
        (
            "standard exists (e.g. 80% target)",
            MetricSpec("m", True, "standard", 80.0),
            [95, 79, 75, 70, 50],
        ),
        (
            "floor exists (must improve on baseline)",
            MetricSpec("m", True, "floor", 0.0),
            [5, 3, 2, 1, -1],
        ),
        ("no standard or floor", MetricSpec("m", True), [5, 4, 3, 2, 1]),
    ],
)
def test_bookends_file(case: str, spec: MetricSpec, values: list[float]) -> None:
    row = {r["case"]: r for r in _rows("nof_2025_26_scoring_bookends.csv")}[case]
    scores = score_metric(np.array(values, dtype=float), spec)
    if row["meets_standard_score"]:
        assert scores[0] == float(row["meets_standard_score"])
        ranked = scores[1:]
    elif row["fails_floor_score"]:
        assert scores[-1] == float(row["fails_floor_score"])
        ranked = scores[:-1]
    else:
        ranked = scores
    assert ranked[0] == float(row["best_ranked_score"])
    assert ranked[-1] == float(row["worst_ranked_score"])
    low, high = (float(x) for x in row["middle_range"].split("-"))
    assert all(low <= s <= high for s in ranked[1:-1])


def test_even_spread_and_lower_is_better() -> None:
    spec = MetricSpec("waits", higher_is_better=False)
    scores = score_metric(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), spec)
    assert scores.tolist() == [1.0, 1.75, 2.5, 3.25, 4.0]


def test_ties_take_the_best_score_of_the_cluster() -> None:
    scores = score_metric(np.array([10.0, 8.0, 8.0, 8.0, 1.0]), MetricSpec("m", True))
    assert scores.tolist() == [1.0, 1.75, 1.75, 1.75, 4.0]


def test_missing_scores_zero_and_is_excluded() -> None:
    scores = score_metric(np.array([np.nan, 2.0, 1.0]), MetricSpec("m", True))
    assert scores.tolist() == [0.0, 1.0, 4.0]
    assert raw_delivery_scores(np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 0.0]])).tolist()[0] == 2.5
    assert np.isnan(raw_delivery_scores(np.array([[0.0, 0.0]]))[0])


def test_infection_rates_weigh_one_third_each() -> None:
    specs = [MetricSpec("a", True)] + [MetricSpec(f"i{k}", False, infection=True) for k in range(3)]
    raw = raw_delivery_scores(np.array([[1.0, 4.0, 4.0, 4.0]]), specs)
    assert raw.tolist() == [2.5]  # (1 + 4/3 * 3) / 2


def test_rounding_is_half_away_from_zero() -> None:
    assert raw_delivery_scores(np.array([[1.0, 1.05]])).tolist() == [1.03]


def test_quartiles_within_organisation_type() -> None:
    raw = np.array([1.0, 2.0, 3.0, 4.0, 1.5, 1.6, 1.7, 1.8, np.nan])
    types = ["acute"] * 4 + ["ambulance"] * 4 + ["acute"]
    assert quartile_segments(raw, types).tolist() == [1, 2, 3, 4, 1, 2, 3, 4, 0]


def test_deficit_cap_and_pip() -> None:
    segs = apply_deficit_cap(np.array([1, 2, 3, 4, 0]), np.array([True, True, True, True, True]))
    assert segs.tolist() == [3, 3, 3, 4, 0]
    assert apply_pip(segs, np.array([False, False, False, True, False])).tolist() == [3, 3, 3, 5, 0]
    with pytest.raises(DomainError, match="segment-4"):
        apply_pip(segs, np.array([True, False, False, False, False]))


def test_league_tables_by_type_segment_then_score() -> None:
    segs = np.array([3, 1, 1, 4, 2])
    raw = np.array([1.2, 1.9, 1.5, 3.0, 2.0])
    types = ["acute", "acute", "acute", "ambulance", "ambulance"]
    assert league_ranks(segs, raw, types).tolist() == [3, 2, 1, 2, 1]
    tied = league_ranks(np.array([1, 1]), np.array([1.5, 1.5]), ["acute", "acute"])
    assert tied.tolist() == [1, 1]
    imr = metric_ranks(np.array([[1.0, 0.0], [2.0, 3.0], [1.0, 1.0]]), ["acute"] * 3)
    assert imr.tolist() == [[1, 0], [3, 2], [1, 1]]


def test_full_run_and_options() -> None:
    values = np.array([[90.0, 5.0], [70.0, 4.0], [60.0, np.nan], [85.0, 1.0]])
    specs = [MetricSpec("target", True, "standard", 80.0), MetricSpec("rate", True)]
    result = segment(values, specs, ["acute"] * 4, np.array([False, False, False, True]))
    assert result.scores[:, 0].tolist() == [1.0, 2.0, 4.0, 1.0]
    assert result.raw.tolist() == [1.0, 2.25, 4.0, 2.5]
    assert result.delivery_segment.tolist() == [1, 2, 4, 3]
    assert result.segment.tolist() == [1, 2, 4, 3]
    assert result.rank.tolist() == [1, 2, 4, 3]
    with pytest.raises(DomainError, match="metrics"):
        segment(values, specs[:1], ["acute"] * 4, np.zeros(4, dtype=bool))
    with pytest.raises(DomainError, match="threshold"):
        MetricSpec("x", True, "standard")
    assert NofOptions().deficit_cap_segment == 3

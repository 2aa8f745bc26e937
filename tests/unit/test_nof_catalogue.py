"""NOF 2025/26 catalogue, quarters, likely rank ranges, domain scores and moves up a segment."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specialmeasures.demo import CATALOGUE
from specialmeasures.domain import InputError
from specialmeasures.rules.nof import (
    CQC_SAFE_RATING_SCORES,
    TRUST_TYPES,
    raw_delivery_scores,
    score_metric,
    segment,
)
from specialmeasures.rules.nof_catalogue import (
    DOMAINS,
    Quarter,
    _parse,
    load_catalogue,
    metrics_for,
)
from specialmeasures.rules.nof_league import domain_scores, moves_up, rank_ranges, segment_cuts

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "regime"


def _worked_example() -> list[dict[str, str]]:
    lines = (REFERENCE / "nof_2025_26_worked_example.csv").read_text().splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def test_catalogue_rows_are_complete_and_typed() -> None:
    catalogue = load_catalogue()
    assert len({m.id for m in catalogue}) == len(catalogue)
    for m in catalogue:
        assert m.domain in DOMAINS
        assert m.direction in ("higher", "lower")
        assert m.org_types <= set(TRUST_TYPES)
        assert m.source
        assert m.standard_or_floor in ("standard", "floor", "neither")
    # The three infection rates, one third each, and every type has metrics in every league.
    assert sorted(m.id for m in catalogue if m.infection) == [
        "cdiff_rate", "ecoli_rate", "mrsa_bacteraemia"]  # fmt: skip
    for kind in TRUST_TYPES:
        assert len(metrics_for(kind, catalogue)) >= 8


def test_catalogue_indicators_exist_in_the_demo_catalogue() -> None:
    demo = {spec.definition.id for spec in CATALOGUE}
    for m in load_catalogue():
        if m.indicator:
            assert m.indicator in demo, m.id


def test_published_rows_are_the_worked_example_metrics() -> None:
    names = {r["metric"] for r in _worked_example()}
    published = {m.name for m in load_catalogue() if m.basis == "published" and not m.infection}
    assert published == names


def test_catalogue_standards_reproduce_the_worked_examples_met_standards() -> None:
    """Where the example scores 1.00 on a metric with a standard, its value meets ours."""
    by_name = {m.name: m for m in load_catalogue()}
    checked = 0
    for r in _worked_example():
        m = by_name[r["metric"]]
        if m.scoring != "standard":
            continue
        value = float(r["value"].replace("%", "").replace("£", ""))
        # Put the example trust among two others that miss the standard badly.
        worse = [-50.0, -60.0] if m.direction == "higher" else [500.0, 600.0]
        scores = score_metric(np.array([value, *worse]), m.spec)
        met = float(r["score"]) == 1.0
        assert bool(scores[0] == 1.0) == met, m.id
        checked += 1
    assert checked >= 6


def test_worked_example_still_scores_1_53_through_the_catalogue_bespoke_rating() -> None:
    rows = _worked_example()
    scores = [float(r["score"]) for r in rows]
    safe = next(i for i, r in enumerate(rows) if r["metric"] == "CQC safety rating")
    assert CQC_SAFE_RATING_SCORES[rows[safe]["value"]] == scores[safe]
    assert raw_delivery_scores(np.array([scores])).tolist() == [1.53]


def test_bad_catalogue_rows_name_the_row_and_column() -> None:
    header = "id,name,domain,direction,scoring,threshold,unit,org_types,infection,indicator,scale,basis,source"
    good = "a,A,access,higher,none,,%,acute,false,,1,published,x"
    with pytest.raises(InputError, match=r"row 3.*direction.*sideways"):
        _parse(
            "\n".join([header, good, good.replace("a,A", "b,B").replace("higher", "sideways")]),
            "f.csv",
        )
    with pytest.raises(InputError, match="org_types"):
        _parse("\n".join([header, good.replace("acute", "hospice")]), "f.csv")
    with pytest.raises(InputError, match="scoring"):
        _parse("\n".join([header, good.replace("none,", "standard,")]), "f.csv")


def test_quarters_are_financial_year_quarters() -> None:
    assert Quarter.parse("2025Q1").months == (date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1))
    assert Quarter.parse("2025q4").end == date(2026, 3, 31)
    assert Quarter.containing(date(2026, 2, 14)) == Quarter(2025, 4)
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    with pytest.raises(InputError, match="not a quarter"):
        Quarter.parse("2025-07")


def _league(seed: int, n: int = 24, m: int = 6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, m))
    values[rng.random((n, m)) < 0.1] = np.nan
    from specialmeasures.rules.nof import MetricSpec

    specs = [MetricSpec(f"m{j}", True) for j in range(m)]
    r = segment(values, specs, ["acute"] * n, rng.random(n) < 0.3)
    return r.scores, r.segment, r.rank


def test_likely_rank_range_contains_the_rank_and_is_seeded() -> None:
    scores, seg, rank = _league(1)
    low, high = rank_ranges(scores, np.ones(scores.shape[1]), seg, rank)
    assert ((low <= rank) & (rank <= high)).all()
    assert (low >= 1).all()
    assert (high <= len(rank)).all()
    again = rank_ranges(scores, np.ones(scores.shape[1]), seg, rank)
    assert (again[0] == low).all()
    assert (again[1] == high).all()
    # The range never crosses a segment boundary: segment comes first in the ranking.
    for s in np.unique(seg):
        inside = seg == s
        assert low[inside].min() >= rank[inside].min()
        assert high[inside].max() <= rank[inside].max() + (rank == rank[inside].max()).sum()


def test_domain_scores_are_weighted_means_of_their_metrics() -> None:
    scores = np.array([[1.0, 3.0, 2.0, 0.0], [4.0, 4.0, 1.0, 2.0]])
    out = domain_scores(scores, np.array([1.0, 1.0, 1.0, 1.0]), ["a", "a", "b", "b"])
    assert out["a"].tolist() == [2.0, 4.0]
    assert out["b"].tolist() == [2.0, 1.5]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(1.0, 4.0), min_size=2, max_size=10),
    st.floats(1.2, 3.5),
    st.integers(2, 4),
)
def test_the_move_up_reaches_the_cut(scores: list[float], cut: float, seg: int) -> None:
    names = [f"m{i}" for i in range(len(scores))]
    s = {k: round(v, 2) for k, v in zip(names, scores, strict=True)}
    w = {k: (1 / 3 if i < 2 else 1.0) for i, k in enumerate(names)}
    cuts = (cut - 0.4, cut - 0.2, cut)
    move = moves_up(s, w, segment=seg, delivery_segment=seg, capped=False, cuts=cuts)
    assert move.target == seg - 1
    after = dict(s)
    for k, _, needed in move.metrics:
        after[k] = needed
    mean = sum(w[k] * after[k] for k in after) / sum(w.values())
    if move.target_average is not None and "Even the best" not in move.text:
        assert mean <= move.target_average + 1e-9


def test_moves_for_capped_pip_and_top_segment() -> None:
    cuts = (1.5, 2.0, 2.5)
    capped = moves_up({"a": 1.0}, {"a": 1.0}, segment=3, delivery_segment=1, capped=True, cuts=cuts)
    assert capped.target == 1
    assert "deficit" in capped.text
    pip = moves_up({"a": 4.0}, {"a": 1.0}, segment=5, delivery_segment=4, capped=False, cuts=cuts)
    assert pip.target == 4
    assert "Provider Improvement Programme" in pip.text
    top = moves_up({"a": 1.0}, {"a": 1.0}, segment=1, delivery_segment=1, capped=False, cuts=cuts)
    assert top.target is None


def test_segment_cuts_match_the_quartile_segments() -> None:
    raw = np.array([1.2, 1.5, 1.9, 2.2, 2.4, 2.8, 3.0, 3.3])
    q1, _q2, q3 = segment_cuts(raw)
    from specialmeasures.rules.nof import quartile_segments

    seg = quartile_segments(raw, ["acute"] * raw.size)
    assert (seg[raw <= q1] == 1).all()
    assert (seg[raw >= q3] == 4).all()

"""Kaplan-Meier: hand-worked example, censoring, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specialmeasures.domain import InputError
from specialmeasures.evaluation.km import kaplan_meier


def test_hand_worked_example_with_censoring() -> None:
    # Times 1, 2+, 3, 3, 4+, 6: S(1) = 5/6, S(3) = 5/6 * (1 - 2/4) = 5/12, then flat.
    curve = kaplan_meier([1, 2, 3, 3, 4, 6], [True, False, True, True, False, False])
    assert [(s.time, s.at_risk, s.events) for s in curve.steps] == [(1.0, 6, 1), (3.0, 4, 2)]
    assert curve.steps[-1].survival == pytest.approx(5 / 12)
    assert curve.at(0.5) == 1.0
    assert curve.at(2.0) == pytest.approx(5 / 6)
    assert curve.at(100) == pytest.approx(5 / 12)
    assert curve.median == 3.0
    assert curve.n == 6
    assert curve.events == 3


def test_no_events_never_falls_and_has_no_median() -> None:
    curve = kaplan_meier([5, 7], [False, False])
    assert curve.steps == ()
    assert curve.at(10) == 1.0
    assert curve.median is None


def test_without_censoring_it_is_the_empirical_survival() -> None:
    curve = kaplan_meier([1, 2, 3, 4], [True] * 4)
    assert [round(s.survival, 6) for s in curve.steps] == [0.75, 0.5, 0.25, 0.0]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError, match="non-negative"):
        kaplan_meier([-1], [True])


@given(st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=40))
def test_survival_is_non_increasing_and_in_range(data: list[tuple[int, bool]]) -> None:
    curve = kaplan_meier([t for t, _ in data], [e for _, e in data])
    values = [s.survival for s in curve.steps]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert values == sorted(values, reverse=True)
    assert curve.events == sum(e for _, e in data)


def test_km_figure_steps_match_the_curves_and_list_censored_exits() -> None:
    from datetime import date

    from specialmeasures.evaluation.sustainability import km_figure, km_rows, reentry_curves

    rows = [
        {"group": "A", "trust_type": "Acute", "months": m, "re_entered": e}
        for m, e in [(2.0, True), (3.0, True), (3.0, False), (5.0, True), (8.0, False)]
    ] + [{"group": "B", "trust_type": "Acute", "months": 4.0, "re_entered": False}]
    figure = km_figure(rows, date(2020, 1, 1), "group")
    a, b = figure["curves"]
    assert [(s["months"], s["survival"]) for s in a["steps"]] == [
        (0.0, 1.0),
        (2.0, 0.8),
        (3.0, 0.6),
        (5.0, 0.3),
    ]
    assert a["censored"] == [{"months": 3.0, "survival": 0.6}, {"months": 8.0, "survival": 0.3}]
    assert a["median_months"] == 5.0
    assert b["steps"] == [b["steps"][0]]
    assert b["censored"] == [{"months": 4.0, "survival": 1.0}]
    assert figure["max_months"] == 8.0
    assert figure["confidential"] is True
    curves = {c["stratum"]: c for c in reentry_curves(rows) if c["by"] == "group"}
    assert curves["A"]["free_24m"] == a["steps"][-1]["survival"]
    assert len(km_rows(figure)) == 5
    with pytest.raises(InputError, match="by"):
        km_figure(rows, date(2020, 1, 1), "region")

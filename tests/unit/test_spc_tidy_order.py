"""Input already sorted by facet then date takes a shortcut in ``spc_tidy.spc`` (no sort): the
result is what the sorting path gives for the same rows in any order."""

from __future__ import annotations

import numpy as np
import pytest

from specialmeasures.stats.spc_tidy import _codes, _in_order, spc


@pytest.mark.parametrize("seed", range(5))
def test_codes_of_sorted_facets_are_those_of_unique(seed: int) -> None:
    rng = np.random.default_rng(seed)
    facets = np.sort(rng.choice(np.asarray(["b", "a", "a b", "", "Z", "é", "aa"]), 200))
    keys, codes = _codes(facets)
    expected_keys, expected_codes = np.unique(facets, return_inverse=True)
    assert keys.tolist() == expected_keys.tolist()
    assert keys.dtype == expected_keys.dtype
    assert codes.tolist() == expected_codes.reshape(-1).tolist()


def test_in_order_refuses_a_repeated_or_backward_date() -> None:
    days = np.asarray(["2020-01-01", "2020-02-01", "2020-01-01"], dtype="datetime64[D]")
    assert _in_order(np.asarray([0, 0, 1]), days)
    assert not _in_order(np.asarray([0, 0, 0]), days)
    assert not _in_order(np.asarray([0, 1, 0]), days)
    assert not _in_order(np.asarray([0, 0, 0]), days[[0, 0, 1]])


@pytest.mark.parametrize("seed", range(4))
def test_sorted_input_gives_the_result_of_any_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    months = np.arange("2018-01", "2023-01", dtype="datetime64[M]").astype("datetime64[D]")
    values, dates, keys = [], [], []
    for facet in ["A", "B b", "C", "d"]:
        n = int(rng.integers(1, 40))
        values += list(rng.normal(10, 2, n))
        dates += list(months[np.sort(rng.choice(months.size, n, replace=False))])
        keys += [facet] * n
    shuffled = rng.permutation(len(values))
    for rows in (np.arange(len(values)), shuffled):
        assert _in_order(
            np.unique(np.asarray(keys)[rows], return_inverse=True)[1], np.asarray(dates)[rows]
        ) == (rows is not shuffled)
    sorted_result = spc(values, dates, facets=keys, target=10.0)
    any_order = spc(
        np.asarray(values)[shuffled],
        np.asarray(dates)[shuffled],
        facets=np.asarray(keys)[shuffled],
        target=10.0,
    )
    assert sorted_result.order.tolist() == list(range(len(values)))
    for name in ("facet", "date", "value", "mean", "lpl", "upl", "point_type", "facets"):
        a, b = getattr(sorted_result, name), getattr(any_order, name)
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert repr(sorted_result.summary().rows()) == repr(any_order.summary().rows())
    assert sorted_result.gaps == any_order.gaps

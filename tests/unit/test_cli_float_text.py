"""``float_texts`` writes each float exactly as ``repr`` does (empty for NaN), on awkward values,
on boundaries of its own shortcut, and on many random ones."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from specialmeasures.cli._float_text import _shortest, float_texts


def _reprs(values: np.ndarray) -> list[str]:
    return ["" if math.isnan(v) else repr(v) for v in values.tolist()]


AWKWARD = [
    1e16, 1e-5, -0.0, 0.0, 5e-324, -5e-324, 1e-4, -1e-4, 9.999999999999999e15, 1e15, 123.0,
    105, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, -1.5, 1e-4 * (1 + 2**-52), 99999.99999999999,
    0.30000000000000004, 2.0**53, 2.0**53 + 2, math.nan, -math.nan, math.inf, -math.inf, 1e22,
    sys.float_info.max, sys.float_info.min, 9007199254740993.0, 1000.0000000000001, 100.0,
    123456789012345.6, 0.000123456789012345, 5e-5, 9.5, 0.5, 1.0, -1.0, 12345678901234567.0,
]  # fmt: skip


def test_awkward_values_are_written_as_repr() -> None:
    values = np.asarray(AWKWARD, dtype=np.float64)
    assert float_texts(values) == _reprs(values)


def test_empty() -> None:
    assert float_texts(np.asarray([], dtype=np.float64)) == []


@pytest.mark.parametrize("values", [[2.0], [-2.0, 0.5, 4.0], [0.0], [math.nan], [1e300]])
def test_values_all_left_to_repr(values: list[float]) -> None:
    array = np.asarray(values, dtype=np.float64)
    assert _shortest(array)[0].size == 0
    assert float_texts(array) == _reprs(array)


def _shortcut_share(values: np.ndarray) -> float:
    return _shortest(values)[0].size / values.size


@pytest.mark.parametrize("seed", range(3))
def test_random_doubles_of_every_bit_pattern_in_range(seed: int) -> None:
    rng = np.random.default_rng(seed)
    low = np.asarray([1e-4]).view(np.int64)[0]
    high = np.asarray([1e16]).view(np.int64)[0]
    values = rng.integers(low, high, 300_000).view(np.float64)
    values[::2] *= -1
    assert float_texts(values) == _reprs(values)
    assert _shortcut_share(values) > 0.9  # the shortcut, not repr, wrote almost all of them


@pytest.mark.parametrize("decimals", range(9))
def test_values_with_few_digits(decimals: int) -> None:
    rng = np.random.default_rng(decimals)
    values = np.round(rng.normal(0, 1000, 50_000), decimals)
    values[:100] = np.round(rng.normal(0, 1e-3, 100), decimals + 4)
    assert float_texts(values) == _reprs(values)


def test_measures_as_spc_sees_them() -> None:
    rng = np.random.default_rng(9)
    values = np.concatenate(
        [
            rng.normal(100, 10, 100_000),
            rng.lognormal(0, 8, 100_000),
            rng.integers(-(10**6), 10**6, 100_000) / rng.choice([1, 2, 3, 7, 10, 100], 100_000),
            rng.random(100_000),
        ]
    )
    values[::97] = np.nan
    assert float_texts(values) == _reprs(values)


def test_neighbours_of_powers_of_ten_and_two() -> None:
    powers = np.concatenate([10.0 ** np.arange(-6, 18), 2.0 ** np.arange(-16, 56)])
    values = np.concatenate(
        [powers, np.nextafter(powers, 0), np.nextafter(powers, np.inf), powers * 3, powers / 3]
    )
    values = np.concatenate([values, -values])
    assert float_texts(values) == _reprs(values)

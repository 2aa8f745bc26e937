"""The stored form of shared read models: exact round trips, and nothing rebuilt but this
package's own dataclasses and enumerations."""

from __future__ import annotations

import json
import math
import zlib
from datetime import date, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from specialmeasures.domain import Regime
from specialmeasures.monitoring.watchlist import Flag
from specialmeasures.store.read_models import NotEncodableError, decode, encode, key_text


def _flag(strength: float) -> Flag:
    return Flag(
        provider_code="ZZ1", indicator_id="ae", indicator_name="A&E", category="c", method="xmr",
        rule="r", level="risk", since=date(2019, 1, 1), strength=strength, latest=None,
        reference=0.95, text="synthetic",
    )  # fmt: skip


def test_values_round_trip_exactly() -> None:
    value = {
        "as_of": date(2019, 9, 1),
        "at": datetime(2019, 9, 1, 12, 30),
        "regime": Regime.SMQ,
        "flags": (_flag(0.1 + 0.2), _flag(float("nan"))),
        "codes": frozenset({"A", "B"}),
        (1, "x"): [None, True, 3, float("inf")],
    }
    back = decode(encode(value))
    assert back["flags"][0] == value["flags"][0]
    assert back["flags"][0].strength == 0.1 + 0.2
    assert math.isnan(back["flags"][1].strength)
    assert {k: v for k, v in back.items() if k != "flags"} == {
        k: v for k, v in value.items() if k != "flags"
    }
    assert isinstance(back["flags"], tuple)
    assert back["regime"] is Regime.SMQ


@given(st.lists(st.floats(allow_nan=False), max_size=20))
def test_floats_are_kept_to_the_last_bit(values: list[float]) -> None:
    assert decode(encode(tuple(values))) == tuple(values)


def test_numpy_scalars_become_numbers() -> None:
    assert decode(encode([np.float64(0.25), np.int64(3), np.bool_(True)])) == [0.25, 3, True]


def test_unknown_values_are_refused_not_guessed() -> None:
    with pytest.raises(NotEncodableError, match="ndarray"):
        encode(np.zeros(3))
    with pytest.raises(NotEncodableError, match="object"):
        encode(object())


@pytest.mark.parametrize("name", ["os:system", "builtins:dict", "subprocess:Popen"])
def test_only_this_packages_classes_are_rebuilt(name: str) -> None:
    stored = zlib.compress(json.dumps({"~c": name, "f": {}}).encode())
    with pytest.raises(ValueError, match="not a class of this package"):
        decode(stored)


def test_a_package_function_is_not_called() -> None:
    stored = zlib.compress(
        json.dumps({"~c": "specialmeasures.store.read_models:encode", "f": {}}).encode()
    )
    with pytest.raises(ValueError, match="not a class"):
        decode(stored)


def test_keys_have_one_text() -> None:
    assert key_text(("watchlist", date(2019, 9, 1))) == key_text(("watchlist", date(2019, 9, 1)))
    assert key_text(("impact", "ae", 0.95)) != key_text(("impact", "ae", 0.9))

"""Worlds of the synthetic country: the base world is the demo country to the bit, and each
other world changes only what it says it changes."""

from __future__ import annotations

import numpy as np
import pytest

from specialmeasures.demo import generate
from specialmeasures.demo.world import WORLDS, World, world_named

SEED = 4


@pytest.fixture(scope="module")
def base():  # type: ignore[no-untyped-def]
    return generate(SEED)


def test_the_base_world_is_the_demo_country(base) -> None:  # type: ignore[no-untyped-def]
    again = generate(SEED, world=WORLDS["base"])
    assert np.array_equal(again.observations.value, base.observations.value, equal_nan=True)
    assert again.episodes == base.episodes
    assert set(again.truth.effect_factor.values()) == {1.0}
    assert len(again.truth.twin_of) == 32


def test_selection_world_is_the_country_without_unplaced_crises() -> None:
    a = generate(SEED, world=WORLDS["selection"])
    b = generate(SEED, unplaced=False)
    assert np.array_equal(a.observations.value, b.observations.value, equal_nan=True)
    assert not a.truth.twin_of


def test_null_world_has_no_effect_and_no_long_pre_entry_decline(base) -> None:  # type: ignore[no-untyped-def]
    null = generate(SEED, world=WORLDS["null"])
    assert not np.any(null.truth.observed_effect)
    assert np.any(base.truth.observed_effect)

    def decline_months(country) -> list[float]:  # type: ignore[no-untyped-def]
        smq = [s for s in country.truth.spells if s.cause == "smq_crisis"]
        entries = {e.provider_code: e.start for e in country.episodes if e.regime.value == "smq"}
        return [(entries[s.provider_code] - s.start).days / 30.4 for s in smq
                if s.provider_code in entries and s.start < entries[s.provider_code]]  # fmt: skip

    assert np.median(decline_months(null)) < np.median(decline_months(base)) - 5


def test_realistic_world_has_fewer_later_and_shallower_shadows(base) -> None:  # type: ignore[no-untyped-def]
    real = generate(SEED, world=WORLDS["realistic"])
    assert len(real.truth.twin_of) == 10
    shadows = {s.provider_code: s for s in real.truth.spells if s.cause == "unplaced_crisis"}
    entrant = {s.provider_code: s for s in real.truth.spells if s.cause == "smq_crisis"}
    gaps = [abs((shadows[u].start - entrant[t].start).days) for u, t in real.truth.twin_of.items()
            if t in entrant]  # fmt: skip
    assert max(gaps) > 60  # moved by months, not days
    assert max(s.magnitude for s in shadows.values()) <= 1.8 + 1e-9
    factors = np.array(list(real.truth.effect_factor.values()))
    assert factors.std() > 0.5
    assert (factors < 0).any()  # some trusts get worse


def test_worlds_are_validated() -> None:
    with pytest.raises(ValueError, match="shadows"):
        World(shadows=40)
    with pytest.raises(ValueError, match="effect"):
        World(effect="huge")
    with pytest.raises(ValueError, match="world: must be one of"):
        world_named("utopia")

"""Worlds: how a synthetic country departs from the base design, to test methods in worlds not
built for them.

The base country is designed so that an impact estimate *can* recover SMQ's effect (one
untreated crisis shadowing each SMQ entrant from 2014, to the day and of the same depth) and so
that the watch list *can* warn of entry (latent quality falls 8-15 months before the inspection
that triggers it). A validation that only runs there measures the design as much as the method.
A ``World`` changes those inputs:

* ``shadows``: how many untreated SMQ-deep crises there are (None: one per entrant, 32 of 217;
  0: none, so selection into SMQ cannot be told from its effect);
* ``jitter_months``: each shadow's crisis is moved by up to this many months (uniform, either
  way) against the entrant's it copies;
* ``shadow_depth``: the depth range of the shadows' crises (latent quality units; the entrants'
  is 1.7-2.3);
* ``effect``: SMQ's true effect: "constant" (the catalogue's, the same for every trust), "zero"
  (none: a null world), or "heterogeneous" (each trust's effect is the catalogue's times a
  factor drawn from a normal distribution with mean 1 and ``effect_sd``; some trusts get worse);
* ``onset_months``: months from a crisis's onset to the inspection that triggers entry (the
  pre-entry signal: 8-15 in the base world; 0.5-1.5 leaves almost none).

Every draw a world adds comes from its own random stream, so the base world is exactly the
country ``generate(seed)`` always made. Synthetic demonstration data only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

__all__ = ["WORLDS", "World", "world_named", "world_rng"]

#: Separates a world's own random stream from the six streams of ``generate``.
_WORLD_STREAM = 7919
EFFECTS = ("constant", "zero", "heterogeneous")


@dataclass(frozen=True, slots=True)
class World:
    """The design parameters of a synthetic country (see the module docstring)."""

    name: str = "base"
    shadows: int | None = None
    jitter_months: float = 0.0
    shadow_depth: tuple[float, float] | None = None
    effect: str = "constant"
    effect_sd: float = 0.0
    onset_months: tuple[float, float] = (8.0, 15.0)
    description: str = "the country as designed: a shadow crisis per SMQ entrant, to the day"

    def __post_init__(self) -> None:
        if self.shadows is not None and not 0 <= self.shadows <= 32:
            raise ValueError(f"shadows: must be between 0 and 32 (got {self.shadows})")
        if self.jitter_months < 0:
            raise ValueError(f"jitter_months: must be 0 or more (got {self.jitter_months})")
        if self.effect not in EFFECTS:
            raise ValueError(f"effect: must be one of {', '.join(EFFECTS)} (got {self.effect})")
        lo, hi = self.onset_months
        if not 0 < lo <= hi:
            raise ValueError(f"onset_months: must be 0 < low <= high (got {self.onset_months})")
        if self.shadow_depth is not None and not 0 < self.shadow_depth[0] <= self.shadow_depth[1]:
            raise ValueError(f"shadow_depth: must be 0 < low <= high (got {self.shadow_depth})")

    def effect_factors(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Each trust's factor on the catalogue's true effect (1 in the base world)."""
        if self.effect == "zero":
            return np.zeros(n)
        if self.effect == "heterogeneous":
            return rng.normal(1.0, self.effect_sd, size=n)
        return np.ones(n)


WORLDS: Mapping[str, World] = MappingProxyType(
    {
        "base": World(),
        "null": World(
            "null",
            effect="zero",
            onset_months=(0.5, 1.5),
            description="no effect of SMQ and no pre-entry signal: what a method finds in noise",
        ),
        "realistic": World(
            "realistic",
            shadows=10,
            jitter_months=12.0,
            shadow_depth=(1.0, 1.8),
            effect="heterogeneous",
            effect_sd=0.75,
            onset_months=(2.0, 15.0),
            description="10 untreated crises, timed up to a year apart from the entrants' and "
            "shallower; an effect that varies by trust; a pre-entry decline of 2-15 months",
        ),
        "realistic-null": World(
            "realistic-null",
            shadows=10,
            jitter_months=12.0,
            shadow_depth=(1.0, 1.8),
            effect="zero",
            onset_months=(2.0, 15.0),
            description="the realistic world without any effect of SMQ",
        ),
        "selection": World(
            "selection",
            shadows=0,
            description="no untreated crises: only SMQ trusts fall that far (not identified)",
        ),
        "no-signal": World(
            "no-signal",
            onset_months=(0.5, 1.5),
            description="the base country without the designed pre-entry decline",
        ),
    }
)


def world_named(name: str) -> World:
    """The preset called ``name``; a clear error listing the presets otherwise."""
    try:
        return WORLDS[name]
    except KeyError:
        raise ValueError(f"world: must be one of {', '.join(WORLDS)} (got {name!r})") from None


def world_rng(seed: int) -> np.random.Generator:
    """The world's own random stream for ``seed`` (apart from the base country's streams)."""
    return np.random.default_rng(np.random.SeedSequence([seed, _WORLD_STREAM]))

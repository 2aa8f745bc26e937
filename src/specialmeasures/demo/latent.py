"""Latent (true, unobserved) quality of each synthetic trust, month by month.

Quality is on a standardised scale (0 = typical, higher = better). It is the sum of

* a trust's own level (planned trusts start lower),
* an AR(1) process around it (mean reversion, phi = 0.92),
* a shock shared by every trust of a local system (AR(1), phi = 0.95): failure is systemic,
* deterioration spells: the designed crises of ``plan`` and a few random background ones.

Synthetic demonstration data: nothing here describes a real organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from specialmeasures.demo.plan import Spell, TrustPlan
from specialmeasures.demo.timeline import add_months, month_index
from specialmeasures.domain import Provider, Regime

__all__ = ["CP_THRESHOLD", "LatentQuality", "build_latent", "early_warning_score"]

#: The CP list's early-warning rule: a trailing three-month mean of latent quality below this.
CP_THRESHOLD = -1.0
_PHI_TRUST, _SD_TRUST = 0.92, 0.12
_PHI_SYSTEM, _SD_SYSTEM = 0.95, 0.05
_BURN_IN = 24


@dataclass(frozen=True, slots=True)
class LatentQuality:
    """``quality[i, t]`` for provider ``i`` and month ``t``; ``spells[i]`` lists its spells."""

    quality: NDArray[np.float64]
    spells: tuple[tuple[Spell, ...], ...]
    origin: date

    def at(self, i: int, day: date) -> float:
        t = min(max(month_index(day, self.origin), 0), self.quality.shape[1] - 1)
        return float(self.quality[i, t])


def _month_position(day: date, origin: date) -> float:
    return month_index(day, origin) + (day.day - 1) / 30.4375


def spell_profile(spell: Spell, origin: date, n_months: int) -> NDArray[np.float64]:
    xs = np.array([_month_position(d, origin) for d, _ in spell.knots])
    ys = np.array([level for _, level in spell.knots])
    grid = np.arange(n_months, dtype=np.float64)
    return np.asarray(np.interp(grid, xs, ys, left=0.0, right=ys[-1]), dtype=np.float64)


def _ar1(
    rng: np.random.Generator, shape: tuple[int, int], phi: float, sd: float
) -> NDArray[np.float64]:
    rows, months = shape
    noise = rng.normal(0.0, sd, size=(rows, months + _BURN_IN))
    out = np.empty_like(noise)
    out[:, 0] = noise[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, noise.shape[1]):
        out[:, t] = phi * out[:, t - 1] + noise[:, t]
    return out[:, _BURN_IN:]


def _background_spells(
    rng: np.random.Generator, origin: date, n_months: int, count: int
) -> list[Spell]:
    spells = []
    for _ in range(count):
        onset = add_months(origin, float(rng.uniform(-6, n_months)))
        depth = float(rng.uniform(0.3, 0.8))
        length = float(rng.uniform(6, 24))
        knots = (
            (onset, 0.0),
            (add_months(onset, length * 0.4), -depth),
            (add_months(onset, length), 0.0),
        )
        spells.append(Spell(knots, "background"))
    return spells


def early_warning_score(quality: NDArray[np.float64]) -> NDArray[np.float64]:
    """Trailing three-month mean of latent quality (the first months use what there is)."""
    padded = np.concatenate([quality[:, :1], quality[:, :1], quality], axis=1)
    out: NDArray[np.float64] = (padded[:, 2:] + padded[:, 1:-1] + padded[:, :-2]) / 3.0
    return out


def build_latent(
    rng: np.random.Generator,
    providers: tuple[Provider, ...],
    plans: list[TrustPlan],
    origin: date,
    n_months: int,
) -> LatentQuality:
    n = len(providers)
    systems = sorted({p.system for p in providers})
    system_of = np.array([systems.index(p.system) for p in providers])
    level = rng.normal(0.05, 0.35, size=n) + np.array([p.quality_offset for p in plans])
    quality = level[:, None] + _ar1(rng, (n, n_months), _PHI_TRUST, _SD_TRUST)
    quality += _ar1(rng, (len(systems), n_months), _PHI_SYSTEM, _SD_SYSTEM)[system_of]
    all_spells: list[tuple[Spell, ...]] = []
    for i, plan in enumerate(plans):
        spells = list(plan.spells)
        spells += _background_spells(rng, origin, n_months, int(rng.poisson(0.4)))
        for spell in spells:
            quality[i] += spell_profile(spell, origin, n_months)
        all_spells.append(tuple(spells))
    # Calibration: every early-warning CP entry must see the score below the threshold.
    score = early_warning_score(quality)
    for i, plan in enumerate(plans):
        for episode in plan.episodes:
            if episode.regime is not Regime.CP or episode.entry_basis != "early_warning":
                continue
            t = month_index(episode.start, origin)
            if not 0 <= t < n_months or score[i, t] < CP_THRESHOLD:
                continue
            depth = 1.5 * float(score[i, t] - CP_THRESHOLD + 0.15)
            dip = Spell(
                (
                    (add_months(episode.start, -4.0), 0.0),
                    (add_months(episode.start, -1.0), -depth),
                    (add_months(episode.start, 2.0), -depth),
                    (add_months(episode.start, 6.0), 0.0),
                ),
                "calibration",
            )
            quality[i] += spell_profile(dip, origin, n_months)
            all_spells[i] = (*all_spells[i], dip)
            score = early_warning_score(quality)
    return LatentQuality(quality, tuple(all_spells), origin)

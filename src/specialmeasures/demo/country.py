"""The synthetic country: ``generate`` builds it, ``SyntheticCountry`` holds it.

Synthetic demonstration data — fictional trusts, not real NHS organisations. The generator is
deterministic for a seed (numpy ``SeedSequence`` streams, no global state, no clock).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from specialmeasures.demo.catalogue import CATALOGUE
from specialmeasures.demo.geography import build_providers
from specialmeasures.demo.inspections import build_inspections
from specialmeasures.demo.latent import CP_THRESHOLD, LatentQuality, build_latent
from specialmeasures.demo.observations import ObservationColumns, build_observations
from specialmeasures.demo.plan import TrustPlan, plan_trusts
from specialmeasures.demo.regime import build_episodes, primary_group, trajectory_groups
from specialmeasures.demo.summary import describe_country, summarise
from specialmeasures.demo.timeline import EVER_BY, REGIME_START, month_index, month_starts
from specialmeasures.demo.truth import (
    DeteriorationSpell,
    GroundTruth,
    JudgementCase,
    LatentColumns,
)
from specialmeasures.demo.world import WORLDS, World, world_rng
from specialmeasures.domain import (
    IndicatorDefinition,
    Inspection,
    Provider,
    Regime,
    RegimeEpisode,
)

__all__ = ["LABEL", "Progress", "SyntheticCountry", "generate"]

LABEL = "Synthetic demonstration data — fictional trusts, not real NHS organisations"
Progress = Callable[[str, int, int], None]
_STAGES = ("providers", "histories", "latent quality", "inspections", "episodes", "indicators")
_MIN_PROVIDERS = 150


@dataclass(frozen=True, slots=True, eq=False)
class SyntheticCountry:
    """A generated country: the observed data plus, apart, the latent truth behind it."""

    seed: int
    start: date
    end: date
    providers: tuple[Provider, ...]
    inspections: tuple[Inspection, ...]
    episodes: tuple[RegimeEpisode, ...]
    indicators: tuple[IndicatorDefinition, ...]
    observations: ObservationColumns
    truth: GroundTruth
    label: str = LABEL

    def summary(self) -> dict[str, int | float]:
        """Calibration counts (see docs/demo-data.md for what each one means)."""
        return summarise(self)

    def describe(self) -> str:
        """A few lines of plain text about the country, for the CLI and the docs."""
        return describe_country(self)

    def provider(self, code: str) -> Provider:
        return next(p for p in self.providers if p.code == code)


def _months_since_smq_entry(
    episodes: tuple[RegimeEpisode, ...],
    index: Mapping[str, int],
    origin: date,
    shape: tuple[int, int],
) -> NDArray[np.float64]:
    out = np.full(shape, np.nan)
    for episode in sorted(episodes, key=lambda e: e.start):
        if episode.regime is not Regime.SMQ:
            continue
        t0 = month_index(episode.start, origin)
        months = np.arange(shape[1], dtype=np.float64) - t0
        row = out[index[episode.provider_code]]
        row[months >= 0] = months[months >= 0]
    return out


def _spells(codes: list[str], latent: LatentQuality) -> tuple[DeteriorationSpell, ...]:
    return tuple(
        DeteriorationSpell(
            code,
            spell.knots[0][0],
            spell.knots[-1][0],
            round(spell.magnitude, 4),
            round(spell.knots[-1][1], 4),
            spell.cause,
        )
        for code, spells in zip(codes, latent.spells, strict=True)
        for spell in spells
    )


def _designed_groups(
    codes: list[str], plans: list[TrustPlan], episodes: tuple[RegimeEpisode, ...],
    inspections: tuple[Inspection, ...],
) -> dict[str, str]:  # fmt: skip
    """Each trust's group by the seed paper's precedence, as its designed history stood in
    October 2019. Trusts matching none are "smq_other" (in SMQ by then, but a short stay with no
    later better rating yet), "later_regime_only" (first entry after October 2019) or
    "never_in_regime"."""
    groups = {}
    for code, plan in zip(codes, plans, strict=True):
        own_e = [e for e in episodes if e.provider_code == code]
        own_i = [i for i in inspections if i.provider_code == code]
        group = primary_group(trajectory_groups(own_e, own_i, EVER_BY))
        if group == "none" and plan.role in ("never", "unplaced_crisis"):
            group = "never_in_regime"
        elif group == "none":
            late = plan.role in ("late_smq", "rsp_new")
            group = "later_regime_only" if late else "smq_other"
        groups[code] = group
    return groups


def generate(
    seed: int = 2013,
    *,
    n_providers: int = 217,
    start: date = date(2013, 7, 1),
    end: date = date(2025, 12, 1),
    progress: Progress | None = None,
    unplaced: bool = True,
    world: World | None = None,
) -> SyntheticCountry:
    """Generate the seeded synthetic national dataset.

    Parameters
    ----------
    seed
        Any non-negative integer; the same seed gives identical output.
    n_providers
        Number of trusts (at least 150; the designed histories scale with it).
    start, end
        First and last month of the monthly data; ``start`` must not be after July 2013 (the
        start of SMQ) and ``end`` at least a year later.
    progress
        Called as ``progress(stage, done, total)`` after each of a handful of stages.
    unplaced
        False: no unplaced-crisis trusts (see ``plan.plan_trusts``); for impact validation only.
    world
        The design parameters (``demo.world``): untreated crises, true effect, pre-entry
        decline. The base world (default) is the demo country; others are for validation.
    """
    if n_providers < _MIN_PROVIDERS:
        raise ValueError(f"n_providers: must be at least {_MIN_PROVIDERS} (got {n_providers})")
    if start > REGIME_START:
        raise ValueError(f"start: must not be after {REGIME_START} (got {start})")
    if month_index(end, start) < 12:
        raise ValueError(f"end: must be at least a year after start (got {end})")
    if seed < 0:
        raise ValueError(f"seed: must be non-negative (got {seed})")

    def tick(stage: str) -> None:
        if progress is not None:
            progress(stage, _STAGES.index(stage) + 1, len(_STAGES))

    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    providers = build_providers(streams[0], n_providers)
    codes = [p.code for p in providers]
    tick("providers")
    world = world or WORLDS["base"]
    own = world_rng(seed)
    plans = plan_trusts(streams[1], providers, end, unplaced=unplaced, world=world, world_rng=own)
    tick("histories")
    periods = month_starts(start, end)
    origin = date(start.year, start.month, 1)
    latent = build_latent(streams[2], providers, plans, origin, periods.shape[0])
    tick("latent quality")
    records = build_inspections(streams[3], providers, plans, latent, end)
    inspections = tuple(r.inspection for r in records)
    tick("inspections")
    episodes, notes = build_episodes(codes, plans, end)
    tick("episodes")
    index = {code: i for i, code in enumerate(codes)}
    since = _months_since_smq_entry(episodes, index, origin, latent.quality.shape)
    factors = world.effect_factors(own, len(providers))
    observations, observed_effect = build_observations(
        streams[4], providers, latent.quality, since, periods, factors
    )
    tick("indicators")
    judgements = [
        JudgementCase(episodes[n.episode].provider_code, episodes[n.episode].start,
                      "placed_without_recommendation" if n.entry_basis.startswith("judgement_no")
                      else "rule_met_not_placed", n.entry_basis)
        for n in notes if n.entry_basis.startswith("judgement")
    ]  # fmt: skip
    judgements += [
        JudgementCase(r.inspection.provider_code, r.inspection.publication_date,
                      "overall_one_inadequate", f"overall {r.inspection.overall.label if r.inspection.overall else '?'}")
        for r in records if r.overall_by_judgement
    ]  # fmt: skip
    truth = GroundTruth(
        latent=LatentColumns(
            provider_code=np.repeat(np.array(codes, dtype=object), periods.shape[0]),
            period=np.tile(periods, len(codes)),
            quality=latent.quality.reshape(-1).copy(),
        ),
        spells=_spells(codes, latent),
        smq_effects=MappingProxyType({s.definition.id: s.effect for s in CATALOGUE}),
        episode_notes=notes,
        judgements=tuple(sorted(judgements, key=lambda j: (j.day, j.provider_code))),
        designed_group=MappingProxyType(_designed_groups(codes, plans, episodes, inspections)),
        role=MappingProxyType({c: p.role for c, p in zip(codes, plans, strict=True)}),
        cp_threshold=CP_THRESHOLD,
        adjusted_inspections=sum(r.adjusted for r in records),
        inspection_purpose=tuple(r.purpose for r in records),
        observed_effect=observed_effect,
        effect_factor=MappingProxyType(dict(zip(codes, factors.tolist(), strict=True))),
        world=world.name,
        twin_of=MappingProxyType(
            {codes[u]: codes[p.twin_of] for u, p in enumerate(plans) if p.twin_of >= 0}
        ),
    )
    return SyntheticCountry(
        seed=seed,
        start=origin,
        end=end,
        providers=providers,
        inspections=inspections,
        episodes=episodes,
        indicators=tuple(s.definition for s in CATALOGUE),
        observations=observations,
        truth=truth,
    )

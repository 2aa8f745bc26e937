"""The latent truth behind the synthetic country, kept apart from the observed data.

Later work (monitoring, impact evaluation, trajectory classification) is tested against it: did a
control chart flag the deterioration spells, did an impact estimate recover ``smq_effects``, did a
classifier find the designed trajectory groups? Synthetic demonstration data only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from specialmeasures.demo.catalogue import SmqEffect
from specialmeasures.demo.regime import EpisodeTruth

__all__ = ["DeteriorationSpell", "GroundTruth", "JudgementCase", "LatentColumns"]


@dataclass(frozen=True, slots=True, eq=False)
class LatentColumns:
    """Latent quality per provider-month, as columns (standardised; higher is better)."""

    provider_code: NDArray[np.object_]
    period: NDArray[np.datetime64]
    quality: NDArray[np.float64]

    def matrix(self, n_providers: int) -> NDArray[np.float64]:
        """``quality`` reshaped to (provider, month), providers in ``providers`` order."""
        return self.quality.reshape(n_providers, -1)


@dataclass(frozen=True, slots=True)
class DeteriorationSpell:
    """A spell of worse latent quality; ``magnitude`` is its greatest depth (quality units).

    ``cause``: smq_crisis / cp_concern / rsp_crisis / unplaced_crisis (designed), background
    (random) or calibration (a dip added so an early-warning CP entry saw its threshold
    crossed). After
    ``end`` the level stays at ``final_level`` (positive: a lasting turnaround).
    """

    provider_code: str
    start: date
    end: date
    magnitude: float
    final_level: float
    cause: str


@dataclass(frozen=True, slots=True)
class JudgementCase:
    """A decision the entry rule did not make on its own.

    kind "placed_without_recommendation": NHSI placed the trust before any qualifying inspection
    (the 2018 Shrewsbury and Telford precedent); "rule_met_not_placed": an inspection met the SMQ
    rule but the leadership was judged able to fix things, so the trust went on the CP list;
    "overall_one_inadequate": CQC's overall rating for a profile with exactly one Inadequate.
    """

    provider_code: str
    day: date
    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class GroundTruth:
    latent: LatentColumns
    spells: tuple[DeteriorationSpell, ...]
    smq_effects: Mapping[str, SmqEffect]
    episode_notes: tuple[EpisodeTruth, ...]
    judgements: tuple[JudgementCase, ...]
    designed_group: Mapping[str, str]
    role: Mapping[str, str]
    cp_threshold: float
    adjusted_inspections: int
    inspection_purpose: tuple[str, ...]
    #: The true effect of SMQ in each observation row's expected value, on the indicator's own
    #: scale (rows in ``SyntheticCountry.observations`` order; 0 where the trust is not in SMQ).
    observed_effect: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    #: Each trust's factor on the catalogue's effect (1 unless the world's effect varies).
    effect_factor: Mapping[str, float] = field(default_factory=dict)
    world: str = "base"
    #: Each unplaced-crisis trust's entrant (the trust whose crisis it shadows).
    twin_of: Mapping[str, str] = field(default_factory=dict)

    def rule_entries(self) -> tuple[int, ...]:
        """Indices of episodes that entered by the published rule (or the Keogh review)."""
        return tuple(
            n.episode for n in self.episode_notes if n.entry_basis in ("rule", "keogh_review")
        )

    def latent_rows(self) -> list[dict[str, object]]:
        """Latent quality as rows (provider_code, period, quality) for a database table."""
        periods = self.latent.period.astype("datetime64[D]").astype(object).tolist()
        return [
            {"provider_code": code, "period": period, "quality": quality}
            for code, period, quality in zip(
                self.latent.provider_code.tolist(),
                periods,
                self.latent.quality.tolist(),
                strict=True,
            )
        ]

    def records(self) -> Iterator[tuple[str, str | None, dict[str, object]]]:
        """Everything else in the truth as (kind, provider_code or None, JSON-ready payload)."""
        for spell in self.spells:
            yield "spell", spell.provider_code, _plain(asdict(spell))
        for effect in self.smq_effects.values():
            payload = _plain(asdict(effect))
            payload["form"] = effect.form
            payload["per_month"] = [round(v, 6) for v in effect.per_month()]
            yield "smq_effect", None, payload
        for note in self.episode_notes:
            yield "episode", note.provider_code, _plain(asdict(note))
        for case in self.judgements:
            yield "judgement", case.provider_code, _plain(asdict(case))
        for code, group in self.designed_group.items():
            yield "designed_group", code, {"group": group, "role": self.role.get(code, "")}
        yield (
            "parameters",
            None,
            {
                "cp_threshold": self.cp_threshold,
                "adjusted_inspections": self.adjusted_inspections,
            },
        )


def _plain(payload: dict[str, object]) -> dict[str, object]:
    """Dates as ISO text and enums as their values, ready for JSON."""
    out: dict[str, object] = {}
    for key, value in payload.items():
        if isinstance(value, date):
            out[key] = value.isoformat()
        elif hasattr(value, "value") and not isinstance(value, int | float | str):
            out[key] = value.value
        else:
            out[key] = value
    return out

"""Regime episodes: a provider's spell in SMQ, on the CP list, in the RSP or in finance measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from specialmeasures.domain._checks import require_date, require_enum, require_order, require_text
from specialmeasures.domain.errors import DomainError

__all__ = ["EpisodeState", "Regime", "RegimeEpisode"]


class Regime(Enum):
    """The improvement regimes a provider may be placed in."""

    SMQ = "smq"  #: Special Measures for Quality (July 2013 - 2021); public
    CP = "cp"  #: Challenged Provider list; confidential to the regulator
    RSP = "rsp"  #: Recovery Support Programme (from July 2021)
    SMF = "smf"  #: Special measures for finance (from July 2016); kept as a kind only
    PIP = "pip"  #: Provider Improvement Programme, NOF 2025/26 segment 5; public

    @property
    def label(self) -> str:
        return _REGIME_LABELS[self]

    @property
    def confidential(self) -> bool:
        """The CP list was never public; every other regime's status is."""
        return self is Regime.CP


_REGIME_LABELS = {
    Regime.SMQ: "Special measures for quality",
    Regime.CP: "Challenged provider",
    Regime.RSP: "Recovery Support Programme",
    Regime.SMF: "Special measures for finance",
    Regime.PIP: "Provider Improvement Programme",
}


class EpisodeState(Enum):
    """Where an episode stands in the regime's life cycle."""

    RECOMMENDED = "recommended"
    IN_REGIME = "in_regime"
    REINSPECTED = "reinspected"
    EXIT_RECOMMENDED = "exit_recommended"
    EXITED = "exited"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class RegimeEpisode:
    """One spell of a provider in a regime, from ``start`` to ``end`` (exclusive; None = open)."""

    provider_code: str
    regime: Regime
    start: date
    end: date | None = None
    state: EpisodeState = EpisodeState.IN_REGIME
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("episode.provider_code", self.provider_code)
        object.__setattr__(self, "regime", require_enum("episode.regime", self.regime, Regime))
        object.__setattr__(self, "state", require_enum("episode.state", self.state, EpisodeState))
        require_date("episode.start", self.start)
        if self.end is not None:
            require_date("episode.end", self.end)
        require_order("episode.start", self.start, "episode.end", self.end)
        if self.end is not None and self.state is not EpisodeState.EXITED:
            raise DomainError(
                "episode.state", self.state.value, "must be 'exited' when the episode has an end"
            )
        if self.end is None and self.state is EpisodeState.EXITED:
            raise DomainError("episode.end", None, "is required when the state is 'exited'")

    def active_on(self, day: date) -> bool:
        """True when the provider was in the regime on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)

    def months(self, as_of: date) -> float:
        """Length of the episode in months (30.44-day months) up to its end or ``as_of``."""
        stop = self.end if self.end is not None and self.end <= as_of else as_of
        return max(0.0, (stop - self.start).days / 30.4375)

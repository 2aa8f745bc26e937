"""The synthetic country's indicator catalogue and how each indicator is generated.

Each ``IndicatorSpec`` pairs a domain ``IndicatorDefinition`` with the generating model: the trust
types it applies to, its baseline, its sensitivity to latent quality, what its denominator scales
with, and the true effect of SMQ entry on it (``SmqEffect``). Names follow the national
indicators they imitate; the values are synthetic demonstration data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from specialmeasures.domain import (
    Category,
    Frequency,
    IndicatorDefinition,
    IndicatorKind,
    KeyQuestion,
    Polarity,
    ProviderType,
)

__all__ = ["CATALOGUE", "IndicatorSpec", "SmqEffect"]

_ACUTE = frozenset({ProviderType.ACUTE, ProviderType.ACUTE_AND_COMMUNITY})
_HOSPITAL = _ACUTE | {ProviderType.SPECIALIST}
_BEDDED = frozenset(ProviderType) - {ProviderType.AMBULANCE}
_ALL = frozenset(ProviderType)
_EFFECT_MONTHS = 60


@dataclass(frozen=True, slots=True)
class SmqEffect:
    """The true effect of SMQ entry on one indicator, ``k`` months after the entry month.

    ``effect(k) = delta * (1 - exp(-k / tau)) + stigma * exp(-k / stigma_tau)``, on the scale
    named by ``scale``: "additive" adds to the expected value (proportion, ratio or score);
    "multiplicative" multiplies the expected rate or count by ``1 + effect(k)``. ``delta`` is the
    lasting improvement, ``stigma`` the short-lived worsening on entry (an unintended consequence:
    morale, recruitment and retention). Signs are in the indicator's own units.
    """

    indicator_id: str
    scale: str
    delta: float
    tau: float
    stigma: float = 0.0
    stigma_tau: float = 4.0

    @property
    def form(self) -> str:
        return "delta * (1 - exp(-k / tau)) + stigma * exp(-k / stigma_tau)"

    def at(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        """Effect at ``k`` months after entry (0 where ``k`` is NaN: never entered)."""
        safe = np.where(np.isnan(k), 0.0, np.maximum(k, 0.0))
        value = self.delta * (1 - np.exp(-safe / self.tau))
        value = value + self.stigma * np.exp(-safe / self.stigma_tau)
        return np.where(np.isnan(k), 0.0, value)

    def per_month(self, months: int = _EFFECT_MONTHS) -> tuple[float, ...]:
        return tuple(float(v) for v in self.at(np.arange(months, dtype=np.float64)))


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """``base`` is the typical expected value (proportion, rate per ``multiplier`` units, count
    per month per 1,000 ``size``, score or ratio); ``slope`` how far one unit of latent quality
    moves it towards better (logit scale for proportions, log scale for rates and counts, units
    for means); ``size`` what the denominator scales with and ``per_size`` its monthly amount."""

    definition: IndicatorDefinition
    applies: frozenset[ProviderType]
    base: float
    slope: float
    size: str
    per_size: float
    effect: SmqEffect
    seasonal: float = 0.0


def _spec(
    id: str, name: str, unit: str, polarity: Polarity, kind: IndicatorKind, category: Category,
    domain: KeyQuestion | None, applies: frozenset[ProviderType], base: float, slope: float,
    size: str, per_size: float, effect: tuple[float, float, float], *, multiplier: float = 1.0,
    frequency: Frequency = Frequency.MONTHLY, seasonal: float = 0.0, description: str = "",
) -> IndicatorSpec:  # fmt: skip
    scale = "multiplicative" if kind in (IndicatorKind.RATE, IndicatorKind.COUNT) else "additive"
    delta, tau, stigma = effect
    definition = IndicatorDefinition(
        id, name, unit, polarity, kind, frequency, category, domain, multiplier,
        description or f"Synthetic {name.lower()} (demonstration data).",
    )  # fmt: skip
    return IndicatorSpec(
        definition, applies, base, slope, size, per_size, SmqEffect(id, scale, delta, tau, stigma),
        seasonal,
    )  # fmt: skip


H, L, N = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NEUTRAL
P, R, RE = IndicatorKind.PROPORTION, IndicatorKind.RATE, IndicatorKind.RATIO_TO_EXPECTED
M, C = IndicatorKind.MEAN, IndicatorKind.COUNT
Q, W, F, O = Category.QUALITY, Category.WORKFORCE_CULTURE, Category.FINANCE, Category.OPERATIONS
KQ = KeyQuestion

#: The indicators. Effects: (delta, tau months, stigma) in the indicator's units; see SmqEffect.
CATALOGUE: tuple[IndicatorSpec, ...] = (
    _spec("shmi", "Summary hospital-level mortality indicator", "ratio", L, RE, Q, KQ.EFFECTIVE,
          _HOSPITAL, 1.0, 0.06, "beds", 0.11, (-0.03, 12.0, 0.0), seasonal=0.15),
    _spec("ae_four_hour", "A&E attendances seen within four hours", "proportion", H, P, O,
          KQ.RESPONSIVE, _ACUTE, 0.88, 0.45, "beds", 11.0, (0.015, 9.0, 0.0), seasonal=-0.35),
    _spec("rtt_18_weeks", "Referral to treatment within 18 weeks", "proportion", H, P, O,
          KQ.RESPONSIVE, _HOSPITAL | {ProviderType.COMMUNITY}, 0.86, 0.35, "beds", 38.0,
          (0.01, 12.0, 0.0)),
    _spec("cancer_62_days", "Cancer treatment within 62 days of urgent referral", "proportion",
          H, P, O, KQ.RESPONSIVE, _HOSPITAL, 0.8, 0.4, "beds", 0.12, (0.015, 12.0, 0.0)),
    _spec("cdiff_rate", "C. difficile infections per 100,000 bed days", "per 100,000 bed days",
          L, R, Q, KQ.SAFE, _BEDDED, 15.0, 0.25, "bed_days", 1.0, (-0.1, 9.0, 0.0),
          multiplier=100_000.0),
    _spec("mrsa_bacteraemia", "MRSA bacteraemia cases", "cases", L, C, Q, KQ.SAFE, _BEDDED,
          0.12, 0.3, "beds", 1.0, (-0.1, 9.0, 0.0)),
    _spec("ecoli_rate", "E. coli bacteraemia per 100,000 bed days", "per 100,000 bed days", L,
          R, Q, KQ.SAFE, _HOSPITAL, 22.0, 0.15, "bed_days", 1.0, (-0.05, 12.0, 0.0),
          multiplier=100_000.0),
    _spec("never_events", "Never events", "events", L, C, Q, KQ.SAFE, _HOSPITAL, 0.15, 0.35,
          "beds", 1.0, (-0.15, 9.0, 0.0)),
    _spec("serious_incidents", "Serious incidents reported", "incidents", N, C, Q, KQ.SAFE,
          _ALL, 1.6, 0.25, "staff", 1.0, (0.0, 6.0, 0.15)),
    _spec("complaints_rate", "Written complaints per 1,000 patient contacts", "per 1,000",
          L, R, Q, KQ.RESPONSIVE, _ALL, 1.4, 0.2, "staff", 7.0, (-0.08, 12.0, 0.0),
          multiplier=1_000.0),
    _spec("falls_harm_rate", "Falls with harm per 1,000 bed days", "per 1,000 bed days", L, R,
          Q, KQ.SAFE, _BEDDED, 0.19, 0.25, "bed_days", 1.0, (-0.1, 9.0, 0.0),
          multiplier=1_000.0),
    _spec("pressure_ulcer_rate", "New pressure ulcers per 1,000 bed days", "per 1,000 bed days",
          L, R, Q, KQ.SAFE, _HOSPITAL | {ProviderType.COMMUNITY}, 0.5, 0.25, "bed_days", 1.0,
          (-0.1, 9.0, 0.0), multiplier=1_000.0),
    _spec("readmission_30_days", "Emergency readmissions within 30 days", "proportion", L, P,
          Q, KQ.EFFECTIVE, _HOSPITAL, 0.075, 0.15, "beds", 5.0, (-0.002, 12.0, 0.0)),
    _spec("delayed_transfers", "Bed days lost to delayed transfers of care", "proportion", L, P,
          O, KQ.RESPONSIVE, _BEDDED - {ProviderType.SPECIALIST}, 0.045, 0.25, "bed_days", 1.0,
          (-0.004, 12.0, 0.0), seasonal=0.2),
    _spec("staff_engagement", "Staff survey engagement score", "score 0-10", H, M, W,
          KQ.WELL_LED, _ALL, 6.9, 0.3, "staff", 0.0, (0.12, 18.0, -0.2),
          frequency=Frequency.ANNUAL),
    _spec("staff_turnover", "Staff leaving in the month", "proportion", L, P, W, KQ.WELL_LED,
          _ALL, 0.011, 0.2, "staff", 1.0, (-0.0005, 12.0, 0.003)),
    _spec("vacancy_rate", "Vacant posts as a share of establishment", "proportion", L, P, W,
          KQ.WELL_LED, _ALL, 0.085, 0.2, "staff", 1.1, (-0.005, 15.0, 0.012)),
    _spec("sickness_absence", "Working days lost to sickness", "proportion", L, P, W, KQ.WELL_LED,
          _ALL, 0.043, 0.12, "staff", 21.0, (-0.001, 12.0, 0.004), seasonal=0.12),
    _spec("agency_spend", "Agency spend as a share of the pay bill", "proportion", L, P, F,
          KQ.WELL_LED, _ALL, 0.055, 0.3, "pay_bill", 1.0, (-0.003, 12.0, 0.012)),
    _spec("financial_position", "Surplus (deficit) for the month", "GBP", H, M, F, KQ.WELL_LED,
          _ALL, 0.002, 0.012, "income", 0.0, (0.0, 12.0, -0.004),
          description="Synthetic monthly surplus (negative: deficit) in GBP; kind 'mean' is "
          "used for an amount (demonstration data)."),
    _spec("bed_occupancy", "General and acute bed occupancy", "proportion", L, P, O,
          KQ.RESPONSIVE, _BEDDED, 0.89, 0.25, "beds", 30.4, (-0.003, 12.0, 0.0), seasonal=0.3),
    _spec("friends_family", "Friends and family test: would recommend", "proportion", H, P, Q,
          KQ.CARING, _ALL, 0.93, 0.35, "staff", 0.12, (0.008, 12.0, 0.0)),
    _spec("mh_followup_72h", "Follow-up within 72 hours of discharge", "proportion", H, P, Q,
          KQ.SAFE, frozenset({ProviderType.MENTAL_HEALTH}), 0.8, 0.4, "beds", 0.3,
          (0.02, 12.0, 0.0)),
    _spec("cat1_response", "Category 1 mean response time", "minutes", L, M, O,
          KQ.RESPONSIVE, frozenset({ProviderType.AMBULANCE}), 7.5, 0.5, "staff", 0.0,
          (-0.25, 12.0, 0.0), seasonal=0.08),
)  # fmt: skip

"""Monthly indicator values for every synthetic trust, generated column-wise with numpy.

For each indicator the expected value is a smooth function of latent quality, the trust's own
level, the season and the true SMQ effect (``catalogue.SmqEffect``); observed values add sampling
noise of the right family: binomial numerators for proportions, Poisson counts for rates, counts
and observed deaths. Synthetic demonstration data: fictional trusts, not real NHS organisations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from specialmeasures.demo.catalogue import CATALOGUE, IndicatorSpec
from specialmeasures.domain import Frequency, IndicatorKind, Observation, Polarity, Provider

__all__ = ["ObservationColumns", "build_observations"]

Float = NDArray[np.float64]
_SURVEY_MONTH = 10  # the staff survey runs in the autumn; its result is filed against October


@dataclass(frozen=True, slots=True, eq=False)
class ObservationColumns:
    """Observations as equal-length columns (one row per provider, indicator and month).

    ``numerator``, ``denominator`` and ``expected`` hold NaN where an indicator has none.
    """

    provider_code: NDArray[np.object_]
    indicator_id: NDArray[np.str_]
    period: NDArray[np.datetime64]
    value: Float
    numerator: Float
    denominator: Float
    expected: Float

    def __len__(self) -> int:
        return int(self.value.shape[0])

    def observation(self, row: int) -> Observation:
        """Row ``row`` as a domain ``Observation``."""

        def opt(column: Float) -> float | None:
            v = float(column[row])
            return None if np.isnan(v) else v

        period = self.period[row].astype("datetime64[D]").item()
        assert isinstance(period, date)
        return Observation(
            provider_code=str(self.provider_code[row]),
            indicator_id=str(self.indicator_id[row]),
            period=period,
            value=float(self.value[row]),
            numerator=opt(self.numerator),
            denominator=opt(self.denominator),
            expected=opt(self.expected),
        )

    def observations(self, rows: NDArray[np.int64] | None = None) -> Iterator[Observation]:
        """Rows as domain objects (all rows when ``rows`` is None; slow for all 650k)."""
        for row in range(len(self)) if rows is None else rows:
            yield self.observation(int(row))


def _sizes(providers: tuple[Provider, ...]) -> dict[str, Float]:
    staff = np.array([float(p.staff_headcount or 0) for p in providers])
    income = np.array([float(p.annual_income_gbp or 0.0) for p in providers])
    beds = np.array([float(p.beds) if p.beds is not None else 0.0 for p in providers])
    return {
        "beds": beds,
        "bed_days": beds * 30.4 * 0.88,
        "staff": staff,
        "income": income / 12.0,
        "pay_bill": income * 0.62 / 12.0,
    }


def _one(
    rng: np.random.Generator,
    spec: IndicatorSpec,
    q: Float,
    k: Float,
    size: Float,
    winter: Float,
    factor: Float,
) -> tuple[Float, Float, Float, Float, Float]:
    """(value, numerator, denominator, expected, true effect) arrays shaped like ``q``.

    ``factor`` scales each row's (trust's) true effect; the true effect returned is what SMQ
    adds to the row's expected value, on the indicator's own scale (0 before entry)."""
    d = spec.definition
    sign = 1.0 if d.polarity is Polarity.HIGHER_IS_BETTER else -1.0
    shape = q.shape
    nan = np.full(shape, np.nan)
    own = rng.normal(0.0, 0.15, size=(shape[0], 1))
    effect = spec.effect.at(k) * factor[:, None]
    season = spec.seasonal * winter[None, :]
    amount = size[:, None] * spec.per_size * np.exp(rng.normal(0.0, 0.05, size=shape))
    if d.kind is IndicatorKind.PROPORTION:
        logit = np.log(spec.base / (1 - spec.base)) + sign * spec.slope * q + own + season
        p_without = np.clip(1 / (1 + np.exp(-logit)), 1e-4, 1 - 1e-4)
        p = np.clip(1 / (1 + np.exp(-logit)) + effect, 1e-4, 1 - 1e-4)
        den = np.maximum(1.0, np.round(amount))
        if spec.size == "pay_bill":  # money, not people: a continuous share
            num = np.minimum(den, np.round(den * p * np.exp(rng.normal(0.0, 0.08, size=shape))))
        else:
            num = rng.binomial(den.astype(np.int64), p).astype(np.float64)
        return num / den, num, den, nan, p - p_without
    if d.kind is IndicatorKind.RATE:
        rate_without = spec.base / d.multiplier * np.exp(sign * spec.slope * q + own + season)
        rate = rate_without * np.maximum(0.05, 1 + effect)
        den = np.maximum(1.0, np.round(amount))
        num = rng.poisson(rate * den).astype(np.float64)
        return num / den * d.multiplier, num, den, nan, (rate - rate_without) * d.multiplier
    if d.kind is IndicatorKind.COUNT:
        lam = spec.base * amount / 1000.0 * np.exp(sign * spec.slope * q + own + season)
        num = rng.poisson(lam * np.maximum(0.05, 1 + effect)).astype(np.float64)
        return num, num, nan, nan, lam * (np.maximum(0.05, 1 + effect) - 1)
    if d.kind is IndicatorKind.RATIO_TO_EXPECTED:
        expected = np.maximum(1.0, np.round(amount * np.exp(season), 1))
        ratio_without = np.maximum(0.2, np.exp(sign * spec.slope * q + own * 0.5))
        ratio = np.maximum(0.2, np.exp(sign * spec.slope * q + own * 0.5) + effect)
        observed = rng.poisson(expected * ratio).astype(np.float64)
        return observed / expected, observed, nan, expected, ratio - ratio_without
    # MEAN: a score, a time or (financial position) an amount of money.
    noise = rng.normal(0.0, 1.0, size=shape)
    if d.id == "financial_position":
        share = spec.base + sign * spec.slope * q + own * 0.05 + effect + 0.008 * noise
        return np.round(share * size[:, None], -3), nan, nan, nan, effect * size[:, None]
    level = (
        spec.base * (1 + season) + sign * spec.slope * q + own + effect + 0.02 * spec.base * noise
    )
    if d.unit.startswith("score"):
        level = np.clip(level, 0.0, 10.0)
    return np.round(level, 3), nan, nan, nan, np.broadcast_to(effect, shape).copy()


def build_observations(
    rng: np.random.Generator,
    providers: tuple[Provider, ...],
    quality: Float,
    months_since_entry: Float,
    periods: NDArray[np.datetime64],
    effect_factor: Float | None = None,
) -> tuple[ObservationColumns, Float]:
    """Every applicable indicator for every trust and month, as columns, and beside them (latent
    truth, never loaded) the true effect of SMQ in each row's expected value.

    ``months_since_entry[i, t]`` is the months since the trust's latest SMQ entry (NaN before any);
    ``effect_factor[i]`` scales trust ``i``'s true effect (1 for every trust when omitted).
    """
    factors = np.ones(len(providers)) if effect_factor is None else effect_factor
    codes = np.array([p.code for p in providers], dtype=object)
    types = [p.type for p in providers]
    sizes = _sizes(providers)
    month = periods.astype("datetime64[M]").astype(np.int64) % 12 + 1
    winter = np.cos(2 * np.pi * (month - 1) / 12.0)
    parts: dict[str, list[NDArray[np.generic]]] = {
        name: [] for name in ("code", "id", "period", "value", "num", "den", "exp", "effect")
    }
    for spec in CATALOGUE:
        rows = np.array([i for i, t in enumerate(types) if t in spec.applies], dtype=np.int64)
        if rows.size == 0:
            continue
        cols = np.arange(periods.shape[0])
        if spec.definition.frequency is Frequency.ANNUAL:
            cols = cols[month == _SURVEY_MONTH]
        q = quality[np.ix_(rows, cols)]
        k = months_since_entry[np.ix_(rows, cols)]
        size = sizes[spec.size][rows]
        value, num, den, exp, effect = _one(rng, spec, q, k, size, winter[cols], factors[rows])
        n = value.size
        parts["code"].append(np.repeat(codes[rows], cols.size))
        parts["id"].append(np.full(n, spec.definition.id))
        parts["period"].append(np.tile(periods[cols], rows.size))
        columns = (("value", value), ("num", num), ("den", den), ("exp", exp), ("effect", effect))
        for name, column in columns:
            parts[name].append(column.reshape(-1))
    observed = ObservationColumns(
        provider_code=np.concatenate(parts["code"]).astype(object),
        indicator_id=np.concatenate(parts["id"]).astype(str),
        period=np.concatenate(parts["period"]).astype("datetime64[D]"),
        value=np.concatenate(parts["value"]).astype(np.float64),
        numerator=np.concatenate(parts["num"]).astype(np.float64),
        denominator=np.concatenate(parts["den"]).astype(np.float64),
        expected=np.concatenate(parts["exp"]).astype(np.float64),
    )
    return observed, np.concatenate(parts["effect"]).astype(np.float64)

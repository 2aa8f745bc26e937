"""Funnel plots and risk-adjusted CUSUM charts of many groups in a pandas frame: the batch
kernels behind both the in-process path and the Spark pandas UDFs (one function each, so both
give identical results)."""

from __future__ import annotations

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from specialmeasures.stats import CusumOptions, FunnelOptions, compute_funnel
from specialmeasures.stats.cusum import risk_adjusted_cusum

__all__ = ["CUSUM_COLUMNS", "FUNNEL_COLUMNS", "cusum_frame", "funnel_frame"]

#: Output columns (and the Spark schema) of :func:`funnel_frame`; limits at the widest level.
FUNNEL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("funnel_group", "string"),
    ("unit", "string"),
    ("numerator", "double"),
    ("denominator", "double"),
    ("ratio", "double"),
    ("z", "double"),
    ("lower", "double"),
    ("upper", "double"),
    ("od_lower", "double"),
    ("od_upper", "double"),
    ("phi", "double"),
    ("tau2", "double"),
    ("outlier", "boolean"),
)
#: Output columns (and the Spark schema) of :func:`cusum_frame`.
CUSUM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("series_key", "string"),
    ("seq", "long"),
    ("outcome", "double"),
    ("risk", "double"),
    ("weight", "double"),
    ("ct", "double"),
    ("signal", "boolean"),
)


def funnel_frame(frame: pd.DataFrame, options: FunnelOptions | None = None) -> pd.DataFrame:
    """Funnel statistics of every ``funnel_group`` in ``frame`` in one :func:`compute_funnel`
    call (each group its own funnel: own target, dispersion and limits).

    ``frame`` has columns funnel_group, unit, numerator, denominator (one row per unit, any
    order). Returns one row per unit, sorted by group and unit, with :data:`FUNNEL_COLUMNS`.
    """
    data = frame.sort_values(["funnel_group", "unit"], kind="stable").reset_index(drop=True)
    groups = data["funnel_group"].astype(str).to_numpy()
    _, codes = np.unique(groups, return_inverse=True)
    result = compute_funnel(
        data["numerator"].to_numpy(dtype=np.float64),
        data["denominator"].to_numpy(dtype=np.float64),
        funnel=codes.astype(np.int64),
        options=options,
    )
    level = max(result.levels)
    lower, upper = result.limits(level, adjusted=False)
    od_lower, od_upper = result.limits(level, adjusted=True)
    return pd.DataFrame(
        {
            "funnel_group": groups,
            "unit": data["unit"].astype(str).to_numpy(),
            "numerator": result.numerator,
            "denominator": result.denominator,
            "ratio": result.ratio,
            "z": result.z,
            "lower": lower,
            "upper": upper,
            "od_lower": od_lower,
            "od_upper": od_upper,
            "phi": result.phi[result.funnel],
            "tau2": result.tau2[result.funnel],
            "outlier": result.outlier.astype(bool),
        }
    )


def cusum_frame(frame: pd.DataFrame, options: CusumOptions) -> pd.DataFrame:
    """Risk-adjusted (observed minus expected) Bernoulli CUSUM of every ``series_key`` in
    ``frame`` in one :func:`risk_adjusted_cusum` call.

    ``frame`` has columns series_key, seq (time order within the series), outcome (0/1) and
    risk (predicted probability). Returns one row per record, sorted by key and seq.
    """
    data = frame.sort_values(["series_key", "seq"], kind="stable").reset_index(drop=True)
    keys = data["series_key"].astype(str).to_numpy()
    _, codes = np.unique(keys, return_inverse=True)
    result = risk_adjusted_cusum(
        data["outcome"].to_numpy(dtype=np.float64),
        data["risk"].to_numpy(dtype=np.float64),
        options,
        series=codes.astype(np.int64),
    )
    return pd.DataFrame(
        {
            "series_key": keys,
            "seq": data["seq"].to_numpy(dtype=np.int64),
            "outcome": data["outcome"].to_numpy(dtype=np.float64),
            "risk": data["risk"].to_numpy(dtype=np.float64),
            "weight": result.weight,
            "ct": result.ct,
            "signal": result.signal.astype(bool),
        }
    )

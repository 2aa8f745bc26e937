"""XmR charts of many series in a pandas frame: the batch kernel behind both the in-process
path and the Spark pandas UDF (one function, so both give identical results)."""

from __future__ import annotations

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from specialmeasures.stats import SpcOptions, spc_batch

__all__ = ["KEY_COLUMNS", "OUTPUT_COLUMNS", "spc_frame"]

KEY_COLUMNS = ("provider_code", "indicator_id")
#: Output columns (and the Spark schema) of :func:`spc_frame`.
OUTPUT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("provider_code", "string"),
    ("indicator_id", "string"),
    ("period", "date"),
    ("value", "double"),
    ("mean", "double"),
    ("lpl", "double"),
    ("upl", "double"),
    ("special_cause_code", "int"),
    ("point_type_code", "int"),
)


def spc_frame(frame: pd.DataFrame, options: SpcOptions | None = None) -> pd.DataFrame:
    """XmR charts of every (provider_code, indicator_id) series in ``frame`` in one
    :func:`spc_batch` call.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns provider_code, indicator_id, period, value (any row order).
    options : SpcOptions, optional

    Returns
    -------
    pandas.DataFrame
        One row per input row, sorted by key and period, with the columns of
        :data:`OUTPUT_COLUMNS`.
    """
    data = frame.sort_values([*KEY_COLUMNS, "period"], kind="stable").reset_index(drop=True)
    keys = data[list(KEY_COLUMNS)]
    starts = np.ones(len(data), dtype=bool)
    if len(data) > 1:
        same = (keys.iloc[1:].to_numpy() == keys.iloc[:-1].to_numpy()).all(axis=1)
        starts[1:] = ~same
    first = np.flatnonzero(starts)
    lengths = np.diff(np.append(first, len(data)))
    values = data["value"].to_numpy(dtype=np.float64)
    batch = spc_batch(values, lengths=lengths, options=options)
    return pd.DataFrame(
        {
            "provider_code": data["provider_code"].astype(str),
            "indicator_id": data["indicator_id"].astype(str),
            "period": pd.to_datetime(data["period"]).dt.date,
            "value": values,
            "mean": batch.mean,
            "lpl": batch.lpl,
            "upl": batch.upl,
            "special_cause_code": batch.special_cause_code.astype(np.int32),
            "point_type_code": batch.point_type_code.astype(np.int32),
        }
    )

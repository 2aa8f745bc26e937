"""The funnel and risk-adjusted CUSUM kernels on Apache Spark, like :func:`spc_spark`.

Funnels: ``groupBy(funnel_group).applyInPandas`` (a funnel's target and dispersion need all of
its units together, and a funnel has at most a few hundred). CUSUM: ``groupBy(bucket)`` over hash
buckets of the series key, each bucket one vectorised kernel call for all of its series.
"""

from __future__ import annotations

from typing import Any

from specialmeasures.scale.kernel_frames import (
    CUSUM_COLUMNS,
    FUNNEL_COLUMNS,
    cusum_frame,
    funnel_frame,
)
from specialmeasures.scale.spark import DEFAULT_BUCKETS
from specialmeasures.stats import CusumOptions, FunnelOptions

__all__ = ["cusum_spark", "funnel_spark"]


def _schema(columns: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{name} {kind}" for name, kind in columns)


def funnel_spark(units: Any, *, options: FunnelOptions | None = None) -> Any:
    """Funnel statistics of a Spark DataFrame (funnel_group, unit, numerator, denominator),
    one pandas call per funnel group; the columns of ``FUNNEL_COLUMNS``, lazily."""
    opts = options or FunnelOptions()
    return (
        units.select("funnel_group", "unit", "numerator", "denominator")
        .groupBy("funnel_group")
        .applyInPandas(lambda frame: funnel_frame(frame, opts), schema=_schema(FUNNEL_COLUMNS))
    )


def cusum_spark(records: Any, options: CusumOptions, *, buckets: int = DEFAULT_BUCKETS) -> Any:
    """Risk-adjusted CUSUMs of a Spark DataFrame (series_key, seq, outcome, risk) over hash
    buckets of series_key; the columns of ``CUSUM_COLUMNS``, lazily."""
    from pyspark.sql import functions as F  # noqa: N812 (the PySpark idiom)

    if buckets < 1:
        raise ValueError(f"buckets must be a positive integer (got {buckets})")
    keyed = records.select("series_key", "seq", "outcome", "risk").withColumn(
        "bucket", F.pmod(F.hash("series_key"), F.lit(buckets))
    )
    return keyed.groupBy("bucket").applyInPandas(
        lambda frame: cusum_frame(frame.drop(columns=["bucket"]), options),
        schema=_schema(CUSUM_COLUMNS),
    )

"""Run the XmR kernel on Apache Spark: ``groupBy(bucket).applyInPandas`` over hash buckets of
the series key, each bucket one :func:`spc_frame` (one vectorised kernel call for all of its
series). Grouping by a hash bucket, not by series, avoids millions of tiny pandas frames
(ECOSYSTEM.md 1.7). pyspark is an optional extra: ``pip install 'specialmeasures[spark]'``.
"""

from __future__ import annotations

from typing import Any

from specialmeasures.scale.spc_frames import KEY_COLUMNS, OUTPUT_COLUMNS, spc_frame
from specialmeasures.stats import SpcOptions

__all__ = ["DEFAULT_BUCKETS", "spark_schema", "spc_spark"]

#: Hash buckets per run: a few per core of a modest cluster; each is one kernel call.
DEFAULT_BUCKETS = 64


def spark_schema() -> str:
    """The DDL schema of the output (as ``applyInPandas`` wants it)."""
    return ", ".join(f"{name} {kind}" for name, kind in OUTPUT_COLUMNS)


def spc_spark(
    observations: Any, *, buckets: int = DEFAULT_BUCKETS, options: SpcOptions | None = None
) -> Any:
    """XmR charts of every (provider_code, indicator_id) series of a Spark DataFrame.

    Parameters
    ----------
    observations : pyspark.sql.DataFrame
        Columns provider_code, indicator_id, period (date), value (double).
    buckets : int
        Number of hash buckets of the series key; a series never spans two buckets.
    options : SpcOptions, optional
        Passed to every kernel call (pickled to the workers).

    Returns
    -------
    pyspark.sql.DataFrame
        The columns of :data:`specialmeasures.scale.spc_frames.OUTPUT_COLUMNS`, lazily.
    """
    from pyspark.sql import functions as F  # noqa: N812 (the PySpark idiom)

    if buckets < 1:
        raise ValueError(f"buckets must be a positive integer (got {buckets})")
    opts = options or SpcOptions()

    def kernel(frame: Any) -> Any:
        return spc_frame(frame, opts)

    keyed = observations.select(*KEY_COLUMNS, "period", "value").withColumn(
        "bucket", F.pmod(F.hash(*KEY_COLUMNS), F.lit(buckets))
    )
    return keyed.groupBy("bucket").applyInPandas(
        lambda frame: kernel(frame.drop(columns=["bucket"])), schema=spark_schema()
    )

"""The funnel and risk-adjusted CUSUM kernels on Spark (local mode) give exactly the in-process
results."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from specialmeasures.scale.kernel_frames import cusum_frame, funnel_frame
from specialmeasures.scale.spark_kernels import cusum_spark, funnel_spark
from specialmeasures.stats import CusumOptions, FunnelOptions

pytestmark = [
    pytest.mark.spark,
    # PySpark 4.3 says it "does not yet fully support pandas >= 3.0.0" (a FutureWarning); the
    # kernel only hands plain float, int, string and date columns across, compared below.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:pyspark"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def test_funnel_on_spark_equals_in_process(spark: Any) -> None:
    rng = np.random.default_rng(11)
    units = pd.DataFrame(
        {
            "funnel_group": np.repeat(["acute", "mental_health", "community"], 40),
            "unit": [f"Z{i:03d}" for i in range(120)],
            "denominator": rng.integers(50, 2000, 120).astype(float),
        }
    )
    units["numerator"] = rng.binomial(units["denominator"].astype(int), 0.12).astype(float)
    options = FunnelOptions(data_type="PR")
    local = funnel_frame(units, options)
    remote = funnel_spark(spark.createDataFrame(units), options=options).toPandas()
    keys = ["funnel_group", "unit"]
    pd.testing.assert_frame_equal(_sorted(remote, keys), _sorted(local, keys), check_dtype=False)


def test_risk_adjusted_cusum_on_spark_equals_in_process(spark: Any) -> None:
    rng = np.random.default_rng(12)
    n = 3000
    records = pd.DataFrame(
        {
            "series_key": np.repeat([f"Z{i:02d}" for i in range(30)], n // 30),
            "seq": np.tile(np.arange(n // 30), 30),
            "risk": rng.uniform(0.02, 0.3, n),
        }
    )
    records["outcome"] = (rng.uniform(size=n) < records["risk"] * 1.3).astype(float)
    options = CusumOptions(limit=3.0)
    local = cusum_frame(records, options)
    remote = cusum_spark(spark.createDataFrame(records), options, buckets=4).toPandas()
    keys = ["series_key", "seq"]
    pd.testing.assert_frame_equal(_sorted(remote, keys), _sorted(local, keys), check_dtype=False)
    assert local["signal"].any()

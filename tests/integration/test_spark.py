"""The XmR kernel on Spark (local mode, the machine's Java) gives exactly the in-process results."""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from specialmeasures.demo import generate
from specialmeasures.scale import spc_frame, spc_spark

pytestmark = [
    pytest.mark.spark,
    # PySpark 4.3 says it "does not yet fully support pandas >= 3.0.0" (a FutureWarning); the
    # kernel only hands plain float, int, string and date columns across, compared below.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:pyspark"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]


def _observations() -> pd.DataFrame:
    country = generate(7, end=date(2015, 12, 1))
    ob = country.observations
    keep = np.isin(ob.indicator_id, ["shmi", "ae_four_hour", "staff_turnover"])
    return pd.DataFrame(
        {
            "provider_code": ob.provider_code[keep].astype(str),
            "indicator_id": ob.indicator_id[keep].astype(str),
            "period": pd.to_datetime(ob.period[keep]).date,
            "value": ob.value[keep],
        }
    )


def test_spark_matches_in_process(spark: Any) -> None:
    frame = _observations()
    local = spc_frame(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        remote = spc_spark(spark.createDataFrame(frame), buckets=8).toPandas()
    keys = ["provider_code", "indicator_id", "period"]
    remote = remote.sort_values(keys).reset_index(drop=True)
    local = local.sort_values(keys).reset_index(drop=True)
    assert len(remote) == len(local) == len(frame)
    for column in ("provider_code", "indicator_id"):
        assert remote[column].tolist() == local[column].tolist()
    assert [str(d) for d in remote["period"]] == [str(d) for d in local["period"]]
    for column in ("value", "mean", "lpl", "upl"):
        np.testing.assert_array_equal(remote[column].to_numpy(), local[column].to_numpy())
    for column in ("special_cause_code", "point_type_code"):
        assert remote[column].astype(int).tolist() == local[column].astype(int).tolist()
    assert local["special_cause_code"].gt(0).any()  # the comparison covers real signals


def test_buckets_must_be_positive(spark: Any) -> None:
    with pytest.raises(ValueError, match="buckets"):
        spc_spark(spark.createDataFrame(_observations().head(5)), buckets=0)

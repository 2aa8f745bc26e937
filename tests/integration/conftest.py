"""Fixtures shared by integration tests: one Spark session in local mode for the Spark tests, and
two workers over one database (``two``, from ``tests/workers_fixtures.py``)."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from workers_fixtures import two  # noqa: F401  (a fixture: two workers over one database)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local Spark session on the machine's Java, workers on this virtual environment's Python.

    pyspark is a test dependency: if it is missing the Spark tests fail rather than skip.
    """
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        session = (
            SparkSession.builder.master("local[2]")
            .appName("specialmeasures-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate()
        )
    try:
        yield session
    finally:
        session.stop()

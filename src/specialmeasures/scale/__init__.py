"""The statistics kernels at national scale: a pandas batch adapter and Apache Spark pandas
UDFs over hash buckets (pyspark imported only when the Spark path is used)."""

from specialmeasures.scale.spark import DEFAULT_BUCKETS, spark_schema, spc_spark
from specialmeasures.scale.spc_frames import KEY_COLUMNS, OUTPUT_COLUMNS, spc_frame

__all__ = [
    "DEFAULT_BUCKETS",
    "KEY_COLUMNS",
    "OUTPUT_COLUMNS",
    "spark_schema",
    "spc_frame",
    "spc_spark",
]

"""Statistics kernels: arrays in, frozen results out (pure: stdlib, numpy, scipy only)."""

from specialmeasures.stats.funnel import (
    FunnelLookup,
    FunnelOptions,
    FunnelResult,
    aggregate_groups,
    compute_funnel,
    funnel_lookup,
    outlier_flags,
)

__all__ = [
    "FunnelLookup",
    "FunnelOptions",
    "FunnelResult",
    "aggregate_groups",
    "compute_funnel",
    "funnel_lookup",
    "outlier_flags",
]

"""Statistics kernels: arrays in, frozen results out (pure: stdlib, numpy, scipy only)."""

from specialmeasures.stats.cusum import (
    CusumOptions,
    CusumResult,
    TabularCusumResult,
    bernoulli_cusum,
    bernoulli_weights,
    cusum_path,
    poisson_cusum,
    poisson_weights,
    risk_adjusted_cusum,
    risk_adjusted_weights,
    tabular_cusum,
)
from specialmeasures.stats.cusum_threshold import (
    arl_markov,
    false_signal_probability,
    limit_exact,
    limit_simulated,
    normal_cusum_arl,
    normal_cusum_limit,
    simulate_extremes,
)
from specialmeasures.stats.funnel import (
    FunnelLookup,
    FunnelOptions,
    FunnelResult,
    aggregate_groups,
    compute_funnel,
    funnel_lookup,
    outlier_flags,
)
from specialmeasures.stats.spc import SpcBatch, spc_batch
from specialmeasures.stats.spc_options import SpcOptions, special_cause_labels
from specialmeasures.stats.spc_tidy import CalendarGap, SpcResult, SpcSummary, spc

__all__ = [
    "CalendarGap",
    "CusumOptions",
    "CusumResult",
    "FunnelLookup",
    "FunnelOptions",
    "FunnelResult",
    "SpcBatch",
    "SpcOptions",
    "SpcResult",
    "SpcSummary",
    "TabularCusumResult",
    "aggregate_groups",
    "arl_markov",
    "bernoulli_cusum",
    "bernoulli_weights",
    "compute_funnel",
    "cusum_path",
    "false_signal_probability",
    "funnel_lookup",
    "limit_exact",
    "limit_simulated",
    "normal_cusum_arl",
    "normal_cusum_limit",
    "outlier_flags",
    "poisson_cusum",
    "poisson_weights",
    "risk_adjusted_cusum",
    "risk_adjusted_weights",
    "simulate_extremes",
    "spc",
    "spc_batch",
    "special_cause_labels",
    "tabular_cusum",
]

"""Statistics kernels: arrays in, frozen results out (pure: stdlib, numpy, scipy only)."""

import importlib
from typing import TYPE_CHECKING, Any

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
from specialmeasures.stats.spc import SpcBatch, spc_batch
from specialmeasures.stats.spc_options import SpcOptions, special_cause_labels
from specialmeasures.stats.spc_tidy import CalendarGap, SpcResult, SpcSummary, spc

# The funnel and threshold kernels need scipy, whose import takes seconds: they are imported on
# first use (PEP 562), so that the XmR and CUSUM kernels, and the commands using only them,
# start without it.
_LAZY = {
    "arl_markov": "cusum_threshold",
    "false_signal_probability": "cusum_threshold",
    "limit_exact": "cusum_threshold",
    "limit_simulated": "cusum_threshold",
    "normal_cusum_arl": "cusum_threshold",
    "normal_cusum_limit": "cusum_threshold",
    "simulate_extremes": "cusum_threshold",
    "FunnelLookup": "funnel",
    "FunnelOptions": "funnel",
    "FunnelResult": "funnel",
    "aggregate_groups": "funnel",
    "compute_funnel": "funnel",
    "funnel_lookup": "funnel",
    "outlier_flags": "funnel",
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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

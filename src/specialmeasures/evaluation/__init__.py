"""The evaluation toolkit: performance trajectories, purposive sampling, impact (event study
and interrupted time series), sustainability, balancing measures and qualitative evidence.

Thresholds live in ``policy/evaluation.yaml`` (``load_thresholds``). Everything that uses the CP
list is confidential and says so in its outputs. Heavy libraries (pyfixest, statsmodels) are
imported lazily, inside the functions that need them.
"""

from specialmeasures.evaluation.history import TrustHistory, histories_from_country, load_histories
from specialmeasures.evaluation.sampling import Approach, Candidate, SampleResult, draw_sample
from specialmeasures.evaluation.thresholds import (
    GROUP_LABELS,
    GROUPS,
    EvaluationThresholds,
    load_thresholds,
)
from specialmeasures.evaluation.trajectories import Trajectory, classify, classify_all, group_label

__all__ = [
    "GROUPS",
    "GROUP_LABELS",
    "Approach",
    "Candidate",
    "EvaluationThresholds",
    "SampleResult",
    "Trajectory",
    "TrustHistory",
    "classify",
    "classify_all",
    "draw_sample",
    "group_label",
    "histories_from_country",
    "load_histories",
    "load_thresholds",
]

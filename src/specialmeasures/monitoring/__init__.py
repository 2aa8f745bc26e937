"""Early-warning monitoring: the statistics kernels over every provider x indicator series,
scored and banded as CQC's Intelligent Monitoring did, explained, rolled up to local systems.
CONFIDENTIAL results (the challenged providers watch list)."""

from specialmeasures.monitoring.options import LEVEL_LABELS, ScreenOptions
from specialmeasures.monitoring.panel import Panel, load_panel, panel_from_frame
from specialmeasures.monitoring.scoring import Scores, score
from specialmeasures.monitoring.signals import METHODS, RULES, Signals, compute_signals
from specialmeasures.monitoring.watchlist import (
    CONFIDENTIAL_BANNER,
    Flag,
    ProviderEntry,
    SystemEntry,
    WatchList,
    build_watchlist,
    screen,
)

__all__ = [
    "CONFIDENTIAL_BANNER",
    "LEVEL_LABELS",
    "METHODS",
    "RULES",
    "Flag",
    "Panel",
    "ProviderEntry",
    "Scores",
    "ScreenOptions",
    "Signals",
    "SystemEntry",
    "WatchList",
    "build_watchlist",
    "compute_signals",
    "load_panel",
    "panel_from_frame",
    "score",
    "screen",
]

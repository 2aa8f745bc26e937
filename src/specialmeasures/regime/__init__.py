"""The regime service: life-cycle decisions, judgements, store-backed evaluation, backtests.

Thin commands and routes call these; they read and write through the store, and every write is
audited in the same transaction as the change it records.
"""

from specialmeasures.regime.backtest import BacktestCase, BacktestResult, run_backtest
from specialmeasures.regime.decisions import RecordedDecision, record_decision
from specialmeasures.regime.evaluation import ProviderEvaluation, evaluate_provider
from specialmeasures.regime.judgements import EnteredJudgement, enter_judgement
from specialmeasures.regime.timeline import provider_timeline

__all__ = [
    "BacktestCase",
    "BacktestResult",
    "EnteredJudgement",
    "ProviderEvaluation",
    "RecordedDecision",
    "enter_judgement",
    "evaluate_provider",
    "provider_timeline",
    "record_decision",
    "run_backtest",
]

"""Values the command-line options offer, for modules that would otherwise import them from
modules that load SQLAlchemy, scipy or pandas (so ``COMMAND --help`` would load them too).

Each is the same value as in the module that uses it; ``tests/unit/test_cli_startup.py``
checks that they stay equal.
"""

from __future__ import annotations

__all__ = [
    "DECISION_GAP_MONTHS",
    "DEMO_SEED",
    "EVENTS",
    "IMPACT_DESIGNS",
    "INTERVENTION_KINDS",
    "KM_BY",
    "PAYERS",
]

#: ``evaluation.impact.DESIGNS``
IMPACT_DESIGNS = ("matched", "did2s")
#: ``evaluation.events.EVENTS``
EVENTS = ("entry", "exit", "director", "buddy", "funding")
#: ``store.loader.DEFAULT_SEED``
DEMO_SEED = 2013
#: ``evaluation.sustainability.KM_BY`` (its keys)
KM_BY = ("all", "group", "trust-type")
#: ``interventions.matrix.KINDS``
INTERVENTION_KINDS = ("director", "buddying", "leadership", "funding")
#: ``regime.support_cases.PAYERS``
PAYERS = ("trust", "nhs_england", "system")
#: ``monitoring.warning.DECISION_GAP_MONTHS``
DECISION_GAP_MONTHS = 3

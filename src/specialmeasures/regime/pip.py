"""Provider Improvement Programme entry: refused unless policy ``pip-2025`` recommends it.

Entry needs the lowest segment (4, from the stored NOF 2025/26 segmentation) with capability
rated low, or a judged catastrophic failure of governance of quality or finance. Every entry,
whichever command records it, goes through :func:`check_pip_entry` (``record_decision`` calls it).
"""

from __future__ import annotations

from datetime import date

from specialmeasures.domain import InputError
from specialmeasures.regime.evaluation import evaluate_provider
from specialmeasures.store import Repository

__all__ = ["PIP_POLICY", "check_pip_entry"]

PIP_POLICY = "pip-2025"


def check_pip_entry(repository: Repository, code: str, on: date) -> str:
    """The reference of the entry recommendation on ``on``; InputError naming what is missing."""
    evaluation = evaluate_provider(repository, code, on, policy_ids=[PIP_POLICY])
    for r in evaluation.recommendations:
        if r.outcome == "recommend_entry":
            return evaluation.ref(r)
    facts = evaluation.facts
    segment = facts.get("nof.segment")
    capability = facts.get("judgement.capability")
    governance = facts.get("judgement.catastrophic_governance_failure")
    seen = [
        f"segment {segment.display() if segment else 'not scored'}",
        f"capability {capability.display() if capability else 'not assessed'}",
        "catastrophic governance failure " + (governance.display() if governance else "not judged"),
    ]
    raise InputError(
        f"Provider Improvement Programme entry refused for {code} on {on}: it needs segment 4 "
        f"with capability rated low, or a judged catastrophic failure of governance of quality "
        f"or finance ({'; '.join(seen)})"
    )

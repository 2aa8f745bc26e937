"""The evaluation's thresholds, read from the packaged policy ``policy/evaluation.yaml``.

Every number behind a trajectory group, the sample, the impact window or the balancing measures
lives in that file (validated by the same schema as the regime policies); this module turns its
parameters into one frozen object so that the evaluation code never hard-codes them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from specialmeasures.domain import DomainError, KeyQuestion
from specialmeasures.rules import load_policy

__all__ = ["GROUPS", "GROUP_LABELS", "EvaluationThresholds", "load_thresholds"]

#: The seed paper's four trajectory groups (ids), plus the two catch-alls.
GROUPS = ("prolonged_poor_performer", "cp_to_smq", "cp_only", "clear_improver")
NEVER = "never_in_regime"
OTHER = "other"
#: Labels as the seed paper's Table 1 writes them.
GROUP_LABELS = {
    "prolonged_poor_performer": "Prolonged poor performer",
    "cp_to_smq": "CP to SMQ",
    "cp_only": "CP",
    "clear_improver": "Clear improver",
    NEVER: "Never in a regime",
    OTHER: "Other",
}


@dataclass(frozen=True, slots=True)
class EvaluationThresholds:
    """The parameters of ``policy/evaluation.yaml`` (see that file for each one's basis)."""

    policy_version: str
    prolonged_min_days: int
    prolonged_min_entries: int
    rsp_continues_smq: bool
    improver_question: KeyQuestion
    improver_comparison: str
    group_precedence: tuple[str, ...]
    sample_per_group: int
    sample_spread: tuple[str, ...]
    event_window: tuple[int, int]
    its_min_months: int
    balancing_months: int
    balancing_indicators: tuple[str, ...]

    def __post_init__(self) -> None:
        if sorted(self.group_precedence) != sorted(GROUPS):
            raise DomainError(
                "group_precedence", list(self.group_precedence), f"must order exactly {GROUPS}"
            )
        if self.improver_comparison not in ("any_later", "latest"):
            raise DomainError(
                "improver_comparison", self.improver_comparison, "must be any_later or latest"
            )
        if self.prolonged_min_days <= 0 or self.prolonged_min_entries < 2:
            raise DomainError(
                "prolonged_min_days/entries",
                (self.prolonged_min_days, self.prolonged_min_entries),
                "must be positive days and at least 2 entries",
            )
        low, high = self.event_window
        if not low < 0 <= high:
            raise DomainError("event_window", list(self.event_window), "must be [negative, >= 0]")
        bad = [s for s in self.sample_spread if s not in ("setting", "type", "region")]
        if bad:
            raise DomainError("sample_spread", bad, "must name setting, type or region")

    def with_(self, **changes: Any) -> EvaluationThresholds:
        """A copy with some parameters changed (checked again)."""
        return replace(self, **changes)


def load_thresholds() -> EvaluationThresholds:
    """The packaged evaluation policy as an ``EvaluationThresholds``."""
    policy = load_policy("evaluation")
    p = {name: param.value for name, param in policy.parameters.items()}
    window = p["event_window"]
    return EvaluationThresholds(
        policy_version=f"{policy.id} {policy.version}",
        prolonged_min_days=int(p["prolonged_min_days"]),
        prolonged_min_entries=int(p["prolonged_min_entries"]),
        rsp_continues_smq=bool(p["rsp_continues_smq"]),
        improver_question=KeyQuestion.parse(str(p["improver_question"])),
        improver_comparison=str(p["improver_comparison"]),
        group_precedence=tuple(str(g) for g in p["group_precedence"]),
        sample_per_group=int(p["sample_per_group"]),
        sample_spread=tuple(str(s) for s in p["sample_spread"]),
        event_window=(int(window[0]), int(window[1])),
        its_min_months=int(p["its_min_months"]),
        balancing_months=int(p["balancing_months"]),
        balancing_indicators=tuple(str(i) for i in p["balancing_indicators"]),
    )

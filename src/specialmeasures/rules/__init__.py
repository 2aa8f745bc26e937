"""The pure policy engine: load and validate policies, build facts, evaluate, explain.

Nothing here acts: ``evaluate`` returns recommendations with their reasons, and a service
records what a person then decides. Time comes in as an argument.
"""

from specialmeasures.rules.engine import ClauseResult, Recommendation, RuleResult, evaluate, trace
from specialmeasures.rules.facts import STANDARD_FACTS, Fact, FactSpec, build_facts
from specialmeasures.rules.language import OPERATORS
from specialmeasures.rules.policy import (
    Parameter,
    Policy,
    Rule,
    load_policies,
    load_policy,
    load_policy_file,
    parse_policy,
    policy_ids,
)

__all__ = [
    "OPERATORS",
    "STANDARD_FACTS",
    "ClauseResult",
    "Fact",
    "FactSpec",
    "Parameter",
    "Policy",
    "Recommendation",
    "Rule",
    "RuleResult",
    "build_facts",
    "evaluate",
    "load_policies",
    "load_policy",
    "load_policy_file",
    "parse_policy",
    "policy_ids",
    "trace",
]

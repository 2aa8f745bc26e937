"""NHSI improvement funding: applications by regime stage, caps, approval and spend.

Caps (seed paper): up to £500,000 on SMQ entry, £200,000 for CP, £100,000 on SMQ exit; the
funding component began part-way through the regime, so trusts whose SMQ spell pre-dated it had
none. Today's regimes (the Recovery Support Programme, the Provider Improvement Programme) have
no published cap: their policies carry illustrative ones, labelled so. The caps, the start date and the exit window come in as ``FundingRules`` (read from the
policy files by the service); every refusal names the policy rule it applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from specialmeasures.domain._checks import require_date, require_enum, require_text
from specialmeasures.domain.directors import add_months
from specialmeasures.domain.episode import Regime, RegimeEpisode
from specialmeasures.domain.errors import DomainError, InputError

__all__ = [
    "APPROVER_ROLE",
    "FundingAim",
    "FundingApplication",
    "FundingRules",
    "FundingStage",
    "PolicyRefusalError",
    "SpendCategory",
    "SpendLine",
    "check_application",
    "check_spend",
]

#: The role that approves funding (seed paper: NHSI's Executive Medical Director).
APPROVER_ROLE = "Executive Medical Director"


class PolicyRefusalError(InputError):
    """Input refused by a named policy rule; nothing is written."""

    def __init__(
        self, rule_id: str, message: str, rule_text: str = "", column: str | None = None
    ) -> None:
        self.rule_id = rule_id
        self.rule_text = rule_text
        self.reason = message
        said = f" ({rule_text})" if rule_text else ""
        super().__init__(f"refused by rule {rule_id}{said}: {message}")
        self.column = column


class FundingStage(Enum):
    SMQ_ENTRY = "smq-entry"
    CP = "cp"
    SMQ_EXIT = "smq-exit"
    RSP = "rsp"
    PIP = "pip"

    @property
    def regime(self) -> Regime:
        return _STAGE_REGIME[self]

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_REGIME = {
    FundingStage.SMQ_ENTRY: Regime.SMQ,
    FundingStage.CP: Regime.CP,
    FundingStage.SMQ_EXIT: Regime.SMQ,
    FundingStage.RSP: Regime.RSP,
    FundingStage.PIP: Regime.PIP,
}
_STAGE_LABELS = {
    FundingStage.SMQ_ENTRY: "Special measures entry",
    FundingStage.CP: "Challenged provider",
    FundingStage.SMQ_EXIT: "Special measures exit",
    FundingStage.RSP: "Recovery Support Programme",
    FundingStage.PIP: "Provider Improvement Programme",
}


class SpendCategory(Enum):
    POSTS = "posts"
    EXTERNAL_CONSULTANTS = "external_consultants"
    ORGANISATIONAL_DEVELOPMENT = "organisational_development"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class FundingRules:
    """The policy values funding is checked against, with the rule ids to name in refusals."""

    component_start: date
    caps: dict[FundingStage, int]
    rule_ids: dict[FundingStage, str]
    predates_rule: str = "smq.funding.predates_component"
    exit_window_months: int = 12
    #: Each rule's text from its policy (title and explanation), quoted in refusals.
    rule_texts: dict[str, str] = field(default_factory=dict)

    def refusal(self, rule_id: str, message: str, column: str | None = None) -> PolicyRefusalError:
        return PolicyRefusalError(rule_id, message, self.rule_texts.get(rule_id, ""), column)


@dataclass(frozen=True, slots=True)
class FundingAim:
    """An improvement aim and the amount of the application mapped to it."""

    aim: str
    amount: int

    def __post_init__(self) -> None:
        require_text("aim", self.aim)
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount <= 0:
            raise DomainError("aim.amount", self.amount, "must be a whole number of pounds > 0")


@dataclass(frozen=True, slots=True)
class FundingApplication:
    provider_code: str
    stage: FundingStage
    applied_on: date
    aims: tuple[FundingAim, ...]
    episode_id: int | None = None
    status: str = "applied"
    approved_amount: int | None = None
    approved_by: str | None = None
    approved_on: date | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("application.provider_code", self.provider_code)
        object.__setattr__(self, "stage", require_enum("stage", self.stage, FundingStage))
        require_date("application.applied_on", self.applied_on)
        if not self.aims:
            raise DomainError("application.aims", (), "must map the amount to at least one aim")
        if self.status not in {"applied", "approved"}:
            raise DomainError("application.status", self.status, "must be applied or approved")

    @property
    def amount(self) -> int:
        return sum(a.amount for a in self.aims)


@dataclass(frozen=True, slots=True)
class SpendLine:
    application_id: int
    category: SpendCategory
    amount: int
    spent_on: date
    description: str = ""
    id: int | None = field(default=None)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "category", require_enum("spend.category", self.category, SpendCategory)
        )
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount <= 0:
            raise DomainError("spend.amount", self.amount, "must be a whole number of pounds > 0")
        require_date("spend.spent_on", self.spent_on)


def _gbp(amount: int) -> str:
    return f"£{amount:,}"


def check_application(
    application: FundingApplication,
    episodes: Sequence[RegimeEpisode],
    existing: Sequence[FundingApplication],
    rules: FundingRules,
) -> RegimeEpisode:
    """The regime spell the application belongs to, or a ``PolicyRefusalError`` naming the rule.

    Checks, in order: a spell of the stage's regime covers the date (entry, CP) or ended within
    the exit window (exit); the spell (or exit) does not pre-date the funding component; no
    other application for the same spell and stage; the amount is within the cap.

    >>> from specialmeasures.domain.episode import EpisodeState
    >>> rules = FundingRules(date(2016, 4, 1), {FundingStage.CP: 200_000},
    ...                      {FundingStage.CP: "cp.funding.available"})
    >>> spell = RegimeEpisode("RAA", Regime.CP, date(2017, 1, 1), id=1)
    >>> app = FundingApplication("RAA", FundingStage.CP, date(2017, 3, 1),
    ...                          (FundingAim("QI faculty", 250_000),))
    >>> check_application(app, [spell], [], rules)
    Traceback (most recent call last):
    ...
    specialmeasures.domain.funding.PolicyRefusalError: refused by rule cp.funding.available: ...
    """
    stage = application.stage
    rule = rules.rule_ids[stage]
    day = application.applied_on
    spells = [
        e
        for e in episodes
        if e.provider_code == application.provider_code and e.regime is stage.regime
    ]
    if stage is FundingStage.SMQ_EXIT:
        ended = [
            e
            for e in spells
            if e.end is not None and e.end <= day < add_months(e.end, rules.exit_window_months)
        ]
        if not ended:
            raise rules.refusal(
                rule,
                f"{application.provider_code} did not leave SMQ in the {rules.exit_window_months}"
                f" months before {day}: exit funding is applied for after exit",
            )
        spell = ended[-1]
        assert spell.end is not None
        if spell.end < rules.component_start:
            raise rules.refusal(
                rules.predates_rule,
                f"the exit on {spell.end} pre-dates the funding component"
                f" ({rules.component_start})",
            )
    else:
        active = [e for e in spells if e.active_on(day)]
        if not active:
            raise rules.refusal(
                rule,
                f"{application.provider_code} is not in {stage.regime.value.upper()} on {day}:"
                f" {stage.label} funding is applied for during the spell",
            )
        spell = active[-1]
        if spell.start < rules.component_start or day < rules.component_start:
            raise rules.refusal(
                rules.predates_rule,
                f"the {stage.regime.value.upper()} spell starting {spell.start} pre-dates the"
                f" funding component ({rules.component_start}): no central funding applies",
            )
    for other in existing:
        if (
            other.provider_code == application.provider_code
            and other.stage is stage
            and other.episode_id == spell.id
        ):
            raise rules.refusal(
                rule,
                f"duplicate: application {other.id} ({_gbp(other.amount)}, {other.applied_on})"
                f" already covers {stage.label} funding for the spell starting {spell.start}",
            )
    cap = rules.caps[stage]
    if application.amount > cap:
        raise rules.refusal(
            rule,
            f"{_gbp(application.amount)} is over the {stage.label} cap of {_gbp(cap)}",
            column="--amount",
        )
    return spell


def check_spend(
    application: FundingApplication, spent: Sequence[SpendLine], line: SpendLine
) -> None:
    """Raise InputError when the application is not approved or the line overspends it."""
    if application.status != "approved" or application.approved_amount is None:
        raise InputError(
            f"application {application.id} is not approved: spend is recorded against approved"
            " funding only"
        )
    if line.spent_on < application.applied_on:
        raise InputError(
            f"spend dated {line.spent_on} is before the application ({application.applied_on})",
            column="--on",
        )
    total = sum(s.amount for s in spent) + line.amount
    if total > application.approved_amount:
        raise InputError(
            f"spend would total {_gbp(total)}, over the approved {_gbp(application.approved_amount)}"
            f" of application {application.id}",
            column="--amount",
            value=line.amount,
        )

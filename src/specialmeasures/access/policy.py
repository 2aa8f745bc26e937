"""Who may do what, to which provider: the one place where authorisation is decided.

Every web route declares one :class:`Action`; the web layer asks :func:`can` before running the
route and again for field-level questions ("may this person see the confidential CP status of
this trust?"). Nothing else in the package compares roles.

The model is a role plus a provider scope, as ASVS 5.0 V8 asks for (function-level, object-level
and field-level checks, all server-side):

* a person holds exactly one :class:`Role`;
* each permission in :data:`PERMISSIONS` is granted to a role either for **any** provider or only
  for the providers in the person's **own** scope (``Principal.providers``: a trust user's own
  trust, the trusts an Oversight and Assurance Group member or Improvement Director is assigned
  to, the case-study sites whose evidence a researcher is granted);
* anything not in the table is denied (fail closed).

This module is pure: no database, web framework or clock. It is rendered as the permission table
in ``docs/access-control.md``, and ``tests/unit/test_access_policy.py`` checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "ANONYMOUS",
    "CONFIDENTIAL",
    "PERMISSIONS",
    "Action",
    "Decision",
    "Principal",
    "Resource",
    "Role",
    "Scope",
    "can",
    "permission_table",
]


class Role(StrEnum):
    """The roles of DESIGN.md. ``public`` is everyone who has not signed in."""

    PUBLIC = "public"
    TRUST_USER = "trust_user"
    OAG_MEMBER = "oag_member"
    IMPROVEMENT_DIRECTOR = "improvement_director"
    REGULATOR_ANALYST = "regulator_analyst"
    REGULATOR_DECISION_MAKER = "regulator_decision_maker"
    ADMINISTRATOR = "administrator"
    RESEARCHER = "researcher"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    @property
    def scoped(self) -> bool:
        """Whether the role works on assigned providers only (and so needs a provider scope)."""
        return self in _SCOPED


_ROLE_LABELS = {
    Role.PUBLIC: "Public",
    Role.TRUST_USER: "Trust user",
    Role.OAG_MEMBER: "Oversight and Assurance Group member",
    Role.IMPROVEMENT_DIRECTOR: "Improvement Director",
    Role.REGULATOR_ANALYST: "Regulator analyst",
    Role.REGULATOR_DECISION_MAKER: "Regulator decision-maker",
    Role.ADMINISTRATOR: "Administrator",
    Role.RESEARCHER: "Researcher",
}
_SCOPED = frozenset({Role.TRUST_USER, Role.OAG_MEMBER, Role.IMPROVEMENT_DIRECTOR, Role.RESEARCHER})


class Action(StrEnum):
    """What a request does. Routes declare one; pages ask about others for field-level checks."""

    PUBLIC_READ = "public.read"
    SIGN_IN = "session.sign_in"
    SIGN_OUT = "session.sign_out"
    ACCOUNT_READ_OWN = "account.read_own"
    CONFIDENTIAL_READ = "confidential.read"
    WATCHLIST_READ = "watchlist.read"
    RECOMMENDATION_READ = "recommendation.read"
    DECISION_RECORD = "decision.record"
    ID_NOTES_READ = "id_notes.read"
    ID_NOTES_WRITE = "id_notes.write"
    RETURN_READ = "return.read"
    RETURN_SUBMIT = "return.submit"
    EVIDENCE_READ = "evidence.read"
    EVIDENCE_SUBMIT = "evidence.submit"
    ACCOUNTS_MANAGE = "accounts.manage"
    AUDIT_READ = "audit.read"
    INTERVENTIONS_READ = "interventions.read"
    CASELOAD_READ = "caseload.read"
    EVALUATION_READ = "evaluation.read"
    JUDGEMENT_RECORD = "judgement.record"
    INTERVENTION_RECORD = "intervention.record"
    DATA_IMPORT = "data.import"
    SITE_IDENTIFY = "site.identify"
    INSPECTION_RECORD = "inspection.record"
    BUDDY_SUGGEST = "buddy.suggest"
    FUNDING_APPLY = "funding.apply"
    FUNDING_APPROVE = "funding.approve"
    FUNDING_SPEND = "funding.spend"
    PLAN_RECORD = "plan.record"

    @property
    def description(self) -> str:
        return _ACTION_DESCRIPTIONS[self]


_ACTION_DESCRIPTIONS = {
    Action.PUBLIC_READ: "published ratings, public regime status (SMQ, RSP, SMF), API docs",
    Action.SIGN_IN: "the sign-in page and form",
    Action.SIGN_OUT: "sign out",
    Action.ACCOUNT_READ_OWN: "one's own account: name, role, assigned providers",
    Action.CONFIDENTIAL_READ: "a provider's confidential regime status (CP list, watch-list flags)",
    Action.WATCHLIST_READ: "the early-warning watch list",
    Action.RECOMMENDATION_READ: "draft recommendations of the regime engine, with reasons",
    Action.DECISION_RECORD: "record an entry or exit decision with its rationale",
    Action.ID_NOTES_READ: "Improvement Director notes",
    Action.ID_NOTES_WRITE: "write Improvement Director notes",
    Action.RETURN_READ: "the single monthly return",
    Action.RETURN_SUBMIT: "submit the single monthly return",
    Action.EVIDENCE_READ: "qualitative evidence records",
    Action.EVIDENCE_SUBMIT: "submit qualitative evidence",
    Action.ACCOUNTS_MANAGE: "list, add, disable accounts; assign providers",
    Action.AUDIT_READ: "read the audit log",
    Action.INTERVENTIONS_READ: "a trust's interventions: Improvement Director, buddying, funds, "
    "leadership, improvement plan, OAG",
    Action.CASELOAD_READ: "Improvement Directors' caseload by month and their flags",
    Action.EVALUATION_READ: "evaluation results built on the CP list: trajectories, sample, "
    "impact, sustainability",
    Action.JUDGEMENT_RECORD: "record a judgement the rules need from a person, with its rationale",
    Action.INTERVENTION_RECORD: "record interventions: Improvement Directors, buddying, funding, "
    "leadership, improvement plan, OAG membership and requests",
    Action.DATA_IMPORT: "import data files at the command line (CQC ratings, the sourced SMQ "
    "record, A&E, the ODS register, evidence and codebooks)",
    Action.SITE_IDENTIFY: "the real code and name of a trust in evaluation results and evidence "
    "(otherwise a keyed pseudonym)",
    Action.INSPECTION_RECORD: "record a CQC inspection and its ratings by hand, from a report "
    "published before CQC's download file carries it",
    Action.BUDDY_SUGGEST: "the ranked buddy suggestions for a trust, each score explained",
    Action.FUNDING_APPLY: "apply for improvement funding for a trust, within the policy's caps",
    Action.FUNDING_APPROVE: "approve a funding application (in the office of the approver)",
    Action.FUNDING_SPEND: "record spend against approved funding",
    Action.PLAN_RECORD: "record improvement-plan actions, their progress and deep dives",
}

#: Actions whose every allowed use is a sensitive read, written to the audit log.
CONFIDENTIAL = frozenset(
    {
        Action.CONFIDENTIAL_READ,
        Action.WATCHLIST_READ,
        Action.RECOMMENDATION_READ,
        Action.ID_NOTES_READ,
        Action.RETURN_READ,
        Action.EVIDENCE_READ,
        Action.AUDIT_READ,
        Action.CASELOAD_READ,
        Action.EVALUATION_READ,
    }
)


class Scope(StrEnum):
    """How far a granted permission reaches."""

    ANY = "any provider"
    OWN = "own or assigned providers"


_EVERYONE: dict[Role, Scope] = dict.fromkeys(Role, Scope.ANY)
_SIGNED_IN: dict[Role, Scope] = {r: Scope.ANY for r in Role if r is not Role.PUBLIC}
_REGULATORS: dict[Role, Scope] = {
    Role.REGULATOR_ANALYST: Scope.ANY,
    Role.REGULATOR_DECISION_MAKER: Scope.ANY,
}

#: The permission table: action -> role -> scope. A missing entry is a denial.
PERMISSIONS: dict[Action, dict[Role, Scope]] = {
    Action.PUBLIC_READ: _EVERYONE,
    Action.SIGN_IN: _EVERYONE,
    Action.SIGN_OUT: _EVERYONE,
    Action.ACCOUNT_READ_OWN: _SIGNED_IN,
    Action.CONFIDENTIAL_READ: {
        **_REGULATORS,
        Role.OAG_MEMBER: Scope.OWN,
        Role.IMPROVEMENT_DIRECTOR: Scope.OWN,
    },
    Action.WATCHLIST_READ: _REGULATORS,
    Action.RECOMMENDATION_READ: _REGULATORS,
    Action.DECISION_RECORD: {Role.REGULATOR_DECISION_MAKER: Scope.ANY},
    Action.ID_NOTES_READ: {**_REGULATORS, Role.IMPROVEMENT_DIRECTOR: Scope.OWN},
    Action.ID_NOTES_WRITE: {Role.IMPROVEMENT_DIRECTOR: Scope.OWN},
    Action.RETURN_READ: {
        **_REGULATORS,
        Role.TRUST_USER: Scope.OWN,
        Role.OAG_MEMBER: Scope.OWN,
        Role.IMPROVEMENT_DIRECTOR: Scope.OWN,
    },
    Action.RETURN_SUBMIT: {Role.TRUST_USER: Scope.OWN},
    Action.EVIDENCE_READ: {
        **_REGULATORS,
        Role.TRUST_USER: Scope.OWN,
        Role.IMPROVEMENT_DIRECTOR: Scope.OWN,
        Role.RESEARCHER: Scope.OWN,
    },
    Action.EVIDENCE_SUBMIT: {Role.TRUST_USER: Scope.OWN, Role.IMPROVEMENT_DIRECTOR: Scope.OWN},
    Action.ACCOUNTS_MANAGE: {Role.ADMINISTRATOR: Scope.ANY},
    Action.AUDIT_READ: {Role.ADMINISTRATOR: Scope.ANY},
    Action.INTERVENTIONS_READ: {
        **_REGULATORS,
        Role.TRUST_USER: Scope.OWN,
        Role.OAG_MEMBER: Scope.OWN,
        Role.IMPROVEMENT_DIRECTOR: Scope.OWN,
    },
    Action.CASELOAD_READ: {**_REGULATORS, Role.IMPROVEMENT_DIRECTOR: Scope.OWN},
    Action.EVALUATION_READ: {**_REGULATORS, Role.RESEARCHER: Scope.ANY},
    Action.JUDGEMENT_RECORD: {Role.REGULATOR_DECISION_MAKER: Scope.ANY},
    Action.INTERVENTION_RECORD: {Role.REGULATOR_DECISION_MAKER: Scope.ANY},
    Action.DATA_IMPORT: {Role.REGULATOR_ANALYST: Scope.ANY, Role.ADMINISTRATOR: Scope.ANY},
    Action.SITE_IDENTIFY: {r: Scope.ANY for r in Role if r not in (Role.PUBLIC, Role.RESEARCHER)},
    # Both regulator roles: entering a published rating is data entry like DATA_IMPORT (the
    # analyst), and the decision-maker who acts on a report before the download carries it
    # must be able to enter it, as they enter JUDGEMENT_RECORD. Not the administrator: the
    # ratings feed recommendations, which are regulator work, not account administration.
    Action.INSPECTION_RECORD: dict(_REGULATORS),
    # An Improvement Director may see suggestions for their own trust (they are computed
    # without the confidential CP list for them, web/regulator_forms.py); recording an
    # arrangement stays INTERVENTION_RECORD, the decision-maker's.
    Action.BUDDY_SUGGEST: {**_REGULATORS, Role.IMPROVEMENT_DIRECTOR: Scope.OWN},
    # The Improvement Director applies for their own trusts; only the decision-maker approves.
    Action.FUNDING_APPLY: {
        Role.IMPROVEMENT_DIRECTOR: Scope.OWN,
        Role.REGULATOR_DECISION_MAKER: Scope.ANY,
    },
    Action.FUNDING_APPROVE: {Role.REGULATOR_DECISION_MAKER: Scope.ANY},
    Action.FUNDING_SPEND: {
        Role.IMPROVEMENT_DIRECTOR: Scope.OWN,
        Role.REGULATOR_DECISION_MAKER: Scope.ANY,
    },
    # Plan actions are recorded by the Improvement Director and the decision-maker. The trust's
    # board writes the plan, and its OAG members review it, but neither is granted here: the
    # Director records what the trust agreed. To let a trust record its own plan, grant
    # Role.TRUST_USER Scope.OWN on this line (and nowhere else).
    Action.PLAN_RECORD: {
        Role.IMPROVEMENT_DIRECTOR: Scope.OWN,
        Role.REGULATOR_DECISION_MAKER: Scope.ANY,
    },
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The person a request acts for: a signed-in account, or the anonymous public."""

    username: str
    role: Role
    providers: frozenset[str] = field(default_factory=frozenset)
    display_name: str = ""

    @property
    def signed_in(self) -> bool:
        return self.role is not Role.PUBLIC


#: Everyone who has not signed in.
ANONYMOUS = Principal("anonymous", Role.PUBLIC, frozenset(), "Public")


@dataclass(frozen=True, slots=True)
class Resource:
    """What an action is applied to: one provider, or a collection (``provider_code`` None)."""

    kind: str
    provider_code: str | None = None

    @classmethod
    def provider(cls, code: str) -> Resource:
        return cls("provider", code.upper())


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer of :func:`can`, with the reason (for the audit log) and the reach.

    ``scope`` is ``None`` when the permission reaches every provider; otherwise the provider codes
    it reaches, which a collection route must filter to.
    """

    allowed: bool
    action: Action
    reason: str
    scope: frozenset[str] | None = None

    def __bool__(self) -> bool:
        return self.allowed


def can(user: Principal, action: Action, resource: Resource | None = None) -> Decision:
    """Decide whether ``user`` may do ``action`` to ``resource``.

    Examples
    --------
    >>> trust = Principal("t", Role.TRUST_USER, frozenset({"ZA1"}))
    >>> bool(can(trust, Action.RETURN_READ, Resource.provider("ZA1")))
    True
    >>> can(trust, Action.RETURN_READ, Resource.provider("ZA2")).reason
    'provider ZA2 is outside the scope of trust_user t'
    >>> bool(can(trust, Action.CONFIDENTIAL_READ, Resource.provider("ZA1")))
    False
    """
    scope = PERMISSIONS.get(action, {}).get(user.role)
    if scope is None:
        return Decision(False, action, f"role {user.role.value} may not {action.value}")
    if scope is Scope.ANY:
        return Decision(True, action, f"role {user.role.value} may {action.value}")
    code = resource.provider_code if resource is not None else None
    if code is None:
        return Decision(True, action, "limited to assigned providers", user.providers)
    if code in user.providers:
        return Decision(True, action, f"provider {code} is assigned", frozenset({code}))
    return Decision(
        False,
        action,
        f"provider {code} is outside the scope of {user.role.value} {user.username}",
    )


def permission_table() -> list[tuple[Action, dict[Role, Scope | None]]]:
    """Every action with every role's scope (None: denied), in declaration order."""
    return [(a, {r: PERMISSIONS.get(a, {}).get(r) for r in Role}) for a in Action]

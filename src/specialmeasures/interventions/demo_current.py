"""Current work for the demo accounts' trust, so every role's first sign-in shows its day.

The generated country's interventions follow the seed's era (Improvement Directors, OAGs and
funding cluster in 2013-2019), so at the demo's last month of data (December 2025) the one trust
in a current episode may have none of them. :func:`prepare_demo_work` picks the trust
(``access.demo_work.pick_work_trust``: a current episode first, then the most current work) and
gives it, through the ordinary audited services and as the actor ``demo``, what it lacks: a
synthetic Improvement Director assigned two months before the as-of date, an Oversight and
Assurance Group with the items its bodies request every month (so returns are due), a plan action
and, when it is in a regime the funding rules know (SMQ, the CP list, the Recovery Support
Programme, the Provider Improvement Programme; the last two with illustrative caps), a funding
application, approved, with one spend line; then the synthetic evidence
(``evaluation.demo_evidence``). Every name says it is synthetic.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from specialmeasures.access.demo_work import WorkTrust, pick_work_trust, work_at
from specialmeasures.domain.directors import Background, ImprovementDirector
from specialmeasures.domain.funding import APPROVER_ROLE, FundingStage, SpendCategory
from specialmeasures.domain.oversight import Body, DriverDomain, FindingKind, PlanAction
from specialmeasures.evaluation.demo_evidence import load_demo_evidence
from specialmeasures.interventions._common import Actor
from specialmeasures.interventions.directors import add_director, assign_director, directors
from specialmeasures.interventions.funding import (
    add_spend,
    apply_for_funding,
    approve_application,
)
from specialmeasures.interventions.plans import add_action
from specialmeasures.interventions.returns import add_member, request_items
from specialmeasures.store import Repository
from specialmeasures.store.tables import regime_episodes

__all__ = [
    "DEMO_DIRECTOR",
    "FUNDED_REGIMES",
    "give_current_work",
    "prepare_demo_work",
    "regime_now",
]

#: The regimes whose spells the funding rules accept applications in.
FUNDED_REGIMES = ("smq", "cp", "rsp", "pip")
_STAGE_OF = {
    "smq": FundingStage.SMQ_ENTRY,
    "cp": FundingStage.CP,
    "rsp": FundingStage.RSP,
    "pip": FundingStage.PIP,
}

DEMO_DIRECTOR = "Synthetic Improvement Director (demo)"
_RATIONALE = "synthetic demo: current work for the trust of the demo accounts"
_ITEMS = {
    Body.CQC: ["must_do_actions_progress"],
    Body.ICB: ["quality_dashboard"],
    Body.NHSI: ["finance_and_workforce_summary"],
}


def regime_now(repo: Repository, code: str, as_of: date) -> str | None:
    with repo.engine.connect() as conn:
        rows = conn.execute(
            select(regime_episodes.c.regime).where(
                regime_episodes.c.provider_code == code,
                regime_episodes.c.start_date <= as_of,
                (regime_episodes.c.end_date.is_(None)) | (regime_episodes.c.end_date >= as_of),
            )
        ).scalars()
        return next((str(r) for r in rows), None)


def _first_start(repo: Repository, code: str, as_of: date) -> date:
    """When the trust's first regime spell began (a plan action may not pre-date it)."""
    with repo.engine.connect() as conn:
        starts = conn.execute(
            select(regime_episodes.c.start_date).where(regime_episodes.c.provider_code == code)
        ).scalars()
        return min(starts, default=as_of)


def give_current_work(
    repo: Repository, code: str, as_of: date, *, at: datetime | None = None
) -> list[str]:
    """Add to trust ``code`` the kinds of current work it lacks at ``as_of``; return them."""
    who = Actor("demo", "system", _RATIONALE, at or datetime.now(UTC))
    with repo.engine.connect() as conn:
        found = work_at(conn, as_of)
    added: list[str] = []
    if code not in found["Improvement Director"]:
        if DEMO_DIRECTOR not in {d.name for d in directors(repo)}:
            add_director(
                repo, ImprovementDirector(DEMO_DIRECTOR, Background.GOVERNANCE, True, 3), who
            )
        assign_director(
            repo,
            director=DEMO_DIRECTOR,
            provider_code=code,
            start=as_of - timedelta(days=61),
            who=who,
        )
        added.append("Improvement Director")
    if code not in found["OAG"]:
        for body in _ITEMS:
            add_member(repo, code, body, f"Synthetic member ({body.value})", who)
        added.append("OAG")
    if code not in found["returns due"]:
        for body, items in _ITEMS.items():
            request_items(repo, code, body, items, who)
        added.append("returns due")
    if code not in found["plan"]:
        add_action(
            repo,
            PlanAction(
                code,
                FindingKind.MUST_DO,
                "Synthetic finding: governance of serious incidents",
                "Synthetic action: a weekly serious-incident panel chaired by the medical director",
                frozenset({DriverDomain.GOVERNANCE}),
                "Synthetic owner: medical director",
                as_of + timedelta(days=90),
                created_on=max(as_of - timedelta(days=45), _first_start(repo, code, as_of)),
            ),
            who,
        )
        added.append("plan")
    regime = regime_now(repo, code, as_of)
    if code not in found["funding"] and regime in FUNDED_REGIMES:
        application = apply_for_funding(
            repo,
            provider_code=code,
            stage=_STAGE_OF[regime],
            aims=[("Synthetic aim: board development programme", 80_000)],
            applied_on=as_of - timedelta(days=30),
            who=who,
        )
        approver = Actor("demo", APPROVER_ROLE, _RATIONALE, who.at)
        approve_application(repo, application, on=as_of - timedelta(days=20), who=approver)
        add_spend(
            repo,
            application,
            category=SpendCategory.ORGANISATIONAL_DEVELOPMENT,
            amount=25_000,
            on=as_of - timedelta(days=10),
            description="Synthetic spend: board development sessions",
            who=who,
        )
        added.append("funding")
    return added


def prepare_demo_work(repo: Repository, *, at: datetime | None = None) -> WorkTrust:
    """Pick the demo accounts' trust, give it the current work it lacks and the demo's
    synthetic evidence; return the trust with its (now complete) work."""
    trust = pick_work_trust(repo)
    give_current_work(repo, trust.code, trust.as_of, at=at)
    load_demo_evidence(repo, trust.as_of, first=trust.code, at=at)
    return pick_work_trust(repo, trust.as_of)

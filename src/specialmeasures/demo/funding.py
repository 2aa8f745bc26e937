"""Synthetic NHSI funding for the demo: applications by stage within the caps, mapped to aims,
approved by a fictional Executive Medical Director, and spend lines by category.

Synthetic demonstration data. Only spells from the funding component's start get funding (the
seed paper: trusts whose SMQ period pre-dated it had none); spend is mostly posts, external
consultants and organisational development, as the paper reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from specialmeasures.demo.country import SyntheticCountry
from specialmeasures.domain import Regime
from specialmeasures.domain.directors import add_months
from specialmeasures.domain.funding import (
    FundingAim,
    FundingApplication,
    FundingStage,
    SpendCategory,
    SpendLine,
)

if TYPE_CHECKING:
    from specialmeasures.demo.interventions import InterventionPolicy

__all__ = ["APPROVER", "DemoApplication", "build_funding"]

#: The fictional Executive Medical Director who approves the demo's applications.
APPROVER = "Dr Vessa Ostridge (synthetic)"
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DemoApplication:
    """An approved (or still pending) application and its spend lines.

    ``SpendLine.application_id`` is 0 here: the loader sets it to the stored application's id.
    """

    application: FundingApplication
    spend: tuple[SpendLine, ...]


_AIMS: tuple[tuple[str, SpendCategory], ...] = (
    ("Quality improvement faculty and QI coaches (posts)", SpendCategory.POSTS),
    ("Substantive ward nursing posts to cut agency use", SpendCategory.POSTS),
    ("Clinical governance and patient safety lead posts", SpendCategory.POSTS),
    ("External review of board governance", SpendCategory.EXTERNAL_CONSULTANTS),
    ("Emergency department flow improvement support", SpendCategory.EXTERNAL_CONSULTANTS),
    ("Board development programme", SpendCategory.ORGANISATIONAL_DEVELOPMENT),
    ("Ward leadership and culture programme", SpendCategory.ORGANISATIONAL_DEVELOPMENT),
    ("Staff engagement and listening events", SpendCategory.ORGANISATIONAL_DEVELOPMENT),
    ("Ward-level quality dashboard", SpendCategory.OTHER),
)
_AIM_WEIGHTS = np.array([0.16, 0.14, 0.12, 0.12, 0.1, 0.1, 0.1, 0.1, 0.06])


def _application(
    rng: np.random.Generator,
    code: str,
    stage: FundingStage,
    applied: date,
    cap: int,
    end: date,
) -> DemoApplication:
    amount = int(round(cap * rng.uniform(0.5, 1.0) / 5_000) * 5_000)
    picks = sorted(rng.choice(len(_AIMS), size=int(rng.integers(2, 5)), replace=False,
                              p=_AIM_WEIGHTS).tolist())  # fmt: skip
    shares = rng.dirichlet(np.full(len(picks), 3.0))
    parts = [max(1_000, int(amount * s / 1_000 + 0.5) * 1_000) for s in shares[:-1]]
    parts.append(amount - sum(parts))
    if parts[-1] <= 0:
        parts = [amount // len(picks)] * len(picks)
    aims = tuple(FundingAim(_AIMS[i][0], a) for i, a in zip(picks, parts, strict=True))
    approved_on = applied + _DAY * int(rng.integers(20, 61))
    if approved_on > end:
        pending = FundingApplication(code, stage, applied, aims)
        return DemoApplication(pending, ())
    approved = (
        amount if rng.random() < 0.85 else int(amount * rng.uniform(0.7, 0.95)) // 1_000 * 1_000
    )
    application = FundingApplication(code, stage, applied, aims, status="approved",
                                     approved_amount=approved, approved_by=APPROVER,
                                     approved_on=approved_on)  # fmt: skip
    spend: list[SpendLine] = []
    for i, part in zip(picks, parts, strict=True):
        budget = int(part * approved / amount * rng.uniform(0.6, 1.0))
        lines = int(rng.integers(1, 4))
        for k in range(lines):
            day = add_months(approved_on, int(rng.integers(1, 11)))
            amount_k = budget // lines
            if day <= end and amount_k > 0:
                spend.append(SpendLine(0, _AIMS[i][1], amount_k, day, f"{_AIMS[i][0]} ({k + 1})"))
    return DemoApplication(application, tuple(sorted(spend, key=lambda s: s.spent_on)))


def build_funding(
    rng: np.random.Generator,
    country: SyntheticCountry,
    policy: InterventionPolicy,
    no_data: set[str],
) -> list[DemoApplication]:
    """Entry, CP and exit applications for spells from the funding component's start."""
    out: list[DemoApplication] = []
    transfers = {(e.provider_code, e.start) for e in country.episodes if e.regime is Regime.RSP}
    for e in sorted(country.episodes, key=lambda e: (e.start, e.provider_code)):
        if e.provider_code in no_data or e.start < policy.funding_start:
            continue
        if e.regime not in (Regime.SMQ, Regime.CP):
            continue
        stage = FundingStage.SMQ_ENTRY if e.regime is Regime.SMQ else FundingStage.CP
        applied = add_months(e.start, int(rng.integers(1, 4)))
        if (
            (e.regime is Regime.SMQ or rng.random() < 0.6)
            and e.active_on(applied)
            and (applied <= country.end)
        ):
            cap = policy.cap(stage)
            out.append(_application(rng, e.provider_code, stage, applied, cap, country.end))
        exited = e.end is not None and (e.provider_code, e.end) not in transfers
        if e.regime is Regime.SMQ and exited and e.end is not None and rng.random() < 0.7:
            applied = e.end + _DAY * int(rng.integers(20, 120))
            window = add_months(e.end, policy.exit_window_months)
            if applied <= country.end and applied < window:
                cap = policy.cap_smq_exit
                out.append(_application(rng, e.provider_code, FundingStage.SMQ_EXIT, applied,
                                        cap, country.end))  # fmt: skip
    return out

"""The designed regime histories of the synthetic trusts (synthetic demonstration data).

Calibration happens here. The seed paper's numbers (59 trusts entering SMQ and/or CP between July
2013 and 30 September 2019; 62 of 217 ever in either by October 2019; 15.8% of SMQ trusts leaving
within 24 months; several re-entries) are hit exactly by *choosing* which trusts live through which
history, then building their latent quality (``latent``) and inspections (``inspections``) so that
the published rules are met at every step. Role counts scale with ``n_providers``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from specialmeasures.demo.timeline import (
    KEOGH_DAY,
    RSP_START,
    add_days,
    add_months,
    random_date,
)
from specialmeasures.demo.world import WORLDS, World
from specialmeasures.domain import Provider, ProviderType, Regime

__all__ = ["PlannedEpisode", "PlannedInspection", "Spell", "TrustPlan", "plan_trusts"]

#: Role counts for 217 trusts. keogh + smq_direct + cp_to_smq + cp_only = 59 entrants in the
#: window; cp_prestart adds the 3 trusts already on the CP list before July 2013 (62 in all).
#: unplaced_crisis (one per SMQ entrant from 2014 on: smq_direct + cp_to_smq + late_smq) live
#: through a crisis like an entrant's, at the same time, but are never in a regime (no
#: inspection met the rule while it lasted): they are what lets an impact estimate tell SMQ's
#: effect from the recovery that follows any crisis.
ROLE_COUNTS = {
    "keogh": 11,
    "smq_direct": 17,
    "cp_to_smq": 12,
    "cp_only": 19,
    "cp_prestart": 3,
    "late_smq": 3,
    "rsp_new": 5,
    "unplaced_crisis": 32,
}
BASE_WORLD = WORLDS["base"]
_TYPE_WEIGHT = {
    ProviderType.ACUTE: 1.0,
    ProviderType.ACUTE_AND_COMMUNITY: 1.0,
    ProviderType.MENTAL_HEALTH: 0.45,
    ProviderType.COMMUNITY: 0.3,
    ProviderType.AMBULANCE: 0.8,
    ProviderType.SPECIALIST: 0.1,
}


@dataclass(frozen=True, slots=True)
class PlannedInspection:
    """An inspection the history needs. ``purpose`` fixes which rule its ratings must satisfy."""

    inspection: date
    publication: date
    purpose: str


@dataclass(slots=True)
class PlannedEpisode:
    regime: Regime
    start: date
    end: date | None
    entry_basis: str
    exit_basis: str | None = None


@dataclass(frozen=True, slots=True)
class Spell:
    """A deterioration (or, with a positive last level, lasting improvement) of latent quality.

    ``knots`` are (day, level) pairs; the level is interpolated between knots, zero before the
    first and held at the last knot's level after it.
    """

    knots: tuple[tuple[date, float], ...]
    cause: str

    @property
    def magnitude(self) -> float:
        return -min(level for _, level in self.knots)


@dataclass(slots=True)
class TrustPlan:
    role: str
    episodes: list[PlannedEpisode] = field(default_factory=list)
    inspections: list[PlannedInspection] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    quality_offset: float = 0.0
    #: An unplaced-crisis trust's entrant: the index of the trust whose crisis it shadows.
    twin_of: int = -1


def _scaled(n_providers: int) -> dict[str, int]:
    return {role: max(2, round(c * n_providers / 217)) for role, c in ROLE_COUNTS.items()}


def _assign_roles(rng: np.random.Generator, providers: tuple[Provider, ...]) -> list[str]:
    counts = _scaled(len(providers))
    if sum(counts.values()) > len(providers) // 2:
        raise ValueError(f"n_providers: {len(providers)} is too few for the designed histories")
    weights = np.array([_TYPE_WEIGHT[p.type] for p in providers])
    roles = ["never"] * len(providers)
    # Weighted draw without replacement (Efraimidis-Spirakis keys), one queue for every role.
    keys = np.log(rng.random(len(providers))) / weights
    queue = [int(i) for i in np.argsort(-keys)]
    for role, count in counts.items():
        for _ in range(count):
            roles[queue.pop(0)] = role
    return roles


def _stay_months(rng: np.random.Generator, short: bool, long: bool) -> float:
    """Months from SMQ entry to exit: a few short stays, most just over two years (HSJ 2017)."""
    if short:
        return float(rng.uniform(11.5, 21.0))
    if long:
        return float(rng.uniform(30.0, 40.0))
    return float(rng.uniform(24.2, 27.0))


#: An SMQ-deep crisis: its depth (latent quality units), the months from its onset to the
#: trigger inspection, and the level it recovers to (a clear improver ends above its start).
CRISIS_DEPTH = (1.7, 2.3)
CRISIS_ONSET_MONTHS = (8.0, 15.0)
IMPROVER_FINAL = (0.45, 0.7)
RECOVERED_FINAL = (-0.25, 0.1)


def _crisis_knots(
    onset: date, trigger: date, entry: date, depth: float, recovered: date, final: float
) -> list[tuple[date, float]]:
    """The path of an SMQ-deep crisis: down from ``onset`` to ``depth`` a month before the
    trigger inspection, near the bottom until 5 months after entry, then a straight climb to
    ``final`` on the day it has ``recovered`` (an SMQ trust's exit)."""
    return [
        (onset, 0.0),
        (add_months(trigger, -1.0), -depth),
        (add_months(entry, 5.0), -depth * 0.95),
        (recovered, final),
    ]


def _smq_entry_day(rng: np.random.Generator) -> date:
    """When a direct SMQ entry (not from the CP list) happens: skewed to the early years."""
    year = 2014 + float(rng.beta(2.0, 2.6)) * 5.5
    return min(add_months(date(2014, 1, 1), (year - 2014) * 12), date(2019, 8, 31))


def _trigger(rng: np.random.Generator, entry: date, purpose: str) -> PlannedInspection:
    publication = add_days(entry, -float(rng.uniform(0, 21)))
    return PlannedInspection(
        add_days(publication, -float(rng.uniform(55, 100))), publication, purpose
    )


def _stay(
    rng: np.random.Generator, plan: TrustPlan, entry: date, exit_day: date | None, horizon: date
) -> None:
    """Re-inspections of an SMQ/RSP stay: ~12 months after entry, then every 9-14 months; the
    last one before ``exit_day`` qualifies for exit, the earlier ones do not."""
    last: PlannedInspection | None = None
    if exit_day is not None:
        pub = add_days(exit_day, -float(rng.uniform(10, 45)))
        last = PlannedInspection(
            add_days(pub, -float(rng.uniform(55, 95))), pub, "reinspection_exit"
        )
    stop = last.inspection if last is not None else horizon
    day = add_months(entry, float(rng.uniform(9.0, 13.0)))
    while add_months(day, 5.0) < stop:
        pub = add_days(day, float(rng.uniform(55, 95)))
        plan.inspections.append(PlannedInspection(day, pub, "reinspection_stay"))
        day = add_months(day, float(rng.uniform(9.0, 14.0)))
    if last is not None:
        plan.inspections.append(last)


def _smq(
    rng: np.random.Generator,
    plan: TrustPlan,
    entry: date,
    months: float,
    *,
    basis: str,
    improver: bool,
    horizon: date,
    crisis_from: date | None = None,
    onset_months: tuple[float, float] = CRISIS_ONSET_MONTHS,
) -> date | None:
    """One SMQ entry with its deterioration spell and re-inspections; returns the exit day (None
    when the stay runs into the Recovery Support Programme or past ``horizon``)."""
    if entry >= RSP_START:
        _rsp(rng, plan, entry, horizon)  # SMQ had closed: the same failure now means the RSP
        return None
    exit_day: date | None = add_months(entry, months)
    if basis == "judgement_no_recommendation":
        # NHSI placed the trust first; CQC's report followed (Shrewsbury and Telford, 2018).
        insp = add_days(entry, float(rng.uniform(3, 20)))
        trigger = PlannedInspection(insp, add_days(insp, float(rng.uniform(20, 30))), "post_entry")
    else:
        trigger = _trigger(rng, entry, "keogh_review" if basis == "keogh_review" else "smq_trigger")
    plan.inspections.append(trigger)
    depth = float(rng.uniform(*CRISIS_DEPTH))
    onset = crisis_from or add_months(trigger.inspection, -float(rng.uniform(*onset_months)))
    if exit_day is not None and exit_day >= RSP_START:
        # SMQ closes on 13 July 2021; the stay continues as a Recovery Support Programme episode.
        rsp_exit: date | None = add_months(RSP_START, float(rng.uniform(9, 36)))
        if rsp_exit is not None and rsp_exit > horizon:
            rsp_exit = None
        plan.episodes.append(
            PlannedEpisode(Regime.SMQ, entry, RSP_START, basis, "regime_closed_transfer_to_rsp")
        )
        plan.episodes.append(
            PlannedEpisode(
                Regime.RSP, RSP_START, rsp_exit, "transfer_from_smq",
                "reinspection" if rsp_exit else None,
            )
        )  # fmt: skip
        exit_day = rsp_exit
        _stay(rng, plan, entry, exit_day, horizon)
        recovered = exit_day or horizon
        result = None
    else:
        plan.episodes.append(PlannedEpisode(Regime.SMQ, entry, exit_day, basis, "reinspection"))
        _stay(rng, plan, entry, exit_day, horizon)
        recovered = exit_day or horizon
        result = exit_day
    final = float(rng.uniform(*(IMPROVER_FINAL if improver else RECOVERED_FINAL)))
    knots = _crisis_knots(onset, trigger.inspection, entry, depth, recovered, final)
    if crisis_from is not None:
        knots[0] = (add_months(crisis_from, -float(rng.uniform(6, 10))), 0.0)
        knots.insert(1, (crisis_from, -1.35))
    plan.spells.append(Spell(tuple(_ordered(knots)), "smq_crisis"))
    if improver and exit_day is not None:
        follow = add_months(exit_day, float(rng.uniform(16, 28)))
        if follow < horizon:
            pub = add_days(follow, float(rng.uniform(55, 95)))
            plan.inspections.append(PlannedInspection(follow, pub, "improver_followup"))
    return result


def _ordered(knots: list[tuple[date, float]]) -> list[tuple[date, float]]:
    """Knots with strictly increasing days (a later knot never moves before an earlier one)."""
    out: list[tuple[date, float]] = []
    for day, level in knots:
        if out and day <= out[-1][0]:
            day = add_days(out[-1][0], 15)
        out.append((day, level))
    return out


def _cp(
    rng: np.random.Generator,
    plan: TrustPlan,
    start: date,
    months: float,
    *,
    rule_met: bool,
    horizon: date,
) -> date | None:
    """A spell on the confidential CP list, entered when the early-warning score crosses."""
    if start >= RSP_START:
        return None  # the CP list closed with SMQ in July 2021
    end: date | None = add_months(start, months)
    basis = "early_warning"
    depth = float(rng.uniform(1.35, 1.7))
    if rule_met:
        # CQC found >= 2 Inadequate incl. well-led, but NHSI judged the leadership able to fix it.
        trigger = _trigger(rng, start, "not_placed_trigger")
        plan.inspections.append(trigger)
        basis = "judgement_rule_met_not_placed"
        depth = float(rng.uniform(1.9, 2.2))
    exit_basis: str | None = "early_warning_cleared"
    if end is not None and end >= RSP_START:
        end, exit_basis = RSP_START, "regime_closed"
    if end is not None and end > horizon:
        end, exit_basis = None, None
    plan.episodes.append(PlannedEpisode(Regime.CP, start, end, basis, exit_basis))
    knots = [
        (add_months(start, -float(rng.uniform(6, 10))), 0.0),
        (add_months(start, -1.0), -depth),
        (add_months(end or horizon, -4.0), -depth * 0.8),
        (end or horizon, float(rng.uniform(-0.15, 0.15))),
    ]
    plan.spells.append(Spell(tuple(_ordered(knots)), "cp_concern"))
    return end


def plan_trusts(
    rng: np.random.Generator,
    providers: tuple[Provider, ...],
    horizon: date,
    *,
    unplaced: bool = True,
    world: World = BASE_WORLD,
    world_rng: np.random.Generator | None = None,
) -> list[TrustPlan]:
    """Designed histories, one per provider, with the calibration counts built in.

    ``unplaced=False`` leaves the unplaced-crisis trusts without their crisis (role "never"): a
    country where no untreated trust goes through an SMQ-deep crisis, so selection into SMQ
    cannot be separated from its effect (used to show what an impact estimate does then).
    ``world`` changes the number, timing and depth of those crises and the months of decline
    before an SMQ entry (``demo.world``); its own draws come from ``world_rng``.
    """
    onset = world.onset_months
    roles = _assign_roles(rng, providers)
    plans = [TrustPlan(role) for role in roles]
    by_role: dict[str, list[int]] = {}
    for i, role in enumerate(roles):
        by_role.setdefault(role, []).append(i)
    smq_trusts = by_role["keogh"] + by_role["smq_direct"] + by_role["cp_to_smq"]
    n_short = round(0.158 * len(smq_trusts))
    keogh, direct, cp_smq = by_role["keogh"], by_role["smq_direct"], by_role["cp_to_smq"]
    short = set(keogh[:3] + direct[: n_short - 3])
    reentry = {keogh[3], keogh[4], direct[n_short - 4], cp_smq[0]}
    improvers = set(keogh[:3] + direct[: n_short - 4]) | {keogh[5], direct[n_short], cp_smq[1]}
    long = {keogh[6], keogh[7], direct[n_short + 1], direct[n_short + 2], cp_smq[2], cp_smq[3]}
    judgement = direct[n_short + 3]
    for i in smq_trusts:
        plan, r = plans[i], rng
        plan.quality_offset = float(r.normal(-0.35, 0.3))
        if plan.role == "keogh":
            entry, basis, crisis = KEOGH_DAY, "keogh_review", None
        elif plan.role == "cp_to_smq":
            cp_start = random_date(r, date(2013, 9, 1), date(2017, 12, 31))
            entry = add_months(cp_start, float(r.uniform(6, 20)))
            entry = min(entry, random_date(r, date(2019, 3, 1), date(2019, 8, 31)))
            cp_start = min(cp_start, add_months(entry, -5.0))
            plan.episodes.append(
                PlannedEpisode(Regime.CP, cp_start, entry, "early_warning", "stepped_up_to_smq")
            )
            basis, crisis = "rule", cp_start
        else:
            entry, basis, crisis = _smq_entry_day(r), "rule", None
            if i == judgement:
                entry = random_date(r, date(2018, 9, 1), date(2018, 12, 15))
                basis = "judgement_no_recommendation"
        if i in reentry and i not in short:
            months = float(r.uniform(24.5, 27.0))
        else:
            months = _stay_months(r, i in short, i in long)
        exit_day = _smq(
            r, plan, entry, months, basis=basis, improver=i in improvers, horizon=horizon,
            crisis_from=crisis, onset_months=onset,
        )  # fmt: skip
        if i in reentry and exit_day is not None:
            again = date(2017, 4, 1) if plan.role == "keogh" else add_months(exit_day, 20.0)
            again = random_date(r, max(again, add_months(exit_day, 14.0)), add_months(again, 4.0))
            plan.flags.add("reentry")
            _smq(r, plan, again, float(r.uniform(20, 30)), basis="rule", improver=False,
                 horizon=horizon, onset_months=onset)  # fmt: skip
    for k, i in enumerate(by_role["cp_only"]):
        plan = plans[i]
        plan.quality_offset = float(rng.normal(-0.25, 0.3))
        start = random_date(rng, date(2013, 10, 1), date(2019, 6, 30))
        end = _cp(rng, plan, start, float(rng.uniform(8, 22)), rule_met=k < 2, horizon=horizon)
        if 2 <= k < 4 and end is not None:
            plan.flags.add("reentry")
            _cp(rng, plan, add_months(end, float(rng.uniform(10, 20))), float(rng.uniform(8, 16)),
                rule_met=False, horizon=horizon)  # fmt: skip
    for i in by_role["cp_prestart"]:
        start = random_date(rng, date(2012, 9, 1), date(2013, 5, 31))
        _cp(rng, plans[i], start, float(rng.uniform(10, 22)), rule_met=False, horizon=horizon)
    for i in by_role["late_smq"]:
        entry = random_date(rng, date(2019, 11, 15), date(2021, 2, 28))
        _smq(rng, plans[i], entry, float(rng.uniform(24, 34)), basis="rule", improver=False,
             horizon=horizon, onset_months=onset)  # fmt: skip
    for i in by_role["rsp_new"]:
        entry = random_date(rng, date(2021, 9, 1), date(2024, 6, 30))
        _rsp(rng, plans[i], entry, horizon)
    shadows = by_role["unplaced_crisis"] if unplaced else []
    if world.shadows is not None:
        shadows = shadows[: world.shadows]
    if shadows:
        jitter = world_rng or np.random.default_rng(0)
        _unplaced_crises(rng, providers, plans, by_role, shadows, world, jitter)
    for i in by_role["unplaced_crisis"]:
        if i not in shadows:
            plans[i].role = "never"
    return plans


def _unplaced_crises(
    rng: np.random.Generator,
    providers: tuple[Provider, ...],
    plans: list[TrustPlan],
    by_role: dict[str, list[int]],
    shadows: list[int],
    world: World,
    jitter: np.random.Generator,
) -> None:
    """Failure is systemic: each unplaced-crisis trust goes through a crisis at the same time as
    an SMQ entrant of its type (onset, bottom, would-be entry and end of recovery on the same
    days, give or take a month at the end) and of the same kind (recovering to above its old
    level when the entrant's did), with its own depth, starting level and final level. No
    inspection met the rule while it lasted (its routine inspections are calibrated not to), so
    it is never in a regime: the comparator an impact estimate needs to tell SMQ's effect from
    the recovery that follows any crisis. ``world`` may move each crisis in time (its draws from
    ``jitter``) and change its depth."""
    entrants = by_role["smq_direct"] + by_role["cp_to_smq"] + by_role["late_smq"]
    crises = [
        int(i) for i in rng.permutation(np.array(entrants, dtype=np.int64)) if plans[i].spells
    ]
    for u in shadows:
        same = [i for i in crises if providers[i].type is providers[u].type]
        i = (same or crises)[0]
        crises.remove(i)
        crises.append(i)  # reused only when every crisis already has a neighbour
        plan, twin = plans[u], plans[i].spells[0]
        plan.twin_of = i
        plan.quality_offset = float(rng.normal(-0.35, 0.3))
        scale = float(rng.uniform(*(world.shadow_depth or CRISIS_DEPTH))) / twin.magnitude
        recovered, level = twin.knots[-1]
        improver = level >= IMPROVER_FINAL[0]
        final = float(rng.uniform(*(IMPROVER_FINAL if improver else RECOVERED_FINAL)))
        shift = (
            float(jitter.uniform(-1.0, 1.0)) * world.jitter_months if world.jitter_months else 0.0
        )
        knots = [
            (add_months(day, shift) if shift else day, depth * scale)
            for day, depth in twin.knots[:-1]
        ]
        knots.append((add_months(recovered, float(rng.uniform(-1.0, 1.0)) + shift), final))
        plan.spells.append(Spell(tuple(_ordered(knots)), "unplaced_crisis"))


def _rsp(rng: np.random.Generator, plan: TrustPlan, entry: date, horizon: date) -> None:
    """A Recovery Support Programme entry on the same inspection rule (NOF segment 4)."""
    trigger = _trigger(rng, entry, "rsp_trigger")
    plan.inspections.append(trigger)
    end: date | None = add_months(entry, float(rng.uniform(18, 30)))
    if end is not None and end > horizon:
        end = None
    plan.episodes.append(
        PlannedEpisode(Regime.RSP, entry, end, "rule", "reinspection" if end else None)
    )
    _stay(rng, plan, entry, end, horizon)
    depth = float(rng.uniform(1.7, 2.2))
    knots = [
        (add_months(trigger.inspection, -float(rng.uniform(8, 14))), 0.0),
        (add_months(trigger.inspection, -1.0), -depth),
        (add_months(entry, 5.0), -depth * 0.95),
        (end or horizon, float(rng.uniform(-0.2, 0.2))),
    ]
    plan.spells.append(Spell(tuple(_ordered(knots)), "rsp_crisis"))

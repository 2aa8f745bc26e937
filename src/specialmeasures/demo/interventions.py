"""Synthetic interventions for the demo country: Improvement Directors, buddying, funding,
leadership, improvement plans, deep dives, OAGs and the Table 3 "none" / "No data" records.

Synthetic demonstration data — invented people working with fictional trusts. The patterns
follow the seed paper ("Implementation of the Interventions", Table 3): a roster of IDs each
covering up to a few trusts at once on the Director cycle (1-3 months intensive, then about 3
of maintenance), some IDs staying past the effectiveness concern and some withdrawn before the
CQC re-inspection; some CP trusts without an ID; buddying in about half of SMQ trusts, arranged
by NHSI, the ID or the trust, departmental or trust-wide, sometimes paid, with an MoU; funding
only for spells from the funding component's start, within the caps, mapped to aims and spent
mostly on posts, consultants and organisational development; and a few trusts that could not
supply their funding data. Pure and deterministic: the country's seed and the policy values
(``InterventionPolicy``, plain values passed in by the loader) decide everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from specialmeasures.demo.country import SyntheticCountry
from specialmeasures.demo.funding import APPROVER, DemoApplication, build_funding
from specialmeasures.demo.governance import Governance, build_governance
from specialmeasures.demo.people import person_name
from specialmeasures.domain import Inspection, Provider, Rating, Regime, RegimeEpisode
from specialmeasures.domain.buddying import ArrangedBy, BuddyArrangement, BuddyScope, distance_km
from specialmeasures.domain.directors import (
    Background,
    DirectorAssignment,
    ImprovementDirector,
    add_months,
)
from specialmeasures.domain.funding import FundingStage

__all__ = [
    "DemoApplication",
    "DemoInterventions",
    "InterventionPolicy",
    "StatusRecord",
    "generate_interventions",
]

ROSTER_SIZE = 17
_NO_DATA_NOTE = "the trust was not able to supply data (synthetic demo; Table 3 footnote a)"
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class InterventionPolicy:
    """The policy values the generator needs, as plain values (read from smq-2013 and cp by
    the loader: ``demo/`` may not import ``rules/``)."""

    funding_start: date
    cap_smq_entry: int
    cap_cp: int
    cap_smq_exit: int
    exit_window_months: int
    max_intensive_months: int
    maintenance_months: int
    concern_months: int

    def cap(self, stage: FundingStage) -> int:
        return {
            FundingStage.SMQ_ENTRY: self.cap_smq_entry,
            FundingStage.CP: self.cap_cp,
            FundingStage.SMQ_EXIT: self.cap_smq_exit,
        }[stage]


@dataclass(frozen=True, slots=True)
class StatusRecord:
    """A Table 3 cell recorded as ``none`` (not delivered) or ``no_data`` (not supplied)."""

    provider_code: str
    kind: str
    status: str
    note: str


@dataclass(frozen=True, slots=True)
class DemoInterventions:
    """Everything the demo records about interventions, as frozen domain records.

    ``DirectorAssignment.director_id`` is the director's 1-based position in ``directors``;
    the loader maps it to the stored id.
    """

    directors: tuple[ImprovementDirector, ...]
    assignments: tuple[DirectorAssignment, ...]
    buddies: tuple[BuddyArrangement, ...]
    funding: tuple[DemoApplication, ...]
    governance: Governance
    statuses: tuple[StatusRecord, ...]
    approver: str = APPROVER

    def counts(self) -> dict[str, int]:
        g = self.governance
        return {
            "improvement_directors": len(self.directors),
            "director_assignments": len(self.assignments),
            "trusts_with_director": len({a.provider_code for a in self.assignments}),
            "buddy_arrangements": len(self.buddies),
            "funding_applications": len(self.funding),
            "funding_approved_gbp": sum(f.application.approved_amount or 0 for f in self.funding),
            "leadership_terms": len(g.terms),
            "plan_actions": len(g.actions),
            "deep_dives": len(g.deep_dives),
            "oag_trusts": len(g.oags),
            "monthly_returns": sum(len(o.returns) for o in g.oags),
            "no_data_records": sum(s.status == "no_data" for s in self.statuses),
        }


def _streams(seed: int, n: int) -> list[np.random.Generator]:
    # A spawn key of its own, so that the country's streams are untouched by this one.
    root = np.random.SeedSequence(seed, spawn_key=(0x1D,))
    return [np.random.default_rng(s) for s in root.spawn(n)]


def _roster(rng: np.random.Generator) -> tuple[ImprovementDirector, ...]:
    backgrounds = list(Background)
    weights = np.array([0.22, 0.26, 0.16, 0.16, 0.15, 0.05])
    names: set[str] = set()
    out: list[ImprovementDirector] = []
    while len(out) < ROSTER_SIZE:
        name = person_name(rng, title=True)
        if name in names:
            continue
        names.add(name)
        background = backgrounds[int(rng.choice(len(backgrounds), p=weights))]
        out.append(
            ImprovementDirector(
                name, background, bool(rng.random() < 0.45), int(rng.choice([2, 3, 3, 4]))
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Slot:
    spell: int
    provider_code: str
    start: date
    stop: date | None
    intensive: int
    maintenance: int
    reason: str | None
    smq: bool


def _first_publication(published: Sequence[date], spell: RegimeEpisode) -> date | None:
    return min((d for d in published if spell.start < d), default=None)


def _director_slots(
    rng: np.random.Generator,
    spells: Sequence[RegimeEpisode],
    published: Mapping[str, list[date]],
    policy: InterventionPolicy,
    end: date,
) -> list[_Slot]:
    """When each spell had an ID (who comes later): one to three assignments in a chain."""
    slots: list[_Slot] = []
    for n, spell in enumerate(spells):
        smq = spell.regime is Regime.SMQ
        if rng.random() < (0.04 if smq else 0.45):
            continue  # some CP trusts had no ID (a limited resource)
        limit = min(spell.end or end, end)
        t = spell.start + _DAY * int(rng.integers(7, 46))
        mode = str(rng.choice(["cycle", "long", "withdrawn"], p=[0.55, 0.25, 0.2]))
        if not smq:
            mode = "cycle" if rng.random() < 0.8 else "long"
        for link in range(3):
            if t >= limit:
                break
            intensive = int(rng.integers(1, policy.max_intensive_months + 1))
            maintenance = max(1, policy.maintenance_months + int(rng.integers(-1, 2)))
            planned = add_months(add_months(t, intensive), maintenance)
            if mode == "long" and link == 0:
                stop = add_months(t, policy.concern_months + int(rng.integers(1, 7)))
                reason = "rotated to another trust after a long stay (effectiveness concern)"
            elif mode == "withdrawn":
                first = _first_publication(published.get(spell.provider_code, []), spell)
                stop = add_months(t, intensive + maintenance + int(rng.integers(0, 2)))
                if first is not None:
                    stop = min(stop, first - _DAY * int(rng.integers(30, 90)))
                reason = "withdrawn by NHSI before the CQC re-inspection"
                if stop <= add_months(t, intensive):
                    stop, reason = planned, "Director cycle complete"
            else:
                stop = planned + _DAY * int(rng.integers(0, 60))
                reason = "Director cycle complete"
            final: date | None = stop
            why: str | None = reason
            if spell.end is not None and stop >= spell.end:
                final, why = spell.end, "trust left the regime"
            if final is not None and final > end:
                final, why = None, None  # still in post when the data end
            slots.append(_Slot(n, spell.provider_code, t, final, intensive, maintenance,
                               why, smq))  # fmt: skip
            follow = 0.55 if smq else 0.3
            if final is None or mode == "withdrawn" or final == spell.end:
                break
            if rng.random() >= follow:
                break
            t = final + _DAY * int(rng.integers(0, 31))
            mode = "long" if rng.random() < 0.15 else "cycle"
    return slots


def _allocate(
    rng: np.random.Generator,
    roster: Sequence[ImprovementDirector],
    slots: list[_Slot],
) -> list[DirectorAssignment]:
    """Give each slot an ID with spare capacity over the whole assignment (as the service
    checks); a successor is a different ID. A slot nobody can take is dropped."""
    held: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    previous: dict[int, int] = {}
    out: list[DirectorAssignment] = []
    for slot in sorted(slots, key=lambda s: (s.start, s.provider_code)):
        planned = add_months(add_months(slot.start, slot.intensive), slot.maintenance)
        stop = slot.stop or planned
        free: list[tuple[int, float]] = []
        for i, d in enumerate(roster, start=1):
            busy = [h for h in held[i] if (h[2] is None or slot.start < h[2]) and h[1] < stop]
            if i == previous.get(slot.spell) or any(h[0] == slot.provider_code for h in busy):
                continue
            if len(busy) < d.max_trusts:
                bonus = 0.6 if d.previous_smq_experience and slot.smq else 0.0
                free.append((i, 1.0 - len(busy) / d.max_trusts + bonus + 0.2))
        if not free:
            continue
        weights = np.array([w for _, w in free])
        pick = free[int(rng.choice(len(free), p=weights / weights.sum()))][0]
        held[pick].append((slot.provider_code, slot.start, slot.stop))
        previous[slot.spell] = pick
        out.append(
            DirectorAssignment(
                pick,
                slot.provider_code,
                slot.start,
                slot.intensive,
                slot.maintenance,
                float(rng.choice([15.0, 22.5, 22.5, 30.0])),
                float(rng.choice([4.0, 7.5, 7.5])),
                slot.stop,
                slot.reason,
            )
        )
    return out


def _overall_on(history: Sequence[Inspection], day: date) -> Rating | None:
    rated = [i for i in history if i.publication_date <= day and i.overall is not None]
    return rated[-1].overall if rated else None


def _buddies(
    rng: np.random.Generator,
    country: SyntheticCountry,
    smq_first: Mapping[str, RegimeEpisode],
    histories: Mapping[str, list[Inspection]],
    assignments: Sequence[DirectorAssignment],
) -> list[BuddyArrangement]:
    """Buddies for about half of the SMQ trusts; some after a poor first match by NHSI."""
    by_code = {p.code: p for p in country.providers}
    codes = sorted(smq_first)
    chosen = sorted(rng.choice(codes, size=round(len(codes) * 0.5), replace=False).tolist())
    out: list[BuddyArrangement] = []

    def busy(code: str, day: date) -> int:
        return sum(a.buddy_code == code and a.active_on(day) for a in out)

    def candidates(target: Provider, scope: BuddyScope, day: date) -> list[tuple[float, str]]:
        found = []
        for p in country.providers:
            in_regime = any(e.provider_code == p.code and e.active_on(day)
                            for e in country.episodes)  # fmt: skip
            rated = _overall_on(histories.get(p.code, []), day)
            # Unrated (before the 2014 ratings) is allowed; rated worse than Good is not.
            poor = rated is not None and rated < Rating.GOOD
            if p.code == target.code or in_regime or poor:
                continue
            if p.type not in scope.offered_by or busy(p.code, day) >= 2:
                continue
            km = distance_km(target, p) or 500.0
            size = min(p.beds or 1, target.beds or 1) / max(p.beds or 1, target.beds or 1)
            score = 25 * max(0.0, 1 - km / 300) + 15 * (p.type is target.type)
            score += 10 * (p.teaching == target.teaching) + 15 * size
            found.append((score, p.code))
        return sorted(found, reverse=True)

    for code in chosen:
        spell, target = smq_first[code], by_code[code]
        limit = min(spell.end or country.end, country.end)
        start = spell.start + _DAY * int(rng.integers(45, 180))
        if start >= limit:
            continue
        if rng.random() < 0.45:
            scope = BuddyScope.TRUST_WIDE
        else:
            scopes = [s for s in BuddyScope if s is not BuddyScope.TRUST_WIDE
                      and target.type in s.offered_by]  # fmt: skip
            scope = scopes[int(rng.integers(len(scopes)))] if scopes else BuddyScope.TRUST_WIDE
        has_id = any(a.provider_code == code and a.active_on(start) for a in assignments)
        by = [ArrangedBy.NHSI, ArrangedBy.IMPROVEMENT_DIRECTOR, ArrangedBy.TRUST]
        weights = [0.45, 0.3, 0.25] if has_id else [0.65, 0.0, 0.35]
        arranged = by[int(rng.choice(3, p=weights))]
        pool = candidates(target, scope, start)
        teaching = [c for c in pool if by_code[c[1]].teaching]
        if not target.teaching and teaching and rng.random() < 0.25:
            # The paper's poor match: NHSI's first choice, a large teaching trust, soon ended.
            first_end = add_months(start, int(rng.integers(4, 8)))
            out.append(_arrangement(rng, code, teaching[0][1], scope, ArrangedBy.NHSI, start,
                                    min(first_end, limit), country.end))  # fmt: skip
            start, arranged = first_end + _DAY * int(rng.integers(0, 30)), ArrangedBy.TRUST
            if start >= limit:
                continue
            pool = [c for c in candidates(target, scope, start) if not by_code[c[1]].teaching]
        if not pool:
            continue
        buddy = pool[int(rng.integers(min(3, len(pool))))][1]
        stop = min(
            (spell.end or country.end) + _DAY * int(rng.integers(0, 90)),
            add_months(start, int(rng.integers(12, 19))),
        )
        out.append(_arrangement(rng, code, buddy, scope, arranged, start, stop, country.end))
    return out


def _arrangement(
    rng: np.random.Generator, code: str, buddy: str, scope: BuddyScope, by: ArrangedBy,
    start: date, stop: date, end: date,
) -> BuddyArrangement:  # fmt: skip
    return BuddyArrangement(
        code, buddy, scope, by, start, paid=bool(rng.random() < 0.35),
        mou_date=start - _DAY * int(rng.integers(7, 41)), review_date=add_months(start, 6),
        end=stop if stop <= end else None,
    )  # fmt: skip


def _statuses(
    regime_codes: Sequence[str],
    assignments: Sequence[DirectorAssignment],
    buddies: Sequence[BuddyArrangement],
    funding: Sequence[DemoApplication],
    no_data: set[str],
    spells: Mapping[str, list[RegimeEpisode]],
    funding_start: date,
) -> list[StatusRecord]:
    with_id = {a.provider_code for a in assignments}
    with_buddy = {b.provider_code for b in buddies}
    funded = {f.application.provider_code for f in funding if f.application.status == "approved"}
    out: list[StatusRecord] = []
    for code in regime_codes:
        if code not in with_id:
            out.append(StatusRecord(code, "director", "none", "no Improvement Director assigned"))
        if code not in with_buddy:
            out.append(StatusRecord(code, "buddying", "none", "no buddy arrangement"))
        if code in no_data:
            out.append(StatusRecord(code, "funding", "no_data", _NO_DATA_NOTE))
        elif code not in funded and any(e.start >= funding_start for e in spells[code]):
            out.append(StatusRecord(code, "funding", "none", "no NHSI funds applied for"))
    return out


def generate_interventions(
    country: SyntheticCountry, policy: InterventionPolicy
) -> DemoInterventions:
    """The demo's interventions for ``country``, deterministic for its seed and ``policy``."""
    rng = _streams(country.seed, 6)
    histories: dict[str, list[Inspection]] = defaultdict(list)
    for i in sorted(country.inspections, key=lambda i: (i.publication_date, i.provider_code)):
        histories[i.provider_code].append(i)
    published = {c: [i.publication_date for i in h] for c, h in histories.items()}
    regime = sorted(
        (e for e in country.episodes if e.regime in (Regime.SMQ, Regime.CP)),
        key=lambda e: (e.start, e.provider_code),
    )
    spells: dict[str, list[RegimeEpisode]] = defaultdict(list)
    for e in regime:
        spells[e.provider_code].append(e)
    roster = _roster(rng[0])
    assignments = _allocate(
        rng[0], roster, _director_slots(rng[0], regime, published, policy, country.end)
    )
    smq_first: dict[str, RegimeEpisode] = {}
    for e in regime:
        if e.regime is Regime.SMQ:
            smq_first.setdefault(e.provider_code, e)
    buddies = _buddies(rng[1], country, smq_first, histories, assignments)
    eligible = sorted(c for c, s in spells.items()
                      if any(e.start >= policy.funding_start for e in s))  # fmt: skip
    n_missing = min(len(eligible), max(1, round(len(spells) * 0.05)))
    no_data = (
        set(rng[2].choice(eligible, size=n_missing, replace=False).tolist()) if eligible else set()
    )
    funding = build_funding(rng[2], country, policy, no_data)
    governance = build_governance(rng[3], country, regime, histories)
    statuses = _statuses(sorted(spells), assignments, buddies, funding, no_data, spells,
                         policy.funding_start)  # fmt: skip
    return DemoInterventions(
        roster, tuple(assignments), tuple(buddies), tuple(funding), governance, tuple(statuses)
    )

"""Synthetic leadership, improvement plans, deep dives and OAGs for the demo's regime trusts.

Synthetic demonstration data — invented people at fictional trusts. Leadership turnover of the
CEO / medical director / chief nurse triumvirate is more frequent around SMQ entry (seed paper:
changes "in parallel" with the regime, interims that destabilise, some new leaders with previous
SMQ experience); plan actions are coded to the four driver domains of the paper's Table 4; deep
dives use the paper's examples; a few trusts have an Oversight and Assurance Group whose bodies
ask for overlapping items, answered by ONE monthly return cut from the trust's own indicators.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from specialmeasures.demo.country import SyntheticCountry
from specialmeasures.demo.people import person_name
from specialmeasures.domain import Inspection, Regime, RegimeEpisode
from specialmeasures.domain.directors import add_months
from specialmeasures.domain.leadership import TRIUMVIRATE, LeadershipTerm, Post
from specialmeasures.domain.oversight import (
    ActionStatus,
    Body,
    DeepDive,
    DriverDomain,
    FindingKind,
    MonthlyReturn,
    PlanAction,
)

__all__ = ["ActionUpdate", "DemoAction", "DemoOag", "Governance", "build_governance"]

_DAY = timedelta(days=1)
#: Monthly hazard of a new holder in a post (about a five-year tenure), and its multiple from
#: 6 months before to 12 months after an SMQ entry (CP entries: half that multiple).
BASE_HAZARD = 1 / 60
ENTRY_MULTIPLE = 5.0


@dataclass(frozen=True, slots=True)
class ActionUpdate:
    on: date
    status: ActionStatus
    note: str
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class DemoAction:
    action: PlanAction
    updates: tuple[ActionUpdate, ...]


@dataclass(frozen=True, slots=True)
class DemoOag:
    """A trust's OAG: members, the items each body asks for, and the one return a month."""

    provider_code: str
    members: tuple[tuple[Body, str], ...]
    requests: tuple[tuple[Body, tuple[str, ...]], ...]
    returns: tuple[MonthlyReturn, ...]


@dataclass(frozen=True, slots=True)
class Governance:
    terms: tuple[LeadershipTerm, ...]
    actions: tuple[DemoAction, ...]
    deep_dives: tuple[DeepDive, ...]
    oags: tuple[DemoOag, ...]


def _months(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _post_terms(
    rng: np.random.Generator, code: str, post: Post, entries: Sequence[tuple[date, float]],
    first: date, end: date,
) -> list[LeadershipTerm]:  # fmt: skip
    """One post's holders from ``first`` to ``end``: substantive, interim, vacancies."""
    out: list[LeadershipTerm] = []
    start, interim, experienced = first, False, False
    month = add_months(start, 6)
    while True:
        month = add_months(month, 1)
        if month > end:
            break
        near = [m for day, m in entries if -6 <= _months(day, month) <= 12]
        hazard = BASE_HAZARD * (max(near) if near else 1.0)
        due = interim and _months(start, month) >= int(rng.integers(3, 10))
        if not due and rng.random() >= hazard:
            continue
        stop = month + _DAY * int(rng.integers(0, 28))
        out.append(LeadershipTerm(code, post, person_name(rng), start, stop, interim,
                                  experienced))  # fmt: skip
        gap = int(rng.integers(14, 90)) if rng.random() < 0.15 else 0
        start = stop + _DAY * gap
        interim = not interim and rng.random() < (0.45 if near else 0.2)
        experienced = not interim and rng.random() < (0.4 if near else 0.1)
        month = add_months(start, 3 if interim else 6)
        if start > end:
            return out
    out.append(LeadershipTerm(code, post, person_name(rng), start, None, interim, experienced))
    return out


def _leadership(
    rng: np.random.Generator, country: SyntheticCountry, codes: Sequence[str]
) -> list[LeadershipTerm]:
    out: list[LeadershipTerm] = []
    for code in codes:
        entries = [
            (e.start, ENTRY_MULTIPLE if e.regime is Regime.SMQ else ENTRY_MULTIPLE / 2)
            for e in country.episodes
            if e.provider_code == code and e.regime in (Regime.SMQ, Regime.CP)
        ]
        for post in TRIUMVIRATE:
            first = add_months(country.start, -int(rng.integers(6, 72)))
            out += _post_terms(rng, code, post, entries, first, country.end)
    return out


_ACTIONS: tuple[tuple[str, str, frozenset[DriverDomain], str], ...] = (
    ("Staffing on medical wards was not safe at night",
     "Safer staffing review, recruitment plan and daily staffing huddle",
     frozenset({DriverDomain.CLINICAL_LEADERSHIP, DriverDomain.GOVERNANCE}), "Chief Nurse"),
    ("The board lacked assurance on patient safety risks",
     "Board-to-ward visits and a monthly quality and safety committee",
     frozenset({DriverDomain.GOVERNANCE}), "Chief Executive"),
    ("Accountability for quality was unclear below board level",
     "An accountability framework from board to ward, with divisional quality reviews",
     frozenset({DriverDomain.GOVERNANCE, DriverDomain.CLINICAL_LEADERSHIP}), "Chief Executive"),
    ("The trust had no quality improvement strategy",
     "Adopt a QI strategy, train QI coaches and run a QI faculty",
     frozenset({DriverDomain.GOVERNANCE, DriverDomain.STAFF_ENGAGEMENT}), "Medical Director"),
    ("Divisional clinical leadership was not embedded",
     "Clinical directors with protected leadership time in every division",
     frozenset({DriverDomain.CLINICAL_LEADERSHIP}), "Medical Director"),
    ("Ward managers had no time to lead their wards",
     "Supervisory ward manager role and a ward leadership programme",
     frozenset({DriverDomain.CLINICAL_LEADERSHIP}), "Chief Nurse"),
    ("Staff described a culture of bullying",
     "Freedom to Speak Up guardians and an anti-bullying programme",
     frozenset({DriverDomain.STAFF_ENGAGEMENT}), "Director of Workforce"),
    ("Staff engagement scores were among the lowest nationally",
     "Listening events, a recognition scheme and 'you said, we did' reporting",
     frozenset({DriverDomain.STAFF_ENGAGEMENT}), "Director of Workforce"),
    ("Frontline staff did not hear from the board",
     "Weekly chief executive briefing and open staff forums",
     frozenset({DriverDomain.STAFF_ENGAGEMENT, DriverDomain.GOVERNANCE}), "Chief Executive"),
    ("Delayed discharges reflected weak working with local partners",
     "A joint discharge programme with the local system's partners",
     frozenset({DriverDomain.EXTERNAL_PARTNERSHIPS}), "Chief Operating Officer"),
    ("Patients in mental health crisis waited long in the emergency department",
     "An agreed pathway with the mental health trust and the commissioner",
     frozenset({DriverDomain.EXTERNAL_PARTNERSHIPS, DriverDomain.CLINICAL_LEADERSHIP}),
     "Medical Director"),
    ("Medicines were not stored safely on several wards",
     "Monthly ward medicines audit with pharmacy, reported to the quality committee",
     frozenset({DriverDomain.GOVERNANCE}), "Chief Nurse"),
)  # fmt: skip
_DIVES = (
    ("Emergency department performance", "Flow and staffing at night drive four-hour breaches"),
    ("Staff engagement focus groups", "Staff want visible leaders and faster feedback"),
    ("Infection monitoring at ward level", "Ward-level C. difficile surveillance agreed"),
    ("Maternity governance", "Incident review backlog; escalation pathway rewritten"),
)


def _plan(
    rng: np.random.Generator, spell: RegimeEpisode, trigger: Inspection | None, end: date
) -> list[DemoAction]:
    out: list[DemoAction] = []
    created = spell.start + _DAY * int(rng.integers(0, 46))
    if created > end:
        return out
    source = f" (CQC report published {trigger.publication_date})" if trigger else ""
    picks = rng.choice(len(_ACTIONS), size=int(rng.integers(5, 10)), replace=False)
    for n, i in enumerate(sorted(picks.tolist())):
        finding, action, domains, owner = _ACTIONS[i]
        due = add_months(created, int(rng.integers(3, 13)))
        kind = FindingKind.MUST_DO if n % 2 == 0 else FindingKind.SHOULD_DO
        updates: list[ActionUpdate] = []
        started = created + _DAY * int(rng.integers(15, 61))
        if started <= end:
            updates.append(ActionUpdate(started, ActionStatus.IN_PROGRESS, "work under way"))
            closed = due + _DAY * int(rng.integers(-60, 91))
            draw = rng.random()
            if closed <= end and closed > started and draw < 0.75:
                updates.append(ActionUpdate(closed, ActionStatus.COMPLETE, "signed off by the"
                               " quality committee", f"audit and board minutes, {closed}"))  # fmt: skip
            elif closed <= end and closed > started and draw < 0.8:
                updates.append(ActionUpdate(closed, ActionStatus.DROPPED, "superseded"))
        plan = PlanAction(spell.provider_code, kind, finding + source, action, domains, owner,
                          due, created_on=created)  # fmt: skip
        out.append(DemoAction(plan, tuple(updates)))
    return out


#: Items each OAG body asks for every month: overlapping on purpose (the paper's duplicate
#: reporting), so that the one return saves the trust work.
_REQUESTS: Mapping[Body, tuple[str, ...]] = {
    Body.CQC: ("ae_four_hour", "serious_incidents", "staff_turnover", "vacancy_rate",
               "plan_actions_complete"),
    Body.ICB: ("ae_four_hour", "rtt_18_weeks", "cancer_62_days", "complaints_rate",
               "serious_incidents", "mh_followup_72h"),
    Body.HEALTHWATCH: ("complaints_rate", "friends_family"),
    Body.HEE: ("staff_turnover", "vacancy_rate", "sickness_absence"),
    Body.NHSI: ("ae_four_hour", "financial_position", "agency_spend", "plan_actions_complete",
                "serious_incidents"),
}  # fmt: skip
_ROLES = {Body.CQC: "inspection manager", Body.ICB: "commissioner quality lead",
          Body.HEALTHWATCH: "chair", Body.HEE: "regional workforce lead",
          Body.NHSI: "delivery and improvement director"}  # fmt: skip


def _oag(
    rng: np.random.Generator, country: SyntheticCountry, spell: RegimeEpisode,
    actions: Sequence[DemoAction],
) -> DemoOag | None:  # fmt: skip
    obs = country.observations
    mask = obs.provider_code == spell.provider_code
    ids, periods, levels = obs.indicator_id[mask], obs.period[mask], obs.value[mask]
    seen = {(str(i), p.astype("datetime64[D]").item()): float(v)
            for i, p, v in zip(ids, periods, levels, strict=True)}  # fmt: skip
    reported = {str(i) for i in ids} | {"plan_actions_complete"}
    requests = tuple(
        (body, tuple(i for i in items if i in reported)) for body, items in _REQUESTS.items()
    )
    requests = tuple((b, items) for b, items in requests if items)
    members = tuple((b, f"{person_name(rng)}, {_ROLES[b]}") for b, _ in requests)
    first = add_months(spell.start.replace(day=1), 2)
    returns: list[MonthlyReturn] = []
    for k in range(int(rng.integers(10, 16))):
        period = add_months(first, k)
        if period > country.end or (spell.end is not None and period >= spell.end):
            break
        values: dict[str, str] = {}
        for item in sorted({i for _, items in requests for i in items}):
            if item == "plan_actions_complete":
                done = sum(any(u.status is ActionStatus.COMPLETE and u.on < period
                               for u in a.updates) for a in actions)  # fmt: skip
                values[item] = f"{done} of {len(actions)}"
            elif (item, period) in seen and rng.random() > 0.05:  # an item now and then missed
                values[item] = f"{seen[(item, period)]:.4g}"
        returns.append(MonthlyReturn(spell.provider_code, period, values))
    if len(returns) < 3:
        return None
    return DemoOag(spell.provider_code, members, requests, tuple(returns))


def build_governance(
    rng: np.random.Generator,
    country: SyntheticCountry,
    regime: Sequence[RegimeEpisode],
    histories: Mapping[str, Sequence[Inspection]],
) -> Governance:
    """Leadership for every trust with an SMQ or CP spell; plans and deep dives for SMQ
    spells; OAGs with monthly returns for up to five SMQ spells of a year or more."""
    codes = sorted({e.provider_code for e in regime})
    terms = _leadership(rng, country, codes)
    actions: list[DemoAction] = []
    dives: list[DeepDive] = []
    by_spell: dict[int, list[DemoAction]] = {}
    smq = [e for e in regime if e.regime is Regime.SMQ]
    for n, spell in enumerate(smq):
        trigger = next((i for i in reversed(histories.get(spell.provider_code, []))
                        if i.publication_date <= spell.start), None)  # fmt: skip
        by_spell[n] = _plan(rng, spell, trigger, country.end)
        actions += by_spell[n]
        start = add_months(spell.start, int(rng.integers(2, 9)))
        if rng.random() < 0.4 and start <= country.end and spell.active_on(start):
            topic, findings = _DIVES[int(rng.integers(len(_DIVES)))]
            stop = add_months(start, int(rng.integers(1, 4)))
            dives.append(DeepDive(spell.provider_code, topic, start,
                                  stop if stop <= country.end else None, findings))  # fmt: skip
    long_enough = [
        n for n, e in enumerate(smq)
        if _months(e.start, min(e.end or country.end, country.end)) >= 12
    ]  # fmt: skip
    oags: list[DemoOag] = []
    picks = rng.choice(long_enough, size=min(5, len(long_enough)), replace=False).tolist()
    used: set[str] = set()
    for n in sorted(picks):
        if smq[n].provider_code in used:
            continue
        found = _oag(rng, country, smq[n], by_spell[n])
        if found is not None:
            oags.append(found)
            used.add(smq[n].provider_code)
    return Governance(tuple(terms), tuple(actions), tuple(dives), tuple(oags))

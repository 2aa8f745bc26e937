"""Regime episodes of the synthetic trusts and the trajectory groups of the seed paper.

Episodes come from the designed histories (``plan``), cut at the end of the generated period.
``trajectory_groups`` classifies a trust's regime history into the four groups of the seed
paper's sampling model, reporting every group that matches; ``primary_group`` applies the stated
precedence. Synthetic demonstration data: fictional trusts, not real NHS organisations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from specialmeasures.demo.inspections import meets_entry_rule, meets_exit_rule
from specialmeasures.demo.plan import TrustPlan
from specialmeasures.domain import EpisodeState, Inspection, KeyQuestion, Regime, RegimeEpisode

__all__ = [
    "GROUPS",
    "EpisodeTruth",
    "build_episodes",
    "entry_follows_rule",
    "exit_follows_rule",
    "primary_group",
    "trajectory_groups",
]

#: The seed paper's four groups, in the precedence ``primary_group`` applies: a trust that was
#: on the CP list before SMQ is first of all a "CP to SMQ" trust (the most specific history),
#: then a prolonged poor performer, then a clear improver, then a CP-only trust.
GROUPS = ("cp_to_smq", "prolonged_poor_performer", "clear_improver", "cp_only")
_TWO_YEARS_DAYS = 730


@dataclass(frozen=True, slots=True)
class EpisodeTruth:
    """Why an episode began and ended, as designed (``episode`` indexes ``episodes``)."""

    episode: int
    provider_code: str
    regime: Regime
    start: date
    entry_basis: str
    exit_basis: str | None


def build_episodes(
    codes: Sequence[str], plans: Sequence[TrustPlan], end: date
) -> tuple[tuple[RegimeEpisode, ...], tuple[EpisodeTruth, ...]]:
    episodes: list[RegimeEpisode] = []
    notes: list[EpisodeTruth] = []
    for code, plan in zip(codes, plans, strict=True):
        for planned in sorted(plan.episodes, key=lambda e: (e.start, e.regime.value)):
            if planned.start > end:
                continue
            closed = planned.end is not None and planned.end <= end
            episodes.append(
                RegimeEpisode(
                    provider_code=code,
                    regime=planned.regime,
                    start=planned.start,
                    end=planned.end if closed else None,
                    state=EpisodeState.EXITED if closed else EpisodeState.IN_REGIME,
                    id=len(episodes) + 1,
                )
            )
            notes.append(
                EpisodeTruth(
                    episode=len(episodes) - 1,
                    provider_code=code,
                    regime=planned.regime,
                    start=planned.start,
                    entry_basis=planned.entry_basis,
                    exit_basis=planned.exit_basis if closed else None,
                )
            )
    return tuple(episodes), tuple(notes)


def trajectory_groups(
    episodes: Sequence[RegimeEpisode], inspections: Sequence[Inspection], as_of: date
) -> set[str]:
    """Every seed-paper group one trust's history matches, as known on ``as_of``.

    ``episodes`` and ``inspections`` are that trust's own. SMQ time continues into the Recovery
    Support Programme when SMQ closed under a trust (the stay did not end).
    """
    smq = sorted((e for e in episodes if e.regime is Regime.SMQ and e.start <= as_of),
                 key=lambda e: e.start)  # fmt: skip
    cps = [e for e in episodes if e.regime is Regime.CP and e.start <= as_of]
    groups: set[str] = set()
    if cps and not smq:
        groups.add("cp_only")
    if any(cp.start < s.start for cp in cps for s in smq):
        groups.add("cp_to_smq")
    days_in = 0
    for s in smq:
        stop = s.end if s.end is not None and s.end <= as_of else as_of
        days_in = max(days_in, (stop - s.start).days)
    if len(smq) > 1 or days_in >= _TWO_YEARS_DAYS:
        groups.add("prolonged_poor_performer")
    if len(smq) == 1 and smq[0].end is not None and smq[0].end <= as_of:
        exit_day = smq[0].end
        rsp_after = any(
            e.regime is Regime.RSP and e.start == exit_day for e in episodes
        )  # a transfer is not an exit
        entry_overall = [
            i.overall for i in inspections
            if i.publication_date <= smq[0].start and i.overall is not None
        ]  # fmt: skip
        later = [
            i.overall for i in inspections
            if i.publication_date > exit_day and i.publication_date <= as_of
            and i.overall is not None
        ]  # fmt: skip
        floor = entry_overall[-1] if entry_overall else None
        if not rsp_after and later and floor is not None and max(later) > floor:
            groups.add("clear_improver")
    return groups


def primary_group(groups: set[str]) -> str:
    """The first matching group in ``GROUPS`` order, or "none"."""
    return next((g for g in GROUPS if g in groups), "none")


def _entry_inspection(inspections: Sequence[Inspection], day: date) -> Inspection | None:
    published = [i for i in inspections if i.publication_date <= day]
    return max(published, key=lambda i: i.publication_date) if published else None


def entry_follows_rule(episode: RegimeEpisode, inspections: Sequence[Inspection]) -> bool:
    """The latest inspection published by entry had >= 2 Inadequate key questions incl. well-led."""
    latest = _entry_inspection(inspections, episode.start)
    return latest is not None and meets_entry_rule(dict(latest.ratings))


def exit_follows_rule(episode: RegimeEpisode, inspections: Sequence[Inspection]) -> bool:
    """The latest inspection published by exit had no Inadequate and overall RI or better."""
    if episode.end is None:
        return False
    latest = _entry_inspection(inspections, episode.end)
    return (
        latest is not None
        and latest.publication_date >= episode.start
        and meets_exit_rule(dict(latest.ratings))
        and latest.rating(KeyQuestion.OVERALL) is not None
    )

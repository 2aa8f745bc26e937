"""The seed paper's performance trajectories, from regime episodes and CQC ratings.

The four groups (Vindrola-Padros et al. 2022, Methods and Figure):

1. **prolonged poor performers**: entered SMQ at least ``prolonged_min_entries`` times and/or
   spent at least ``prolonged_min_days`` in one SMQ stay;
2. **CP to SMQ**: on the CP list, then entered SMQ;
3. **CP** (challenged providers): on the CP list, never in SMQ;
4. **clear improvers**: in SMQ once, exited, later a better rating of ``improver_question``
   than the one in force at entry.

A trust may match several groups: all are reported, and the *primary* group is the first in
``group_precedence`` (policy/evaluation.yaml). Trusts in no regime by the as-of date are
"never in a regime"; trusts in a regime that match no group (a short SMQ stay with no better
rating yet, the RSP only) are "other". Everything is as known on ``as_of``: later episodes,
exits and ratings are not seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from specialmeasures.domain import Rating, Regime
from specialmeasures.evaluation.history import TrustHistory
from specialmeasures.evaluation.thresholds import (
    GROUP_LABELS,
    NEVER,
    OTHER,
    EvaluationThresholds,
)

__all__ = ["Trajectory", "classify", "classify_all", "group_label"]


@dataclass(frozen=True, slots=True)
class Trajectory:
    """One trust's trajectory groups as of a date, with the facts that decided them."""

    code: str
    as_of: date
    groups: tuple[str, ...]
    primary: str
    smq_entries: int
    cp_entries: int
    longest_smq_days: int
    in_smq: bool
    rating_at_entry: Rating | None
    best_later_rating: Rating | None
    reasons: tuple[str, ...] = field(default=())

    @property
    def primary_label(self) -> str:
        return group_label(self.primary)

    def row(self) -> dict[str, object]:
        return {
            "code": self.code,
            "as_of": self.as_of.isoformat(),
            "primary_group": self.primary,
            "primary_label": self.primary_label,
            "groups": ";".join(self.groups),
            "smq_entries": self.smq_entries,
            "cp_entries": self.cp_entries,
            "longest_smq_days": self.longest_smq_days,
            "in_smq": self.in_smq,
            "rating_at_entry": self.rating_at_entry.label if self.rating_at_entry else None,
            "best_later_rating": self.best_later_rating.label if self.best_later_rating else None,
            "reasons": "; ".join(self.reasons),
        }


def group_label(group: str) -> str:
    return GROUP_LABELS.get(group, group)


def _stays(history: TrustHistory, as_of: date, rsp_continues: bool) -> list[tuple[date, date]]:
    """SMQ stays as (start, end or as_of), an RSP episode starting on the exit day continuing
    the stay when ``rsp_continues``."""
    rsp = history.episodes_of(Regime.RSP, as_of)
    stays = []
    for e in history.episodes_of(Regime.SMQ, as_of):
        stop = e.end if e.end is not None and e.end <= as_of else as_of
        if rsp_continues and e.end is not None and e.end <= as_of:
            for r in rsp:
                if r.start == e.end:
                    stop = r.end if r.end is not None and r.end <= as_of else as_of
        stays.append((e.start, stop))
    return stays


def classify(history: TrustHistory, as_of: date, t: EvaluationThresholds) -> Trajectory:
    """Classify one trust's history as known on ``as_of``."""
    smq = history.episodes_of(Regime.SMQ, as_of)
    cps = history.episodes_of(Regime.CP, as_of)
    stays = _stays(history, as_of, t.rsp_continues_smq)
    longest = max(((stop - start).days for start, stop in stays), default=0)
    groups: set[str] = set()
    reasons: list[str] = []
    if cps and not smq:
        groups.add("cp_only")
        reasons.append(f"on the CP list from {cps[0].start}, never in SMQ")
    cp_first = [(cp, s) for s in smq for cp in cps if cp.start < s.start]
    if cp_first:
        groups.add("cp_to_smq")
        cp, s = cp_first[0]
        reasons.append(f"CP from {cp.start}, then SMQ from {s.start}")
    if len(smq) >= t.prolonged_min_entries:
        groups.add("prolonged_poor_performer")
        reasons.append(f"entered SMQ {len(smq)} times")
    if longest >= t.prolonged_min_days:
        groups.add("prolonged_poor_performer")
        reasons.append(f"{longest} days in one SMQ stay (>= {t.prolonged_min_days})")
    at_entry = best_later = None
    if smq:
        at_entry = history.rating_on(t.improver_question, smq[0].start)
    exited = [e for e in smq if e.end is not None and e.end <= as_of]
    if len(smq) == 1 and exited:
        exit_day = exited[0].end
        assert exit_day is not None
        transferred = t.rsp_continues_smq and any(
            r.start == exit_day for r in history.episodes_of(Regime.RSP, as_of)
        )
        later = [
            r
            for i in history.inspections
            if exit_day < i.publication_date <= as_of
            and (r := i.rating(t.improver_question)) is not None
        ]
        if t.improver_comparison == "latest" and later:
            later = [later[-1]]  # only the rating in force on as_of counts
        best_later = max(later) if later else None
        if not transferred and best_later and at_entry is not None and best_later > at_entry:
            groups.add("clear_improver")
            reasons.append(
                f"exited SMQ {exit_day}; {t.improver_question.label.lower()} "
                f"{at_entry.label} at entry, {best_later.label} later; no re-entry"
            )
    in_any = any(e.start <= as_of for e in history.episodes)
    ordered = tuple(g for g in t.group_precedence if g in groups)
    primary = ordered[0] if ordered else (OTHER if in_any else NEVER)
    if not ordered:
        reasons.append(
            "in a regime, no trajectory group matched" if in_any else "never in a regime"
        )
    return Trajectory(
        code=history.code,
        as_of=as_of,
        groups=ordered,
        primary=primary,
        smq_entries=len(smq),
        cp_entries=len(cps),
        longest_smq_days=longest,
        in_smq=any(e.active_on(as_of) for e in smq),
        rating_at_entry=at_entry,
        best_later_rating=best_later,
        reasons=tuple(reasons),
    )


def classify_all(
    histories: Sequence[TrustHistory], as_of: date, t: EvaluationThresholds
) -> list[Trajectory]:
    """Every trust's trajectory, in the histories' order."""
    return [classify(h, as_of, t) for h in histories]

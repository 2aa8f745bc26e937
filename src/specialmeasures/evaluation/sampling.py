"""Purposive sampling of case-study sites: N per trajectory group, spread over setting, trust
type and region, reproducible with a seed, with refusals replaced from the same group.

The seed evaluation approached 12 trusts, four declined and were replaced, and eight took part,
two per group, "a range of geographical locations, and types of trusts" (Table 1). Here:

* candidates are the trusts whose *primary* trajectory group is one of the four;
* within a group the candidates are put in a random order drawn from ``seed``; each pick takes
  the candidate that adds most to the spread of the sites included so far, comparing the
  characteristics in ``spread`` order (a new setting first, then a new trust type, then a new
  region); ties go to the random order;
* a site in ``declined`` is marked declined when approached and replaced at once by a site of
  the same group, chosen by the same rule with one constraint added: the decliner's setting is
  preferred, so that a refusal does not change the geography the sample was designed for;
* each site has a depth of study: the seed's eight case studies were "four 'high level' and four
  'in-depth'", two sites per group. The depth belongs to the seat in the sample, not to the
  trust: in each group the first half of the slots (rounded up) are in-depth, the rest
  high-level, so two a group gives one of each and the sample half and half; a replacement
  takes the depth of the site it replaces. It is derived, never stored: the same draw always
  gives the same depths.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from specialmeasures.domain import InputError, Provider
from specialmeasures.evaluation.thresholds import GROUPS
from specialmeasures.evaluation.trajectories import group_label

__all__ = ["DEPTHS", "Approach", "Candidate", "SampleResult", "depth_of_slot", "draw_sample"]

#: The two depths of case study in the seed evaluation (Table 2): in-depth sites had interviews
#: across organisational tiers and observations; high-level sites interviews at the top of the
#: organisation and with key external stakeholders.
DEPTHS = {"in_depth": "In-depth", "high_level": "High-level"}


def depth_of_slot(slot: int, per_group: int) -> str:
    """``in_depth`` for the first half of a group's slots (rounded up), else ``high_level``.

    >>> [depth_of_slot(s, 2) for s in range(2)]
    ['in_depth', 'high_level']
    """
    return "in_depth" if slot < -(-per_group // 2) else "high_level"


#: Table 1 of the seed paper lists the groups in this order of first appearance.
TABLE_ORDER = ("cp_only", "prolonged_poor_performer", "clear_improver", "cp_to_smq")


@dataclass(frozen=True, slots=True)
class Candidate:
    provider: Provider
    group: str

    def trait(self, name: str) -> str:
        p = self.provider
        return {"setting": p.setting.value, "type": p.type_label, "region": p.region}[name]


@dataclass(frozen=True, slots=True)
class Approach:
    """One site approached: in order of approach, with its outcome."""

    order: int
    candidate: Candidate
    status: str  # "included" or "declined"
    case: int | None = None
    replaces: str | None = None
    depth: str = "in_depth"  # the depth of study of the seat approached for (DEPTHS)

    def row(self) -> dict[str, object]:
        p = self.candidate.provider
        return {
            "case": self.case,
            "depth": DEPTHS[self.depth],
            "group": group_label(self.candidate.group),
            "trust_type": p.type_label,
            "setting": p.setting.label,
            "region": p.region,
            "code": p.code,
            "name": p.name,
            "status": self.status,
            "approached": self.order,
            "replaces": self.replaces,
        }


@dataclass(frozen=True, slots=True)
class SampleResult:
    seed: int
    per_group: int
    approaches: tuple[Approach, ...]
    shortfall: tuple[tuple[str, int], ...]

    @property
    def included(self) -> tuple[Approach, ...]:
        return tuple(a for a in self.approaches if a.status == "included")

    @property
    def declined(self) -> tuple[Approach, ...]:
        return tuple(a for a in self.approaches if a.status == "declined")

    def counts(self) -> dict[str, int]:
        return {
            "approached": len(self.approaches),
            "declined": len(self.declined),
            "included": len(self.included),
        }


def _score(c: Candidate, chosen: Sequence[Candidate], spread: Sequence[str]) -> tuple[int, ...]:
    return tuple(int(all(c.trait(s) != o.trait(s) for o in chosen)) for s in spread)


def _best(
    pool: Sequence[Candidate],
    chosen: Sequence[Candidate],
    spread: Sequence[str],
    replaces: Candidate | None,
) -> int:
    """Index of the best next site in ``pool`` (earlier in the random order wins ties)."""

    def key(i: int) -> tuple[int, ...]:
        c = pool[i]
        same = int(replaces is not None and c.trait("setting") == replaces.trait("setting"))
        return (same, *_score(c, chosen, spread), -i)

    return max(range(len(pool)), key=key)


def draw_sample(
    candidates: Sequence[Candidate],
    *,
    per_group: int,
    seed: int,
    spread: Sequence[str] = ("setting", "type", "region"),
    declined: Collection[str] = (),
) -> SampleResult:
    """Draw the purposive sample (see the module docstring for the rule)."""
    if per_group < 1:
        raise InputError(f"per_group: must be at least 1 (got {per_group})")
    rng = np.random.default_rng(seed)
    refusing = set(declined)
    pools: dict[str, list[Candidate]] = {}
    for group in GROUPS:
        members = sorted((c for c in candidates if c.group == group), key=lambda c: c.provider.code)
        order = rng.permutation(len(members))
        pools[group] = [members[i] for i in order]
    # First round: the sites approached at the start, drawn as if every one accepts (as a study
    # team does when it sends its invitations), slot by slot through the groups in Table 1 order.
    first: list[tuple[int, str, Candidate]] = []
    shortfall: dict[str, int] = {}
    for slot in range(per_group):
        for group in TABLE_ORDER:
            pool = pools[group]
            if not pool:
                shortfall[group] = shortfall.get(group, 0) + 1
                continue
            pick = pool.pop(_best(pool, [c for _, _, c in first], spread, None))
            first.append((slot, group, pick))
    approaches: list[Approach] = []
    seat: dict[int, tuple[int, int]] = {}  # approach order -> (slot, position in Table order)
    for slot, group, c in first:
        status = "declined" if c.provider.code in refusing else "included"
        approaches.append(Approach(len(approaches) + 1, c, status))
        seat[len(approaches)] = (slot, TABLE_ORDER.index(group))
    # Replacements: each refusal in turn, from the same group, preferring the decliner's setting,
    # then the spread over the sites that accepted; a replacement may decline in turn.
    for slot, group, c in first:
        if c.provider.code not in refusing:
            continue
        pool, replaces = pools[group], c
        while True:
            if not pool:
                shortfall[group] = shortfall.get(group, 0) + 1
                break
            accepted = [a.candidate for a in approaches if a.status == "included"]
            pick = pool.pop(_best(pool, accepted, spread, replaces))
            status = "declined" if pick.provider.code in refusing else "included"
            approaches.append(
                Approach(len(approaches) + 1, pick, status, replaces=replaces.provider.code)
            )
            seat[len(approaches)] = (slot, TABLE_ORDER.index(group))
            if status == "included":
                break
            replaces = pick
    approached = {a.candidate.provider.code for a in approaches}
    missing = sorted(refusing - approached)
    if missing:
        raise InputError(
            "was not approached in this draw (decline only sites the sample approached)",
            column="--decline",
            value=", ".join(missing),
        )
    # Case numbers as in Table 1: slot by slot through the groups (a replacement takes the
    # place of the site it replaces).
    included = sorted(
        (a for a in approaches if a.status == "included"), key=lambda a: seat[a.order]
    )
    cases = {a.order: n for n, a in enumerate(included, start=1)}
    numbered = tuple(
        Approach(a.order, a.candidate, a.status, cases.get(a.order), a.replaces,
                 depth_of_slot(seat[a.order][0], per_group))
        for a in approaches
    )  # fmt: skip
    return SampleResult(seed, per_group, numbered, tuple(sorted(shortfall.items())))

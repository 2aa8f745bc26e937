"""Calibration counts and a plain-text description of a synthetic country.

The counts are those of the seed paper (Vindrola-Padros et al. 2022) and REGIME.md section 2.4;
docs/demo-data.md explains each one. Synthetic demonstration data only.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from specialmeasures.demo.regime import GROUPS, trajectory_groups
from specialmeasures.demo.timeline import EVER_BY, KEOGH_DAY, REGIME_START, WINDOW_END
from specialmeasures.domain import Regime, RegimeEpisode

if TYPE_CHECKING:
    from specialmeasures.demo.country import SyntheticCountry

__all__ = ["describe_country", "summarise"]

_QUALITY = (Regime.SMQ, Regime.CP)


def _first_smq(episodes: tuple[RegimeEpisode, ...]) -> dict[str, RegimeEpisode]:
    first: dict[str, RegimeEpisode] = {}
    for e in sorted(episodes, key=lambda e: e.start):
        if e.regime is Regime.SMQ and e.start <= WINDOW_END:
            first.setdefault(e.provider_code, e)
    return first


def summarise(country: SyntheticCountry) -> dict[str, int | float]:
    episodes = country.episodes
    quality = [e for e in episodes if e.regime in _QUALITY]
    entered = {e.provider_code for e in quality if REGIME_START <= e.start <= WINDOW_END}
    ever = {e.provider_code for e in quality if e.start <= EVER_BY}
    smq_count = Counter(e.provider_code for e in episodes if e.regime is Regime.SMQ)
    cp_count = Counter(e.provider_code for e in episodes if e.regime is Regime.CP)
    transfers = {n.episode for n in country.truth.episode_notes if n.exit_basis
                 and n.exit_basis.startswith("regime_closed")}  # fmt: skip
    first = _first_smq(episodes)
    exited = {
        code: e for code, e in first.items()
        if e.end is not None and episodes.index(e) not in transfers
    }  # fmt: skip
    stays = [e.months(e.end) for e in exited.values() if e.end is not None]
    within_24 = sum(
        1 for e in exited.values() if e.end is not None and (e.end - e.start).days < 730
    )
    groups: Counter[str] = Counter()
    for code in ever:
        own_e = [e for e in episodes if e.provider_code == code]
        own_i = [i for i in country.inspections if i.provider_code == code]
        groups.update(trajectory_groups(own_e, own_i, EVER_BY))
    designed = Counter(country.truth.designed_group.values())
    judgements = Counter(j.kind for j in country.truth.judgements)
    out: dict[str, int | float] = {
        "providers": len(country.providers),
        "inspections": len(country.inspections),
        "episodes": len(episodes),
        "indicators": len(country.indicators),
        "observations": len(country.observations),
        "entered_smq_or_cp_jul2013_sep2019": len(entered),
        "ever_smq_or_cp_by_oct2019": len(ever),
        "smq_trusts_by_sep2019": len(first),
        "keogh_day_smq_entries": sum(
            1 for e in episodes if e.regime is Regime.SMQ and e.start == KEOGH_DAY
        ),
        "smq_reentries": sum(c - 1 for c in smq_count.values()),
        "cp_reentries": sum(c - 1 for c in cp_count.values()),
        "smq_exited_within_24m_pct": round(100.0 * within_24 / max(1, len(first)), 1),
        "smq_mean_completed_stay_months": round(sum(stays) / max(1, len(stays)), 1),
        "transfers_to_rsp": sum(
            1
            for e in episodes
            if e.regime is Regime.RSP and e.start.year == 2021 and e.start.month == 7
        ),
        "judgement_placed_without_recommendation": judgements["placed_without_recommendation"],
        "judgement_rule_met_not_placed": judgements["rule_met_not_placed"],
        "judgement_overall_one_inadequate": judgements["overall_one_inadequate"],
    }
    for group in GROUPS:
        out[f"group_{group}"] = groups[group]
        out[f"designed_{group}"] = designed[group]
    return out


def describe_country(country: SyntheticCountry) -> str:
    s = summarise(country)
    types = Counter(p.type.label for p in country.providers)
    mix = ", ".join(f"{n} {label.lower()}" for label, n in types.most_common())
    regions = len({p.region for p in country.providers})
    systems = len({p.system for p in country.providers})
    return "\n".join(
        [
            country.label,
            f"Seed {country.seed}: {s['providers']} trusts ({mix}) in {regions} regions and "
            f"{systems} local systems; months {country.start:%B %Y} to {country.end:%B %Y}.",
            f"{s['inspections']} inspections, {s['episodes']} regime episodes, "
            f"{s['indicators']} indicators, {s['observations']:,} monthly observations.",
            f"{s['entered_smq_or_cp_jul2013_sep2019']} trusts entered SMQ and/or CP between July "
            f"2013 and 30 September 2019; {s['ever_smq_or_cp_by_oct2019']} of "
            f"{s['providers']} were or had been in either by October 2019 (seed paper: 59, 62).",
            f"{s['keogh_day_smq_entries']} entered SMQ on {KEOGH_DAY:%d %B %Y}; "
            f"{s['smq_reentries']} SMQ re-entries; {s['smq_exited_within_24m_pct']}% of SMQ "
            f"trusts left within 24 months; mean completed stay "
            f"{s['smq_mean_completed_stay_months']} months.",
            "Groups (all matching, October 2019): "
            + ", ".join(f"{g.replace('_', ' ')} {s['group_' + g]}" for g in GROUPS)
            + ".",
        ]
    )

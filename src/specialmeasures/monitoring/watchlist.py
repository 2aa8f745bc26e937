"""The confidential early-warning watch list as of a date: explained flags per provider, a
score and priority band per provider, a roll-up per local system (ICS), and workforce and
culture indicators kept beside the score as balancing measures.

CONFIDENTIAL: the watch list informs the (never public) challenged providers list. Every
result carries ``confidential = True`` and every export a banner line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from specialmeasures.domain import InputError, Regime
from specialmeasures.monitoring.options import LEVEL_LABELS, ScreenOptions
from specialmeasures.monitoring.panel import Panel, load_panel
from specialmeasures.monitoring.scoring import score
from specialmeasures.monitoring.signals import METHODS, RULES, Signals, compute_signals
from specialmeasures.store import Repository

__all__ = [
    "CONFIDENTIAL_BANNER",
    "Flag",
    "ProviderEntry",
    "SystemEntry",
    "WatchList",
    "build_watchlist",
    "screen",
]

CONFIDENTIAL_BANNER = (
    "CONFIDENTIAL - early-warning watch list for regulator use only; not for publication"
)
#: Months screened before the date to tell how long a funnel or z-score flag has lasted.
HISTORY_MONTHS = 12
#: Run and trend lengths of the XmR rules used (NHSRplotthedots defaults).
SHIFT_LENGTH = 7


@dataclass(frozen=True, slots=True)
class Flag:
    """One signal on one indicator of one provider, explained."""

    provider_code: str
    indicator_id: str
    indicator_name: str
    category: str
    method: str
    rule: str
    level: str
    since: date
    strength: float
    latest: float | None
    reference: float | None
    text: str

    def row(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__}
        out["since"] = self.since.isoformat()
        out["strength"] = round(self.strength, 2)
        return out


@dataclass(frozen=True, slots=True)
class ProviderEntry:
    """A provider's line on the watch list."""

    code: str
    name: str
    type: str
    system: str
    region: str
    band: int
    score_band: int
    proportion: float
    risks: int
    elevated_risks: int
    applicable: int
    in_smq: bool
    ew_band: str
    flags: tuple[Flag, ...]
    balancing: tuple[Flag, ...]

    @property
    def reason(self) -> str:
        if self.in_smq:
            return "in special measures (automatically band 1)"
        return (
            f"{self.elevated_risks} elevated risk and {self.risks} risk of "
            f"{self.applicable} indicators (score {self.proportion:.2f})"
        )

    def row(self) -> dict[str, Any]:
        top = sorted(self.flags, key=lambda f: (f.level != "elevated risk", -f.strength))[:3]
        return {
            "band": self.band,
            "code": self.code,
            "name": self.name,
            "system": self.system,
            "region": self.region,
            "type": self.type,
            "score": round(self.proportion, 3),
            "score_band": self.score_band,
            "elevated_risks": self.elevated_risks,
            "risks": self.risks,
            "applicable": self.applicable,
            "in_smq": self.in_smq,
            "ew_band": self.ew_band,
            "reason": self.reason,
            "top_flags": "; ".join(f.text for f in top),
            "balancing_flags": "; ".join(
                f"{f.indicator_id} {f.method} ({f.level})" for f in self.balancing
            ),
            "confidential": True,
        }


@dataclass(frozen=True, slots=True)
class SystemEntry:
    """A local health system (ICS) rolled up from its providers."""

    system: str
    region: str
    providers: int
    high_priority: int
    worst_band: int
    mean_score: float
    elevated_risks: int
    risks: int
    balancing_flags: int
    high_priority_codes: tuple[str, ...]

    def row(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__}
        out["mean_score"] = round(self.mean_score, 3)
        out["high_priority_codes"] = " ".join(self.high_priority_codes)
        out["confidential"] = True
        return out


@dataclass(frozen=True)
class WatchList:
    """The watch list as of ``as_of`` (data up to ``data_through``)."""

    as_of: date
    data_through: date
    providers: tuple[ProviderEntry, ...]
    systems: tuple[SystemEntry, ...]
    options: ScreenOptions = field(default_factory=ScreenOptions)
    label: str = ""
    confidential: bool = True

    def entry(self, code: str) -> ProviderEntry:
        for e in self.providers:
            if e.code == code:
                return e
        raise KeyError(code)

    def facts(self, code: str) -> dict[str, Any]:
        """Facts for the CP policy (``ew.band``, ``ew.flags``) of one provider."""
        e = self.entry(code)
        return {"ew.band": e.ew_band, "ew.flags": len(e.flags)}

    def provider_rows(self) -> list[dict[str, Any]]:
        return [e.row() for e in self.providers]

    def flag_rows(self) -> list[dict[str, Any]]:
        rows = []
        for e in self.providers:
            for f in e.flags:
                rows.append({"kind": "score", **f.row(), "confidential": True})
            for f in e.balancing:
                rows.append({"kind": "balancing", **f.row(), "confidential": True})
        return rows

    def system_rows(self) -> list[dict[str, Any]]:
        return [s.row() for s in self.systems]

    def to_dict(self) -> dict[str, Any]:
        return {
            "confidential": True,
            "banner": CONFIDENTIAL_BANNER,
            "as_of": self.as_of.isoformat(),
            "data_through": self.data_through.isoformat(),
            "label": self.label,
            "method": "SPC (Making Data Count XmR) + funnel + O-E CUSUM + peer z; CQC "
            "Intelligent Monitoring scoring (risk 1, elevated risk 2; bands 1-6; SMQ band 1)",
            "band_cutoffs": list(self.options.band_cutoffs),
            "providers": self.provider_rows(),
            "flags": self.flag_rows(),
            "systems": self.system_rows(),
        }


def _words(rule: str, opts: ScreenOptions) -> str:
    return {
        "outside_limits": "beyond the process limit on the worse side",
        "shift": f"a run of {SHIFT_LENGTH} or more months on the worse side of the centre line",
        "trend": "7 or more months in a row getting worse",
        "two_in_three": "2 of 3 months close to the worse process limit",
        "funnel_95": f"outside the 95% funnel limit over {opts.funnel_months} months",
        "funnel_998": f"outside the 99.8% funnel limit over {opts.funnel_months} months",
        "cusum_signal": f"O-E CUSUM crossed its limit (h={opts.cusum_limit:g}, "
        f"rate ratio {opts.cusum_rate_ratio:g})",
        "cusum_half_limit": f"O-E CUSUM above half its limit (h={opts.cusum_limit:g})",
        "peer_z_risk": f"beyond z={opts.z_risk:g} against all providers",
        "peer_z_elevated": f"beyond z={opts.z_elevated:g} against all providers",
    }[rule]


def _strength_words(method: str, strength: float) -> str:
    if method == "spc":
        return f"{strength:.1f} sigma from the centre line"
    if method == "cusum":
        return f"chart {strength:.1f} x its limit"
    return f"z {strength:.1f}"


def _number(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 4)


def build_watchlist(
    panel: Panel,
    as_of: date,
    *,
    smq_codes: frozenset[str] = frozenset(),
    options: ScreenOptions | None = None,
    label: str = "",
) -> WatchList:
    """Screen ``panel`` as of ``as_of`` (its latest month on or before that day)."""
    opts = options or ScreenOptions()
    if panel.months.size == 0:
        raise InputError(f"no indicator data on or before {as_of.isoformat()}")
    a = min(panel.month_index(as_of), panel.months.size - 1)
    if a < 0:
        raise InputError(f"no indicator data on or before {as_of.isoformat()}")
    at = np.arange(max(0, a - HISTORY_MONTHS + 1), a + 1)
    signals = compute_signals(panel, at, opts)
    scores = score(panel, signals, opts)
    since = _run_since(signals)
    k = at.size - 1
    level = signals.level[:, k, :]
    balancing_cat = np.isin(
        np.array([d.category.value for d in panel.indicators])[panel.series_indicator],
        [c.value for c in opts.balancing_categories],
    )
    flags: dict[int, list[Flag]] = defaultdict(list)
    balancing: dict[int, list[Flag]] = defaultdict(list)
    applicable = scores.applicable_series[k]
    for m, s in zip(*np.nonzero(level), strict=True):
        if not applicable[s] or not (scores.scored_series[s] or balancing_cat[s]):
            continue
        d = panel.indicators[panel.series_indicator[s]]
        method = METHODS[m]
        rule = RULES[method][signals.rule[m, k, s]]
        lv = LEVEL_LABELS[level[m, s]]
        start = panel.month_date(int(max(0, since[m, s])))
        strength = float(signals.strength[m, k, s])
        latest = _number(signals.latest[k, s])
        ref = _number(signals.reference[m, k, s])
        text = (
            f"{d.name}: {_words(rule, opts)} since {start:%b %Y} ({lv}; "
            f"{_strength_words(method, strength)}"
            + (f"; latest {latest:g} vs {ref:g}" if latest is not None and ref is not None else "")
            + ")"
        )
        flag = Flag(
            panel.providers[panel.series_provider[s]].code, d.id, d.name, d.category.value,
            method, rule, lv, start, strength, latest, ref, text,
        )  # fmt: skip
        (balancing if balancing_cat[s] else flags)[int(panel.series_provider[s])].append(flag)
    entries = []
    for p_i, p in enumerate(panel.providers):
        in_smq = p.code in smq_codes
        score_band = int(scores.band[k, p_i])
        band = 1 if in_smq else score_band
        entries.append(
            ProviderEntry(
                code=p.code,
                name=p.name,
                type=p.type.value,
                system=p.system,
                region=p.region,
                band=band,
                score_band=score_band,
                proportion=float(scores.proportion[k, p_i]),
                risks=int(scores.risk[k, p_i]),
                elevated_risks=int(scores.elevated[k, p_i]),
                applicable=int(scores.applicable[k, p_i]),
                in_smq=in_smq,
                ew_band=opts.ew_band(band),
                flags=tuple(sorted(flags[p_i], key=lambda f: (f.level, f.indicator_id))),
                balancing=tuple(sorted(balancing[p_i], key=lambda f: f.indicator_id)),
            )
        )
    entries.sort(key=lambda e: (e.band, -e.proportion, e.code))
    return WatchList(
        as_of=as_of,
        data_through=panel.month_date(a),
        providers=tuple(entries),
        systems=roll_up(entries, opts),
        options=opts,
        label=label,
    )


def _run_since(signals: Signals) -> np.ndarray[Any, np.dtype[np.intp]]:
    """(method, series): the month a signal began, following it back through the screened
    months while the method kept flagging (a funnel flag in each of the last 5 months began
    5 months ago, not in the latest window)."""
    hit = signals.level > 0  # (method, month, series)
    k = hit.shape[1] - 1
    idx = np.arange(hit.shape[1])[None, :, None]
    gap = np.where(~hit, idx, -1).max(axis=1)  # last screened month without a flag
    first = np.clip(gap + 1, 0, k)
    earliest = np.take_along_axis(signals.since, first[:, None, :], axis=1)[:, 0, :]
    latest = signals.since[:, k, :]
    out = np.where(earliest >= 0, np.minimum(earliest, latest), latest)
    return np.asarray(out, dtype=np.intp)


def roll_up(entries: list[ProviderEntry], opts: ScreenOptions) -> tuple[SystemEntry, ...]:
    """Per local system: providers, how many are high priority (alert bands), the worst band,
    the mean score and the flags, so that failure can be seen at system level too."""
    by_system: dict[str, list[ProviderEntry]] = defaultdict(list)
    for e in entries:
        by_system[e.system].append(e)
    out = []
    for system, members in by_system.items():
        high = [e.code for e in members if e.band in opts.alert_bands]
        out.append(
            SystemEntry(
                system=system,
                region=members[0].region,
                providers=len(members),
                high_priority=len(high),
                worst_band=min(e.band for e in members),
                mean_score=float(np.mean([e.proportion for e in members])),
                elevated_risks=sum(e.elevated_risks for e in members),
                risks=sum(e.risks for e in members),
                balancing_flags=sum(len(e.balancing) for e in members),
                high_priority_codes=tuple(sorted(high)),
            )
        )
    out.sort(key=lambda s: (-s.high_priority, s.worst_band, -s.mean_score, s.system))
    return tuple(out)


def screen(repository: Repository, as_of: date, options: ScreenOptions | None = None) -> WatchList:
    """Load what was known on ``as_of`` from the store and build the watch list."""
    panel = load_panel(repository, as_of)
    active = repository.active_episodes(as_of)
    smq = frozenset(c for c, eps in active.items() if any(e.regime is Regime.SMQ for e in eps))
    label = repository.meta().get("label", "")
    return build_watchlist(panel, as_of, smq_codes=smq, options=options, label=label)

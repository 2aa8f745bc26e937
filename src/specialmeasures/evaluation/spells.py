"""Spells of support across regimes: SMQ, CP, RSP and the Provider Improvement Programme read
as one history, with each regime named.

A trust that moved from special measures to the Recovery Support Programme in July 2021 (SMQ
trusts transferred to segment 4 and the RSP) was supported without a break; reading the regimes
separately shows an exit and a new entry. ``support_spells`` merges a trust's episodes of the
support regimes into **spells**: an episode that begins on or before the day the spell ends plus
``gap_days`` (default 31: a hand-over recorded a month late is still one spell) continues it.
Each spell keeps its episodes in order, so the regimes are named ("SMQ -> RSP"). A spell that
includes the confidential challenged providers list is confidential.

>>> from datetime import date
>>> from specialmeasures.domain import RegimeEpisode, Regime, EpisodeState
>>> eps = [RegimeEpisode("RXX", Regime.SMQ, date(2017, 4, 1), date(2021, 7, 13),
...            EpisodeState.EXITED), RegimeEpisode("RXX", Regime.RSP, date(2021, 7, 13))]
>>> s = support_spells(eps, date(2022, 7, 13))
>>> len(s), s[0].regimes, s[0].months
(1, 'SMQ -> RSP', 63.38)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from specialmeasures.domain import Regime, RegimeEpisode

__all__ = ["SUPPORT_REGIMES", "Spell", "spell_rows", "support_spells"]

#: The regimes of support read as one history (special measures for finance is a kind only).
SUPPORT_REGIMES = (Regime.SMQ, Regime.CP, Regime.RSP, Regime.PIP)
_SHORT = {Regime.SMQ: "SMQ", Regime.CP: "CP", Regime.RSP: "RSP", Regime.PIP: "PIP"}
_DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True, slots=True)
class Spell:
    """A continuous spell of support: its episodes (oldest first), start and end (None: open)."""

    provider_code: str
    episodes: tuple[RegimeEpisode, ...]
    start: date
    end: date | None
    as_of: date

    @property
    def regimes(self) -> str:
        names: list[str] = []
        for e in self.episodes:
            short = _SHORT.get(e.regime, e.regime.value.upper())
            if not names or names[-1] != short:
                names.append(short)
        return " -> ".join(names)

    @property
    def confidential(self) -> bool:
        return any(e.regime.confidential for e in self.episodes)

    @property
    def months(self) -> float:
        stop = self.end if self.end is not None else self.as_of
        return round(max(0, (stop - self.start).days) / _DAYS_PER_MONTH, 2)

    def row(self) -> dict[str, Any]:
        return {
            "provider_code": self.provider_code,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "ongoing": self.end is None,
            "months": self.months,
            "regimes": self.regimes,
            "episodes": len(self.episodes),
            "confidential": self.confidential,
            "detail": "; ".join(
                f"{_SHORT.get(e.regime, e.regime.value)} {e.start}"
                + (f" to {e.end}" if e.end and e.end <= self.as_of else "")
                for e in self.episodes
            ),
        }


def support_spells(
    episodes: Iterable[RegimeEpisode],
    as_of: date,
    *,
    gap_days: int = 31,
    include_confidential: bool = True,
) -> list[Spell]:
    """One trust's spells of support as known on ``as_of`` (later starts and ends unknown)."""
    wanted = [
        e
        for e in episodes
        if e.regime in SUPPORT_REGIMES
        and e.start <= as_of
        and (include_confidential or not e.regime.confidential)
    ]
    wanted.sort(key=lambda e: (e.start, e.regime.value))
    spells: list[Spell] = []
    current: list[RegimeEpisode] = []
    end: date | None = None
    for e in wanted:
        e_end = e.end if e.end is not None and e.end <= as_of else None
        if current and (end is None or e.start <= end + timedelta(days=gap_days)):
            current.append(e)
            end = None if end is None or e_end is None else max(end, e_end)
            continue
        if current:
            spells.append(
                Spell(current[0].provider_code, tuple(current), current[0].start, end, as_of)
            )
        current, end = [e], e_end
    if current:
        spells.append(Spell(current[0].provider_code, tuple(current), current[0].start, end, as_of))
    return spells


def spell_rows(
    histories: Sequence[Any], as_of: date, *, gap_days: int = 31, include_confidential: bool = True
) -> list[dict[str, Any]]:
    """Every trust's spells as rows (``histories``: ``evaluation.history.TrustHistory``)."""
    rows: list[dict[str, Any]] = []
    for h in histories:
        for number, spell in enumerate(
            support_spells(h.episodes, as_of, gap_days=gap_days,
                           include_confidential=include_confidential), start=1,
        ):  # fmt: skip
            rows.append({"name": h.provider.name, "spell": number, **spell.row()})
    return rows

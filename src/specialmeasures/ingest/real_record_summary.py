"""Episodes and summary statistics of the public SMQ record, honest about what is not known.

Dates in the record are a day, a month or only a year, so every duration is a range: shortest
(latest possible entry to earliest possible exit) to longest (earliest entry to latest exit),
with the midpoint as the point value. An episode with no exit in the record is *censored*: it
counts towards "at least N months" only when the record shows the trust still in the regime that
long (a later "remain" event, a merger or the July 2021 transfer to the RSP), and is otherwise
"unknown", never "not exited". Exits dated by a CQC recommendation (``exit_recommended``) are
counted as exits on that date and flagged, because the decision itself is not in the record.
The comparison with published figures is in ``docs/real-record.md``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from specialmeasures.domain.months import add_months
from specialmeasures.ingest.real_record import RealEvent

__all__ = [
    "DAYS_PER_MONTH",
    "Episode",
    "Statistic",
    "episodes",
    "summarise",
    "within",
]

#: Average Gregorian month, for expressing day counts as months.
DAYS_PER_MONTH = 365.2425 / 12
STARTS = {"entry", "re-entry", "entry_recommended"}
EXITS = {"exit", "exit_recommended"}
OTHER_ENDS = {"end_by_merger": "merger", "transfer_to_RSP": "transfer to RSP"}


@dataclass(slots=True)
class Episode:
    """One stay of one trust in SMQ, as far as the record shows it."""

    trust: str
    number: int
    start: RealEvent | None
    end: RealEvent | None = None
    remains: list[RealEvent] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """``exit``, ``merger``, ``transfer to RSP`` or ``not in record`` (censored)."""
        if self.end is None:
            return "not in record"
        return "exit" if self.end.event in EXITS else OTHER_ENDS[self.end.event]

    @property
    def exited(self) -> bool:
        return self.outcome == "exit"

    @property
    def proxy_dates(self) -> bool:
        """Entry or exit dated by a CQC recommendation rather than the decision."""
        return any(
            e is not None and e.event.endswith("_recommended") for e in (self.start, self.end)
        )

    def duration_months(self) -> tuple[float, float, float] | None:
        """(shortest, midpoint, longest) months from entry to exit; None unless both known."""
        if self.start is None or self.end is None or not self.exited:
            return None
        shortest = max(0, (self.end.earliest - self.start.latest).days) / DAYS_PER_MONTH
        longest = (self.end.latest - self.start.earliest).days / DAYS_PER_MONTH
        return shortest, (shortest + longest) / 2, longest

    def known_in_regime_until(self) -> date | None:
        """The last day the record shows the trust still in the regime (or its end, if not an exit)."""
        days = [r.earliest for r in self.remains]
        if self.end is not None and not self.exited:
            days.append(self.end.earliest)
        if self.start is not None:
            days.append(self.start.latest)
        return max(days) if days else None


def within(episode: Episode, months: int) -> str:
    """Did the episode end in an exit within ``months`` of entry? ``yes``, ``no``, ``uncertain``
    (the date ranges allow both) or ``unknown`` (no exit in the record and no later sign)."""
    if episode.start is None:
        return "unknown"
    if episode.exited:
        assert episode.end is not None
        if episode.end.latest <= add_months(episode.start.earliest, months):
            return "yes"
        if episode.end.earliest > add_months(episode.start.latest, months):
            return "no"
        return "uncertain"
    seen = episode.known_in_regime_until()
    if seen is not None and seen > add_months(episode.start.latest, months):
        return "no"
    return "unknown"


def episodes(events: Iterable[RealEvent]) -> list[Episode]:
    """SMQ episodes per trust, in date order (events of other regimes are left out)."""
    by_trust: dict[str, list[RealEvent]] = defaultdict(list)
    for e in events:
        if e.regime == "SMQ" or e.event == "transfer_to_RSP":
            by_trust[e.trust_name].append(e)
    out: list[Episode] = []
    for trust in sorted(by_trust):
        open_: Episode | None = None
        number = 0
        for e in sorted(by_trust[trust], key=lambda e: (e.earliest, e.row)):
            if e.event in STARTS:
                if open_ is not None:  # a second start without an end: keep the first
                    continue
                number += 1
                open_ = Episode(trust, number, e)
                out.append(open_)
            elif e.event == "remain":
                if open_ is None:
                    number += 1
                    open_ = Episode(trust, number, None)
                    out.append(open_)
                open_.remains.append(e)
            elif e.event in EXITS or e.event in OTHER_ENDS:
                if open_ is None:
                    number += 1
                    out.append(Episode(trust, number, None, e))
                else:
                    open_.end = e
                    open_ = None
    return out


@dataclass(frozen=True, slots=True)
class Statistic:
    statistic: str
    value: str
    detail: str

    def as_row(self) -> dict[str, str]:
        return {"statistic": self.statistic, "value": self.value, "detail": self.detail}


def _months(value: float) -> str:
    return f"{value:.1f}"


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "-"


def summarise(events: Iterable[RealEvent], *, as_of: date | None = None) -> list[Statistic]:
    """The summary statistics printed by ``specialmeasures real-record summary``.

    With ``as_of``, only events certainly on or before that date count (to compare with a figure
    published then); later exits become censored episodes.
    """
    items = [e for e in events if as_of is None or e.latest <= as_of]
    eps = episodes(items)
    trusts = {e.trust_name for e in items}
    exited = [e for e in eps if e.exited]
    other_end = [e for e in eps if e.end is not None and not e.exited]
    censored = [e for e in eps if e.end is None]
    durations = [d for e in exited if (d := e.duration_months()) is not None]
    proxies = sum(1 for e in exited if e.proxy_dates)
    reentered = sorted({e.trust for e in eps if e.number > 1})
    rows = [
        Statistic(
            "trusts in the record", str(len(trusts)), "partial public record, not all SMQ trusts"
        ),
        Statistic(
            "SMQ episodes",
            str(len(eps)),
            f"{len(eps) - len(reentered)} first stays, {len(reentered)} re-entries",
        ),
        Statistic(
            "episodes ending in an exit",
            str(len(exited)),
            f"{proxies} dated by a CQC recommendation (decision date not recorded)",
        ),
        Statistic(
            "episodes ended otherwise",
            str(len(other_end)),
            ", ".join(sorted(f"{e.trust} ({e.outcome})" for e in other_end)) or "-",
        ),
        Statistic(
            "episodes with no exit in the record (censored)",
            str(len(censored)),
            ", ".join(sorted(e.trust for e in censored)) or "-",
        ),
    ]
    if durations:
        lows, mids, highs = zip(*durations, strict=True)
        rows += [
            Statistic(
                "mean months from entry to exit (exited episodes)",
                _months(statistics.fmean(mids)),
                f"range {_months(statistics.fmean(lows))}-{_months(statistics.fmean(highs))} "
                f"from date precision; n={len(durations)}",
            ),
            Statistic(
                "median months from entry to exit (exited episodes)",
                _months(statistics.median(mids)),
                f"shortest {_months(min(mids))}, longest {_months(max(mids))}",
            ),
        ]
    for months in (12, 24):
        verdicts = [within(e, months) for e in eps]
        yes, no = verdicts.count("yes"), verdicts.count("no")
        unsure, unknown = verdicts.count("uncertain"), verdicts.count("unknown")
        rows.append(
            Statistic(
                f"episodes exiting within {months} months",
                f"{yes}-{yes + unsure}",
                f"of {len(eps)} episodes: {yes} yes, {unsure} uncertain (date precision), "
                f"{no} no, {unknown} unknown (censored); share "
                f"{_share(yes, len(eps))}-{_share(yes + unsure + unknown, len(eps))}",
            )
        )
    at_least_24 = [e for e in eps if within(e, 24) == "no"]
    rows.append(
        Statistic(
            "episodes known to last 24 months or more",
            str(len(at_least_24)),
            "exited after 24 months, or still in the regime after 24 months by a later event",
        )
    )
    rows.append(
        Statistic(
            "trusts that re-entered after an exit",
            str(len(reentered)),
            ", ".join(reentered) or "-",
        )
    )
    if durations:
        longest = max(exited, key=lambda e: (e.duration_months() or (0.0, 0.0, 0.0))[1])
        span = longest.duration_months()
        assert span is not None
        rows.append(
            Statistic(
                "longest stay ending in an exit",
                _months(span[1]),
                f"{longest.trust} (episode {longest.number})",
            )
        )
    return rows

"""Backtesting a policy: replay it over history month by month and compare with what happened.

As of the first of each month, the policy sees only what was known then (ratings published by
that day, episodes begun by it, exits not yet made, judgements entered by it) and recommends.
Its entry and exit recommendations are then compared with the episodes that actually happened:

* an *entry recommendation* is a run of consecutive months in which a rule recommends entry
  (outcome ``recommend_entry``, or ``judgement_needed``: the published criteria are met and no
  one recorded the leadership judgement, which a backtest of history cannot know); it *agrees*
  with an entry when the trust entered while the run lasted (or within the month after);
* the same for exit (outcome ``recommend_exit``) within an episode;
* decisions taken between two monthly dates are checked on the day itself (with the episode
  being decided left out, for an entry, or still open, for an exit), so a recommendation
  published on the 10th and acted on the 16th of the same month agrees with lead 0;
* lead = months from the first recommendation to the event (the rule was ahead); for an event
  the rule did not recommend beforehand, lag = months until it would have (replaying the
  history without that entry, or with the episode still open), if within 12 months.

Counting units: the first three cells of the agreement table count events (entries, exits,
recommendation runs); "neither" counts provider-months with no recommendation and no event.
Everything is loaded once (``store.regime_store.load_histories``) and replayed per provider.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from statistics import mean, median
from typing import Any

from specialmeasures.domain import EpisodeState, Regime, RegimeEpisode
from specialmeasures.domain.timeline import add_months
from specialmeasures.regime.evaluation import as_known
from specialmeasures.rules import Fact, Policy, Recommendation, build_facts, evaluate, load_policy
from specialmeasures.store import Repository
from specialmeasures.store.regime_store import ProviderHistory, load_histories

__all__ = [
    "ENTRY_OUTCOMES",
    "EXIT_OUTCOMES",
    "Agreement",
    "BacktestCase",
    "BacktestResult",
    "backtest_histories",
    "month_starts",
    "run_backtest",
]

ENTRY_OUTCOMES = frozenset({"recommend_entry", "judgement_needed"})
EXIT_OUTCOMES = frozenset({"recommend_exit"})
LAG_SEARCH_MONTHS = 12

AGREE = "recommended_and_happened"
MISSED = "happened_not_recommended"
UNHEEDED = "recommended_not_happened"


def month_starts(start: date, end: date) -> list[date]:
    """First days of the months from ``start``'s month to ``end``'s month, inclusive."""
    first = date(start.year, start.month, 1)
    last = date(end.year, end.month, 1)
    out = []
    while first <= last:
        out.append(first)
        first = add_months(first, 1)
    return out


def _months_between(earlier: date, later: date) -> int:
    return (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month)


@dataclass(frozen=True, slots=True)
class BacktestCase:
    """One compared event: an entry or exit, a recommendation run, or both (agreement)."""

    provider_code: str
    kind: str  # "entry" or "exit"
    verdict: str  # AGREE, MISSED or UNHEEDED
    recommended_from: date | None
    recommended_to: date | None
    happened_on: date | None
    lead_months: int | None
    lag_months: int | None
    rule_ids: tuple[str, ...]
    reason: str
    episode_id: int | None = None

    @property
    def agrees(self) -> bool:
        return self.verdict == AGREE

    def as_row(self) -> dict[str, Any]:
        return {
            "provider_code": self.provider_code,
            "kind": self.kind,
            "verdict": self.verdict,
            "recommended_from": self.recommended_from,
            "recommended_to": self.recommended_to,
            "happened_on": self.happened_on,
            "lead_months": self.lead_months,
            "lag_months": self.lag_months,
            "rules": " ".join(self.rule_ids),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Agreement:
    """One row of the agreement table (events, and provider-months for ``neither``)."""

    kind: str
    recommended_and_happened: int
    recommended_not_happened: int
    happened_not_recommended: int
    neither: int
    leads: tuple[int, ...]

    @property
    def agreement(self) -> float:
        """Agreeing events over all events (1.0 when there were none)."""
        total = (
            self.recommended_and_happened
            + self.recommended_not_happened
            + self.happened_not_recommended
        )
        return 1.0 if total == 0 else self.recommended_and_happened / total

    def as_row(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "recommended_and_happened": self.recommended_and_happened,
            "recommended_not_happened": self.recommended_not_happened,
            "happened_not_recommended": self.happened_not_recommended,
            "neither_provider_months": self.neither,
            "agreement": round(self.agreement, 3),
            "median_lead_months": median(self.leads) if self.leads else None,
            "mean_lead_months": round(mean(self.leads), 2) if self.leads else None,
            "max_lead_months": max(self.leads) if self.leads else None,
        }


@dataclass(frozen=True, slots=True)
class BacktestResult:
    policy_id: str
    policy_version: str
    regime: Regime
    start: date
    end: date
    months: int
    providers: int
    agreement: tuple[Agreement, ...]
    cases: tuple[BacktestCase, ...] = field(default_factory=tuple)

    @property
    def disagreements(self) -> tuple[BacktestCase, ...]:
        return tuple(c for c in self.cases if not c.agrees)

    def row(self, kind: str) -> Agreement:
        return next(a for a in self.agreement if a.kind == kind)


@dataclass(slots=True)
class _Replay:
    """One provider's replay: what the rule recommended on each monthly date."""

    history: ProviderHistory
    policy: Policy
    regime: Regime
    months: list[date]
    recs: list[tuple[Recommendation, ...]] = field(default_factory=list)
    in_regime: list[bool] = field(default_factory=list)
    #: Reused between the months: the rating facts per set of published inspections, and
    #: which rules hold per set of fact values (``build_facts``'s and ``evaluate``'s ``memo``).
    facts_memo: dict[Any, Any] = field(default_factory=dict)
    rules_memo: dict[Any, Any] = field(default_factory=dict)

    def run(self) -> None:
        for m in self.months:
            self.recs.append(self.evaluate(m, self.history.episodes))
            self.in_regime.append(
                any(e.regime is self.regime and e.active_on(m) for e in self.history.episodes)
            )

    def facts(self, day: date, episodes: Sequence[RegimeEpisode]) -> dict[str, Fact]:
        h = self.history
        return build_facts(
            as_of=day,
            inspections=h.inspections,
            episodes=as_known(episodes, day),
            judgements=h.judgements,
            memo=self.facts_memo,
        )

    def evaluate(self, day: date, episodes: Sequence[RegimeEpisode]) -> tuple[Recommendation, ...]:
        return evaluate(self.policy, self.facts(day, episodes), day, memo=self.rules_memo)


def _hits(recs: Iterable[Recommendation], outcomes: frozenset[str]) -> list[Recommendation]:
    return [r for r in recs if r.outcome in outcomes]


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """Index ranges [first, last] of consecutive True values."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        if not flag and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(flags) - 1))
    return out


def _because(recs: Sequence[Recommendation]) -> str:
    if not recs:
        return ""
    texts = [c.text for c in recs[0].clauses if c.matched]
    return "; ".join(texts)


def _ratings_words(facts: Mapping[str, Fact]) -> str:
    count = facts.get("count.inadequate")
    if count is None:
        return "no trust-level rating had been published"
    well_led = facts.get("kq.well_led")
    overall = facts.get("overall")
    words = (
        f"ratings in force (latest published {count.date}): {count.value} key question(s)"
        f" Inadequate, well-led {well_led.display() if well_led else 'not rated'}"
    )
    if overall is not None:
        words += f", overall {overall.display()}"
    return words


class _ProviderComparison:
    """Entry and exit comparison for one provider's replay."""

    def __init__(self, replay: _Replay, window: tuple[date, date]) -> None:
        self.r = replay
        self.window = window
        self.cases: list[BacktestCase] = []
        self.neither = {"entry": 0, "exit": 0}
        regime = replay.regime
        self.episodes = sorted(
            (e for e in replay.history.episodes if e.regime is regime), key=lambda e: e.start
        )

    def in_window(self, day: date | None) -> bool:
        return day is not None and self.window[0] <= day < self.window[1]

    def compare(self) -> None:
        self._entries()
        self._exits()

    # -- entry ---------------------------------------------------------------------------
    def _missed(
        self,
        kind: str,
        e: RegimeEpisode,
        day: date,
        lag_day: date | None,
        lag_hits: Sequence[Recommendation],
        reason: str,
    ) -> None:
        """An event that happened on ``day`` without the policy recommending it."""
        lag = _months_between(day, lag_day) if lag_day else None
        rules = tuple(h.rule_id for h in lag_hits)
        self.cases.append(
            BacktestCase(
                e.provider_code, kind, MISSED, lag_day, None, day, None, lag, rules, reason, e.id
            )
        )

    def _unheeded(
        self, kind: str, first: date, last: date, hits: Sequence[Recommendation], reason: str
    ) -> None:
        """A run of months the policy recommended ``kind`` and nothing followed."""
        rules = tuple(h.rule_id for h in hits)
        self.cases.append(
            BacktestCase(
                self.r.history.provider_code,
                kind,
                UNHEEDED,
                first,
                last,
                None,
                None,
                None,
                rules,
                reason,
            )
        )

    def _entries(self) -> None:
        r, months = self.r, self.r.months
        flags = [
            not r.in_regime[i] and bool(_hits(r.recs[i], ENTRY_OUTCOMES))
            for i in range(len(months))
        ]
        runs = _runs(flags)
        matched_runs: set[tuple[int, int]] = set()
        for k, e in enumerate(self.episodes):
            run = self._run_before(runs, e.start)
            without = [x for x in r.history.episodes if x is not e]
            if run is not None:
                matched_runs.add(run)
                first, hits = months[run[0]], _hits(r.recs[run[0]], ENTRY_OUTCOMES)
            else:
                first, hits = e.start, _hits(r.evaluate(e.start, without), ENTRY_OUTCOMES)
            if not (self.in_window(e.start) or (run is not None and self.in_window(first))):
                continue
            if hits:
                lead = _months_between(first, e.start)
                self.cases.append(
                    BacktestCase(
                        e.provider_code, "entry", AGREE, first,
                        months[run[1]] if run else e.start, e.start, lead, None,
                        tuple(h.rule_id for h in hits),
                        f"recommended from {first} ({_because(hits)}); entered {e.start}",
                        e.id,
                    )
                )  # fmt: skip
                continue
            nxt = self.episodes[k + 1].start if k + 1 < len(self.episodes) else None
            lag_day, lag_hits = self._search(e.start, nxt, without, ENTRY_OUTCOMES)
            facts = r.facts(e.start, without)
            reason = f"entered {e.start} without the criteria being met: {_ratings_words(facts)}"
            if lag_day is not None:
                reason += (
                    f"; the criteria were met from {lag_day}"
                    f" ({_months_between(e.start, lag_day)} month(s) after entry)"
                )
            else:
                reason += f"; not met within {LAG_SEARCH_MONTHS} months after entry either"
            self._missed("entry", e, e.start, lag_day, lag_hits, reason)
        for run in runs:
            if run in matched_runs:
                continue
            first, last = months[run[0]], months[run[1]]
            hits = _hits(r.recs[run[0]], ENTRY_OUTCOMES)
            reason = f"recommended from {first} to {last} ({_because(hits)}); no entry followed"
            cps = [
                x
                for x in r.history.episodes
                if x.regime is Regime.CP and x.start <= add_months(last, 1)
                and (x.end is None or x.end >= first)
            ]  # fmt: skip
            if cps:
                reason += f"; on the challenged providers list from {cps[0].start}"
            if run[1] == len(months) - 1:
                reason += " (still recommended at the end of the backtest)"
            self._unheeded("entry", first, last, hits, reason)
        for i, m in enumerate(months):
            nxt = add_months(m, 1)
            entered = any(m <= e.start < nxt for e in self.episodes)
            if not r.in_regime[i] and not flags[i] and not entered:
                self.neither["entry"] += 1

    def _run_before(self, runs: list[tuple[int, int]], day: date) -> tuple[int, int] | None:
        """The run that lasted until ``day`` (its last month is the one before or of ``day``)."""
        months = self.r.months
        for run in runs:
            last = months[run[1]]
            if months[run[0]] <= day and day <= add_months(last, 1):
                return run
        return None

    def _search(
        self,
        after: date,
        stop: date | None,
        episodes: Sequence[RegimeEpisode],
        outcomes: frozenset[str],
    ) -> tuple[date | None, list[Recommendation]]:
        """The first month start after ``after`` (before ``stop``) on which ``outcomes`` hold."""
        day = add_months(date(after.year, after.month, 1), 1)
        for _ in range(LAG_SEARCH_MONTHS):
            if stop is not None and day >= stop:
                break
            hits = _hits(self.r.evaluate(day, episodes), outcomes)
            if hits:
                return day, hits
            day = add_months(day, 1)
        return None, []

    # -- exit ----------------------------------------------------------------------------
    def _exits(self) -> None:
        r, months = self.r, self.r.months
        flags = [
            r.in_regime[i] and bool(_hits(r.recs[i], EXIT_OUTCOMES)) for i in range(len(months))
        ]
        runs = _runs(flags)
        matched_runs: set[tuple[int, int]] = set()
        for e in self.episodes:
            if e.end is None:
                continue
            still_open = [
                replace(x, end=None, state=EpisodeState.IN_REGIME) if x is e else x
                for x in r.history.episodes
            ]
            run = self._run_before(runs, e.end)
            if run is not None and months[run[0]] < e.start:
                run = None
            if run is not None:
                matched_runs.add(run)
                first, hits = months[run[0]], _hits(r.recs[run[0]], EXIT_OUTCOMES)
            else:
                first, hits = e.end, _hits(r.evaluate(e.end, still_open), EXIT_OUTCOMES)
            if not (self.in_window(e.end) or (run is not None and self.in_window(first))):
                continue
            if hits:
                self.cases.append(
                    BacktestCase(
                        e.provider_code, "exit", AGREE, first,
                        months[run[1]] if run else e.end, e.end,
                        _months_between(first, e.end), None, tuple(h.rule_id for h in hits),
                        f"exit recommended from {first} ({_because(hits)}); exited {e.end}",
                        e.id,
                    )
                )  # fmt: skip
                continue
            lag_day, lag_hits = self._search(e.end, None, still_open, EXIT_OUTCOMES)
            facts = r.facts(e.end, still_open)
            reinspected = facts.get("reinspected_since_entry")
            if reinspected is not None and reinspected.value is False:
                words = "no re-inspection had been published since entry"
            else:
                words = _ratings_words(facts)
            reason = f"exited {e.end} without the exit criteria being met: {words}"
            if lag_day is not None:
                reason += (
                    f"; they were met from {lag_day}"
                    f" ({_months_between(e.end, lag_day)} month(s) after exit)"
                )
            self._missed("exit", e, e.end, lag_day, lag_hits, reason)
        for run in runs:
            if run in matched_runs:
                continue
            first, last = months[run[0]], months[run[1]]
            hits = _hits(r.recs[run[0]], EXIT_OUTCOMES)
            open_at_end = run[1] == len(months) - 1
            episode = next((e for e in self.episodes if e.active_on(first)), None)
            later_exit = episode.end if episode is not None else None
            if open_at_end and later_exit is not None:
                self.cases.append(
                    BacktestCase(
                        r.history.provider_code, "exit", AGREE, first, last, later_exit,
                        _months_between(first, later_exit), None, tuple(h.rule_id for h in hits),
                        f"exit recommended from {first} ({_because(hits)}); exited {later_exit},"
                        " after the end of the backtest",
                        episode.id if episode else None,
                    )
                )  # fmt: skip
                continue
            reason = f"exit recommended from {first} to {last} ({_because(hits)}); no exit followed"
            if open_at_end:
                reason += " (still in the regime at the end of the data)"
            self._unheeded("exit", first, last, hits, reason)
        for i, m in enumerate(months):
            nxt = add_months(m, 1)
            exited = any(e.end is not None and m <= e.end < nxt for e in self.episodes)
            if r.in_regime[i] and not flags[i] and not exited:
                self.neither["exit"] += 1


def backtest_histories(
    histories: Iterable[ProviderHistory],
    policy: Policy,
    start: date,
    end: date,
) -> BacktestResult:
    """Replay ``policy`` over the histories month by month and compare (pure; no store).

    Parameters
    ----------
    histories
        Every provider's whole history (``load_histories``).
    policy
        The policy to replay; its ``regime`` names the episodes compared (default SMQ).
    start, end
        The first and last months (the first of each month is an evaluation date).
    """
    months = month_starts(start, end)
    regime = Regime(policy.regime) if policy.regime else Regime.SMQ
    window = (months[0], add_months(months[-1], 1))
    cases: list[BacktestCase] = []
    neither = {"entry": 0, "exit": 0}
    count = 0
    for history in sorted(histories, key=lambda h: h.provider_code):
        count += 1
        replay = _Replay(history, policy, regime, months)
        replay.run()
        comparison = _ProviderComparison(replay, window)
        comparison.compare()
        cases += comparison.cases
        for kind in neither:
            neither[kind] += comparison.neither[kind]
    rows = []
    for kind in ("entry", "exit"):
        mine = [c for c in cases if c.kind == kind]
        rows.append(
            Agreement(
                kind,
                sum(c.verdict == AGREE for c in mine),
                sum(c.verdict == UNHEEDED for c in mine),
                sum(c.verdict == MISSED for c in mine),
                neither[kind],
                tuple(c.lead_months for c in mine if c.lead_months is not None),
            )
        )
    cases.sort(key=lambda c: (c.kind, c.happened_on or c.recommended_from or start))
    return BacktestResult(
        policy.id, policy.version, regime, months[0], months[-1], len(months), count,
        tuple(rows), tuple(cases),
    )  # fmt: skip


def run_backtest(repository: Repository, policy_id: str, start: date, end: date) -> BacktestResult:
    """Load every provider's history once and replay ``policy_id`` from ``start`` to ``end``."""
    policy = load_policy(policy_id)
    with repository.engine.connect() as conn:
        histories = load_histories(conn)
    for p in repository.providers():
        histories.setdefault(p.code, ProviderHistory(p.code))
    return backtest_histories(histories.values(), policy, start, end)

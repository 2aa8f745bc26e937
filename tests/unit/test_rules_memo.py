"""``build_facts`` and ``evaluate`` with a ``memo`` kept between calls (as a backtest replays a
provider month by month) give exactly what they give without it, day after day, including the
order of the facts and each recommendation's own day, facts and labels."""

from __future__ import annotations

from datetime import date
from typing import Any

from specialmeasures.domain import EpisodeState, Inspection, Judgement, RegimeEpisode
from specialmeasures.domain.timeline import add_months
from specialmeasures.regime.evaluation import as_known
from specialmeasures.rules import build_facts, evaluate, load_policy


def _inspection(inspected: date, published: date, grade: str, well_led: bool = True) -> Inspection:
    ratings = dict.fromkeys(("safe", "effective", "caring", "responsive", "overall"), grade)
    if well_led:
        ratings["well_led"] = grade
    return Inspection("RXX", inspected, published, ratings)


INSPECTIONS = [
    _inspection(date(2013, 3, 1), date(2013, 6, 20), "RI"),
    _inspection(date(2014, 9, 1), date(2015, 1, 9), "I"),
    _inspection(date(2015, 6, 1), date(2015, 8, 3), "G", well_led=False),  # held back
    _inspection(date(2016, 5, 1), date(2016, 8, 11), "G"),
    _inspection(date(2018, 2, 1), date(2018, 5, 2), "I"),
]
EPISODES = [
    RegimeEpisode("RXX", "smq", date(2015, 1, 20), date(2016, 9, 30), EpisodeState.EXITED),
    RegimeEpisode("RXX", "smq", date(2018, 5, 20)),
]
JUDGEMENTS = [
    Judgement("RXX", "leadership_cannot_fix", True, "Chief Inspector", date(2018, 5, 2), "r")
]


def _days() -> list[date]:
    day, out = date(2013, 1, 1), []
    while day <= date(2019, 12, 1):
        out += [day, day.replace(day=16)]
        day = add_months(day, 1)
    return out


def _facts(day: date, memo: dict[Any, Any] | None) -> dict[str, Any]:
    return build_facts(
        as_of=day,
        inspections=INSPECTIONS,
        episodes=as_known(EPISODES, day),
        judgements=JUDGEMENTS,
        memo=memo,
    )


def test_facts_with_a_memo_are_the_facts_without_it() -> None:
    memo: dict[Any, Any] = {}
    for day in _days():
        plain, kept = _facts(day, None), _facts(day, memo)
        assert list(kept.items()) == list(plain.items()), day  # values, sources, dates, order
    # one entry per set of published inspections, not per day
    assert len(memo) == len({tuple(i.publication_date <= d for i in INSPECTIONS) for d in _days()})


def test_evaluate_with_a_memo_is_evaluate_without_it() -> None:
    policy = load_policy("smq-2013")
    memo: dict[Any, Any] = {}
    matched = 0
    for day in _days():
        facts = _facts(day, None)
        plain = evaluate(policy, facts, day)
        kept = evaluate(policy, facts, day, memo=memo)
        assert kept == plain, day
        assert all(r.as_of == day for r in kept)
        matched += len(kept)
    assert matched > 0  # the history makes the policy recommend something
    # A recommendation's labels are its own: changing one does not change the next call's.
    day = date(2018, 7, 1)
    first = evaluate(policy, _facts(day, None), day, memo=memo)
    assert first
    first[0].labels["in_regime.smq"] = "changed"
    again = evaluate(policy, _facts(day, None), day, memo=memo)
    assert again == evaluate(policy, _facts(day, None), day)

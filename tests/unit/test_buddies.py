"""Buddy ranking, pure: distance, type, teaching, size, track record, exclusions."""

from __future__ import annotations

from datetime import date

from factories import RI, G, I, inspection, provider
from specialmeasures.domain import KeyQuestion, ProviderType
from specialmeasures.domain.buddying import BuddyScope, improved_questions, rank_buddies

TARGET = provider("RAA", latitude=52.0, longitude=-1.0)


def rank(*candidates: object, **kw: object) -> list:  # type: ignore[type-arg]
    args: dict[str, object] = {
        "scope": BuddyScope.TRUST_WIDE, "as_of": date(2018, 1, 1),
        "target_ratings": {KeyQuestion.SAFE: I, KeyQuestion.WELL_LED: I},
        "histories": {}, "overall": {c.code: G for c in candidates},  # type: ignore[attr-defined]
        "in_regime": {}, "buddying_now": {},
    }  # fmt: skip
    args.update(kw)
    return rank_buddies(TARGET, list(candidates), **args)  # type: ignore[arg-type]


def test_improved_questions_from_history() -> None:
    history = [
        inspection("RBB", date(2014, 1, 1), date(2014, 2, 1), (I, RI, G, G, I, I)),
        inspection("RBB", date(2016, 1, 1), date(2016, 2, 1), (G, G, G, G, G, G)),
    ]
    assert improved_questions(history, date(2017, 1, 1)) == {
        KeyQuestion.SAFE, KeyQuestion.EFFECTIVE, KeyQuestion.WELL_LED, KeyQuestion.OVERALL
    }  # fmt: skip
    assert improved_questions(history, date(2015, 1, 1)) == set()


def test_close_similar_improver_ranks_first_and_explains() -> None:
    near = provider("RBB", latitude=52.1, longitude=-1.1)
    far_teaching = provider("RCC", teaching=True, beds=1500, latitude=53.5, longitude=-2.5)
    history = {"RBB": [
        inspection("RBB", date(2014, 1, 1), date(2014, 2, 1), (I, RI, G, G, I, I)),
        inspection("RBB", date(2016, 1, 1), date(2016, 2, 1), (G, G, G, G, G, G)),
    ]}  # fmt: skip
    ranked = rank(far_teaching, near, histories=history)
    assert [c.provider.code for c in ranked] == ["RBB", "RCC"]
    assert "improved Safe, Well-led" in ranked[0].explain()
    assert "teaching trust for a non-teaching one" in ranked[1].explain()


def test_exclusions() -> None:
    a, b, c, d = (provider(x) for x in ("RBB", "RCC", "RDD", "REE"))
    mh = provider("RFF", type=ProviderType.MENTAL_HEALTH)
    ranked = rank(a, b, c, d, mh, in_regime={"RBB": "SMQ"}, overall={"RCC": RI, "RDD": G, "REE": G,
                  "RFF": G}, buddying_now={"RDD": 2}, scope=BuddyScope.MATERNITY)  # fmt: skip
    eligible = [x.provider.code for x in ranked if x.eligible]
    assert eligible == ["REE"]
    reasons = {x.provider.code: x.explain() for x in ranked}
    assert "itself in SMQ" in reasons["RBB"]
    assert "Requires improvement" in reasons["RCC"]
    assert "already buddying 2" in reasons["RDD"]
    assert "does not run maternity" in reasons["RFF"]

"""Leadership, pure: tenure, vacancy, interim months, turnover, triumvirate stability."""

from __future__ import annotations

from datetime import date

import pytest

from specialmeasures.domain import DomainError
from specialmeasures.domain.leadership import LeadershipTerm, Post, check_no_overlap, stability

CEO, MD, CN = Post.CHIEF_EXECUTIVE, Post.MEDICAL_DIRECTOR, Post.CHIEF_NURSE


def term(post: Post, who: str, start: date, end: date | None = None, **kw: bool) -> LeadershipTerm:
    return LeadershipTerm("RAA", post, who, start, end, **kw)


def test_stable_triumvirate() -> None:
    terms = [term(p, p.value, date(2014, 1, 1)) for p in (CEO, MD, CN)]
    result = stability(terms, date(2018, 1, 1))
    assert result.stable
    assert result.posts[0].tenure_months == pytest.approx(48.0, abs=0.1)


def test_revolving_door_vacancy_and_interim() -> None:
    terms = [
        term(CEO, "A", date(2015, 1, 1), date(2016, 6, 1)),
        term(CEO, "B", date(2016, 6, 1), date(2017, 3, 1)),
        term(CEO, "C", date(2017, 3, 1), interim=True),
        term(MD, "D", date(2014, 1, 1), date(2017, 7, 1)),
        term(CN, "E", date(2016, 9, 1)),
    ]
    result = stability(terms, date(2018, 1, 1))
    assert not result.stable
    assert "Chief executive interim (C)" in result.reasons
    assert "Medical director vacant" in result.reasons
    assert "3 new holders of the three posts in 24 months" in result.reasons
    ceo = result.posts[0]
    assert ceo.changes_24m == 2
    assert ceo.interim_months == pytest.approx(10.0, abs=0.1)
    assert result.posts[1].vacancy_months == pytest.approx(6.0, abs=0.1)


def test_overlapping_holders_refused() -> None:
    first = term(CEO, "A", date(2015, 1, 1))
    with pytest.raises(DomainError, match="overlaps A's term"):
        check_no_overlap(term(CEO, "B", date(2016, 1, 1)), [first])
    with pytest.raises(DomainError, match=r"leader\.end"):
        term(CEO, "B", date(2016, 1, 1), date(2015, 1, 1))

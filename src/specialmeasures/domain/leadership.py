"""Leadership: senior posts and their holders; tenure, vacancy, interim months, turnover, and
the stability of the chief executive / medical director / chief nurse triumvirate.

The seed paper: leadership changes in parallel with the regime can help, but stability matters
(a "revolving door" of CEOs is a risk); interims and vacancies destabilise; leaders with
previous SMQ experience help; the CEO-MD-chief nurse triumvirate matters more than any one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from specialmeasures.domain._checks import require_date, require_enum, require_order, require_text
from specialmeasures.domain.directors import add_months, months_between
from specialmeasures.domain.errors import DomainError

__all__ = [
    "TRIUMVIRATE",
    "LeadershipTerm",
    "Post",
    "PostSummary",
    "Stability",
    "post_summary",
    "stability",
]


class Post(Enum):
    CHIEF_EXECUTIVE = "chief_executive"
    MEDICAL_DIRECTOR = "medical_director"
    CHIEF_NURSE = "chief_nurse"
    CHAIR = "chair"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


TRIUMVIRATE = (Post.CHIEF_EXECUTIVE, Post.MEDICAL_DIRECTOR, Post.CHIEF_NURSE)


@dataclass(frozen=True, slots=True)
class LeadershipTerm:
    """One person holding one post, from ``start`` to ``end`` (exclusive; None = in post)."""

    provider_code: str
    post: Post
    holder: str
    start: date
    end: date | None = None
    interim: bool = False
    previous_smq_experience: bool = False
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("leader.provider_code", self.provider_code)
        object.__setattr__(self, "post", require_enum("leader.post", self.post, Post))
        require_text("leader.holder", self.holder)
        require_date("leader.start", self.start)
        if self.end is not None:
            require_date("leader.end", self.end)
            require_order("leader.start", self.start, "leader.end", self.end)
        for name in ("interim", "previous_smq_experience"):
            if not isinstance(getattr(self, name), bool):
                raise DomainError(f"leader.{name}", getattr(self, name), "must be true or false")

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, start: date, stop: date | None) -> bool:
        return (stop is None or self.start < stop) and (self.end is None or start < self.end)


def check_no_overlap(term: LeadershipTerm, existing: Sequence[LeadershipTerm]) -> None:
    """A post other than 'other' has one substantive or interim holder at a time."""
    if term.post is Post.OTHER:
        return
    for t in existing:
        same = t.provider_code == term.provider_code and t.post is term.post and t is not term
        if same and t.overlaps(term.start, term.end):
            raise DomainError(
                "leader.start",
                term.start,
                f"overlaps {t.holder}'s term as {t.post.label} ({t.start} to"
                f" {t.end or 'now'}): end that term first",
            )


@dataclass(frozen=True, slots=True)
class PostSummary:
    post: Post
    holder: str | None
    interim: bool
    tenure_months: float
    vacancy_months: float
    interim_months: float
    changes_24m: int


def _days_covered(
    terms: Sequence[LeadershipTerm], start: date, stop: date, *, interim: bool | None
) -> int:
    covered: set[int] = set()
    for t in terms:
        if interim is not None and t.interim != interim:
            continue
        lo = max(t.start, start)
        hi = min(t.end or stop, stop)
        covered.update(range(lo.toordinal(), hi.toordinal()))
    return len(covered)


def post_summary(
    terms: Sequence[LeadershipTerm], post: Post, as_of: date, *, window_months: int = 24
) -> PostSummary:
    """One post on ``as_of``: holder, tenure, and over the window its vacancy and interim
    months and the number of new holders (turnover).

    >>> t = [LeadershipTerm("RAA", Post.CHIEF_EXECUTIVE, "A", date(2015, 1, 1), date(2016, 1, 1)),
    ...      LeadershipTerm("RAA", Post.CHIEF_EXECUTIVE, "B", date(2016, 7, 1), interim=True)]
    >>> s = post_summary(t, Post.CHIEF_EXECUTIVE, date(2017, 1, 1))
    >>> s.holder, s.vacancy_months, s.changes_24m
    ('B', 5.98, 1)
    """
    mine = [t for t in terms if t.post is post and t.start <= as_of]
    window = add_months(as_of, -window_months)
    first = min((t.start for t in mine), default=as_of)
    start = max(window, first)  # no vacancy counted before the first recorded holder
    days = (as_of - start).days
    vacant = days - _days_covered(mine, start, as_of, interim=None)
    interim_days = _days_covered(mine, start, as_of, interim=True)
    current = next((t for t in mine if t.active_on(as_of)), None)
    changes = sum(1 for t in mine if window < t.start <= as_of)
    return PostSummary(
        post,
        current.holder if current else None,
        current.interim if current else False,
        months_between(current.start, as_of) if current else 0.0,
        round(vacant / 30.4375, 2),
        round(interim_days / 30.4375, 2),
        changes,
    )


@dataclass(frozen=True, slots=True)
class Stability:
    stable: bool
    reasons: tuple[str, ...]
    posts: tuple[PostSummary, ...]


def stability(terms: Sequence[LeadershipTerm], as_of: date, *, max_changes: int = 2) -> Stability:
    """The triumvirate on ``as_of``: unstable when a post is vacant or interim, or when the
    three posts saw more than ``max_changes`` new holders in the last 24 months."""
    posts = tuple(post_summary(terms, p, as_of) for p in TRIUMVIRATE)
    reasons: list[str] = []
    for s in posts:
        if s.holder is None:
            reasons.append(f"{s.post.label} vacant")
        elif s.interim:
            reasons.append(f"{s.post.label} interim ({s.holder})")
    changes = sum(s.changes_24m for s in posts)
    if changes > max_changes:
        reasons.append(f"{changes} new holders of the three posts in 24 months")
    return Stability(not reasons, tuple(reasons), posts)

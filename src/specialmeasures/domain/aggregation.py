"""CQC's ratings principles: five key questions to overall, N underlying ratings to one, limiters.

The rules are CQC's published ratings principles (REGIME.md sections 1.3-1.4). Each is a
"normally" rule that inspectors may depart from by professional judgement, so every result says
which rule decided it, and a rating CQC actually published can be recorded as a judgement that
overrides the rule: the result then keeps both the published and the rule's rating.

Five key questions to overall (adult social care wording, the complete set that was read; the
order below is worst first and was chosen by this project, CQC gives no precedence):

1. two or more Inadequate: Inadequate;
2. two or more Requires improvement: Requires improvement;
3. exactly one Inadequate (and at most one Requires improvement): **no published rule** - the
   result is "judgement needed", never a guess;
4. at least two Outstanding and the other three Good: Outstanding;
5. no Inadequate and at most one Requires improvement: Good.

A breach of regulations caps the overall rating at Requires improvement.

>>> profile = {"safe": "I", "effective": "RI", "caring": "I", "responsive": "RI", "well_led": "I"}
>>> aggregate_key_questions(profile).rating.label
'Inadequate'
>>> aggregate_key_questions({"safe": "I", "effective": "G", "caring": "G",
...     "responsive": "G", "well_led": "G"}).judgement_needed
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from specialmeasures.domain.errors import DomainError
from specialmeasures.domain.rating import KeyQuestion, Rating

__all__ = [
    "OUTSTANDING_THRESHOLDS",
    "AggregateResult",
    "Basis",
    "Limiter",
    "aggregate_key_questions",
    "aggregate_underlying",
    "apply_limiter",
    "outstanding_threshold",
]


class Basis(Enum):
    """What decided an aggregated rating."""

    RULE = "rule"  #: a published ratings principle decided it
    JUDGEMENT_NEEDED = "judgement_needed"  #: no published rule decides; a person must
    CQC_JUDGEMENT = "cqc_judgement"  #: no rule decides; CQC's published rating is recorded
    CQC_OVERRIDE = "cqc_override"  #: CQC published a rating that departs from the rule


class Limiter(Enum):
    """Enforcement action linked to a rating (CQC ratings principles, enforcement limiters)."""

    REQUIREMENT_NOTICE = "requirement_notice"  #: caps the linked rating at Requires improvement
    WARNING_NOTICE = "warning_notice"  #: normally makes the linked rating Inadequate
    CONDITION = "condition"  #: a condition of registration; normally Inadequate

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


#: Aggregation principle 1 (NHS trusts): (min N, max N or None, Outstanding ratings needed).
OUTSTANDING_THRESHOLDS: tuple[tuple[int, int | None, int], ...] = (
    (1, 3, 1),
    (4, 8, 2),
    (9, None, 3),
)


@dataclass(frozen=True, slots=True)
class AggregateResult:
    """An aggregated rating and why.

    ``rating`` is None only when ``basis`` is JUDGEMENT_NEEDED. ``rule_rating`` is what the
    published rules give (None where no rule decides); it differs from ``rating`` when CQC's
    published judgement overrides the rule. ``cap`` is the best the rating may be after limiters.
    """

    rating: Rating | None
    basis: Basis
    rule: str
    reason: str
    rule_rating: Rating | None = None
    cap: Rating | None = None

    @property
    def judgement_needed(self) -> bool:
        return self.basis is Basis.JUDGEMENT_NEEDED

    @property
    def overridden(self) -> bool:
        return self.basis is Basis.CQC_OVERRIDE

    @property
    def label(self) -> str:
        """The rating's full name, or ``judgement needed``."""
        return "judgement needed" if self.rating is None else self.rating.label


def _as_rating(value: Rating | str, field: str) -> Rating:
    return value if isinstance(value, Rating) else Rating.parse(str(value), field=field)


def _five(ratings: Mapping[KeyQuestion, Rating] | Mapping[str, Rating | str]) -> list[Rating]:
    clean: dict[KeyQuestion, Rating] = {}
    for key, value in ratings.items():
        kq = key if isinstance(key, KeyQuestion) else KeyQuestion.parse(str(key))
        if kq is KeyQuestion.OVERALL:
            continue
        clean[kq] = _as_rating(value, f"ratings.{kq.value}")
    missing = [kq.label for kq in KeyQuestion.five() if kq not in clean]
    if missing:
        raise DomainError("ratings", ", ".join(missing), "all five key questions must be rated")
    return [clean[kq] for kq in KeyQuestion.five()]


def _with_judgement(
    computed: AggregateResult, published: Rating | str | None, cap: Rating | None
) -> AggregateResult:
    if published is None:
        return computed
    rating = _as_rating(published, "published_overall")
    if computed.rating is None:
        return AggregateResult(
            rating,
            Basis.CQC_JUDGEMENT,
            computed.rule,
            f"{computed.reason}; CQC judged it {rating.label}",
            None,
            cap,
        )
    if rating is computed.rating:
        return computed
    return AggregateResult(
        rating,
        Basis.CQC_OVERRIDE,
        computed.rule,
        f"{computed.reason}, but CQC's published rating is {rating.label} (a recorded judgement)",
        computed.rating,
        cap,
    )


def aggregate_key_questions(
    ratings: Mapping[KeyQuestion, Rating] | Mapping[str, Rating | str],
    *,
    breach: bool = False,
    published_overall: Rating | str | None = None,
) -> AggregateResult:
    """Aggregate the five key-question ratings into an overall rating.

    Parameters
    ----------
    ratings
        A rating (or its text: ``O``, ``G``, ``RI``, ``I`` or the full name) for each of the five
        key questions; an ``overall`` entry is ignored.
    breach
        True when a breach of regulations exists: the overall rating is then capped at
        Requires improvement.
    published_overall
        The overall rating CQC actually published, if any. Where it differs from the rule, it is
        kept as a recorded CQC judgement (``basis`` CQC_OVERRIDE, ``rule_rating`` the rule's);
        where no rule decides, it is the judgement (``basis`` CQC_JUDGEMENT).

    Returns
    -------
    AggregateResult
        The rating (None when judgement is needed), the rule id and a reason in plain English.

    References
    ----------
    CQC, "How we aggregate ratings using the rating principles: adult social care services"
    (12 May 2022); CQC, "Ratings principles: NHS trusts" (12 May 2022). REGIME.md 1.3-1.4.

    Examples
    --------
    >>> r = aggregate_key_questions(
    ...     {"safe": "RI", "effective": "G", "caring": "G", "responsive": "RI", "well_led": "G"})
    >>> (r.rating.label, r.rule)
    ('Requires improvement', 'requires_improvement')
    >>> aggregate_key_questions({"safe": "O", "effective": "O", "caring": "G",
    ...     "responsive": "G", "well_led": "G"}, breach=True).label
    'Requires improvement'
    """
    five = _five(ratings)
    n_i = five.count(Rating.INADEQUATE)
    n_ri = five.count(Rating.REQUIRES_IMPROVEMENT)
    n_o = five.count(Rating.OUTSTANDING)
    n_g = five.count(Rating.GOOD)
    if n_i >= 2:
        result = AggregateResult(
            Rating.INADEQUATE, Basis.RULE, "inadequate", f"{n_i} key questions are Inadequate"
        )
    elif n_ri >= 2:
        reason = f"{n_ri} key questions are Requires improvement"
        if n_i == 1:
            reason += " (one key question is Inadequate; CQC may judge otherwise)"
        result = AggregateResult(
            Rating.REQUIRES_IMPROVEMENT, Basis.RULE, "requires_improvement", reason
        )
    elif n_i == 1:
        result = AggregateResult(
            None,
            Basis.JUDGEMENT_NEEDED,
            "one_inadequate",
            "exactly one key question is Inadequate and no published rule decides the overall"
            " rating",
        )
    elif n_o >= 2 and n_o + n_g == 5:
        result = AggregateResult(
            Rating.OUTSTANDING,
            Basis.RULE,
            "outstanding",
            f"{n_o} key questions are Outstanding and the others Good",
        )
    else:
        result = AggregateResult(
            Rating.GOOD,
            Basis.RULE,
            "good",
            "no key question is Inadequate and at most one is Requires improvement",
        )
    cap: Rating | None = None
    if breach:
        cap = Rating.REQUIRES_IMPROVEMENT
        if result.rating is not None and result.rating > cap:
            result = AggregateResult(
                cap,
                Basis.RULE,
                "breach_limiter",
                f"{result.reason}, but a breach of regulations limits it to Requires improvement",
                None,
                cap,
            )
        else:
            result = AggregateResult(
                result.rating, result.basis, result.rule, result.reason, None, cap
            )
    return _with_judgement(result, published_overall, cap)


def outstanding_threshold(n: int) -> int:
    """How many of ``n`` underlying ratings must be Outstanding (NHS trusts, principle 1).

    >>> [outstanding_threshold(n) for n in (1, 3, 4, 8, 9, 30)]
    [1, 1, 2, 2, 3, 3]
    """
    if n < 1:
        raise DomainError("n_underlying", n, "must be at least 1")
    for low, high, needed in OUTSTANDING_THRESHOLDS:
        if n >= low and (high is None or n <= high):
            return needed
    raise AssertionError("unreachable: the thresholds cover every n >= 1")  # pragma: no cover


def aggregate_underlying(
    ratings: Iterable[Rating | str], *, published: Rating | str | None = None
) -> AggregateResult:
    """Aggregate N underlying ratings (e.g. core services) into one rating.

    Only CQC's Outstanding table for NHS trusts was read (REGIME.md Gaps): Outstanding needs 1
    (N = 1-3), 2 (N = 4-8) or 3 (N >= 9) Outstanding ratings with all the others Good. The rows
    for Requires improvement and Inadequate were not read, so beyond two safe cases the result
    is "judgement needed": every rating Good or better is Good (the Outstanding principle's
    "others Good" without enough Outstanding); all ratings equal give that rating.

    Examples
    --------
    >>> aggregate_underlying(["O", "G", "G", "O"]).label
    'Outstanding'
    >>> aggregate_underlying(["O", "G", "G", "G"]).label
    'Good'
    >>> aggregate_underlying(["G", "RI", "I"]).label
    'judgement needed'
    """
    values = [_as_rating(r, f"ratings[{i}]") for i, r in enumerate(ratings)]
    n = len(values)
    needed = outstanding_threshold(n)
    n_o = values.count(Rating.OUTSTANDING)
    if n_o >= needed and all(r >= Rating.GOOD for r in values):
        result = AggregateResult(
            Rating.OUTSTANDING,
            Basis.RULE,
            "outstanding",
            f"{n_o} of {n} underlying ratings are Outstanding (at least {needed} needed)"
            " and the others Good",
        )
    elif all(r >= Rating.GOOD for r in values):
        result = AggregateResult(
            Rating.GOOD,
            Basis.RULE,
            "good",
            f"all {n} underlying ratings are Good or better, with fewer than {needed} Outstanding",
        )
    elif len(set(values)) == 1:
        result = AggregateResult(
            values[0], Basis.RULE, "unanimous", f"all {n} underlying ratings are {values[0].label}"
        )
    else:
        result = AggregateResult(
            None,
            Basis.JUDGEMENT_NEEDED,
            "unpublished_table",
            "CQC's table for Requires improvement and Inadequate across underlying ratings"
            " was not read, so a person must decide",
        )
    return _with_judgement(result, published, None)


def apply_limiter(rating: Rating | str, limiter: Limiter | str | None) -> Rating:
    """Apply an enforcement limiter to the rating it is linked to (at KQ x core-service level).

    A requirement notice caps the rating at Requires improvement; a warning notice or a
    condition of registration normally makes it Inadequate.

    >>> apply_limiter("Good", "requirement_notice").label
    'Requires improvement'
    >>> apply_limiter("Inadequate", Limiter.REQUIREMENT_NOTICE).label
    'Inadequate'
    >>> apply_limiter("Good", "warning_notice").label
    'Inadequate'
    """
    value = _as_rating(rating, "rating")
    if limiter is None:
        return value
    kind = limiter if isinstance(limiter, Limiter) else _parse_limiter(limiter)
    if kind is Limiter.REQUIREMENT_NOTICE:
        return min(value, Rating.REQUIRES_IMPROVEMENT)
    return Rating.INADEQUATE


def _parse_limiter(text: str) -> Limiter:
    try:
        return Limiter(str(text).strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        allowed = ", ".join(m.value for m in Limiter)
        raise DomainError("limiter", text, f"must be one of {allowed}") from None

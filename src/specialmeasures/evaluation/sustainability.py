"""Sustainability after leaving SMQ: time from exit to re-entry (Kaplan-Meier, censored at the
as-of date) by trajectory group and by trust type, and the ratings held after exit.

"Improvement needs time: monitor sustainability long after exit; don't treat turnaround as
linear" (seed paper, Box 1). Each trust's *first* SMQ exit starts its clock; the event is its
next SMQ entry; trusts not re-entered are censored on ``as_of``. A transfer to the RSP on the
exit day is not an exit (policy ``rsp_continues_smq``) and does not start a clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from specialmeasures.domain import InputError, KeyQuestion, Regime
from specialmeasures.evaluation.history import TrustHistory
from specialmeasures.evaluation.km import KmCurve, kaplan_meier
from specialmeasures.evaluation.thresholds import EvaluationThresholds
from specialmeasures.evaluation.trajectories import classify, group_label

__all__ = [
    "CURVE_COLUMNS",
    "EXIT_COLUMNS",
    "KM_BY",
    "KM_COLUMNS",
    "exits",
    "km_figure",
    "km_rows",
    "reentry_curves",
]

EXIT_COLUMNS = ("code", "group", "trust_type", "exit", "re_entered", "months", "overall_at_exit",
                "overall_12m", "overall_24m", "overall_now")  # fmt: skip
CURVE_COLUMNS = ("by", "stratum", "n", "re_entries", "free_12m", "free_24m", "free_36m",
                 "free_60m", "median_months")  # fmt: skip
KM_COLUMNS = ("by", "stratum", "months", "at_risk", "re_entries", "survival", "se")
#: How the Kaplan-Meier figure can be split: one curve, one per group, one per trust type.
KM_BY = {"all": None, "group": "group", "trust-type": "trust_type"}
_MONTH = 30.4375


def _label(h: TrustHistory, day: date, as_of: date) -> str | None:
    if day > as_of:
        return None
    r = h.rating_on(KeyQuestion.OVERALL, day)
    return r.label if r else None


def exits(
    histories: Sequence[TrustHistory], as_of: date, t: EvaluationThresholds
) -> list[dict[str, Any]]:
    """One row per trust that has left SMQ by ``as_of``."""
    rows = []
    for h in histories:
        smq = h.episodes_of(Regime.SMQ, as_of)
        first = next((e for e in smq if e.end is not None and e.end <= as_of), None)
        if first is None or first.end is None:
            continue
        out = first.end
        rsp = h.episodes_of(Regime.RSP, as_of)
        if t.rsp_continues_smq and any(r.start == out for r in rsp):
            continue
        later = [e.start for e in smq if e.start >= out]
        stop = later[0] if later else as_of
        rows.append(
            {
                "code": h.code,
                "group": group_label(classify(h, as_of, t).primary),
                "trust_type": h.provider.type_label,
                "exit": out.isoformat(),
                "re_entered": bool(later),
                "months": round((stop - out).days / _MONTH, 1),
                "overall_at_exit": _label(h, out, as_of),
                "overall_12m": _label(h, date.fromordinal(out.toordinal() + 365), as_of),
                "overall_24m": _label(h, date.fromordinal(out.toordinal() + 730), as_of),
                "overall_now": _label(h, as_of, as_of),
            }
        )
    return rows


def _strata(
    rows: Sequence[dict[str, Any]], key: str | None
) -> list[tuple[str, list[dict[str, Any]]]]:
    """(stratum, its exits): all of them when ``key`` is None, else one per value of ``key``."""
    if key is None:
        return [("all", list(rows))]
    return [(v, [r for r in rows if r[key] == v]) for v in sorted({r[key] for r in rows})]


def _curve(members: Sequence[dict[str, Any]]) -> KmCurve:
    """Re-entry-free survival of these exits (time: months since exit; event: re-entry)."""
    return kaplan_meier([r["months"] for r in members], [r["re_entered"] for r in members])


def reentry_curves(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Kaplan-Meier re-entry-free survival for all exits, by group and by trust type."""
    strata = [
        (label, value, members)
        for label, key in (("all", None), ("group", "group"), ("trust type", "trust_type"))
        for value, members in _strata(rows, key)
    ]
    out = []
    for by, value, members in strata:
        curve = _curve(members)
        out.append(
            {
                "by": by,
                "stratum": value,
                "n": curve.n,
                "re_entries": curve.events,
                **{f"free_{m}m": round(curve.at(m), 3) for m in (12, 24, 36, 60)},
                "median_months": curve.median,
            }
        )
    return out


def km_figure(rows: Sequence[dict[str, Any]], as_of: date, by: str = "group") -> dict[str, Any]:
    """The re-entry-free survival curves as steps (the data of the Kaplan-Meier figure), one
    curve per stratum of ``by`` (a key of ``KM_BY``), with each censored exit's time and the
    survival there (where the chart ticks it)."""
    if by not in KM_BY:
        raise InputError(f"by: must be one of {', '.join(KM_BY)}", value=by)
    curves = []
    for value, members in _strata(rows, KM_BY[by]):
        curve = _curve(members)
        censored = sorted(r["months"] for r in members if not r["re_entered"])
        steps = [{"months": 0.0, "at_risk": curve.n, "re_entries": 0, "survival": 1.0, "se": 0.0}]
        steps += [
            {"months": s.time, "at_risk": s.at_risk, "re_entries": s.events,
             "survival": round(s.survival, 4), "se": round(s.se, 4)}
            for s in curve.steps
        ]  # fmt: skip
        curves.append(
            {
                "stratum": value,
                "n": curve.n,
                "re_entries": curve.events,
                "median_months": curve.median,
                "steps": steps,
                "censored": [{"months": t, "survival": round(curve.at(t), 4)} for t in censored],
            }
        )
    return {
        "title": "Re-entry-free survival after leaving special measures (Kaplan-Meier)",
        "confidential": True,
        "as_of": as_of.isoformat(),
        "by": by,
        "max_months": max((r["months"] for r in rows), default=0.0),
        "curves": curves,
    }


def km_rows(figure: dict[str, Any]) -> list[dict[str, Any]]:
    """The figure's steps as long rows (its CSV twin)."""
    return [
        {"by": figure["by"], "stratum": c["stratum"], **step}
        for c in figure["curves"]
        for step in c["steps"]
    ]

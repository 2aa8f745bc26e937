"""How to read an impact estimate: what the data can detect, whether the answer is "cannot
tell", and what an independent estimator says beside it.

An interval that includes zero is not evidence of no effect: with the standard error at hand,
effects smaller than the minimum detectable effect (MDE, 80% power at the interval's level)
would usually go unnoticed. So an estimate whose interval includes zero reads "cannot tell";
one whose interval excludes zero reads as an effect only with its caveats (the validation in
docs/evaluation.md: in worlds not built for the matched design its intervals are conservative
and its bias is not small). Where the independent Callaway-Sant'Anna estimate disagrees (the
intervals do not overlap, or one excludes zero and the other does not), the reading says so,
and why that usually happens: the comparison it relies on (parallel trends from the month
before entry, against trusts that had no crisis) fails when entry follows a dip, which the
pre-trend tests show.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["POWER", "read_estimate"]

#: Power at which the minimum detectable effect is stated.
POWER = 0.8


def _z(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


def read_estimate(
    att: dict[str, float],
    level: float,
    pretrend_p: float | None = None,
    independent: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The reading of an average effect ``att`` (estimate, se, ci_low, ci_high).

    Returns ``verdict`` ("cannot tell" or "effect"), ``mde`` (the minimum detectable effect at
    ``POWER``), ``text`` (sentences for the page) and, with ``independent`` (its ``att`` and
    ``pretrend``), ``agreement`` ("agree" or "disagree") and its explanation.

    Examples
    --------
    >>> r = read_estimate({"estimate": 0.01, "se": 0.015, "ci_low": -0.019, "ci_high": 0.039}, 0.95)
    >>> r["verdict"], round(r["mde"], 4)
    ('cannot tell', 0.042)
    """
    se = float(att["se"])
    mde = (_z(0.5 + level / 2) + _z(POWER)) * se
    includes_zero = att["ci_low"] <= 0.0 <= att["ci_high"]
    pct = f"{level:.0%}"
    text = [
        f"With this standard error, an effect would need to be about {mde:.3g} in size (either "
        f"way) to be detected four times in five (the minimum detectable effect at 80% power)."
    ]
    if includes_zero:
        verdict = "cannot tell"
        text.insert(
            0,
            f"Cannot tell: the {pct} interval includes no effect and effects of up to "
            f"{max(abs(att['ci_low']), abs(att['ci_high'])):.3g} either way; it is not "
            "evidence that special measures made no difference.",
        )
    else:
        verdict = "effect"
        text.insert(
            0,
            f"The {pct} interval excludes zero. Read it with the validation's caveats: in "
            "synthetic worlds not built for this design, its intervals were conservative and "
            "its bias was a sizeable share of the effect (docs/evaluation.md).",
        )
    if pretrend_p is not None and pretrend_p < 0.05:
        text.append(
            f"The pre-trend test rejects (p = {pretrend_p:.3g}): the trusts compared were not "
            "on the same path before the event, so the estimate is in doubt."
        )
    out: dict[str, Any] = {"verdict": verdict, "mde": mde, "power": POWER, "text": text}
    if independent is not None:
        other = independent["att"]
        overlap = other["ci_low"] <= att["ci_high"] and att["ci_low"] <= other["ci_high"]
        other_zero = other["ci_low"] <= 0.0 <= other["ci_high"]
        agree = overlap and other_zero == includes_zero
        out["agreement"] = "agree" if agree else "disagree"
        other_p = independent.get("pretrend", {}).get("p_value")
        said = (
            f"The independent Callaway-Sant'Anna estimate is {other['estimate']:.3g} "
            f"({pct} interval {other['ci_low']:.3g} to {other['ci_high']:.3g})"
        )
        if agree:
            text.append(said + ": the two designs agree.")
        else:
            why = (
                " It compares entrants with trusts that had no crisis, assuming they would have "
                "moved in parallel from the month before entry; when entry follows a dip, the "
                "recovery that follows any crisis counts as effect there."
            )
            if other_p is not None and math.isfinite(other_p) and other_p < 0.05:
                why += f" Its pre-trend test rejects (p = {other_p:.3g})."
            text.append(said + ": the two designs disagree." + why)
    return out

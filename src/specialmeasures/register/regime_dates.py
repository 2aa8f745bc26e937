"""The day each regime began, so that views show a regime only from when it existed.

A regime's start is the earliest ``valid_from`` of the packaged policy files that govern it
(``policy/*.yaml``: SMQ and the CP list 16 July 2013, the RSP 13 July 2021, the Provider
Improvement Programme 1 April 2025). Special measures for finance has no policy file (it is kept
as a kind only); REGIME.md section 2 dates its introduction to July 2016.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from specialmeasures.domain import Regime
from specialmeasures.rules import load_policies

__all__ = ["regime_start", "regimes_in_existence"]

#: Financial special measures were introduced in July 2016 (REGIME.md, "Entry could also be for
#: finance"); no packaged policy file governs them, so their start is stated here.
_SMF_START = date(2016, 7, 1)


@cache
def _starts() -> dict[Regime, date]:
    starts: dict[Regime, date] = {Regime.SMF: _SMF_START}
    for policy in load_policies():
        if policy.regime is None:
            continue
        try:
            regime = Regime(policy.regime)
        except ValueError:  # the oversight framework (nof) is not a regime of its own
            continue
        known = starts.get(regime)
        starts[regime] = policy.valid_from if known is None else min(known, policy.valid_from)
    return starts


def regime_start(regime: Regime) -> date:
    """The day ``regime`` began (the first of its policies' ``valid_from``).

    >>> regime_start(Regime.PIP).isoformat()
    '2025-04-01'
    """
    return _starts()[regime]


def regimes_in_existence(regimes: list[Regime], day: date) -> list[Regime]:
    """``regimes`` that had begun by ``day``, in the order given."""
    return [r for r in regimes if regime_start(r) <= day]

"""A composite quality score per trust and month, from the other monthly indicators.

One indicator is a noisy measure of a trust's quality: matching on its own pre-entry path picks
comparators whose *noise* happened to look like the treated trust's crisis, and noise reverts
(regression to the mean), which reads as an effect. Every indicator moves with the same
underlying quality, so their average is a far steadier measure of it. For each monthly indicator
other than the outcome, each value is standardised against all trusts in that month (z-score),
signed so that higher is better, and a trust-month's score is the mean of its z-scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from specialmeasures.domain import Frequency, IndicatorDefinition, Polarity

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

__all__ = ["composite_frame", "composite_signs"]


def composite_signs(definitions: Sequence[IndicatorDefinition], outcome: str) -> dict[str, float]:
    """Each monthly indicator but ``outcome``, with +1 where higher is better and -1 where
    lower is (indicators without a direction are left out)."""
    signs = {}
    for d in definitions:
        if d.id == outcome or d.frequency is not Frequency.MONTHLY:
            continue
        if d.polarity is Polarity.HIGHER_IS_BETTER:
            signs[d.id] = 1.0
        elif d.polarity is Polarity.LOWER_IS_BETTER:
            signs[d.id] = -1.0
    return signs


def composite_frame(
    codes: NDArray[np.object_],
    indicator_ids: NDArray[np.str_],
    months: NDArray[np.int64],
    values: NDArray[np.float64],
    signs: Mapping[str, float],
) -> pd.DataFrame:
    """The composite score as a frame (``unit``, ``t``, ``score``) from parallel arrays.

    Examples
    --------
    >>> f = composite_frame(
    ...     np.array(["A", "B", "A", "B"], dtype=object), np.array(["x", "x", "y", "y"]),
    ...     np.array([0, 0, 0, 0]), np.array([1.0, 3.0, 10.0, 5.0]), {"x": 1.0, "y": -1.0})
    >>> [(u, round(s, 3)) for u, s in zip(f["unit"], f["score"])]
    [('A', -0.707), ('B', 0.707)]
    """
    import pandas as pd

    frame = pd.DataFrame(
        {"unit": codes.astype(str), "ind": indicator_ids.astype(str), "t": months, "v": values}
    )
    frame = frame[frame["ind"].isin(list(signs)) & np.isfinite(frame["v"].to_numpy())]
    by = frame.groupby(["ind", "t"])["v"]
    spread = by.transform("std")
    z = (frame["v"] - by.transform("mean")) / spread.where(spread > 0)
    frame = frame.assign(score=z * frame["ind"].map(signs)).dropna(subset=["score"])
    return frame.groupby(["unit", "t"], as_index=False)["score"].mean()

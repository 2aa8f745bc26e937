"""Sensitivity beside its chance level, and the PPV of flag onsets, on hand-made flags."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from factories import provider, shmi
from specialmeasures.monitoring.panel import panel_from_frame
from specialmeasures.monitoring.warning import Entry, measure_warning

CODES = ["ZA1", "ZA2", "ZA3", "ZA4", "ZA5"]
MONTHS = pd.date_range("2015-01-01", periods=40, freq="MS")


@pytest.fixture
def panel():  # type: ignore[no-untyped-def]
    rows = [{"provider_code": c, "indicator_id": "shmi", "period": m, "value": 1.0,
             "numerator": 10.0, "denominator": np.nan, "expected": 10.0}
            for c in CODES for m in MONTHS]  # fmt: skip
    return panel_from_frame(pd.DataFrame(rows), [provider(c) for c in CODES], [shmi()])


def test_entry_warning_is_set_beside_never_placed_trusts_flagged_in_the_same_months(panel) -> None:  # type: ignore[no-untyped-def]
    flagged = np.zeros((40, 5), dtype=bool)
    flagged[10:12, 0] = True  # ZA1 flagged 18-17 months before its entry in month 28
    flagged[26:28, 0] = True  # ... and in the last 3 months, which do not count
    flagged[20, 2] = True  # ZA3 (never placed) flagged inside ZA1's window
    flagged[2, 3] = True  # ZA4 (never placed) flagged long before it
    entries = [Entry("ZA1", date(2017, 5, 10), direct=True),
               Entry("ZA2", date(2017, 5, 1), direct=False)]  # fmt: skip
    out = measure_warning(panel, 0, flagged, entries, {"ZA3", "ZA4", "ZA5"},
                          [("ZA1", date(2017, 5, 10), None), ("ZA2", date(2017, 5, 1), None)])  # fmt: skip
    # Window for an entry in month 28: months 4..24. ZA1 yes, ZA2 no; chance 1 of 3 each.
    assert (out.entries, out.entries_flagged) == (2, 1)
    assert out.chance_flagged == pytest.approx(2 / 3)
    assert (out.direct_entries, out.direct_flagged) == (1, 1)
    assert out.lead_months == (18,)
    d = out.as_dict()
    assert d["sensitivity"] == 0.5
    assert d["chance_level"] == pytest.approx(1 / 3)
    # Onsets with 24 months of follow-up (months 0..15), outside SMQ stays: ZA1 at 10 (entry at
    # 28, 18 months later: followed), ZA4 at 2 (never entered). ZA3's at 20 lacks follow-up.
    assert (out.onsets, out.onsets_followed) == (2, 1)
    assert d["ppv"] == 0.5


def test_a_gap_of_zero_counts_the_months_just_before_entry(panel) -> None:  # type: ignore[no-untyped-def]
    flagged = np.zeros((40, 5), dtype=bool)
    flagged[27, 1] = True
    entries = [Entry("ZA2", date(2017, 5, 1), direct=True)]
    assert measure_warning(panel, 0, flagged, entries, set(), gap=3).entries_flagged == 0
    assert measure_warning(panel, 0, flagged, entries, set(), gap=0).entries_flagged == 1

"""The regime timeline as of a date: due and overdue re-inspection, maximum stay, re-entries."""

from __future__ import annotations

from datetime import date

import pytest

from factories import RI, G, I, inspection, smq
from specialmeasures.domain import DomainError, Regime
from specialmeasures.domain.timeline import add_months, regime_timeline

ENTRY = date(2014, 3, 15)
CRISIS = inspection("ZA1", date(2014, 1, 10), date(2014, 3, 1), (I, RI, G, RI, I, I))
REVISIT = inspection("ZA1", date(2015, 2, 10), date(2015, 4, 1), (RI, G, G, RI, RI, RI))


def test_not_in_regime() -> None:
    t = regime_timeline([], [CRISIS], date(2014, 3, 1))
    assert (t.in_regime, t.state, t.entries, t.re_entries) == (False, "none", 0, 0)
    assert t.reinspection_due is None
    assert t.last_exit is None


def test_in_regime_before_the_reinspection_is_due() -> None:
    t = regime_timeline([smq("ZA1", ENTRY)], [CRISIS], date(2014, 9, 15))
    assert t.in_regime
    assert t.episode_start == ENTRY
    assert t.months_in_regime == pytest.approx(184 / 30.4375, abs=0.01)
    assert t.reinspection_due == date(2015, 3, 15)
    assert (t.reinspected, t.reinspection_overdue, t.beyond_intended_maximum) == (
        False,
        False,
        False,
    )
    assert t.intended_maximum == date(2015, 3, 15)
    assert t.maximum_with_extension == date(2015, 9, 15)


def test_overdue_then_reinspected() -> None:
    overdue = regime_timeline([smq("ZA1", ENTRY)], [CRISIS, REVISIT], date(2015, 3, 20))
    assert overdue.reinspection_overdue
    assert overdue.beyond_intended_maximum
    assert overdue.months_overdue == pytest.approx(0.16, abs=0.01)
    done = regime_timeline([smq("ZA1", ENTRY)], [CRISIS, REVISIT], date(2015, 4, 1))
    assert done.reinspected
    assert not done.reinspection_overdue
    assert done.reinspection_published == date(2015, 4, 1)
    assert [e.kind for e in done.events] == ["entry", "re-inspection"]


def test_beyond_the_maximum_with_extension() -> None:
    t = regime_timeline([smq("ZA1", ENTRY)], [CRISIS], date(2015, 10, 1))
    assert t.beyond_maximum_with_extension
    assert any("longer than the intended maximum plus extension" in line for line in t.lines())


def test_exit_and_re_entry() -> None:
    episodes = [smq("ZA1", ENTRY, date(2015, 6, 1)), smq("ZA1", date(2017, 4, 1))]
    after_exit = regime_timeline(episodes, [CRISIS, REVISIT], date(2016, 6, 1))
    assert (after_exit.in_regime, after_exit.state, after_exit.entries) == (False, "exited", 1)
    assert after_exit.last_exit == date(2015, 6, 1)
    assert after_exit.months_since_exit == pytest.approx(12.02, abs=0.01)
    again = regime_timeline(episodes, [CRISIS, REVISIT], date(2017, 5, 1))
    assert (again.entries, again.re_entries, again.in_regime) == (2, 1, True)
    assert again.total_months_in_regime == pytest.approx(14.55 + 0.99, abs=0.01)


def test_an_exit_after_the_day_had_not_happened_yet() -> None:
    t = regime_timeline([smq("ZA1", ENTRY, date(2015, 6, 1))], [], date(2015, 1, 1))
    assert t.in_regime
    assert t.last_exit is None


def test_parameters_come_from_the_policy() -> None:
    t = regime_timeline(
        [smq("ZA1", ENTRY)], [], date(2014, 9, 1), reinspection_due_months=6, extension_months=0
    )
    assert t.reinspection_due == date(2014, 9, 15)
    assert t.maximum_with_extension == t.intended_maximum
    with pytest.raises(DomainError, match="extension_months"):
        regime_timeline([], [], date(2014, 9, 1), extension_months=-1)


def test_other_regimes_have_no_reinspection_dates() -> None:
    from factories import cp

    t = regime_timeline([cp("ZA3", date(2016, 1, 1))], [], date(2016, 7, 1), regime=Regime.CP)
    assert t.in_regime
    assert t.reinspection_due is None


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2015, 8, 31), 6) == date(2016, 2, 29)
    assert add_months(date(2015, 1, 15), -1) == date(2014, 12, 15)

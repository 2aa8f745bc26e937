"""Watch list on a small hand-made panel: flags, scoring, bands, system roll-up, balancing."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from specialmeasures.domain import (
    Category,
    Frequency,
    IndicatorDefinition,
    IndicatorKind,
    Polarity,
    Provider,
    ProviderType,
    Setting,
)
from specialmeasures.monitoring import Panel, ScreenOptions, build_watchlist, compute_signals, score

MONTHS = 48
N_PROVIDERS = 20


def _indicator(
    id_: str, kind: IndicatorKind, category: Category, polarity: Polarity
) -> IndicatorDefinition:
    return IndicatorDefinition(
        id_, id_.replace("_", " ").capitalize(), "unit", polarity, kind, Frequency.MONTHLY, category
    )


INDICATORS = (
    _indicator("harm_free", IndicatorKind.PROPORTION, Category.QUALITY, Polarity.HIGHER_IS_BETTER),
    _indicator(
        "mortality", IndicatorKind.RATIO_TO_EXPECTED, Category.QUALITY, Polarity.LOWER_IS_BETTER
    ),
    _indicator(
        "turnover", IndicatorKind.PROPORTION, Category.WORKFORCE_CULTURE, Polarity.LOWER_IS_BETTER
    ),
)


def _panel(seed: int = 1) -> Panel:
    rng = np.random.default_rng(seed)
    providers = tuple(
        Provider(
            f"Z{i:02d}", f"Trust {i} (synthetic)", ProviderType.ACUTE, False, Setting.URBAN,
            "Region (synthetic)", "North ICS" if i < 10 else "South ICS", synthetic=True,
        )
        for i in range(N_PROVIDERS)
    )  # fmt: skip
    n_series = N_PROVIDERS * len(INDICATORS)
    sp = np.repeat(np.arange(N_PROVIDERS), len(INDICATORS))
    si = np.tile(np.arange(len(INDICATORS)), N_PROVIDERS)
    shape = (n_series, MONTHS)
    num, den, exp = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    p = np.full(shape, 0.9)
    p[(sp == 0) & (si == 0), -6:] = 0.75  # Z00 deteriorates on harm-free care
    p[si == 2] = 0.02
    p[(sp == 1) & (si == 2), -6:] = 0.06  # Z01's staff leave: a balancing measure only
    prop = si != 1
    den[prop] = 2000.0
    num[prop] = rng.binomial(2000, p[prop]).astype(float)
    exp[~prop] = 50.0
    rate = np.ones(shape)
    num[~prop] = rng.poisson(50.0 * rate[~prop]).astype(float)
    value = np.where(prop[:, None], num / den, num / exp)
    months = np.arange(np.datetime64("2015-01"), np.datetime64("2015-01") + MONTHS)
    return Panel(providers, INDICATORS, months, sp, si, value, num, den, exp)


AS_OF = date(2018, 12, 20)


def test_a_deterioration_is_flagged_and_explained() -> None:
    wl = build_watchlist(_panel(), AS_OF)
    z00 = wl.entry("Z00")
    harm = [f for f in z00.flags if f.indicator_id == "harm_free"]
    assert {f.method for f in harm} >= {"spc", "funnel"}
    spc = next(f for f in harm if f.method == "spc")
    assert spc.level == "elevated risk"
    assert spc.rule == "outside_limits"
    assert date(2018, 5, 1) <= spc.since <= date(2018, 12, 1)  # 6 bad months from July
    assert spc.strength > 3
    assert "Harm free" in spc.text
    assert "since" in spc.text
    assert z00.band < wl.entry("Z05").band
    assert wl.confidential is True
    assert wl.to_dict()["confidential"] is True


def test_scoring_follows_intelligent_monitoring() -> None:
    wl = build_watchlist(_panel(), AS_OF)
    for e in wl.providers:
        assert e.applicable == 2  # harm_free and mortality; turnover is balancing
        assert e.proportion == pytest.approx((e.risks + 2 * e.elevated_risks) / (2 * e.applicable))
        assert e.score_band == wl.options.band_of(e.proportion)
    assert [e.band for e in wl.providers] == sorted(e.band for e in wl.providers)


def test_bands_from_proportions() -> None:
    opts = ScreenOptions()
    assert [opts.band_of(x) for x in (1.0, 0.45, 0.35, 0.25, 0.15, 0.0)] == [1, 2, 3, 4, 5, 6]
    assert [opts.ew_band(b) for b in (1, 2, 3, 4, 5, 6)] == [
        "red",
        "red",
        "amber",
        "amber",
        "green",
        "green",
    ]
    with pytest.raises(ValueError, match="band_cutoffs"):
        ScreenOptions(band_cutoffs=(0.1, 0.2, 0.3, 0.4, 0.5))


def test_special_measures_trusts_are_band_1() -> None:
    wl = build_watchlist(_panel(), AS_OF, smq_codes=frozenset({"Z07"}))
    z07 = wl.entry("Z07")
    assert z07.band == 1
    assert z07.in_smq
    assert "special measures" in z07.reason
    assert wl.facts("Z07") == {"ew.band": "red", "ew.flags": len(z07.flags)}


def test_balancing_measures_are_shown_not_scored() -> None:
    wl = build_watchlist(_panel(), AS_OF)
    z01 = wl.entry("Z01")
    assert [f.indicator_id for f in z01.balancing]
    assert {f.indicator_id for f in z01.balancing} == {"turnover"}
    assert all(f.indicator_id != "turnover" for f in z01.flags)
    assert "turnover" in z01.row()["balancing_flags"]


def test_systems_roll_up() -> None:
    wl = build_watchlist(_panel(), AS_OF, smq_codes=frozenset({"Z00"}))
    north = next(s for s in wl.systems if s.system == "North ICS")
    south = next(s for s in wl.systems if s.system == "South ICS")
    assert north.providers == south.providers == 10
    assert "Z00" in north.high_priority_codes
    assert north.worst_band == 1
    assert wl.systems[0].system == "North ICS"


def test_one_date_equals_the_backtest_read_off() -> None:
    """Signals computed for many months at once equal those computed for one month."""
    panel = _panel()
    many = compute_signals(panel, np.arange(30, MONTHS))
    one = compute_signals(panel, np.array([40]))
    np.testing.assert_array_equal(many.level[:, 10], one.level[:, 0])
    np.testing.assert_array_equal(score(panel, many).band[10], score(panel, one).band[0])


def test_no_data_is_an_input_error() -> None:
    from specialmeasures.domain import InputError

    with pytest.raises(InputError, match="no indicator data"):
        build_watchlist(_panel(), date(2010, 1, 1))

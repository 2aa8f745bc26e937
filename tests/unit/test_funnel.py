"""Unit tests of the funnel kernel: hand cases, option validation, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specialmeasures.stats.funnel import FunnelOptions, compute_funnel, funnel_lookup

O = [100.0, 150.0, 180.0, 80.0, 120.0, 225.0]
E = [108.0, 112.0, 165.0, 95.0, 100.0, 220.0]


def test_hand_case_poisson_limits_at_e20() -> None:
    lk = funnel_lookup(20, tau2=0, target=1, denominators=[20], grid=False)
    assert lk.lower[0, 0] == pytest.approx(0.6108260, abs=1e-7)
    assert lk.upper[1, 0] == pytest.approx(1.902094, abs=1e-6)


def test_cqc_back_transform_is_the_square_of_the_reference_limits() -> None:
    ref = compute_funnel(O, E, options=FunnelOptions(sr_method="CQC", reference_compatible=True))
    ours = compute_funnel(O, E, options=FunnelOptions(sr_method="CQC"))
    np.testing.assert_allclose(ours.od_upper, ref.od_upper**2)
    np.testing.assert_allclose(ours.od_lower, np.maximum(ref.od_lower, 0) ** 2)


def test_zero_count_is_finite_by_default_and_log0_in_reference_mode() -> None:
    o = [0.0, *O[1:]]
    assert np.isfinite(compute_funnel(o, E).z).all()
    ref = compute_funnel(o, E, options=FunnelOptions(reference_compatible=True))
    assert ref.z[0] == -np.inf


def test_other_levels_and_multiple_funnels() -> None:
    opts = FunnelOptions(levels=(0.9, 0.95, 0.998), outlier_level=0.9)
    both = compute_funnel(O + O, E + E, funnel=[0] * 6 + [1] * 6, options=opts)
    one = compute_funnel(O, E, options=opts)
    np.testing.assert_allclose(both.od_upper[:, :6], one.od_upper)
    np.testing.assert_allclose(both.phi, [one.phi[0]] * 2)
    assert (both.od_upper[0] < both.od_upper[1]).all()


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"data_type": "XX"}, "data_type"),
        ({"sr_method": "ABC"}, "sr_method"),
        ({"trim_by": 0.5}, "trim_by"),
        ({"levels": (0.95, 1.2)}, "levels"),
        ({"outlier_level": 0.99}, "outlier_level"),
        ({"multiplier": -1.0}, "multiplier"),
        ({"zero_correction": 0.0}, "zero_correction"),
    ],
)
def test_options_name_the_argument(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        FunnelOptions(**kwargs)  # type: ignore[arg-type]


def test_bad_arrays() -> None:
    with pytest.raises(ValueError, match="denominator"):
        compute_funnel([1.0], [0.0])
    with pytest.raises(ValueError, match="exceed"):
        compute_funnel([5.0], [4.0], options=FunnelOptions(data_type="PR"))


units = st.lists(
    st.tuples(st.integers(0, 400), st.floats(5, 500, allow_nan=False)), min_size=3, max_size=30
)


@settings(max_examples=40, deadline=None)
@given(
    units=units,
    kind=st.sampled_from(["SR", "PR", "RC"]),
    method=st.sampled_from(["SHMI", "CQC"]),
    data=st.data(),
)
def test_reordering_units_leaves_limits_unchanged(
    units: list[tuple[int, float]], kind: str, method: str, data: st.DataObject
) -> None:
    o = np.array([float(min(a, b)) if kind == "PR" else float(a) for a, b in units])
    e = np.array([b for _, b in units])
    if kind == "RC" and o.sum() == 0:
        o[0] = 1.0
    perm = np.array(data.draw(st.permutations(range(len(units)))))
    opts = FunnelOptions(data_type=kind, sr_method=method)  # type: ignore[arg-type]
    a = compute_funnel(o, e, options=opts)
    b = compute_funnel(o[perm], e[perm], options=opts)
    np.testing.assert_allclose(b.phi, a.phi, rtol=1e-9)
    np.testing.assert_allclose(b.tau2, a.tau2, rtol=1e-9, atol=1e-15)
    for name in ("lower", "upper", "od_lower", "od_upper"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name)[:, perm], rtol=1e-9)
    assert (b.outlier == a.outlier[perm]).all()

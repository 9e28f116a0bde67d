"""analysis.stats: exact intervals against published values and an independent formula, funnel limits."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from analysis import stats


# Garwood 95% limits as tabulated (e.g. Ulm 1990; the usual "3.689 for zero events").
@pytest.mark.parametrize("count, low, high", [(0, 0.0, 3.689), (1, 0.0253, 5.572)])
def test_poisson_ci_matches_published_table(count, low, high):
    got = stats.poisson_ci(count)
    assert got[0] == pytest.approx(low, abs=5e-4)
    assert got[1] == pytest.approx(high, abs=5e-4)


def _garwood_by_gamma(k, level):
    """Independent route: the Poisson-gamma relationship through scipy.special.gammaincinv
    (the implementation uses scipy.stats.chi2.ppf)."""
    a = 1 - level
    low = special.gammaincinv(k, a / 2) if k > 0 else 0.0
    high = special.gammaincinv(k + 1, 1 - a / 2)
    return low, high


@pytest.mark.parametrize("count", [88, 1, 5, 999])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_poisson_ci_agrees_with_gamma_inverse(count, level):
    expected = _garwood_by_gamma(count, level)
    assert stats.poisson_ci(count, level) == pytest.approx(expected, rel=1e-9)


def test_poisson_ci_for_88_covers_the_tail_probabilities():
    """The defining property: P(X >= 88 | low) = P(X <= 88 | high) = 2.5%."""
    low, high = stats.poisson_ci(88)
    assert special.pdtrc(87, low) == pytest.approx(0.025, rel=1e-7)   # P(X > 87) = P(X >= 88)
    assert special.pdtr(88, high) == pytest.approx(0.025, rel=1e-7)


def test_poisson_ci_is_vectorised_and_keeps_scalars_scalar():
    low, high = stats.poisson_ci(np.array([0, 1, 88]))
    assert low.shape == high.shape == (3,)
    assert low[0] == 0.0
    assert (low[1], high[1]) == pytest.approx(stats.poisson_ci(1))
    assert isinstance(stats.poisson_ci(3)[0], float)
    assert stats.poisson_ci(pd.Series([2, 3]))[1].shape == (2,)


def test_poisson_ci_rejects_impossible_counts():
    for bad in (-1, 2.5):
        with pytest.raises(ValueError):
            stats.poisson_ci(bad)
    with pytest.raises(ValueError):
        stats.poisson_ci(3, level=1.5)


def test_rate_per_1000_and_interval():
    assert stats.rate_per_1000(88, 130_514) == pytest.approx(88 / 130.514)
    low, high = stats.rate_ci_per_1000(88, 130_514)
    garwood = _garwood_by_gamma(88, 0.95)
    assert (low, high) == pytest.approx((garwood[0] / 130.514, garwood[1] / 130.514))
    assert low < stats.rate_per_1000(88, 130_514) < high
    rates = stats.rate_per_1000([1, 2], [1000, 4000])
    assert rates == pytest.approx([1.0, 0.5])
    with pytest.raises(ValueError):
        stats.rate_per_1000(1, 0)


def test_annualise():
    assert stats.annualise(10.0, 5) == pytest.approx(2.0)
    assert stats.annualise([10.0, 3.0], [5, 1.5]) == pytest.approx([2.0, 2.0])
    pa_years = stats.years_between("2009-01-01", "2014-02-17")
    assert pa_years == pytest.approx((5 * 365 + 1 + 48) / 365.25)  # 2012 is a leap year; 31 + 17 days in 2014
    with pytest.raises(ValueError):
        stats.annualise(1.0, 0)


def test_pooled_rate_is_total_over_total():
    assert stats.pooled_rate([10, 30], [1000, 9000]) == pytest.approx(40 / 10_000)
    with pytest.raises(ValueError):
        stats.pooled_rate([10, np.nan], [1000, 9000])


DENOMS = [100, 1_000, 10_000, 100_000, 1_000_000]


def test_funnel_limits_widen_as_denominator_shrinks_and_contain_the_centre():
    centre = 0.002
    f = stats.funnel_limits(DENOMS, centre)
    assert list(f.columns) == ["denominator", "expected", "centre_per_1000",
                               "lower_95", "upper_95", "lower_998", "upper_998"]
    assert f["upper_95"].is_monotonic_decreasing and f["upper_998"].is_monotonic_decreasing
    assert f["lower_95"].is_monotonic_increasing and f["lower_998"].is_monotonic_increasing
    assert (f["lower_998"] <= f["lower_95"]).all() and (f["upper_95"] <= f["upper_998"]).all()
    assert ((f["lower_95"] <= 2.0) & (2.0 <= f["upper_95"])).all()
    assert (f["lower_95"] >= 0).all()
    # large denominators approach the normal approximation
    big = f.iloc[-1]
    half_width = 1.959964 * np.sqrt(centre * 1_000_000) / 1_000_000 * 1000
    assert big["upper_95"] - 2.0 == pytest.approx(half_width, rel=0.02)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=20, max_value=500_000), st.floats(min_value=1e-4, max_value=0.05))
def test_a_point_at_the_centre_is_inside(denominator, centre):
    expected = centre * denominator
    f = stats.funnel_limits([denominator], centre).iloc[0]
    tol = 1e-12 * 1000 * centre  # the limit is computed as 1000 * (centre * d) / d
    assert f["lower_95"] - tol <= 1000 * centre <= f["upper_95"] + tol
    count = round(expected)
    if abs(count - expected) < 1e-9:
        assert stats.funnel_position(count, denominator, centre) == "inside_95"


def test_funnel_position_codes():
    centre, d = 0.002, 10_000  # expected 20
    assert stats.funnel_position(20, d, centre) == "inside_95"
    f = stats.funnel_limits([d], centre).iloc[0]
    just_above_95 = int(np.floor(f["upper_95"] * d / 1000)) + 1
    assert stats.funnel_position(just_above_95, d, centre) in ("between_95_998_above", "beyond_998_above")
    assert stats.funnel_position(100, d, centre) == "beyond_998_above"
    assert stats.funnel_position(0, d, centre) == "beyond_998_below"
    assert stats.funnel_position(11, d, centre) == "between_95_998_below"
    codes = stats.funnel_position([20, 100, 0], [d, d, d], centre)
    assert list(codes) == ["inside_95", "beyond_998_above", "beyond_998_below"]
    assert set(stats.FUNNEL_POSITIONS) == {"inside_95", "between_95_998_above", "between_95_998_below",
                                           "beyond_998_above", "beyond_998_below"}

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
    """Independent route: Garwood's chi-squared form through scipy.stats.chi2.ppf (the implementation goes
    through scipy.special, as scipy.stats does inside)."""
    from scipy.stats import chi2
    a = 1 - level
    low = chi2.ppf(a / 2, 2 * k) / 2 if k > 0 else 0.0
    high = chi2.ppf(1 - a / 2, 2 * k + 2) / 2
    return low, high


def test_the_quantiles_are_scipy_stats_bit_for_bit():
    """stats uses scipy.special directly (scipy.stats is slow to import); every quantile must be exactly what
    scipy.stats gives, over counts, levels and expected counts far wider than the data's."""
    import scipy.stats as sps
    q = np.array([0.001, 0.005, 0.025, 0.05, 0.5, 0.95, 0.975, 0.995, 0.999])
    df = np.arange(1, 4001, dtype=float)
    for level in q:
        assert np.array_equal(stats._chi2_ppf(level, df), sps.chi2.ppf(level, df))
        assert stats._special().ndtri(level) == sps.norm.ppf(level)
    mu = np.concatenate([np.geomspace(1e-3, 5e3, 4000), np.arange(0.5, 400.5, 0.5)])
    for level in q:
        assert np.array_equal(stats._poisson_ppf(level, mu), sps.poisson.ppf(level, mu))
    k = np.concatenate([np.arange(-3, 300, dtype=float), np.arange(-3, 300) + 0.5])
    for m in (0.01, 0.7, 3.0, 42.0, 250.0, 4000.0):
        assert np.array_equal(stats._poisson_cdf(k, m), sps.poisson.cdf(k, m))


def test_no_command_imports_scipy_stats():
    """The reason for the special functions: a build must not pay for importing scipy.stats."""
    import subprocess
    import sys
    code = ("import sys; from analysis import stats; stats.poisson_ci([0, 3, 88]); "
            "stats.funnel_limits([1000.0, 5000.0], 0.004); stats.adjusted_limits([1000.0], 0.004, 9.4); "
            "print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


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


# --- over-dispersion (Spiegelhalter 2005), recomputed from first principles ------------------------------

def _quantile_type7(values, p):
    """The p-quantile by linear interpolation between order statistics (Hyndman and Fan type 7), by hand."""
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = int(np.floor(h))
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def _phi_by_hand(counts, denominators):
    centre = sum(counts) / sum(denominators)
    z = [2 * (np.sqrt(k) - np.sqrt(centre * d)) for k, d in zip(counts, denominators)]  # sqrt-scale z-scores
    low, high = _quantile_type7(z, 0.1), _quantile_type7(z, 0.9)
    zw = [min(max(v, low), high) for v in z]
    return centre, sum(v * v for v in zw) / len(zw)


def test_dispersion_ratio_and_flags_recomputed_from_first_principles(fr):
    from scipy.stats import norm
    rated = fr[fr["rate_per_1000"].notna()]
    groups = list(rated.groupby(["source_id", "denominator_source"]))
    assert len(groups) == 3
    for _, group in groups:
        counts, denoms = list(group["count"]), list(group["denominator"])
        centre, phi = _phi_by_hand(counts, denoms)
        assert group["dispersion_ratio"].nunique() == 1
        assert group["dispersion_ratio"].iloc[0] == pytest.approx(phi, rel=1e-9)
        for row in group.itertuples():
            # the flag: the force's square-root z-score, deflated by sqrt(phi), against the normal quantiles,
            # or the exact Poisson limits where those are wider
            if phi <= 1:  # no over-dispersion: the exact Poisson flag stands
                assert row.funnel_position_adjusted == row.funnel_position
                continue
            z = 2 * (np.sqrt(row.count) - np.sqrt(centre * row.denominator)) / np.sqrt(phi)
            exact = stats.funnel_limits([row.denominator], centre).iloc[0]
            above998 = z > norm.ppf(0.999) and row.rate_per_1000 > exact["upper_998"]
            below998 = z < -norm.ppf(0.999) and row.rate_per_1000 < exact["lower_998"]
            above95 = z > norm.ppf(0.975) and row.rate_per_1000 > exact["upper_95"]
            below95 = z < -norm.ppf(0.975) and row.rate_per_1000 < exact["lower_95"]
            expected = ("beyond_998_above" if above998 else "beyond_998_below" if below998 else
                        "between_95_998_above" if above95 else "between_95_998_below" if below95 else "inside_95")
            assert row.funnel_position_adjusted == expected, row.force


def test_pa2014_is_heavily_over_dispersed_and_few_forces_survive_the_adjustment(fr):
    pa = fr[(fr["source_id"] == "pa_socialmedia_2009-2014_2014-08") & fr["rate_per_1000"].notna()]
    _, phi = _phi_by_hand(list(pa["count"]), list(pa["denominator"]))
    assert phi > 5  # forces differ far more than chance allows: recording, not only conduct
    outside_exact = (pa["funnel_position"] != "inside_95").sum()
    outside_adjusted = (pa["funnel_position_adjusted"] != "inside_95").sum()
    assert outside_adjusted < outside_exact / 3
    only_exact = pa[(pa["funnel_position"] != "inside_95") & (pa["funnel_position_adjusted"] == "inside_95")]
    assert only_exact["note"].str.contains("not an outlier").all()


def test_no_over_dispersion_means_no_widening():
    rng_free_counts = [20, 40, 80, 160]  # exactly the pooled rate everywhere: phi = 0
    denoms = [1000, 2000, 4000, 8000]
    centre = sum(rng_free_counts) / sum(denoms)
    phi = stats.dispersion_ratio(rng_free_counts, denoms, centre)
    assert phi == pytest.approx(0)
    adj = stats.adjusted_limits(denoms, centre, phi)
    exact = stats.funnel_limits(denoms, centre)
    np.testing.assert_allclose(adj["upper_998_adjusted"], exact["upper_998"])


def test_between_variance_matches_the_dersimonian_laird_formula():
    counts, denoms = [5, 30, 12, 60, 3], [2000, 5000, 4000, 9000, 2500]
    centre, phi = _phi_by_hand(counts, denoms)
    w = [4 * d for d in denoms]
    expected = max(0.0, (len(w) * phi - (len(w) - 1)) / (sum(w) - sum(x * x for x in w) / sum(w)))
    assert stats.between_variance(counts, denoms, centre) == pytest.approx(expected)

"""Rates, exact Poisson intervals and funnel-plot limits (scipy's special functions, the very ones scipy.stats
calls for the chi-squared and Poisson quantiles and the normal quantile; tests/test_stats.py checks every value
against scipy.stats bit for bit; nothing approximated by hand).

Conventions used throughout:
- a *rate* passed between functions is events per person (count / denominator); functions whose name
  says `per_1000` return events per 1,000 people;
- denominators (workforce headcounts) are treated as known constants: the only uncertainty modelled is
  the Poisson variation of the count;
- every function takes scalars or array-likes and returns the same shape (floats, or numpy arrays).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

PER = 1000.0


def _special():
    """scipy.special, imported when an interval or a limit is first computed. Not scipy.stats: importing it takes
    about a third of a second (it formats the docstrings of a hundred distributions), which every build paid."""
    from scipy import special
    return special


def _chi2_ppf(q, df):
    """scipy.stats.chi2.ppf(q, df) for 0 < q < 1 and df > 0 (scipy computes it as 2 * gammaincinv(df / 2, q))."""
    return 2 * _special().gammaincinv(np.asarray(df, dtype=float) / 2, q)


def _poisson_cdf(k, mu):
    """scipy.stats.poisson.cdf(k, mu): P(X <= floor(k)), 0 below 0."""
    k = np.floor(np.asarray(k, dtype=float))
    with np.errstate(invalid="ignore"):
        return np.where(k < 0, 0.0, _special().pdtr(np.maximum(k, 0), mu))


def _poisson_ppf(q, mu):
    """scipy.stats.poisson.ppf(q, mu) for 0 < q < 1 and mu > 0: the smallest k with P(X <= k) >= q (found as
    scipy does, from the continuous inverse pdtrik and one step down)."""
    special = _special()
    upper = np.ceil(special.pdtrik(q, mu))
    lower = np.maximum(upper - 1, 0)
    return np.where(special.pdtr(lower, mu) >= q, lower, upper)

# funnel_position() codes, in the order a reader scans a funnel from top to bottom, with the wording
# figures and tables use. Machine codes, not sentences, so tables can be filtered and translated.
FUNNEL_POSITIONS = {
    "beyond_998_above": "above the 99.8% limit",
    "between_95_998_above": "above the 95% limit (inside 99.8%)",
    "inside_95": "inside the 95% limits",
    "between_95_998_below": "below the 95% limit (inside 99.8%)",
    "beyond_998_below": "below the 99.8% limit",
}


def _out(x):
    """Scalars back as float, arrays as numpy arrays."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def _counts(count) -> np.ndarray:
    k = np.asarray(count, dtype=float)
    finite = k[np.isfinite(k)]
    if (finite < 0).any() or (finite != np.round(finite)).any():
        raise ValueError(f"counts must be whole numbers >= 0, got {count!r}")
    return k


def _level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    return level


def poisson_ci(count, level: float = 0.95):
    """Exact (Garwood 1936) interval for a Poisson mean given an observed count.

    low = chi2.ppf(a/2, 2k) / 2 (0 when k = 0), high = chi2.ppf(1 - a/2, 2k + 2) / 2, a = 1 - level.
    Central and conservative: each tail has probability at most a/2. 95% for 0 events is (0, 3.689).
    """
    k = _counts(count)
    alpha = 1 - _level(level)
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, _chi2_ppf(alpha / 2, 2 * k) / 2, 0.0)
        high = _chi2_ppf(1 - alpha / 2, 2 * k + 2) / 2
    low = np.where(np.isnan(k), np.nan, low)
    return _out(low), _out(high)


def _denominators(denominator) -> np.ndarray:
    d = np.asarray(denominator, dtype=float)
    if (d[np.isfinite(d)] <= 0).any():
        raise ValueError(f"denominators must be > 0, got {denominator!r}")
    return d


def rate_per_1000(count, denominator):
    """Events per 1,000 people: 1000 * count / denominator."""
    return _out(PER * _counts(count) / _denominators(denominator))


def rate_ci_per_1000(count, denominator, level: float = 0.95):
    """Exact Poisson interval of the rate per 1,000 (Garwood limits of the count over the denominator)."""
    low, high = poisson_ci(count, level)
    d = _denominators(denominator)
    return _out(PER * np.asarray(low) / d), _out(PER * np.asarray(high) / d)


def annualise(rate, years):
    """A rate over a period of `years` as a rate per year (rate / years): assumes events spread evenly."""
    y = np.asarray(years, dtype=float)
    if (y[np.isfinite(y)] <= 0).any():
        raise ValueError(f"years must be > 0, got {years!r}")
    return _out(np.asarray(rate, dtype=float) / y)


# A span shorter than this many years is never turned into a yearly figure: a count over one month times twelve
# is not a year's count. Calendar years (0.999 years counted in days) are a year.
MIN_YEARS_TO_ANNUALISE = 0.95


def annualise_span(value, years):
    """annualise(value, years) for a span of about a year or more; NaN for a shorter span (never scaled up)."""
    y = float(years)
    if not np.isfinite(y) or y < MIN_YEARS_TO_ANNUALISE:
        return np.nan
    return annualise(value, y)


def years_between(start, end) -> float:
    """Length of [start, end] in years, both days included (days / 365.25): the `years` for annualise()."""
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    if days <= 0:
        raise ValueError(f"end {end} is before start {start}")
    return days / 365.25


def pooled_rate(counts, denominators) -> float:
    """The national centre line: sum(counts) / sum(denominators), events per person.

    Missing values raise: dropping a force silently would move the centre line.
    """
    k, d = _counts(counts), _denominators(denominators)
    if k.shape != d.shape:
        raise ValueError(f"counts {k.shape} and denominators {d.shape} differ in shape")
    if np.isnan(k).any() or np.isnan(d).any():
        raise ValueError("missing count or denominator: drop those forces explicitly before pooling")
    return float(k.sum() / d.sum())


def _poisson_limit(p: float, expected: np.ndarray) -> np.ndarray:
    """Spiegelhalter's (2005, Stat Med 24:1185, appendix) interpolated p-quantile of Poisson(expected).

    r = poisson.ppf(p, mu); the limit is r - a with a = (P(X <= r) - p) / (P(X <= r) - P(X <= r - 1)),
    so the limits run smoothly with the denominator instead of jumping in steps. Clipped at 0.
    """
    r = _poisson_ppf(p, expected)
    cdf_r = _poisson_cdf(r, expected)
    cdf_below = _poisson_cdf(r - 1, expected)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(cdf_r > cdf_below, (cdf_r - p) / (cdf_r - cdf_below), 0.0)
    return np.maximum(r - a, 0.0)


def _tag(level: float) -> str:
    """0.95 -> "95", 0.998 -> "998": column suffixes."""
    return f"{level * 100:g}".replace(".", "")


def funnel_limits(denominators, centre_rate: float, levels=(0.95, 0.998)) -> pd.DataFrame:
    """Exact Poisson funnel limits, as rates per 1,000, for each denominator.

    The expected count is centre_rate (events per person) * denominator; the limits are Spiegelhalter's
    interpolated Poisson quantiles at (1 - level)/2 and 1 - (1 - level)/2, divided by the denominator
    (chosen over plain step-wise ppf limits so the funnel is a smooth curve; within one step of the
    discrete quantile the upper limit can still wobble slightly for expected counts below ~30, so the
    funnel narrows overall, not at every point). Limits never cross the centre line.
    Columns: denominator, expected, centre_per_1000, then lower_<level>, upper_<level> per level
    (lower_95, upper_95, lower_998, upper_998 by default).
    """
    d = np.atleast_1d(_denominators(denominators)).astype(float)
    if not np.isfinite(centre_rate) or centre_rate < 0:
        raise ValueError(f"centre_rate must be a rate per person >= 0, got {centre_rate}")
    expected = centre_rate * d
    frame = pd.DataFrame({"denominator": d, "expected": expected, "centre_per_1000": PER * centre_rate})
    for level in levels:
        tail = (1 - _level(level)) / 2
        # Guard: for tiny expected counts (below -ln(1 - tail), 0.025 at 95%) the interpolated upper
        # limit falls below the expected count itself; no limit may cross the centre line.
        lower = np.minimum(_poisson_limit(tail, expected), expected)
        upper = np.maximum(_poisson_limit(1 - tail, expected), expected)
        frame[f"lower_{_tag(level)}"] = PER * lower / d
        frame[f"upper_{_tag(level)}"] = PER * upper / d
    return frame


def _position(count: float, denominator: float, centre_rate: float) -> str:
    limits = funnel_limits([denominator], centre_rate).iloc[0]
    rate = PER * count / denominator
    # A point on a limit line counts as inside it: the label then agrees with what the eye sees.
    if rate > limits["upper_998"]:
        return "beyond_998_above"
    if rate < limits["lower_998"]:
        return "beyond_998_below"
    if rate > limits["upper_95"]:
        return "between_95_998_above"
    if rate < limits["lower_95"]:
        return "between_95_998_below"
    return "inside_95"


def funnel_position(count, denominator, centre_rate: float):
    """Where a force sits on the funnel, as one code of FUNNEL_POSITIONS:

    inside_95, between_95_998_above, between_95_998_below, beyond_998_above, beyond_998_below.
    Decided with the same limits funnel_limits() draws (95% and 99.8%), so the label matches the plot;
    a point exactly on a limit, or at the centre, is inside. Arrays give an array of codes.
    """
    k, d = _counts(count), _denominators(denominator)
    if k.ndim == 0 and d.ndim == 0:
        return _position(float(k), float(d), centre_rate)
    k, d = np.broadcast_arrays(k, d)
    return np.array([_position(float(a), float(b), centre_rate) for a, b in zip(k.ravel(), d.ravel())],
                    dtype=object).reshape(k.shape)


# --------------------------------------------------------------------------------------------------
# Over-dispersion (Spiegelhalter 2005, "Handling over-dispersion of performance indicators", Qual Saf
# Health Care 14:347). When forces differ by more than Poisson chance allows (because they recorded
# differently, or for real), the exact limits flag far too many forces. The z-scores are computed on the
# square-root scale, which stabilises the Poisson variance (the CQC / Spiegelhalter route), winsorised at
# 10% and 90%, and their mean square is the dispersion ratio phi. With phi > 1 the limits are widened.

WINSOR = 0.10
Z_LEVELS = {"95": 0.95, "998": 0.998}


def sqrt_z_scores(count, denominator, centre_rate: float) -> np.ndarray:
    """z = (sqrt(k/d) - sqrt(c)) / s with s = 1 / (2 sqrt(d)), i.e. 2 (sqrt(k) - sqrt(c d))."""
    k, d = _counts(count), _denominators(denominator)
    return np.atleast_1d(2 * (np.sqrt(k) - np.sqrt(centre_rate * d))).astype(float)


def winsorise(z, fraction: float = WINSOR) -> np.ndarray:
    """Values below the `fraction` quantile set to it, above the 1 - `fraction` quantile set to it.

    Quantiles by linear interpolation between order statistics (numpy's default, R's type 7, as used by
    FunnelPlotR's winsorisation)."""
    z = np.asarray(z, dtype=float)
    low, high = np.quantile(z, [fraction, 1 - fraction])
    return np.clip(z, low, high)


def dispersion_ratio(count, denominator, centre_rate: float, fraction: float = WINSOR) -> float:
    """phi = sum(z_w ** 2) / n over the winsorised square-root z-scores; about 1 when only chance varies."""
    z = winsorise(sqrt_z_scores(count, denominator, centre_rate), fraction)
    if len(z) < 2:
        raise ValueError("a dispersion ratio needs at least two forces")
    return float(np.sum(z ** 2) / len(z))


def between_variance(count, denominator, centre_rate: float, fraction: float = WINSOR) -> float:
    """tau^2 of the additive random-effects alternative (DerSimonian-Laird, as in the NHS SHMI):
    max(0, (n phi - (n - 1)) / (sum w - sum w^2 / sum w)), w = 1 / s^2 = 4 d, on the square-root scale."""
    d = np.atleast_1d(_denominators(denominator)).astype(float)
    n = len(d)
    phi = dispersion_ratio(count, denominator, centre_rate, fraction)
    w = 4 * d
    return float(max(0.0, (n * phi - (n - 1)) / (w.sum() - (w ** 2).sum() / w.sum())))


def adjusted_limits(denominators, centre_rate: float, phi: float) -> pd.DataFrame:
    """Funnel limits widened for over-dispersion, per 1,000: lower_/upper_95_adjusted, lower_/upper_998_adjusted.

    Multiplicative inflation on the square-root scale: (sqrt(c) +- z_p sqrt(phi) / (2 sqrt(d)))^2, the lower
    limit 0 where sqrt(c) - ... < 0. Only when phi > 1; an adjusted limit never lies inside the exact Poisson
    one (at tiny expected counts the normal approximation would be narrower than the exact limit)."""
    d = np.atleast_1d(_denominators(denominators)).astype(float)
    exact = funnel_limits(d, centre_rate)
    out = pd.DataFrame({"denominator": d})
    inflate = np.sqrt(max(phi, 1.0))
    root = np.sqrt(centre_rate)
    for tag, level in Z_LEVELS.items():
        z = _special().ndtri(1 - (1 - level) / 2)  # scipy.stats.norm.ppf
        half = z * inflate / (2 * np.sqrt(d))
        lower = PER * np.where(root - half > 0, (root - half) ** 2, 0.0)
        upper = PER * (root + half) ** 2
        out[f"lower_{tag}_adjusted"] = np.minimum(lower, exact[f"lower_{tag}"]) if phi > 1 else exact[f"lower_{tag}"]
        out[f"upper_{tag}_adjusted"] = np.maximum(upper, exact[f"upper_{tag}"]) if phi > 1 else exact[f"upper_{tag}"]
    return out


def position_from_limits(rate_per_1000, limits: pd.DataFrame, suffix: str = "") -> np.ndarray:
    """FUNNEL_POSITIONS codes of rates against the limit columns lower_95<suffix>, upper_95<suffix>, ...
    (a point on a line is inside it, as funnel_position)."""
    r = np.asarray(rate_per_1000, dtype=float)
    codes = np.full(r.shape, "inside_95", dtype=object)
    lo95, hi95 = limits[f"lower_95{suffix}"].to_numpy(), limits[f"upper_95{suffix}"].to_numpy()
    lo998, hi998 = limits[f"lower_998{suffix}"].to_numpy(), limits[f"upper_998{suffix}"].to_numpy()
    codes[r > hi95] = "between_95_998_above"
    codes[r < lo95] = "between_95_998_below"
    codes[r > hi998] = "beyond_998_above"
    codes[r < lo998] = "beyond_998_below"
    return codes

"""analysis.rates and analysis.outcomes_compare: denominators, intervals, annualisation, shares."""
import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import outcomes, outcomes_compare, rates, schemas, stats, workforce


def test_force_rates_csv_matches_a_fresh_computation(obs, wf, fr):
    fresh = schemas.FORCE_RATES.validate(rates.force_rates(obs, wf))
    assert list(fresh.columns) == list(fr.columns)
    pd.testing.assert_frame_equal(fresh.reset_index(drop=True), fr, check_exact=False, rtol=1e-9)


def test_one_row_per_study_force_and_denominator_and_every_force_listed(fr):
    assert not fr.duplicated(["source_id", "force", "denominator_source"]).any()
    n_forces = len(analysis.load("forces"))
    for _, group in fr.groupby(["source_id", "denominator_source"]):
        assert len(group) == n_forces  # gaps are rows, not absences


def test_every_interval_is_the_exact_poisson_interval_of_its_count(fr):
    rated = fr[fr["rate_per_1000"].notna()]
    assert len(rated) > 50
    low, high = stats.poisson_ci(rated["count"].to_numpy())
    d = rated["denominator"].to_numpy()
    np.testing.assert_allclose(rated["ci_low"], 1000 * low / d, rtol=1e-8)
    np.testing.assert_allclose(rated["ci_high"], 1000 * high / d, rtol=1e-8)
    np.testing.assert_allclose(rated["rate_per_1000"], 1000 * rated["count"] / d, rtol=1e-8)


def test_annualisation_divides_by_the_period_in_years(fr):
    rated = fr[fr["rate_per_1000"].notna()]
    years = [stats.years_between(s, e) for s, e in zip(rated["period_start"], rated["period_end"])]
    np.testing.assert_allclose(rated["period_years"], years, rtol=1e-8)
    np.testing.assert_allclose(rated["annual_rate_per_1000"], rated["rate_per_1000"] / rated["period_years"],
                               rtol=1e-8)
    pa = rated[rated["source_id"] == rates.PA2014]
    # 1 Jan 2009 to 17 Feb 2014, both days included
    assert pa["period_years"].iloc[0] == pytest.approx((pd.Timestamp("2014-02-17") - pd.Timestamp("2009-01-01")).days
                                                      / 365.25 + 1 / 365.25)


def test_annualise_known_values():
    assert stats.annualise(10.0, 5.0) == 2.0
    assert stats.annualise(0.0, 2.5) == 0.0
    with pytest.raises(ValueError):
        stats.annualise(1.0, 0)


def test_pa_denominator_is_all_paid_average_of_march_2009_to_2013(fr, wf):
    pa = fr[(fr["source_id"] == rates.PA2014) & fr["denominator"].notna()]
    assert len(pa) >= 40
    for row in pa.itertuples():
        values = [wf[(wf["force"] == row.force) & (wf["date"] == f"{y}-03-31") & (wf["worker_type"] == "all_paid")
                     & (wf["measure"] == "headcount")].sort_values("preference")["value"].iloc[0]
                  for y in range(2009, 2014)]
        assert row.denominator == pytest.approx(np.mean(values))
        assert "2009, 2010, 2011, 2012, 2013" in row.denominator_measure
        assert row.denominator_source == "official"


def test_a_study_counting_officers_gets_officers(wf):
    met = "Metropolitan Police Service"
    officers, text = workforce.average_denominator(wf, met, "2018-01-01", "2021-12-31", "officers")
    paid, _ = workforce.average_denominator(wf, met, "2018-01-01", "2021-12-31", "all_personnel")
    assert "police officers" in text and officers < paid


def test_force_series_matches_population_to_workforce(obs, wf):
    series = rates.force_series(obs, wf)
    for row in series[series["denominator"].notna()].itertuples():
        expected, _ = workforce.average_denominator(wf, rates.MET, row.start, row.end, row.population)
        assert row.denominator == pytest.approx(expected)
    officers = series[series["population"] == "officers"]
    assert officers["denominator_measure"].str.startswith("police officers").all()
    # Separate rows per study: LondonWorld's four years, not one joined line.
    lw = series[series["study"].str.startswith("LondonWorld")]
    assert sorted(lw["start"].str[:4]) == ["2018", "2019", "2020", "2021"]


def test_refusals_bounds_and_gaps_have_no_rate_and_say_why(fr):
    pa = fr[fr["source_id"] == rates.PA2014]
    refused = pa[pa["count_qualifier"] == "refused"]
    assert len(refused) == 4 and refused["rate_per_1000"].isna().all()
    assert refused["note"].str.contains("refused").all()
    gaps = pa[pa["count_qualifier"] == "missing"]
    assert gaps["count"].isna().all() and gaps["note"].str.contains("gap, not a zero").all()


def test_bbc_missing_forces_are_gaps_and_btp_has_no_invented_official_denominator(fr):
    bbc = fr[fr["source_id"] == rates.BBC_SDU]
    missing = set(bbc.loc[bbc["count_qualifier"] == "missing", "short_name"])
    assert {"Dyfed-Powys", "Gloucestershire", "Humberside", "Lancashire", "Lincolnshire"} <= missing
    btp = bbc[(bbc["force"] == "British Transport Police") & (bbc["denominator_source"] == "official")].iloc[0]
    assert np.isnan(btp["denominator"]) and np.isnan(btp["rate_per_1000"]) and btp["note"]


def test_centre_line_is_the_pooled_rate_of_the_forces_with_a_rate(fr):
    for _, group in fr[fr["rate_per_1000"].notna()].groupby(["source_id", "denominator_source"]):
        expected = 1000 * stats.pooled_rate(group["count"].to_numpy(), group["denominator"].to_numpy())
        assert group["centre_rate_per_1000"].nunique() == 1
        assert group["centre_rate_per_1000"].iloc[0] == pytest.approx(expected)
        positions = stats.funnel_position(group["count"].to_numpy(), group["denominator"].to_numpy(), expected / 1000)
        assert list(positions) == list(group["funnel_position"])


def test_denominator_disagreements_are_reported(fr):
    comp = rates.denominator_comparison(fr)
    flagged = comp[comp["differs_by_more_than_threshold"]]
    city = comp[comp["force"] == "City of London Police"].iloc[0]
    assert city["differs_by_more_than_threshold"]
    assert "Cheshire" in city["shares_study_denominator_with"]
    for row in flagged.itertuples():
        assert abs(row.study_denominator / row.official_denominator - 1) > rates.DENOMINATOR_DISAGREEMENT
        notes = fr[(fr["source_id"] == rates.BBC_SDU) & (fr["force"] == row.force)]["note"]
        assert notes.str.contains("times the official average headcount").all()


# --- outcomes on one scale -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shares(obs):
    return outcomes_compare.outcome_shares(obs)


def test_at_least_five_studies_with_bases(shares):
    shown = shares[shares["shown"]]
    assert shown["source_id"].nunique() >= 5
    assert shown["base"].gt(0).all()


def test_percents_stay_percents_and_counts_are_shares_of_the_named_base(shares, obs):
    shown = shares[shares["shown"] & (shares["outcome"] != outcomes_compare.NOT_BROKEN_DOWN)]
    pct = shown[shown["published_as"] == "percent"]
    assert (pct["share_percent"] == pct["value"]).all()
    cnt = shown[shown["published_as"] == "count"]
    np.testing.assert_allclose(cnt["share_percent"], 100 * cnt["value"] / cnt["base"])


def test_bars_add_to_100_and_groups_are_never_split(shares):
    shown = shares[shares["shown"]]
    for _, rows in shown.groupby("bar"):
        # 100 exactly, or more only where published percents were rounded (then nothing is left undivided)
        total = rows["share_percent"].sum()
        assert total == pytest.approx(100) or (total > 100 and rows.loc[
            rows["outcome"] == outcomes_compare.NOT_BROKEN_DOWN, "share_percent"].sum() == 0)
    pa14 = shown[shown["source_id"] == rates.PA2014]
    assert "dismissed+resigned_or_retired" in set(pa14["outcome"])
    assert "dismissed" not in set(pa14["outcome"])  # overlapping wording not stacked
    assert not shown.duplicated(["bar", "outcome"]).any()


def test_no_two_shown_categories_of_a_bar_overlap(shares):
    shown = shares[shares["shown"] & (shares["outcome"] != outcomes_compare.NOT_BROKEN_DOWN)]
    for _, rows in shown.groupby("bar"):
        parts = [c for o in rows["outcome"] for c in o.split("+")]
        assert len(parts) == len(set(parts))


def test_regimes_follow_the_vocabulary(shares):
    shown = shares[shares["shown"] & (shares["outcome"] != outcomes_compare.NOT_BROKEN_DOWN)]
    for row in shown.itertuples():
        regimes = {outcomes.regime(c) for c in row.outcome.split("+")}
        assert set(row.regime.split("+")) <= regimes
    assert "pre_2020" in set(shown["regime"])  # management advice/action shown as pre-2020 only


def test_home_office_context_is_proceedings_not_vocabulary(obs):
    ctx = outcomes_compare.proceedings_context(obs)
    assert set(ctx["measure"]) == set(outcomes_compare.PROCEEDINGS_MEASURES)
    assert not set(ctx["measure"]) & set(outcomes.VOCABULARY)
    assert ctx.loc[ctx["year"].str.contains("2023"), "percent"].notna().all()


# --- years ---------------------------------------------------------------------------------------------

def test_study_spans_annualise_and_mark_open_ends(obs):
    spans = rates.study_spans(obs)
    dated = spans[spans["count"].notna()]
    # Changed deliberately (figures-2): a span under about a year is never annualised (no yearly count).
    long = dated[dated["period_years"] >= stats.MIN_YEARS_TO_ANNUALISE]
    short = dated[dated["period_years"] < stats.MIN_YEARS_TO_ANNUALISE]
    np.testing.assert_allclose(long["annual_count"], long["count"] / long["period_years"])
    assert len(short) and short["annual_count"].isna().all()
    pa = spans[spans["source_id"] == rates.PA2014].iloc[0]
    assert pa["count"] == 828  # the figure most outlets agree on, not the lone 848
    open_ended = spans[spans["end"] == ""]
    assert (open_ended["end_kind"] == "open (no end stated)").all()
    since = spans[spans["end_kind"] == "to publication"]
    assert len(since) and (since["end"].str[:7] == since["published"].str[:7]).all()


def test_a_span_under_a_year_is_never_annualised_in_the_force_series(obs, wf):
    series = rates.force_series(obs, wf)
    short = series[series["period_years"] < stats.MIN_YEARS_TO_ANNUALISE]
    assert len(short)  # the IOPC's March 2021 figure for the Met (one month)
    assert short["annual_count"].isna().all() and short["annual_rate_per_1000"].isna().all()
    with_workforce = short[short["denominator"].notna()]
    assert len(with_workforce) and with_workforce["note"].str.contains("span under a year").all()
    longer = series[series["period_years"] >= stats.MIN_YEARS_TO_ANNUALISE]
    np.testing.assert_allclose(longer["annual_count"], longer["count"] / longer["period_years"])


@pytest.mark.parametrize("start,end,words", [("2025-02-10", "2025-02-12", "3 days"),
                                             ("2021-03-01", "2021-03-31", "one month"),
                                             ("2023-04-01", "2023-08-31", "5 months"),
                                             ("2018-01-01", "2018-12-31", "one year"),
                                             ("2022-04-01", "2023-03-31", "one year"),
                                             ("2009-01-01", "2014-02-17", "5.1 years")])
def test_period_words_never_say_zero_months(start, end, words):
    assert rates.period_words(stats.years_between(start, end)) == words

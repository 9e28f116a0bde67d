"""Headline findings about rates, recomputed from observations + workforce without analysis.rates."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

import analysis

PA = "pa_socialmedia_2009-2014_2014-08"
BBC = "bbcsdu_iopccasetoanswer_2018-2022_2022-02"
MET, GMP = "Metropolitan Police Service", "Greater Manchester Police"


def _pa_count(obs, force):
    rows = obs[(obs["source_id"] == PA) & (obs["force"] == force) & (obs["measure"] == "cases_investigated")
               & (obs["qualifier"] == "exact") & (obs["category"] == "")]
    assert rows["value"].nunique() == 1
    return rows["value"].iloc[0]


def _all_paid_average(force, first_year, last_year):
    wf = analysis.load("workforce")
    parts = ("officers", "staff", "pcso", "designated_officers")
    totals = []
    for year in range(first_year, last_year + 1):
        rows = wf[(wf["force"] == force) & (wf["date"] == f"{year}-03-31") & wf["worker_type"].isin(parts)
                  & (wf["measure"] == "headcount")]
        best = rows[rows["preference"] == rows.groupby("worker_type")["preference"].transform("min")]
        assert sorted(best["worker_type"]) == sorted(parts)
        totals.append(best["value"].sum())
    return float(np.mean(totals))


def _independent_rate(obs, force):
    return 1000 * _pa_count(obs, force) / _all_paid_average(force, 2009, 2013)


def test_met_and_gmp_pa2014_rates_agree_with_force_rates(obs, fr):
    for force in (MET, GMP):
        row = fr[(fr["source_id"] == PA) & (fr["force"] == force) & (fr["denominator_source"] == "official")].iloc[0]
        assert row["rate_per_1000"] == pytest.approx(_independent_rate(obs, force), rel=1e-9)


def test_met_below_gmp_iff_the_recomputation_says_so(obs, fr):
    pa = fr[(fr["source_id"] == PA) & (fr["denominator_source"] == "official")].set_index("force")
    recomputed_met_below = _independent_rate(obs, MET) < _independent_rate(obs, GMP)
    assert (pa.loc[MET, "rate_per_1000"] < pa.loc[GMP, "rate_per_1000"]) == recomputed_met_below
    # and the raw counts rank the other way round from what the rates say, if they do
    counts_met_below = _pa_count(obs, MET) < _pa_count(obs, GMP)
    assert counts_met_below == (pa.loc[MET, "count"] < pa.loc[GMP, "count"])


def test_met_interval_recomputed_with_scipy(obs, fr):
    k = _pa_count(obs, MET)
    d = _all_paid_average(MET, 2009, 2013)
    low = sps.chi2.ppf(0.025, 2 * k) / 2
    high = sps.chi2.ppf(0.975, 2 * k + 2) / 2
    row = fr[(fr["source_id"] == PA) & (fr["force"] == MET)].iloc[0]
    assert row["ci_low"] == pytest.approx(1000 * low / d, rel=1e-8)
    assert row["ci_high"] == pytest.approx(1000 * high / d, rel=1e-8)


def test_every_published_bbc_rate_is_reproduced_from_its_own_figures(obs, fr):
    bbc = obs[(obs["source_id"] == BBC) & (obs["area_kind"] == "force")]
    published = bbc[bbc["unit"] == "rate_per_1000"]
    assert len(published) >= 10
    for row in published.itertuples():
        count = bbc[(bbc["force"] == row.force) & (bbc["measure"] == "people_with_case_to_answer")
                    & (bbc["population"] == "all_personnel") & (bbc["unit"] == "count")]["value"].iloc[0]
        size = bbc[(bbc["force"] == row.force) & (bbc["measure"] == "workforce")]["value"].iloc[0]
        assert round(count / size * 1000, 1) == row.value, row.force
        in_table = fr[(fr["source_id"] == BBC) & (fr["force"] == row.force) & (fr["denominator_source"] == "study's own")]
        assert in_table["reproduces_published"].iloc[0] == "yes"
        assert in_table["published_rate_per_1000"].iloc[0] == row.value


def test_north_wales_example_from_the_issue(obs, fr):
    row = fr[(fr["source_id"] == BBC) & (fr["force"] == "North Wales Police")
             & (fr["denominator_source"] == "study's own")].iloc[0]
    assert round(row["rate_per_1000"], 1) == row["published_rate_per_1000"]
    assert row["count"] / row["denominator"] * 1000 == pytest.approx(row["rate_per_1000"])


def test_city_of_london_bbc_denominator_equals_cheshires_and_is_far_from_official(obs, fr):
    bbc = obs[(obs["source_id"] == BBC) & (obs["measure"] == "workforce")].set_index("force")["value"]
    same = bbc.loc["City of London Police"] == bbc.loc["Cheshire Constabulary"]
    official = fr[(fr["source_id"] == BBC) & (fr["denominator_source"] == "official")].set_index("force")["denominator"]
    far = abs(bbc.loc["City of London Police"] / official.loc["City of London Police"] - 1) > 0.10
    notes = fr[(fr["source_id"] == BBC) & (fr["force"] == "City of London Police")]["note"]
    assert notes.str.contains("Cheshire").all() == (same and far)

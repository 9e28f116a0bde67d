"""quality.py: disagreements, totals that do not add up, rank claims."""
import math

import pandas as pd
import pytest

import analysis
from analysis import quality

PA = "pa_socialmedia_2009-2014_2014-08"


def _row(**kw):
    base = {"source_id": "s", "force": "Kent Police", "force_code": "E23000032", "area_kind": "force",
            "period_start": "2009-01-01", "period_end": "2014-02-17", "population": "unknown",
            "measure": "cases_investigated", "outcome": "", "category": "", "unit": "count", "value": 55.0,
            "qualifier": "exact", "value_low": 55.0, "value_high": 55.0, "raw_value": "55", "outlet": "A",
            "source_locator": "figures.csv line 2"}
    base.update(kw)
    return base


def test_compatible_wordings_are_not_a_conflict():
    obs = pd.DataFrame([_row(), _row(value=50.0, qualifier="more_than", value_low=51.0, value_high=math.inf,
                                     raw_value="more than 50", outlet="B")])
    d = quality.disagreements(obs)
    assert len(d) == 1 and bool(d["compatible"].iloc[0])
    assert quality.force_values(obs, "s")["value"].tolist() == [55.0]


def test_two_exact_values_raise_rather_than_being_chosen():
    obs = pd.DataFrame([_row(), _row(value=56.0, value_low=56.0, value_high=56.0, outlet="B")])
    with pytest.raises(quality.DisagreementError, match="Kent Police"):
        quality.force_values(obs, "s")


def test_consensus_tie_raises():
    rows = pd.DataFrame({"value": [1.0, 2.0], "outlet": ["A", "B"]})
    with pytest.raises(quality.DisagreementError, match="evenly"):
        quality.consensus(rows, "x")


def test_pa_totals_that_do_not_add_up():
    obs = analysis.load("observations")
    subjects = quality.subjects_check(obs, PA).iloc[0]
    parts = obs[(obs["source_id"] == PA) & (obs["measure"] == "subjects") & (obs["outlet"] == "Wired UK")]
    assert subjects["sum_of_parts"] == parts["value"].sum()
    assert subjects["published_total"] - subjects["sum_of_parts"] == subjects["difference"] > 0
    forces = quality.forces_sum_check(obs, PA).iloc[0]
    found = quality.force_values(obs, PA)
    assert forces["forces_with_a_figure"] == (found["qualifier"] == "exact").sum()
    assert forces["sum_of_force_figures"] < forces["published_total"]


def test_rank_claims_are_checked_against_counts():
    obs = analysis.load("observations")
    claims = quality.rank_claims(obs, PA)
    kent = claims[claims["force"] == "Kent Police"].iloc[0]
    # Kent's own 55 sits below GMP 88, West Midlands 74 and the Met 69, so "third highest" cannot hold.
    assert kent["claimed_rank"] == 3 and not kent["consistent"]


def test_with_gaps_lists_every_territorial_force():
    obs = analysis.load("observations")
    grid = quality.with_gaps(quality.force_values(obs, PA))
    assert len(grid) == 43
    assert set(grid["status"]) == {"figure", "refused", "no figure found"}
    assert grid.loc[grid["status"] == "no figure found", "value"].isna().all()


def test_a_regional_total_repeated_by_outlets_is_never_the_national_figure(obs):
    """More outlets giving 'Yorkshire's four forces' 117 than give 828: only a country counts."""
    from analysis import quality
    pa = "pa_socialmedia_2009-2014_2014-08"
    region = obs[(obs["source_id"] == pa) & (obs["force"] == "Yorkshire's four forces")
                 & (obs["measure"] == "cases_investigated")].head(1)
    national = obs[(obs["source_id"] == pa) & (obs["area_kind"] == "country_group")
                   & (obs["measure"] == "cases_investigated") & (obs["value"] == 828)]
    extra = pd.concat([region.assign(outlet=f"Synthetic Test Outlet {i}") for i in range(national["outlet"].nunique() + 1)])
    both = pd.concat([obs, extra], ignore_index=True)
    assert quality.national_value(both, pa, "cases_investigated") == 828

"""The headline figures of the 2014 reporting, recomputed from data/processed (not from quality.py)."""
import pandas as pd
import pytest

import analysis

PA = "pa_socialmedia_2009-2014_2014-08"


@pytest.fixture(scope="module")
def pa():
    obs = analysis.load("observations")
    return obs[obs["source_id"] == PA]


def _agreed(rows: pd.DataFrame) -> float:
    # The value carried by most outlets; every outlet's row is kept in the data.
    by_value = rows.groupby("value")["outlet"].nunique()
    assert by_value.max() >= 2, f"fewer than two outlets agree: {by_value.to_dict()}"
    return by_value.idxmax()


def test_828_cases_nationally(pa):
    national = pa[(pa["force"] == "England and Wales") & (pa["measure"] == "cases_investigated")
                  & (pa["qualifier"] == "exact")]
    assert _agreed(national) == 828
    assert (national["period_start"] == "2009-01-01").all() and (national["period_end"] == "2014-02-17").all()


def test_top_three_forces_are_gmp_west_midlands_met(pa):
    forces = pa[(pa["area_kind"] == "force") & (pa["measure"] == "cases_investigated") & (pa["qualifier"] == "exact")
                & (pa["category"] == "")]
    per_force = forces.groupby("force")["value"].max().sort_values(ascending=False)
    top = per_force.head(3)
    assert list(top.index) == ["Greater Manchester Police", "West Midlands Police", "Metropolitan Police Service"]
    assert list(top.values) == [88, 74, 69]
    assert per_force.iloc[3] < 69


@pytest.mark.parametrize("outcome, expected", [("dismissed+resigned_or_retired", 9), ("no_further_action", 14)])
def test_outcome_shares(pa, outcome, expected):
    rows = pa[(pa["measure"] == "outcome") & (pa["unit"] == "percent") & (pa["outcome"] == outcome)
              & (pa["force"] == "England and Wales")]
    assert _agreed(rows) == expected


def test_fourteen_percent_is_worded_two_ways(pa):
    # The Guardian's 14% includes "no case to answer"; Wired's does not: both are kept.
    fourteen = pa[(pa["unit"] == "percent") & (pa["value"] == 14)]
    assert {"no_further_action", "no_case_to_answer+no_further_action"} <= set(fourteen["outcome"])


def test_subjects_split_and_refusals(pa):
    subjects = pa[(pa["measure"] == "subjects") & (pa["force"] == "England and Wales")]
    split = {p: _agreed(g) for p, g in subjects.groupby("population")}
    assert split == {"officers": 548, "staff": 175, "pcso": 31}
    refused = set(pa.loc[pa["qualifier"] == "refused", "force"])
    assert refused == {"Essex Police", "Hampshire and Isle of Wight Constabulary", "Merseyside Police",
                       "Staffordshire Police"}

"""Coverage by force, study and period; the stated targets; the coverage log and its summary."""
import csv

import pandas as pd
import pytest

from analysis import coverage, forces, rates, sources, values
from analysis.paths import PROJ_ROOT
from conftest import pa_gap_force

N_FORCES = len(forces.registry())


def _sm_force_rows(obs):
    return obs[(obs["topic"] == "social_media") & (obs["area_kind"] == "force")]


# --- grid and periods -----------------------------------------------------------------------------------------

def test_the_grid_has_every_social_media_study_with_a_force_figure_and_every_force(obs):
    grid = coverage.coverage_grid(obs)
    assert list(grid.index) == list(forces.registry()["force"])
    assert list(grid.columns) == sorted(_sm_force_rows(obs)["source_id"].unique())  # nothing kept by hand
    pa = grid[rates.PA2014]
    assert pa["Greater Manchester Police"] == "figure" and pa["Essex Police"] == "refused"
    assert pd.isna(pa[pa_gap_force()])  # a gap, not a zero


def test_a_new_study_appears_in_the_grid_and_the_periods_without_hand_edits(obs):
    force = pa_gap_force()
    new = obs[obs["source_id"] == rates.PA2014].head(1).copy()
    new["source_id"], new["force"], new["qualifier"] = "synthetic_socialmedia_2023_2024-01", force, "approximately"
    new["period_start"], new["period_end"], new["unit"], new["area_kind"] = "2023-01-01", "2023-12-31", "count", "force"
    both = pd.concat([obs, new], ignore_index=True)
    assert coverage.coverage_grid(both).loc[force, "synthetic_socialmedia_2023_2024-01"] == "figure"
    before = coverage.force_periods(obs)
    after = coverage.coverage_by_period(both).set_index("period")
    assert after.loc["2022 onwards", "forces_with_a_figure"] == before["2022 onwards"].sum() \
        + (not before.loc[force, "2022 onwards"])
    assert after.loc["any period", "forces_with_a_figure"] == before.any(axis=1).sum() + (not before.loc[force].any())


@pytest.mark.parametrize("start, end, lo, hi, counts", [
    ("2009-01-01", "2014-02-17", None, "2013-12-31", True),            # PA 2014: five years before 2014
    ("2009-01-01", "2014-02-17", "2014-01-01", "2017-12-31", False),   # ... and only 48 days in 2014
    ("2017-01-01", "2022-08-31", "2022-01-01", None, True),            # eight months of 2022
    ("2015-04-01", "2015-06-30", "2014-01-01", "2017-12-31", True),    # a quarter, wholly inside
    ("2015-04-01", "2015-06-30", "2018-01-01", "2021-12-31", False),
    ("2015-01-01", "", "2014-01-01", "2017-12-31", True),              # no end stated: where it starts
    ("2015-01-01", "", "2018-01-01", "2021-12-31", False),
])
def test_a_figure_counts_toward_a_period_it_overlaps_by_six_months(start, end, lo, hi, counts):
    assert coverage._period_of(start, end, lo, hi) is counts


def test_coverage_by_period_recomputed_independently(obs):
    rows = coverage.force_figures(obs)
    assert set(rows["unit"]) <= {"count", "percent", "rate_per_1000"}
    assert set(rows["qualifier"]) <= set(values.NUMBER_QUALIFIERS)
    out = coverage.coverage_by_period(obs).set_index("period")
    dated = rows[rows["period_start"] != ""]
    start = pd.to_datetime(dated["period_start"])
    end = pd.to_datetime(dated["period_end"].where(dated["period_end"] != "", dated["period_start"]))
    for label, lo, hi in coverage.PERIODS:
        lo_t = pd.Timestamp(lo) if lo else pd.Timestamp("1900-01-01")
        hi_t = pd.Timestamp(hi) if hi else pd.Timestamp("2100-12-31")
        overlap = (end.clip(upper=hi_t) - start.clip(lower=lo_t)).dt.days + 1
        inside = (start >= lo_t) & (end <= hi_t)
        forces_in = set(dated.loc[inside | (overlap >= 183), "force"])
        assert out.loc[label, "forces_with_a_figure"] == len(forces_in), label
    undated = set(rows.loc[rows["period_start"] == "", "force"])
    assert out.loc[coverage.NO_PERIOD, "forces_with_a_figure"] == len(undated)
    assert out.loc["any period", "forces_with_a_figure"] == rows["force"].nunique()
    assert (out["of_forces"] == N_FORCES).all()
    # Greater Manchester's PA 2014 figure counts before 2014; Dyfed-Powys's 2022-2025 reply from 2022
    assert "Greater Manchester" not in out.loc["before 2014", "forces_without"]
    assert "Dyfed-Powys" not in out.loc["2022 onwards", "forces_without"]


def test_study_spans_list_every_study_with_a_dated_figure(obs):
    spans = rates.study_spans(obs)
    dated = set(obs.loc[obs["period_start"] != "", "source_id"])
    assert set(spans["source_id"]) == dated


# --- targets --------------------------------------------------------------------------------------------------

def test_targets_are_computed_from_the_data_and_not_faked(obs):
    t = coverage.coverage_targets(obs).set_index("target")
    with_figure = _sm_force_rows(obs)
    with_figure = with_figure[with_figure["unit"].isin(["count", "percent", "rate_per_1000"])
                              & with_figure["qualifier"].isin(values.NUMBER_QUALIFIERS)]
    n = with_figure["force"].nunique()
    row = t.loc["forces with at least one social-media figure"]
    assert (row["value"], row["required"], row["of"], bool(row["met"])) == (n, 40, N_FORCES, n >= 40)
    sm = [e for e in sources.manifest() if e["topic"] == "social_media"]
    recent = [e for e in sm if str(e["published"])[:4].isdigit() and int(str(e["published"])[:4]) >= 2022
              and e["id"] in set(obs["source_id"])]
    assert t.loc["social-media studies or reports dated 2022 or later", "value"] == len(recent)
    assert t.loc["social-media sources in all", "value"] == len(sm)
    assert bool(t.loc["social-media sources in all", "met"]) is (len(sm) >= 30)
    short = t.loc["forces short of a figure with a logged search"]
    assert short["required"] == N_FORCES - n


def test_the_forces_target_is_met_only_by_figures(obs):
    """Forty forces with a figure meet it; forty refusals do not."""
    reg = list(forces.registry()["force"])
    base = obs[obs["source_id"] == rates.PA2014].head(1)
    extra = pd.concat([base.assign(force=f, area_kind="force", unit="count", qualifier=q, topic="social_media")
                       for f in reg[:40] for q in ["refused"]], ignore_index=True)
    refused_only = coverage.coverage_targets(extra).set_index("target")
    assert refused_only.loc["forces with at least one social-media figure", "value"] == 0
    figures = extra.assign(qualifier="exact")
    assert bool(coverage.coverage_targets(figures).set_index("target").loc[
        "forces with at least one social-media figure", "met"])


# --- the coverage log -----------------------------------------------------------------------------------------

def test_the_log_has_the_research_helpers_header_exactly():
    with open(coverage.COVERAGE_LOG, encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["searched_for", "query", "corpus", "result", "candidate_url",
                                        "candidate_title", "decision", "source_id", "reason"]


def test_every_force_has_at_least_one_log_row_and_added_rows_name_real_sources():
    log = coverage.read_log()
    assert set(forces.registry()["force"]) <= set(log["searched_for"])
    ids = {e["id"] for e in sources.manifest()}
    added = log[log["decision"] == "added"]
    assert len(added) and set(added["source_id"]) <= ids


def test_the_summary_in_coverage_log_md_is_in_step():
    text = coverage.COVERAGE_MD.read_text(encoding="utf-8")
    assert coverage.GENERATED in text
    assert text.split(coverage.GENERATED, 1)[1] == coverage.render_summary(coverage.read_log()).split(
        coverage.GENERATED, 1)[1], "run `python -m analysis coverage-log`"


def _log(tmp_path, *rows):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "coverage_log.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(coverage.LOG_COLUMNS)
        w.writerows(rows)
    return path


GOOD = ["Kent Police", "Kent Police social media FOI", "pages", "nothing_relevant", "", "", "", "", ""]


@pytest.mark.parametrize("change, message", [
    ({0: "Kent"}, r"searched_for 'Kent' is not a force name of forces.csv or 'national'; did you mean 'Kent Police'"),
    ({0: "Police Scotland"}, "searched_for 'Police Scotland' is not a force name"),
    ({3: "found"}, "result 'found' is not one of"),
    ({6: "maybe"}, "decision 'maybe' is not one of"),
    ({6: "added", 4: "https://example.org/a", 7: "synthetic_socialmedia_2023_2024-01"},
     "decision=added but source_id 'synthetic_socialmedia_2023_2024-01' is not in sources.yml"),
    ({6: "added", 4: "https://example.org/a"}, "decision=added but source_id '' is not in sources.yml"),
    ({6: "left_out"}, "no candidate_url, candidate_title or source_id"),
    ({1: ""}, "empty query"),
])
def test_bad_log_rows_are_refused_naming_the_line(tmp_path, change, message):
    row = list(GOOD)
    for i, v in change.items():
        row[i] = v
    path = _log(tmp_path, GOOD, row)
    with pytest.raises(coverage.CoverageLogError, match=message) as err:
        coverage.read_log(path)
    assert f"{path} line 3" in str(err.value)


def test_a_log_with_another_header_is_refused(tmp_path):
    path = tmp_path / "coverage_log.csv"
    path.write_text("force,query\nKent Police,x\n", encoding="utf-8")
    with pytest.raises(coverage.CoverageLogError, match="line 1: expected columns"):
        coverage.read_log(path)


def test_the_coverage_log_command_rewrites_only_the_generated_part(tmp_path, monkeypatch):
    from analysis.__main__ import main
    md = tmp_path / "coverage_log.md"
    md.write_text("# hand-written\n\n" + coverage.GENERATED + "\nstale\n", encoding="utf-8")
    monkeypatch.setattr(coverage, "COVERAGE_MD", md)
    assert main(["coverage-log"]) == 0
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# hand-written\n\n" + coverage.GENERATED) and "stale" not in text
    assert "### Gloucestershire Constabulary" in text and "| Gloucestershire |" in text




# --- outcomes: every study's outcome figures are on the chart or listed with the reason -----------------------

def test_every_study_with_outcome_figures_is_on_the_scale_or_listed(obs):
    from analysis import outcomes_compare
    on_chart = set(outcomes_compare.outcome_shares(obs)["source_id"])
    listed = outcomes_compare.studies_not_on_the_scale(obs)
    assert set(obs.loc[obs["measure"] == "outcome", "source_id"]) == on_chart | set(listed["source_id"])
    assert not on_chart & set(listed["source_id"])
    assert listed["reason"].str.len().gt(0).all()
    yp = listed[listed["source_id"] == "yorkpress_socialmedia_2014-2016_undated"].iloc[0]
    assert yp["possible_bases"] == "14 complaints (figures.csv line 2)" and yp["reason"].startswith("one possible")


def test_a_new_study_with_outcomes_is_listed_without_hand_edits(obs):
    from analysis import outcomes_compare
    new = obs[(obs["source_id"] == "westmercia_socialmedia_2018-2021_2021-12")].copy()
    new["source_id"] = "synthetic_socialmedia_2018-2021_2021-12"
    listed = outcomes_compare.studies_not_on_the_scale(pd.concat([obs, new], ignore_index=True))
    assert "synthetic_socialmedia_2018-2021_2021-12" in set(listed["source_id"])


def test_study_labels_need_no_list_of_studies():
    """A force's own all-misconduct reply is labelled as such (the force also answers on social media); other
    studies carry publisher and year only; every source gets a label."""
    for entry in sources.manifest():
        label = rates.study_label(entry["id"])
        by_force = rates._is_force(entry["publisher"])
        assert label.endswith("(all misconduct)") is (entry["topic"] == "all_misconduct" and by_force), label
    assert rates.study_label("met_allmisconduct_2015-2021_2022-10_01.foi.22.026275") == "Met FOI 2022 (all misconduct)"
    assert rates.study_label("met_socialmedia_2017-2022_2022-11_01.foi.22.026570") == "Met FOI 2022"


def test_appending_a_research_log_is_all_or_nothing(tmp_path):
    log = tmp_path / "coverage_log.csv"
    log.write_bytes(coverage.COVERAGE_LOG.read_bytes())
    good = _log(tmp_path / "good", GOOD)
    bad = _log(tmp_path / "bad", GOOD, ["national", "x", "pages", "found_figure", "", "", "added", "", "a query row"])
    assert coverage.append_logs([good], log) == 1
    after_good = log.read_text(encoding="utf-8")
    with pytest.raises(coverage.CoverageLogError, match="decision added for a candidate with no candidate_url"):
        coverage.append_logs([bad], log)
    assert log.read_text(encoding="utf-8") == after_good

"""Approximate values are shown as approximate, never as missing ("around 18" is a count with qualifier
approximately in every consumer). Built in a copy of data/raw with the SYNTHETIC files of tests/synthetic/."""
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.colors import to_rgba

from analysis import figures, outcomes_compare, quality, rates, sources, stats, tables, timelines, values

matplotlib.use("Agg")
from conftest import pa_gap_force, synthetic_file

SYNTHETIC = Path(__file__).parent / "synthetic"
SYNTH_ID = "synthetic_socialmedia_2009-2014_2014-08"
WILTS = pa_gap_force()  # Wiltshire while PA 2014 has no figure for it


@pytest.fixture(scope="module")
def built(module_project):
    """The project's raw layer plus (a) a SYNTHETIC study whose only figure is 'around 18' and (b) the same
    wording as a further outlet's report of PA 2014; then a full build."""
    from analysis import paths
    from analysis.pipeline import rebuild
    from analysis.additions import add_outlet_file
    folder = paths.RAW_DIR / SYNTH_ID
    folder.mkdir()
    shutil.copyfile(synthetic_file("figures_syntheticapprox.csv", module_project / "staging", WILTS),
                    folder / "figures.csv")
    entry = {"id": SYNTH_ID, "title": "SYNTHETIC test study (not a publication)", "publisher": "Synthetic Test Outlet",
             "url": "https://example.org/synthetic-test-only", "published": "2014-08-19",
             "obtained": "SYNTHETIC: written for tests", "licence": "none: synthetic", "topic": "social_media",
             "covers": {"geography": "Wiltshire", "population": "unknown", "period": "2009 to Feb 2014",
                        "definition": "synthetic"},
             "caveats": ["SYNTHETIC"],
             "files": [{"path": "figures.csv", "sha256": sources.sha256(folder / "figures.csv")}]}
    text = paths.SOURCES_YML.read_text(encoding="utf-8")
    paths.SOURCES_YML.write_text(text + yaml.safe_dump([entry], sort_keys=False), encoding="utf-8")
    sources._read_manifest.cache_clear()
    add_outlet_file(rates.PA2014, module_project / "staging" / "figures_syntheticapprox.csv", rebuild=False)
    rebuild(out_dir=paths.PROCESSED_DIR)
    return {name: tables.read_csv(paths.PROCESSED_DIR / f"{name}.csv",
                                  numeric_columns=("value", "value_low", "value_high", "count", "denominator",
                                                   "rate_per_1000"))
            for name in ("observations", "force_rates")}


def test_around_18_is_a_count_with_qualifier_approximately(built):
    obs = built["observations"]
    row = obs[obs["source_id"] == SYNTH_ID].iloc[0]
    assert (row["value"], row["qualifier"], row["raw_value"]) == (18, "approximately", "around 18")


def test_study_spans_show_an_approximate_count_not_no_dated_count(built):
    spans = rates.study_spans(built["observations"]).set_index("source_id")
    mine = spans.loc[SYNTH_ID]
    assert (mine["count"], mine["count_qualifier"], mine["count_as_published"]) == (18, "approximately", "around 18")
    assert mine["annual_count"] == pytest.approx(18 / stats.years_between("2009-01-01", "2014-02-17"))
    # the PA headline stays its exact 828: an exact count always wins
    assert (spans.loc[rates.PA2014, "count"], spans.loc[rates.PA2014, "count_qualifier"]) == (828, "exact")
    # Changed deliberately (figures-2): the spans chart fits one page, so a single-force study is a bar in its
    # force's row and its words are in the figure's data file; the bar is drawn as a study with a count (solid),
    # never as one without (outline).
    data = timelines.spans_data(spans.reset_index()).set_index("source_id")
    per_year = f"about {round(18 / stats.years_between('2009-01-01', '2014-02-17')):,.0f} a year"
    words = data.loc[SYNTH_ID, "words"]
    assert "about 18 cases investigated" in words and per_year in words, words
    assert data.loc[SYNTH_ID, "panel"] == timelines.SINGLE
    fig = timelines.spans_chart(spans.reset_index())
    y = data.loc[SYNTH_ID, "y"]
    bars = [b for b in fig.axes[1].patches if abs(b.get_y() + b.get_height() / 2 - y) < 1e-6]
    matplotlib.pyplot.close(fig)
    assert len(bars) >= 1 and any(np.allclose(b.get_facecolor(), to_rgba(figures.DARK_BLUE)) for b in bars)


def test_gaps_tables_show_it_as_a_figure_with_its_words(built):
    gaps = quality.with_gaps(quality.force_values(built["observations"], SYNTH_ID)).set_index("force")
    assert (gaps.loc[WILTS, "status"], gaps.loc[WILTS, "value_words"]) == ("figure", "about 18")
    assert set(gaps.loc[gaps.index != WILTS, "value_words"]) == {"no figure found"}


def test_force_rates_keep_the_approximate_count_and_say_why_there_is_no_rate(built):
    fr = built["force_rates"]
    row = fr[(fr["source_id"] == rates.PA2014) & (fr["force"] == WILTS)
             & (fr["denominator_source"] == "official")].iloc[0]
    assert (row["count"], row["count_qualifier"]) == (18, "approximately")
    assert np.isnan(row["rate_per_1000"])
    assert "approximate figure was published ('around 18')" in row["note"]


def test_real_studies_whose_only_count_is_a_bound_show_it(obs):
    spans = rates.study_spans(obs).set_index("source_id")
    assert spans.loc["telegraph_socialmedia_2017-2022_undated", "count_as_published"] == "at least 921"
    assert spans.loc["chad_socialmedia_2009-2014_undated", "count_qualifier"] == "at_least"
    # every study with a dated headline-measure count of any kind shows one
    has = obs[obs["measure"].isin(rates.HEADLINE_MEASURES) & (obs["unit"] == "count") & (obs["category"] == "")
              & obs["qualifier"].isin(values.NUMBER_QUALIFIERS) & obs["value"].notna() & (obs["period_start"] != "")]
    assert spans.loc[sorted(set(has["source_id"])), "count"].notna().all()


def test_outcome_shares_show_an_approximate_outcome_marked_approximate(obs):
    changed = obs.copy()
    row = (changed["source_id"] == "met_socialmedia_2009-2013_2013-04") & (changed["raw_value"] == "18") \
        & (changed["measure"] == "outcome")
    assert row.sum() == 1
    changed.loc[row, "qualifier"] = "approximately"
    shares = outcomes_compare.outcome_shares(changed)
    mine = shares[(shares["source_id"] == "met_socialmedia_2009-2013_2013-04")
                  & (shares["source_locator"] == changed.loc[row, "source_locator"].iloc[0])].iloc[0]
    assert mine["shown"] and mine["qualifier"] == "approximately" and mine["share_percent"] == pytest.approx(24)
    bar = shares[shares["bar"] == mine["bar"]]
    assert bar.loc[bar["outcome"] == outcomes_compare.NOT_BROKEN_DOWN, "qualifier"].tolist() == ["approximately"]
    before = outcomes_compare.outcome_shares(obs)
    assert set(before.loc[before["shown"], "qualifier"]) == {"exact"}  # no approximate outcome in the data yet
    bounds = before[before["reason"].str.startswith("a bound")]
    assert len(bounds) and not bounds["shown"].any()  # "More than 70" stays out: a bound, not a figure


def test_met_series_keeps_an_approximate_figure_without_a_rate(obs, wf):
    extra = obs[(obs["source_id"] == "londonworld_socialmedia_2018-2021_2022-01")
                & (obs["force"] == rates.MET) & (obs["period_start"] != "")].iloc[[0]].copy()
    extra["qualifier"], extra["raw_value"], extra["value"] = "approximately", "around 15", 15.0
    extra["period_start"], extra["period_end"] = "2019-06-01", "2019-06-30"
    series = rates.force_series(pd.concat([obs, extra], ignore_index=True), wf)
    mine = series[series["start"] == "2019-06-01"].iloc[0]
    assert mine["count"] == 15 and np.isnan(mine["annual_rate_per_1000"])
    assert "approximate figure ('around 15')" in mine["note"]


def test_qualified_words():
    assert values.qualified_words(18, "approximately") == "about 18"
    assert values.qualified_words(921, "at_least") == "at least 921"
    assert values.qualified_words(1051, "exact") == "1,051"
    assert values.qualified_words(float("nan"), "refused") == "refused"


def test_a_count_with_no_stated_end_is_printed_on_the_spans_chart(obs):
    spans = rates.study_spans(obs)
    telegraph = spans[spans["source_id"] == "telegraph_socialmedia_2017-2022_undated"].iloc[0]
    assert telegraph["end"] == "" and telegraph["count"] == 921
    fig = timelines.spans_chart(spans)
    texts = [" ".join(t.get_text().split()) for t in fig.axes[0].texts]
    matplotlib.pyplot.close(fig)
    # Changed deliberately (figures-2): people counted are named by who they were ("officers investigated").
    assert any(t.endswith("at least 921 officers investigated, no end stated") for t in texts), texts
    # "no dated total" only for studies that have no count at all (national rows print it; single-force rows
    # draw an outline bar and say it in the data file)
    data = timelines.spans_data(spans)
    national = data[data["panel"] == timelines.NATIONAL]
    assert sum(t == timelines.NO_COUNT for t in texts) == int(national["count"].isna().sum())
    assert (data["words"] == timelines.NO_COUNT).sum() == int(spans["count"].isna().sum())

"""analysis.profile(name): what is known about one force, checked against the processed tables."""
import re
import subprocess
import sys

import pytest

import analysis
from analysis import force_profile, forces, quality, rates, sources, stats


@pytest.fixture(scope="module")
def tables():
    return force_profile.load_tables()


@pytest.fixture(scope="module")
def every(tables):
    """The profile of every registry force, computed once for the tests that look at all of them."""
    return {force: force_profile.profile(force, tables) for force in forces.registry()["force"]}


def _forces_by_rows(obs):
    counts = obs.groupby("force").size()
    reg = forces.registry()["force"]
    return reg.map(counts).fillna(0).astype(int).set_axis(reg)


def test_any_spelling_gives_the_same_force(tables):
    for spelling in ("GMP", "Greater Manchester", "greater manchester police"):
        assert force_profile.profile(spelling, tables).force == "Greater Manchester Police"
    assert analysis.profile("Kent").force == "Kent Police"  # the package-level entry point


def test_not_a_force_raises_with_the_registry_error(tables):
    with pytest.raises(forces.UnknownForceError):
        force_profile.profile("Police Scotland", tables)


def test_every_published_figure_of_the_force_is_in_the_profile(every, obs):
    for force in forces.registry()["force"]:
        p = every[force]
        mine = obs[obs["force"] == force]
        assert len(p.figures) == len(mine)
        assert p.figures["source_locator"].tolist() == mine["source_locator"].tolist()
        assert p.n_figures == int((~mine["qualifier"].isin(force_profile.NO_FIGURE)).sum())
        assert set(p.figures["url"]) <= set(mine["url"])


def test_rates_are_the_force_rates_rows_and_funnels_the_rated_ones(tables, fr):
    for force in ("Kent Police", "Metropolitan Police Service", "British Transport Police"):
        p = force_profile.profile(force, tables)
        mine = fr[fr["force"] == force]
        keys = ["source_id", "denominator_source"]
        mine = p.rates[keys].merge(mine, on=keys, how="left", validate="one_to_one")
        assert len(mine) == int((fr["force"] == force).sum())
        assert p.rates["rate_per_1000"].equals(mine["rate_per_1000"])
        assert p.rates["funnel_position"].tolist() == mine["funnel_position"].tolist()
        topics = [sources.source(s)["topic"] for s in p.rates["source_id"]]
        assert topics == sorted(topics, key=lambda t: t != "social_media")  # the project's subject first
        assert len(p.funnels) == int(mine["rate_per_1000"].notna().sum())
        for funnel in p.funnels:
            whole = fr[(fr["source_id"] == funnel.source_id) & (fr["denominator_source"] == funnel.denominator_source)]
            assert len(funnel.rates) == len(whole)


def test_kent_headline_and_the_two_funnels_that_disagree(tables, obs, fr):
    """The issue's own example: Kent above the 99.8% Poisson limit in PA 2014, below the 95% limit for the BBC
    table. Each sentence leads with the position against the limits widened for over-dispersion (issue 8's rule:
    only a force outside them stands out) and gives the Poisson position only where it differs."""
    p = force_profile.profile("Kent", tables)
    pa = quality.force_values(obs, rates.PA2014)
    kent = pa[pa["force"] == "Kent Police"].iloc[0]
    head = p.headlines[p.headlines["source_id"] == rates.PA2014].iloc[0]
    assert (head["value"], head["qualifier"]) == (kent["value"], kent["qualifier"])
    assert kent["other_wordings"] in head["also_reported"]
    rated = fr[(fr["force"] == "Kent Police") & fr["rate_per_1000"].notna()]
    assert len(rated) >= 2
    for row in rated.itertuples():
        sentence = _sentence_of(p, row)
        assert f"{row.rate_per_1000:.1f} per 1,000" in sentence
        lead = sentence.split(": ", 1)[1]
        # recomputed here from the widened limits, not read from the position codes
        outside = not (row.lower_95_adjusted <= row.rate_per_1000 <= row.upper_95_adjusted)
        side = "low" if row.rate_per_1000 < row.lower_95_adjusted else "high"
        assert lead.startswith(f"Kent stands out as {side}" if outside else "Kent does not stand out"), sentence
        if outside:
            assert stats.FUNNEL_POSITIONS[row.funnel_position_adjusted] in lead.split(". ")[0]
        exact = stats.FUNNEL_POSITIONS[row.funnel_position]
        if row.funnel_position != row.funnel_position_adjusted:
            assert f"Against limits for chance alone it would be {exact}" in sentence
            assert f"{row.dispersion_ratio:.1f} times as much as chance allows" in sentence
    positions = set(rated["funnel_position_adjusted"])
    if len({c.split("_")[-1] if c != "inside_95" else "inside" for c in positions}) > 1:
        assert any("position differs between funnels" in s for s in p.compared)
    # the bottom line names each study once, social media first
    assert p.in_short == ("In short: once its size is allowed for, Kent "
                          + " and ".join(_verdict(rated[rated["source_id"] == sid].iloc[0]) + f" in {label}"
                                         for sid, label in _studies_in_order(rated)) + ".")


def _verdict(row) -> str:
    if row["lower_95_adjusted"] <= row["rate_per_1000"] <= row["upper_95_adjusted"]:
        return "does not stand out"
    return f"stands out as {'low' if row['rate_per_1000'] < row['lower_95_adjusted'] else 'high'}"


def _studies_in_order(rated):
    ids = sorted(set(rated["source_id"]), key=lambda sid: (sources.source(sid)["topic"] != "social_media",
                                                            rates.study_label(sid)))
    return [(sid, f"{rates.study_label(sid)} ({force_profile.TOPIC_WORDS[sources.source(sid)['topic']]})")
            for sid in ids]


def _sentence_of(p, row) -> str:
    """The sentence that compares the force on this row's funnel: the study's own sentence for this denominator,
    or the study's one sentence when both denominators give the same position (it then quotes both rates)."""
    label = rates.study_label(row.source_id)
    mine = [s for s in p.compared if s.startswith(label)]
    official = "with official headcounts" in " ".join(mine)
    if len(mine) == 1 and "With the study's own denominators the rate is" in mine[0]:
        if row.denominator_source != rates.OFFICIAL:
            assert f"With the study's own denominators the rate is {row.rate_per_1000:.1f} per 1,000" in mine[0]
        return mine[0]
    words = [s for s in mine if ("official" in s.split(":")[0]) == (row.denominator_source == rates.OFFICIAL)]
    assert len(words) == 1 and (official or row.denominator_source != rates.OFFICIAL), mine
    return words[0]


def test_no_force_inside_the_widened_limits_is_said_to_stand_out(every, fr):
    """Issue 8's rule on every page: a force is named as standing out only outside the widened limits, and each
    sentence counts the forces that stand out on its funnel as the chart flags them."""
    for force in forces.registry()["force"]:
        p = every[force]
        for row in p.rates[p.rates["rate_per_1000"].notna()].itertuples():
            sentence = _sentence_of(p, row)
            inside = row.lower_95_adjusted <= row.rate_per_1000 <= row.upper_95_adjusted
            assert ("does not stand out" in sentence) == inside, sentence
            funnel = fr[(fr["source_id"] == row.source_id) & (fr["denominator_source"] == row.denominator_source)
                        & fr["rate_per_1000"].notna()]
            n_out = int(((funnel["rate_per_1000"] < funnel["lower_95_adjusted"])
                         | (funnel["rate_per_1000"] > funnel["upper_95_adjusted"])).sum())
            assert row.forces_standing_out == n_out
            study = f"{row.study} ({force_profile.TOPIC_WORDS[sources.source(row.source_id)['topic']]})"
            assert study in p.in_short
            if row.denominator_source == rates.OFFICIAL or len(p.rates[p.rates["source_id"] == row.source_id]) == 1:
                before = p.in_short.split(study)[0]  # the verdict governing a study is the last one before it
                said = max(("does not stand out", "stands out as low", "stands out as high"), key=before.rfind)
                assert said == ("does not stand out" if inside else _verdict(row._asdict())), p.in_short


def test_refusals_are_the_refused_rows(tables, obs):
    refused = obs[obs["qualifier"].isin(force_profile.NO_FIGURE) & (obs["area_kind"] == "force")]
    assert len(refused), "the data have refusals to test with"
    for force, rows in refused.groupby("force"):
        p = force_profile.profile(force, tables)
        assert set(p.refusals["source_id"]) == set(rows["source_id"])
        said = p.in_short.split("It gave no figure to ")[1]  # the bottom line names every study refused
        assert all(rates.study_label(sid) in said for sid in set(rows["source_id"])), p.in_short
        assert all(p.short_name in s for s in p.missing[:len(set(rows["source_id"]))])


def test_every_study_is_either_a_source_of_the_force_or_says_why_not(tables, obs):
    studies = {e["id"] for e in sources.manifest() if e["topic"] in force_profile.STUDY_TOPICS}
    for force in ("Kent Police", "Essex Police", "North Wales Police"):
        p = force_profile.profile(force, tables)
        with_rows = set(obs.loc[obs["force"] == force, "source_id"])
        assert set(p.not_covered["source_id"]) == studies - with_rows
        assert (p.not_covered["why"].str.len() > 10).all()
        gaps = p.not_covered[p.not_covered["status"] == "gap"]
        for row in gaps.itertuples():  # a gap: the study has figures for at least two other forces
            rows = obs[(obs["source_id"] == row.source_id) & (obs["area_kind"] == "force")]
            figure = ~rows["qualifier"].isin(force_profile.NO_FIGURE)
            others = rows.loc[figure, "force"].nunique()  # a force that only refused gave no figure
            only_refused = rows["force"].nunique() - others
            assert others >= 2 and f"figures for {others} other forces" in row.why, row.why
            assert (f"({only_refused} more refused)" in row.why) == (only_refused > 0), row.why


def test_a_force_with_no_figure_gets_a_profile_that_says_so(tables, obs):
    by_rows = _forces_by_rows(obs)
    force = by_rows.idxmin()
    p = force_profile.profile(force, tables)
    assert len(p.figures) == by_rows.min()
    if by_rows.min() == 0:
        assert not p.has_figures
        assert p.known[0].startswith(f"No published figure for {force}")
        assert "no rate per 1,000 can be given" in p.compared[0]
    # Synthetic: the same force with every row removed must still give a profile, not an error.
    empty = force_profile.Tables(tables.observations[tables.observations["force"] != "Kent Police"],
                                 tables.force_rates[tables.force_rates["force"] != "Kent Police"],
                                 tables.cases, tables.workforce, "synthetic")
    p = force_profile.profile("Kent", empty)
    assert p.figures.empty and p.rates.empty and not p.funnels and not p.has_figures
    assert "No published figure for Kent Police" in p.known[0]


def test_caveats_and_sources_cover_every_study_cited(tables):
    p = force_profile.profile("Metropolitan Police Service", tables)
    assert set(p.figures["source_id"]) <= set(p.sources["source_id"])
    for sid in p.sources["source_id"]:
        entry = sources.source(sid)
        assert len(p.caveats[p.caveats["source_id"] == sid]) == len(entry["caveats"])
    named = p.caveats[p.caveats["mentions_force"]]
    assert named["caveat"].str.contains("Met|Metropolitan", regex=True).all()
    assert (p.sources["url"].str.match(r"^https?://")).all()
    assert p.data_version in p.citation


def test_sentences_quote_numbers_from_the_data(tables, obs):
    p = force_profile.profile("Greater Manchester Police", tables)
    valued = obs[(obs["force"] == "Greater Manchester Police") & ~obs["qualifier"].isin(force_profile.NO_FIGURE)]
    assert p.known[0].startswith(f"{len(valued)} published figures")
    for head in p.headlines.itertuples():
        assert any(f"{head.value:,.0f}" in s and head.study in s for s in p.known)


def test_slugs_are_unique_and_url_safe():
    slugs = [force_profile.slug(f) for f in forces.registry()["force"]]
    assert len(set(slugs)) == len(slugs) == forces.N_FORCES
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)


def test_import_analysis_and_profile_load_no_plotting_library():
    code = ("import sys, analysis; analysis.profile('Kent'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'seaborn')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    code = "import sys, analysis; print('matplotlib' in sys.modules, 'seaborn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_period_and_value_words():
    assert force_profile.value_words(55.0, "exact") == "55"
    assert force_profile.value_words(50.0, "more_than") == "more than 50"
    assert force_profile.value_words(float("nan"), "refused") == "refused"
    assert force_profile.period_words("2009-01-01", "2014-02-17") == "1 January 2009 to 17 February 2014"
    assert force_profile.period_words("", "", "") == "no period stated"

"""Every published figure fits one page and reads unambiguously where it is used: placed 16 cm wide (a briefing
page) it is at most 24 cm tall, with text of at least 7 pt; no study is named twice alike, no slug or code is
printed, no short span is worded or turned into a yearly figure wrongly; the coverage grid counts what notebook
01 counts. Each check is also shown to fail on a broken case."""
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import charts, coverage, figure_catalogue, figures, forces, labels, rates, sources, stats, timelines

PLACED_CM, PAGE_CM = 16.0, 24.0


@pytest.fixture(scope="module")
def inputs():
    return figure_catalogue.Inputs()


@pytest.fixture(scope="module")
def built(inputs):
    out = {}
    for name in figure_catalogue.NAMES:
        b = figure_catalogue.build(name, inputs)
        out[name] = (b.fig.get_figwidth(), b.fig.get_figheight(), labels.small_text(b.fig),
                     labels.text_problems(b.fig), b.data, b.fig._frame_title)
        figures.close(b.fig)
    return out


# --- one page -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", figure_catalogue.NAMES)
def test_every_figure_placed_16cm_wide_fits_an_a4_page(name, built):
    width, height, small, problems, _, _ = built[name]
    assert height * PLACED_CM / width <= PAGE_CM, f"{name}: {height * PLACED_CM / width:.1f} cm tall"
    assert small == [] and problems == []  # text >= 7 pt placed, no overlap, nothing off the canvas


def test_the_page_check_fails_on_a_figure_taller_than_a_page():
    fig = plt.figure(figsize=(figures.FIG_WIDTH, figures.FIG_WIDTH * 25 / 16))  # 25 cm tall placed 16 cm wide
    assert labels.page_problems(fig)
    fig.set_figheight(figures.FIG_WIDTH * 23.9 / 16)
    assert labels.page_problems(fig) == []
    figures.close(fig)


def test_the_figure_build_refuses_a_figure_taller_than_a_page(inputs, monkeypatch):
    built = figure_catalogue.build("pa2014_outcome_shares", inputs)
    built.fig.set_figheight(built.fig.get_figwidth() * 30 / 16)
    found = figure_catalogue.problems(built)
    figures.close(built.fig)
    assert any("cm tall" in p for p in found)


# --- names, slugs and wording --------------------------------------------------------------------------------

def _slug_tokens() -> set:
    """The parts of source ids that are not words or years a reader knows ("lastfouryears", "2015q1",
    "operationhotton", "01.foi.22.026570"): printed on a chart, they are codes."""
    reg = forces.registry()
    words_of_forces = {w for name in list(reg["force"]) + list(reg["short_name"]) for w in name.lower().split()}
    tokens = set()
    for entry in sources.manifest():
        parts = entry["id"].split("_")
        for part in parts[2:3] + parts[4:]:  # the period and reference parts (topics are words)
            if not re.fullmatch(r"\d{4}(-\d{2}(\d{2})?)?|undated", part) \
                    and part.lower() not in words_of_forces:
                tokens.add(part.lower())
    return tokens


SLUGS = _slug_tokens()


def _has_slug(text: str) -> bool:
    words = set(re.findall(r"[a-z0-9.\-]+", text.lower()))
    return "_" in text or bool(words & SLUGS)


def test_every_study_has_a_chart_name_no_other_study_shares(obs):
    assert len(set(rates.study_names([e["id"] for e in sources.manifest()], obs).values())) == len(sources.manifest())
    ids = list(dict.fromkeys(obs["source_id"]))  # the studies a chart can name
    names = rates.study_names(ids, obs)
    assert len(set(names.values())) == len(ids)
    # publisher and year alone clash: those get the subject ("IOPC 2023 (Met)"), then the years
    base = pd.Series({s: rates.study_label(s) for s in ids})
    clashing = base[base.duplicated(keep=False)]
    assert len(clashing) and all(names[s] != b for s, b in clashing.items())
    for name in names.values():
        assert not _has_slug(name), name


def test_the_check_for_slugs_catches_the_old_labels():
    for old in ("Sunderland Echo undated, lastfouryears", "North Wales Police undated, 2015q1", "pa2014_rates_ranked"):
        assert _has_slug(old)
    assert not _has_slug("Sunderland Echo undated") and not _has_slug("75 officers investigated, about 15 a year")


def test_study_spans_rows_are_unambiguous_and_print_no_slug(obs):
    data = timelines.spans_data(rates.study_spans(obs))
    assert data["name"].is_unique
    national = data[data["panel"] == timelines.NATIONAL]
    assert national["row"].is_unique and (national["row"] == national["name"]).all()
    singles = data[data["panel"] == timelines.SINGLE]
    assert singles.groupby("force")["row"].nunique().eq(1).all() and singles.groupby("row")["force"].nunique().eq(1).all()
    for text in list(data["row"]) + list(data["words"]):
        assert not _has_slug(text), text


def test_short_spans_are_worded_as_spans_and_never_annualised(obs):
    data = timelines.spans_data(rates.study_spans(obs))
    for row in data.itertuples():
        assert not re.search(r"\b0 (months|days)\b", row.words), row.words
        if pd.notna(row.period_years) and row.period_years <= rates.MAX_YEAR_WORDS and pd.notna(row.count):
            assert " a year" not in row.words and np.isnan(row.annual_count), row.words
    boar = data[data["source_id"] == "theboar_socialmedia_2025_2025-03"].iloc[0]  # a 3-day span
    assert boar["words"].endswith("in 3 days")
    assert rates.period_words(stats.years_between("2025-02-10", "2025-02-12")) == "3 days"


def test_met_rows_are_named_once_and_a_span_under_a_year_gets_no_rate(obs, wf):
    series = rates.force_series(obs, wf)
    data = timelines.series_data(series)
    assert data["label"].is_unique
    short = data[data["period_years"] < stats.MIN_YEARS_TO_ANNUALISE]
    assert len(short) and (short["kind"] == timelines.SHORT).all()
    assert short["annual_rate_per_1000"].isna().all() and short["reason"].str.endswith("not annualised").all()
    fig = timelines.series_chart(series)
    drawn = fig.axes[1].collections[-1].get_offsets()[:, 1]
    texts = {t.get_text() for t in fig.axes[1].texts}
    figures.close(fig)
    assert not np.isin(short["y"], drawn).any()  # no rate marker on a short span's row
    assert set(short["reason"]) <= texts
    # and the headline ratio is computed from rates over a year or more only
    rated = series[series["period_years"] >= stats.MIN_YEARS_TO_ANNUALISE].dropna(subset=["annual_rate_per_1000"])
    ratio = rated["annual_rate_per_1000"].max() / rated["annual_rate_per_1000"].min()
    assert f"{ratio:.0f}-fold" in timelines.series_headline(series)


def test_count_words_name_who_was_counted_and_never_print_a_code():
    assert charts.count_words(75, "people_investigated", "officers") == "75 officers investigated"
    assert charts.count_words(1, "misconduct_proceedings", "officers") == "1 officer referred to proceedings"
    assert charts.count_words(18, "cases_investigated", "unknown", "approximately") == \
        "about 18 cases investigated (role not stated)"
    for measure in rates.HEADLINE_MEASURES:
        for population in charts.PEOPLE:
            assert "_" not in charts.count_words(2, measure, population)
    with pytest.raises(KeyError):
        charts.count_words(2, "not_a_measure", "officers")


# --- the coverage grid counts what notebook 01 counts ---------------------------------------------------------

def test_coverage_grid_cells_are_the_studies_per_force_and_period(obs):
    counts = coverage.period_counts(obs)
    detail = charts.coverage_table(obs)
    fig = charts.coverage_grid(obs)
    ax = fig.axes[0]
    cell_texts = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text() for t in ax.texts}
    title = fig._frame_title
    figures.close(fig)
    reg = forces.registry()
    for yi, force in enumerate(reg["force"]):
        for xi, period in enumerate(coverage.PERIOD_LABELS):
            n = int(counts.at[force, period])
            here = detail[(detail["force"] == force) & (detail["period"] == period)]
            assert (here["state"] == "figure").sum() == n  # the data file lists the studies behind the number
            if n:
                assert cell_texts[(xi, yi)] == str(n)
            elif (here["state"] != "figure").any():
                assert cell_texts[(xi, yi)] == "refused"  # marked, and not counted as appearing
            else:
                assert (xi, yi) not in cell_texts  # a gap: no number, no zero
    by = coverage.coverage_by_period(obs).set_index("period")
    assert (counts > 0).sum().to_dict() == by.loc[list(coverage.PERIOD_LABELS), "forces_with_a_figure"].to_dict()
    assert title.startswith(f"{by.loc['any period', 'forces_with_a_figure']} of {len(reg)} forces")
    assert title.endswith(f"{by.loc['2022 onwards', 'forces_with_a_figure']} since 2022")


def test_a_force_that_only_refused_has_no_figure_in_any_period(obs):
    detail = charts.coverage_table(obs)
    refused_only = set(detail.loc[detail["state"] != "figure", "force"]) - set(detail.loc[detail["state"] == "figure",
                                                                                          "force"])
    counts = coverage.period_counts(obs)
    assert refused_only  # Staffordshire refused PA 2014 and has no figure anywhere
    assert all(counts.loc[f].sum() == 0 for f in refused_only)
    assert not coverage.force_periods(obs).loc[sorted(refused_only)].any(axis=None)

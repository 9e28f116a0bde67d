"""analysis.charts: figures from tidy tables, deterministic, titles computed from the data."""
import hashlib

import matplotlib
import pytest

import analysis
from analysis import charts, figures, outcomes_compare, rates, timelines

matplotlib.use("Agg")


def _study(fr, source_id, which="official"):
    return fr[(fr["source_id"] == source_id) & (fr["denominator_source"] == which)]


def _bytes(fig, tmp_path, name):
    paths = figures.save(fig, name, ["pa_socialmedia_2009-2014_2014-08"], out_dir=tmp_path, formats=("png", "svg"))
    figures.close(fig)
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


@pytest.mark.parametrize("maker", [charts.funnel_plot, charts.ranked_dot_plot])
def test_force_charts_are_deterministic(fr, tmp_path, maker):
    figures.set_theme()
    sub = _study(fr, rates.PA2014)
    assert _bytes(maker(sub), tmp_path / "a", "x") == _bytes(maker(sub), tmp_path / "b", "x")


def test_funnel_titles_and_captions_name_only_forces_outside_the_widened_limits(fr):
    # Changed deliberately (issue 8): flags come from limits widened for over-dispersion, and the headline is
    # one sentence; the caption lists every flagged force and names no force inside the widened limits.
    for source_id, which in ((rates.PA2014, "official"), (rates.BBC_SDU, "official"), (rates.BBC_SDU, "study's own")):
        sub = _study(fr, source_id, which)
        fig = charts.funnel_plot(sub)
        title, caption = fig._frame_title, charts.funnel_caption(sub)
        figures.close(fig)
        outside = rates.funnel_outliers(sub, "95")
        inside = sub[(sub["funnel_position_adjusted"] == "inside_95")]
        for name in outside["short_name"]:
            assert name in caption
        named = caption.split("widened for over-dispersion,")[-1]
        for name in inside["short_name"]:
            assert f"{name} above" not in named and f"{name} below" not in named
            assert f"{name} (high)" not in title and f"{name} (low)" not in title
        assert f"other {len(inside)} forces" in caption or (outside.empty and "all" in caption)


def test_funnel_labels_every_outlier(fr):
    sub = _study(fr, rates.PA2014)
    fig = charts.funnel_plot(sub)
    texts = {t.get_text().split(" (")[0] for t in fig.axes[0].texts}
    figures.close(fig)
    assert set(rates.funnel_outliers(sub, "95")["short_name"]) <= texts


def test_dot_plot_prints_every_raw_count(fr):
    # Changed deliberately (issue 8): the count is printed in each row's name, "Kent (3)", not in a column.
    sub = _study(fr, rates.BBC_SDU)
    fig = charts.ranked_dot_plot(sub, what="people with a case to answer")
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    figures.close(fig)
    rated = sub[sub["rate_per_1000"].notna()]
    assert sorted(rows) == sorted(f"{s} ({c:.0f})" for s, c in zip(rated["short_name"], rated["count"]))


def test_outcome_chart_has_one_bar_per_base(obs):
    shares = outcomes_compare.outcome_shares(obs)
    fig = charts.outcome_shares_chart(shares, outcomes_compare.proceedings_context(obs))
    labels = [t.get_text().split(" (base ")[0] for t in fig.axes[0].get_yticklabels()]
    figures.close(fig)
    assert labels == list(dict.fromkeys(shares.loc[shares["shown"], "bar"]))


def test_spans_and_series_charts_draw_every_row(obs):
    # Changed deliberately (figures-2): the charts moved to analysis.timelines and fit one page. National and
    # multi-force studies have a row each; single-force reports are bars in their force's row; every study is
    # drawn exactly once. The series chart has one named row per figure.
    wf = analysis.load("workforce")
    spans = rates.study_spans(obs)
    data = timelines.spans_data(spans)
    fig = timelines.spans_chart(spans)
    national, single = data[data["panel"] == timelines.NATIONAL], data[data["panel"] == timelines.SINGLE]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == list(national.sort_values("y")["name"])
    forces_rows = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert len(forces_rows) == single["force"].nunique()
    for row in forces_rows:
        force, n = row.split(": ")
        assert int(n.split()[0]) == int((single["force"] == force).sum())
    bars = len(fig.axes[0].patches) + len(fig.axes[1].patches)
    arrows = sum(1 for a in fig.axes for t in a.texts if getattr(t, "arrow_patch", None) is not None)
    assert bars + arrows == len(spans)
    figures.close(fig)
    series = rates.force_series(obs, wf)
    fig = timelines.series_chart(series)
    rows = [" ".join(t.get_text().split()) for t in fig.axes[0].get_yticklabels()]
    assert rows == list(timelines.series_data(series)["label"]) and len(set(rows)) == len(rows)
    rated = series["annual_rate_per_1000"].notna().sum()
    assert len(fig.axes[1].collections[-1].get_offsets()) == rated
    figures.close(fig)

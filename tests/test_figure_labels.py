"""Every published figure: no overlapping text, nothing outside the canvas, text at least 7 pt when placed 16 cm
wide, every point label nearest its own marker. The checks themselves are shown to fail on broken figures."""
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from analysis import charts, figure_catalogue, figures, forces, labels, rates


@pytest.fixture(scope="module")
def inputs():
    return figure_catalogue.Inputs()


@pytest.mark.parametrize("name", figure_catalogue.NAMES)
def test_published_figure_passes_every_check(name, inputs):
    built = figure_catalogue.build(name, inputs)
    try:
        assert figure_catalogue.problems(built) == []
    finally:
        figures.close(built.fig)


@pytest.mark.parametrize("name", figure_catalogue.NAMES)
def test_text_is_at_least_7pt_when_placed_16cm_wide(name, inputs):
    built = figure_catalogue.build(name, inputs)
    scale = (16 / 2.54) / built.fig.get_figwidth()
    sizes = [t.get_fontsize() * scale for t, _ in labels.visible_texts(built.fig)]
    figures.close(built.fig)
    assert sizes and min(sizes) >= 7.0


def test_every_flagged_force_and_every_label_on_a_funnel_is_tied_to_its_marker(inputs):
    for name in ("pa2014_funnel", "bbcsdu_funnel_official_denominators", "bbcsdu_funnel_own_denominators"):
        built = figure_catalogue.build(name, inputs)
        ax = built.fig.axes[0]
        texts = {t.get_text() for t in ax.texts if t.get_gid() == labels.LABEL_GID}
        flagged = built.data[built.data["funnel_position_adjusted"] != "inside_95"]
        assert set(flagged["label"]) <= texts, name
        assert labels.label_problems(ax, built.data) == []
        figures.close(built.fig)


def _pa_funnel(inputs):
    return figure_catalogue.build("pa2014_funnel", inputs)


def test_a_label_moved_onto_another_forces_marker_is_caught(inputs):
    built = _pa_funnel(inputs)
    ax, data = built.fig.axes[0], built.data
    ann = next(t for t in ax.texts if t.get_gid() == labels.LABEL_GID and t.arrow_patch is None)
    own = data[data["label"] == ann.get_text()].iloc[0]
    other = data[data["label"] != ann.get_text()].iloc[0]
    # The bug of the old chart: the name printed right beside another force's dot.
    ann.xy = (other["x"], other["y"])
    ann.set_position((4, 0))
    problems = labels.label_problems(ax, data)
    figures.close(built.fig)
    assert any(own["label"] in p for p in problems)


def test_a_leader_line_ending_at_the_wrong_marker_is_caught():
    figures.set_theme()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.scatter([1, 2], [1, 2])
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 3)
    ax.annotate("Force A", (1, 1), xytext=(30, 40), textcoords="offset points", arrowprops=dict(arrowstyle="-"),
                gid=labels.LABEL_GID)
    points = pd.DataFrame({"label": ["Force A", "Force B"], "x": [2.0, 1.0], "y": [2.0, 1.0]})
    problems = labels.label_problems(ax, points)
    assert any("Force A" in p for p in problems)
    points = pd.DataFrame({"label": ["Force A", "Force B"], "x": [1.0, 2.0], "y": [1.0, 2.0]})
    assert labels.label_problems(ax, points) == []  # the same leader, to its own marker, passes
    figures.close(fig)


def test_overlapping_text_and_text_off_the_canvas_are_caught():
    figures.set_theme()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.text(0.5, 0.5, "first label", transform=ax.transAxes)
    ax.text(0.52, 0.5, "second label", transform=ax.transAxes)
    fig.text(0.9, 0.5, "this runs off the right edge of the canvas")
    problems = labels.text_problems(fig)
    figures.close(fig)
    assert any(p.startswith("overlap") for p in problems)
    assert any(p.startswith("outside the canvas") for p in problems)


def test_small_text_is_caught():
    fig, ax = plt.subplots(figsize=(10, 3))
    ax.text(0.5, 0.5, "tiny", fontsize=8)  # 8 pt on a 10-inch canvas is 5 pt at 16 cm
    problems = labels.small_text(fig)
    figures.close(fig)
    assert problems


def test_row_label_on_the_wrong_row_is_caught(inputs):
    built = figure_catalogue.build("pa2014_rates_ranked", inputs)
    ax, data = built.fig.axes[0], built.data
    shuffled = list(data["label"])
    shuffled[0], shuffled[-1] = shuffled[-1], shuffled[0]
    ax.set_yticks(data["y"], shuffled)
    problems = labels.row_label_problems(ax, data)
    figures.close(built.fig)
    assert len(problems) == 2


# --- highlight= for the force profiles -------------------------------------------------------------------

def _funnels(fr):
    return [fr[(fr["source_id"] == rates.PA2014) & (fr["denominator_source"] == rates.OFFICIAL)],
            fr[(fr["source_id"] == rates.BBC_SDU) & (fr["denominator_source"] == rates.OFFICIAL)],
            fr[(fr["source_id"] == rates.BBC_SDU) & (fr["denominator_source"] == rates.STUDY_OWN)]]


@pytest.mark.parametrize("force", ["Kent Police", "Durham", "Metropolitan Police Service", "Gwent Police"])
def test_a_highlighted_force_is_drawn_distinct_and_always_labelled(fr, force):
    figures.set_theme()
    purple = np.array(to_rgba(figures.LIGHT_PURPLE))
    for sub in _funnels(fr):
        for make, data in ((charts.funnel_plot, charts.funnel_data(sub, highlight=force)),
                           (charts.ranked_dot_plot, charts.ranked_data(sub, highlight=force))):
            fig = make(sub, highlight=force)
            ax = fig.axes[0]
            has_rate = forces.canonical_force(force) in set(sub.loc[sub["rate_per_1000"].notna(), "force"])
            assert data["highlighted"].sum() == int(has_rate)
            marked = [c for c in ax.collections if len(c.get_offsets())
                      and len(c.get_facecolor()) and np.allclose(c.get_facecolor()[0], purple)]
            if has_rate:
                row = data[data["highlighted"]].iloc[0]
                assert len(marked) == 1 and np.allclose(marked[0].get_offsets()[0], (row["x"], row["y"]))
                # a second channel: its shape is used by no other marker
                shape = marked[0].get_paths()[0].vertices
                others = [c for c in ax.collections if c is not marked[0] and len(c.get_offsets())
                          and hasattr(c, "get_paths") and len(c.get_paths())]
                assert all(c.get_paths()[0].vertices.shape != shape.shape
                           or not np.allclose(c.get_paths()[0].vertices, shape) for c in others)
                assert row["label"] in {t.get_text() for t in ax.texts if t.get_gid() == labels.LABEL_GID}
                assert labels.label_problems(ax, data) == []
            else:
                assert not marked
            figures.close(fig)


def test_unknown_or_absent_forces_are_no_highlight_and_no_error(fr):
    sub = _funnels(fr)[0]
    for name in (None, "", "Police Scotland", "British Transport Police", "Dorset Police"):
        figures.close(charts.funnel_plot(sub, highlight=name))
        assert not charts.funnel_data(sub, highlight=name)["highlighted"].any()


def test_a_page_set_of_44_forces_by_3_funnels_renders_well_under_30_seconds(fr):
    figures.set_theme()
    subs = _funnels(fr)
    start = time.process_time()  # CPU time of this process: other jobs on the machine do not count
    for force in forces.registry()["force"]:
        for sub in subs:
            figures.close(charts.funnel_plot(sub, highlight=force))
    assert time.process_time() - start < 30

"""Every published figure: no overlapping text, nothing outside the canvas, text at least 7 pt when placed 16 cm
wide, every point label nearest its own marker. The checks themselves are shown to fail on broken figures."""
import time

import matplotlib.pyplot as plt
import matplotlib.text
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


# --- the tightened rules, on synthetic figures (the two defects of the published funnels, rebuilt) ------------

def _canvas():
    """A briefing-width canvas (7.5 in, as the figures) with axes in pixel-like data units."""
    figures.set_theme()
    fig, ax = plt.subplots(figsize=(figures.FIG_WIDTH, 4))
    ax.set_xlim(0, 600)
    ax.set_ylim(0, 300)
    fig.canvas.draw()
    return fig, ax


def _to_data(ax, px):
    return ax.transData.inverted().transform(px)


def _label_size(fig, text):
    probe = matplotlib.text.Text(0, 0, text, fontsize=figures.MIN_FONT, figure=fig)
    ext = probe.get_window_extent(fig.canvas.get_renderer())
    return ext.width, ext.height


def _dot(ax, px):
    x, y = _to_data(ax, px)
    ax.scatter([x], [y], s=charts.MARKER_AREA)
    return x, y


def _label_at(ax, text, own_data, box_x0_px, box_y0_px, leader=False):
    """A label whose box starts at (box_x0_px, box_y0_px), tied to the marker at own_data."""
    fig = ax.figure
    own_px = ax.transData.transform(own_data)
    offset = ((box_x0_px - own_px[0]) * 72 / fig.dpi, (box_y0_px - own_px[1]) * 72 / fig.dpi)
    ann = ax.annotate(text, own_data, xytext=offset, textcoords="offset points", ha="left", va="bottom",
                      fontsize=figures.MIN_FONT, arrowprops=dict(arrowstyle="-") if leader else None)
    ann.set_gid(labels.LABEL_GID)
    return ann


def _pt(fig, pt):
    return labels.placed_pt_to_px(fig, pt)


def test_a_name_that_starts_beside_another_forces_dot_is_caught():
    """pa2014_funnel as published: "Northumbria (24)" sat up-left of its own dot (1.6 pt from its lower right
    corner, print size) and started 7.1 pt to the right of West Mercia's dot. Nearer its own marker, so the old
    check passed it; a reader reads the name as West Mercia's."""
    fig, ax = _canvas()
    r = np.sqrt(charts.MARKER_AREA) / 2 * fig.dpi / 72
    w, h = _label_size(fig, "Northumbria (24)")
    own_px = np.array([400.0, 200.0])
    box = (own_px[0] - r - _pt(fig, 1.6) * 0.7 - w, own_px[1] + r * 0.7, 0, 0)
    box = (box[0], box[1], box[0] + w, box[1] + h)
    other_px = np.array([box[0] - _pt(fig, 7.1) - r, (box[1] + box[3]) / 2])
    own = _dot(ax, own_px)
    other = _dot(ax, other_px)
    ann = _label_at(ax, "Northumbria (24)", own, box[0], box[1])
    points = pd.DataFrame({"label": ["Northumbria (24)", "West Mercia (20)"], "x": [own[0], other[0]],
                           "y": [own[1], other[1]]})
    problems = labels.label_problems(ax, points)
    fig.canvas.draw()
    drawn = matplotlib.text.Text.get_window_extent(ann, fig.canvas.get_renderer())
    d_own = labels._box_distance((drawn.x0, drawn.y0, drawn.x1, drawn.y1), own_px)[0]
    d_other = labels._box_distance((drawn.x0, drawn.y0, drawn.x1, drawn.y1), other_px)[0]
    figures.close(fig)
    assert d_own < d_other  # the old rule ("nearer its own marker, by any margin") let it through
    assert any("Northumbria (24)" in p and "not clearly nearer" in p for p in problems), problems


def test_an_unlabelled_dot_under_a_leader_label_is_caught():
    """bbcsdu funnels as published: "Suffolk (1)" had a leader line to its own dot, and another force's dot sat
    1.2 pt under the end of the name. The old check only looked at the leader's end."""
    fig, ax = _canvas()
    r = np.sqrt(charts.MARKER_AREA) / 2 * fig.dpi / 72
    w, h = _label_size(fig, "Suffolk (1)")
    own_px = np.array([300.0, 150.0])
    box_x0, box_y0 = own_px[0] - r - _pt(fig, 7.9) - w, own_px[1] + _pt(fig, 8)
    other_px = np.array([box_x0 + w - 2, box_y0 - _pt(fig, 1.2) - r])
    own = _dot(ax, own_px)
    other = _dot(ax, other_px)
    _label_at(ax, "Suffolk (1)", own, box_x0, box_y0, leader=True)
    points = pd.DataFrame({"label": ["Suffolk (1)", "Cumbria (1)"], "x": [own[0], other[0]], "y": [own[1], other[1]]})
    problems = labels.label_problems(ax, points)
    figures.close(fig)
    assert any("Suffolk (1)" in p and "another marker is" in p for p in problems), problems
    assert not any("leader line ends" in p for p in problems)  # the leader itself is right: the old check passed


def test_a_leader_line_through_another_label_is_caught():
    fig, ax = _canvas()
    a, b = _dot(ax, (100.0, 100.0)), _dot(ax, (500.0, 250.0))
    w, h = _label_size(fig, "Force B")
    _label_at(ax, "Force A", a, 420, 40, leader=True)  # its leader runs up-left, through Force B's label
    _label_at(ax, "Force B", b, 250, 60)
    points = pd.DataFrame({"label": ["Force A", "Force B"], "x": [a[0], b[0]], "y": [a[1], b[1]]})
    problems = labels.label_problems(ax, points)
    figures.close(fig)
    assert any("Force A" in p and "crosses another label" in p for p in problems), problems


def test_placement_never_repeats_those_defects_on_the_same_layout():
    """The Northumbria layout given to place_labels: the label goes where the rules hold (or, optional, not at
    all); never where the check fails."""
    fig, ax = _canvas()
    r = np.sqrt(charts.MARKER_AREA) / 2 * fig.dpi / 72
    own, other = _dot(ax, (400.0, 200.0)), _dot(ax, (300.0, 212.0))
    labels.place_labels(ax, [own[0], other[0]], [own[1], other[1]], ["Northumbria (24)", "West Mercia (20)"],
                        mandatory=[True, True], fontsize=figures.MIN_FONT, marker_radius_pt=r * 72 / fig.dpi)
    points = pd.DataFrame({"label": ["Northumbria (24)", "West Mercia (20)"], "x": [own[0], other[0]],
                           "y": [own[1], other[1]]})
    placed = [t.get_text() for t in ax.texts if t.get_gid() == labels.LABEL_GID]
    problems = labels.label_problems(ax, points)
    figures.close(fig)
    assert sorted(placed) == sorted(points["label"]) and problems == []


@pytest.mark.parametrize("seed", range(12))
def test_placement_on_random_scatters_passes_the_check(seed):
    """SYNTHETIC scatters (seeded): every label place_labels places by choice passes label_problems; a mandatory
    label is always placed, and where no spot keeps the rules (a crowded scatter) it is marked forced and the
    check reports it, so the figure build refuses the figure instead of printing a name that may mislead."""
    rng = np.random.default_rng(seed)
    fig, ax = _canvas()
    n = 30
    x, y = rng.uniform(20, 580, n), rng.uniform(20, 280, n)
    ax.scatter(x, y, s=charts.MARKER_AREA)
    texts = [f"Synthetic force {i} ({rng.integers(1, 99)})" for i in range(n)]
    mandatory = [i < 3 for i in range(n)]
    anns = labels.place_labels(ax, x, y, texts, mandatory=mandatory, fontsize=figures.MIN_FONT,
                               marker_radius_pt=np.sqrt(charts.MARKER_AREA) / 2 + 0.5, optional_rings=2)
    placed = {t.get_text() for t in anns}
    forced = {t.get_text() for t in anns if t.forced}
    problems = labels.label_problems(ax, pd.DataFrame({"label": texts, "x": x, "y": y}))
    figures.close(fig)
    assert set(texts[:3]) <= placed
    assert forced <= set(texts[:3])
    named = {text for text in placed if any(repr(text) in p for p in problems)}
    assert named == forced, problems


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


def test_every_force_highlighted_on_every_funnel_passes_the_label_checks_and_renders_well_under_30_seconds(fr):
    """What the force profile pages draw (highlight=force on each funnel where the force has a rate; a force
    absent from a funnel is not highlighted, so its chart is the unhighlighted one, drawn once per funnel): the
    highlighted force is always named, no name on any of those charts breaks a rule, and the page set's charts
    render well under 30 s (one pass: the time counts drawing and closing the charts, as the pages do, not the
    checks)."""
    figures.set_theme()
    failures, rendering, drawn = [], 0.0, 0
    for sub in _funnels(fr):
        present = [f for f in forces.registry()["force"] if charts.funnel_data(sub, highlight=f)["highlighted"].any()]
        assert len(present) >= 20, "a funnel of the page set has fewer forces than any study gives"
        for force in [*present, None]:
            drawn += 1
            start = time.process_time()  # CPU time of this process: other jobs on the machine do not count
            fig = charts.funnel_plot(sub, highlight=force)
            rendering += time.process_time() - start
            data = charts.funnel_data(sub, highlight=force)
            placed = {t.get_text() for t in fig.axes[0].texts if t.get_gid() == labels.LABEL_GID}
            if force and data.loc[data["highlighted"], "label"].iloc[0] not in placed:
                failures.append(f"{force}: not named")
            failures += [f"{force}: {p}" for p in labels.label_problems(fig.axes[0], data)]
            start = time.process_time()
            figures.close(fig)
            rendering += time.process_time() - start
    assert drawn > 90 and failures == []
    assert rendering < 30, f"{rendering:.1f} s of CPU to render the page set's funnels"

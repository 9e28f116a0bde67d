"""The house style: the Analysis Function palette from afcharts, marks with 3:1 contrast, colour never alone,
categories distinct under simulated deuteranopia and protanopia."""
import itertools

import colorspacious
import numpy as np
import pytest
from afcharts.af_colours import get_af_colours
from matplotlib.colors import to_rgb

from analysis import charts, figures

MIN_DELTA_E = 15.0  # CAM02-UCS distance between any two category colours, with and without CVD simulated


def _contrast(colour, background="white"):
    def luminance(c):
        rgb = np.array(to_rgb(c))
        rgb = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    a, b = sorted([luminance(colour), luminance(background)], reverse=True)
    return (a + 0.05) / (b + 0.05)


def _min_delta_e(colours, cvd=None):
    rgb = np.array([to_rgb(c) for c in colours])
    if cvd:
        rgb = np.clip(colorspacious.cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100},
                                                   "sRGB1"), 0, 1)
    lab = colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")
    return min(np.linalg.norm(lab[i] - lab[j]) for i, j in itertools.combinations(range(len(lab)), 2))


CATEGORY_SETS = {
    "funnel and ranked markers": list(dict.fromkeys(
        [face if face != "white" else edge for _, face, edge, _ in charts.POSITION_STYLE.values()]
        + [charts.HIGHLIGHT_STYLE[1]])),
    "outcome groups": [colour for _, colour, _ in charts.OUTCOME_GROUPS.values()],
    "coverage and spans": [figures.DARK_BLUE, figures.ORANGE],
}


def test_palette_comes_from_afcharts():
    assert list(figures.PALETTE) == get_af_colours("categorical")
    assert figures.DARK_BLUE == "#12436D" and figures.ORANGE == "#F46A25"


@pytest.mark.parametrize("name", CATEGORY_SETS)
@pytest.mark.parametrize("cvd", [None, "deuteranomaly", "protanomaly"])
def test_categories_stay_distinct_under_colour_vision_deficiency(name, cvd):
    assert _min_delta_e(CATEGORY_SETS[name], cvd) >= MIN_DELTA_E


def test_the_check_fails_for_colours_that_merge():
    # red and green merge under deuteranopia: the check must be able to say so
    assert _min_delta_e(["#D62728", "#2CA02C"]) >= MIN_DELTA_E
    assert _min_delta_e(["#D62728", "#2CA02C"], "deuteranomaly") < MIN_DELTA_E


def test_marks_have_3_to_1_contrast_on_white():
    for _, face, edge, _ in charts.POSITION_STYLE.values():
        assert max(_contrast(face), _contrast(edge)) >= 3, (face, edge)
    assert max(_contrast(charts.HIGHLIGHT_STYLE[1]), _contrast(charts.HIGHLIGHT_STYLE[2])) >= 3
    for _, colour, _ in charts.OUTCOME_GROUPS.values():
        # light fills carry a dark edge or a printed share beside them
        assert _contrast(colour) >= 3 or colour == figures.LIGHT_GREY


def test_colour_is_never_the_only_channel_on_funnels():
    # every position differs from every other in marker shape or fill, not only in colour
    looks = [(marker, face == "white") for marker, face, _, _ in charts.POSITION_STYLE.values()]
    assert len(set(looks)) == len(looks)
    assert charts.HIGHLIGHT_STYLE[0] not in {m for m, _ in looks}


def test_coverage_cells_are_marks_with_3_to_1_contrast_and_a_second_channel():
    # the lightest blue fill is under 3:1 on white, so every filled cell has a dark-blue edge and its number
    # printed; a refused cell has an orange edge (3:1) and the word "refused"; a gap is pale and empty
    assert _contrast(figures.DARK_BLUE) >= 3 and _contrast(figures.ORANGE) >= 3
    assert any(_contrast(c) < 3 for c in charts.COVERAGE_FILLS.values())  # why the edge is needed
    fills = list(charts.COVERAGE_FILLS.values())
    assert fills == sorted(fills, key=lambda c: -_contrast(c, "black"))  # light to dark as the count rises

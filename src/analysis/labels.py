"""Labels that cannot lie: deterministic placement of point labels, and the checks that the tests (and the
figure build) run on every chart.

Placement works in display pixels once the figure's layout is final. Each label tries positions touching its
own marker first (8 directions), then further out on rings with a leader line to the marker. A position is
taken only if the label stays inside the axes, overlaps no other label, no marker and no reserved box, and
(for a label without a leader line) is nearer its own marker than any other marker. Mandatory labels
(flagged forces, a highlighted force) fall back to the least crowded leader position; optional ones are
dropped when they do not fit, and the chart says where every force is named.
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.patheffects as patheffects
import matplotlib.text as mtext
import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend

LABEL_GID = "point-label"
GAP_PX = 2.0
_DIRECTIONS = [(1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1), (0, 1), (0, -1)]
_RINGS = (0, 10, 22, 36, 52, 72, 96)


@dataclass
class Placed:
    index: int
    box: tuple  # x0, y0, x1, y1 in pixels
    leader: bool


def _box_distance(box, points: np.ndarray) -> np.ndarray:
    """Distance from each point to an axis-aligned box (0 inside)."""
    x0, y0, x1, y1 = box
    dx = np.maximum(np.maximum(x0 - points[:, 0], 0), points[:, 0] - x1)
    dy = np.maximum(np.maximum(y0 - points[:, 1], 0), points[:, 1] - y1)
    return np.hypot(dx, dy)


def _overlaps(box, boxes: np.ndarray, pad: float = 1.0) -> bool:
    if not len(boxes):
        return False
    x0, y0, x1, y1 = box
    return bool(np.any((boxes[:, 0] < x1 + pad) & (boxes[:, 2] > x0 - pad)
                       & (boxes[:, 1] < y1 + pad) & (boxes[:, 3] > y0 - pad)))


def _count_overlaps(box, boxes: np.ndarray, pad: float = 1.0) -> int:
    x0, y0, x1, y1 = box
    return int(np.sum((boxes[:, 0] < x1 + pad) & (boxes[:, 2] > x0 - pad)
                      & (boxes[:, 1] < y1 + pad) & (boxes[:, 3] > y0 - pad)))


def _candidate(px, py, w, h, r, direction, ring):
    dx, dy = direction
    reach = r + GAP_PX + ring
    # Diagonal moves go out at 45 degrees; the box's corner or edge nearest the marker sits at the reach.
    ax_ = px + dx * reach * (0.72 if dx and dy else 1)
    ay_ = py + dy * reach * (0.72 if dx and dy else 1)
    x0 = ax_ if dx > 0 else (ax_ - w if dx < 0 else ax_ - w / 2)
    y0 = ay_ if dy > 0 else (ay_ - h if dy < 0 else ay_ - h / 2)
    return (x0, y0, x0 + w, y0 + h)


def place_labels(ax, x, y, texts, *, mandatory, all_x=None, all_y=None, fontsize: float = 9.0,
                 marker_radius_pt: float = 4.5, reserved=(), color: str = "#3D3D3D", order=None,
                 optional_rings: int = len(_RINGS), avoid=()):
    """Place one label per point (data coordinates x, y) where it can be read as that point's.

    all_x/all_y: every marker on the axes (defaults to the labelled points), which labels must not cover and
    against which nearness is judged. Returns the list of annotations created (gid LABEL_GID)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    trans = ax.transData
    pts = trans.transform(np.column_stack([np.asarray(x, float), np.asarray(y, float)]))
    every = pts if all_x is None else trans.transform(np.column_stack([np.asarray(all_x, float),
                                                                      np.asarray(all_y, float)]))
    r = marker_radius_pt * fig.dpi / 72
    markers = np.column_stack([every[:, 0] - r, every[:, 1] - r, every[:, 0] + r, every[:, 1] + r])
    if len(avoid):  # data-coordinate boxes (lines, segments) that labels must not cover
        corners = np.array(avoid, dtype=float).reshape(-1, 4)
        lo = trans.transform(corners[:, :2])
        hi = trans.transform(corners[:, 2:])
        extra = np.column_stack([np.minimum(lo[:, 0], hi[:, 0]), np.minimum(lo[:, 1], hi[:, 1]) - 2,
                                 np.maximum(lo[:, 0], hi[:, 0]), np.maximum(lo[:, 1], hi[:, 1]) + 2])
        markers = np.vstack([markers, extra])
    axbox = ax.get_window_extent(renderer)
    placed_boxes = [tuple(b) for b in reserved]
    annotations = []
    order = list(range(len(texts))) if order is None else list(order)
    for i in order:
        text = texts[i]
        probe = mtext.Text(0, 0, text, fontsize=fontsize, figure=fig)
        ext = probe.get_window_extent(renderer)
        w, h = ext.width, ext.height
        px, py = pts[i]
        own = np.hypot(every[:, 0] - px, every[:, 1] - py) < 0.5
        others = every[~own]
        chosen, fallback, fewest = None, None, None
        rings = _RINGS if mandatory[i] else _RINGS[:optional_rings]
        for ring in rings:
            for direction in _DIRECTIONS:
                box = _candidate(px, py, w, h, r, direction, ring)
                if box[0] < axbox.x0 + 2 or box[2] > axbox.x1 - 2 or box[1] < axbox.y0 + 2 or box[3] > axbox.y1 - 2:
                    continue
                if _overlaps(box, np.array(placed_boxes).reshape(-1, 4), pad=2.0):
                    continue
                covered = _count_overlaps(box, markers, pad=1.0)
                if covered:
                    if fewest is None or covered < fewest:
                        fallback, fewest = (box, direction, max(ring, _RINGS[1])), covered
                    continue
                if ring == 0 and len(others):
                    mine = _box_distance(box, np.array([[px, py]]))[0]
                    if not mine + 3 < _box_distance(box, others).min():
                        continue
                chosen = (box, direction, ring)
                break
            if chosen:
                break
        if chosen is None:
            # Last resort for a mandatory label: the spot covering the fewest marks, always with a leader line,
            # so it still points at its own marker.
            if not mandatory[i] or fallback is None:
                continue
            chosen = fallback
        box, direction, ring = chosen
        leader = ring > 0
        offset_pt = ((box[0] - px) * 72 / fig.dpi, (box[1] - py) * 72 / fig.dpi)
        dx, dy = direction
        relpos = (0.0 if dx > 0 else 1.0 if dx < 0 else 0.5, 0.0 if dy > 0 else 1.0 if dy < 0 else 0.5)
        arrow = dict(arrowstyle="-", color=color, lw=0.8, shrinkA=1, shrinkB=marker_radius_pt + 1,
                     relpos=relpos) if leader else None
        ann = ax.annotate(text, (x[i], y[i]), xytext=offset_pt, textcoords="offset points", ha="left",
                          va="bottom", fontsize=fontsize, color=color, arrowprops=arrow, annotation_clip=False,
                          zorder=5)
        ann.set_gid(LABEL_GID)
        # A white halo keeps a label readable where it crosses a limit line or grid line.
        ann.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground="white")])
        annotations.append(ann)
        placed_boxes.append(box)
    return annotations


# --------------------------------------------------------------------------------------------------
# Checks (used by tests/test_figure_labels.py and by the figure build before anything is written)


def visible_texts(fig):
    """Every piece of text drawn on the figure with its box in pixels: (Text, Bbox)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for text in fig.findobj(mtext.Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if not _drawn(text):
            continue
        # Text's own box: an Annotation's get_window_extent also covers its leader line
        out.append((text, mtext.Text.get_window_extent(text, renderer)))
    return out


def _drawn(text) -> bool:
    """Tick labels exist for ticks outside the view too; only those the axis draws count."""
    for axes in text.figure.axes if text.figure else ():
        for axis in (axes.xaxis, axes.yaxis):
            ticks = axis.get_major_ticks() + axis.get_minor_ticks()
            if any(text is t.label1 or text is t.label2 for t in ticks):
                drawn = axis._update_ticks()  # noqa: SLF001 - the ticks the axis will actually draw
                return any((text is t.label1 and t.label1.get_visible())
                           or (text is t.label2 and t.label2.get_visible()) for t in drawn)
    return True


def text_problems(fig, tolerance: float = 0.5) -> list[str]:
    """Texts that overlap each other or a legend, and texts outside the canvas."""
    texts = visible_texts(fig)
    renderer = fig.canvas.get_renderer()
    problems = []
    width, height = fig.bbox.width, fig.bbox.height
    for text, box in texts:
        if box.x0 < -tolerance or box.y0 < -tolerance or box.x1 > width + tolerance or box.y1 > height + tolerance:
            problems.append(f"outside the canvas: {text.get_text()[:60]!r}")
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = texts[i][1], texts[j][1]
            if a.x0 < b.x1 - tolerance and b.x0 < a.x1 - tolerance and a.y0 < b.y1 - tolerance \
                    and b.y0 < a.y1 - tolerance:
                problems.append(f"overlap: {texts[i][0].get_text()[:40]!r} / {texts[j][0].get_text()[:40]!r}")
    for legend in fig.findobj(Legend):
        lbox = legend.get_window_extent(renderer)
        own = set(map(id, legend.get_texts())) | {id(legend.get_title())}
        for text, box in texts:
            if id(text) in own:
                continue
            if lbox.x0 < box.x1 - tolerance and box.x0 < lbox.x1 - tolerance and lbox.y0 < box.y1 - tolerance \
                    and box.y0 < lbox.y1 - tolerance:
                problems.append(f"legend covers {text.get_text()[:40]!r}")
    return problems


def marker_positions(ax) -> np.ndarray:
    """Every scatter marker on the axes, in pixels (read from what was drawn, not from the labels)."""
    points = [c.get_offset_transform().transform(c.get_offsets()) for c in ax.collections
              if isinstance(c, PathCollection) and len(c.get_offsets())]
    return np.vstack(points) if points else np.empty((0, 2))


def label_problems(ax, points) -> list[str]:
    """For every point label (gid LABEL_GID) on `ax`: the marker it names is found in `points` (a frame with
    columns label, x, y in data coordinates: the data the chart draws), and the label's box (or its leader
    line's end, when it has one) must be nearer that marker than any other marker on the axes."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    markers = marker_positions(ax)
    where = {row.label: ax.transData.transform((row.x, row.y)) for row in points.itertuples()}
    problems = []
    for ann in [t for t in ax.texts if t.get_gid() == LABEL_GID]:
        text = ann.get_text()
        if text not in where:
            problems.append(f"label {text!r} names no point of the data")
            continue
        own = where[text]
        if ann.arrow_patch is not None:
            end = ax.transData.transform(ann.xy)
            d = np.hypot(markers[:, 0] - end[0], markers[:, 1] - end[1])
            d_own = np.hypot(own[0] - end[0], own[1] - end[1])
        else:
            box = mtext.Text.get_window_extent(ann, renderer)
            d = _box_distance((box.x0, box.y0, box.x1, box.y1), markers)
            d_own = _box_distance((box.x0, box.y0, box.x1, box.y1), np.array([own]))[0]
        others = d[np.hypot(markers[:, 0] - own[0], markers[:, 1] - own[1]) > 0.5]
        if len(others) and not d_own < others.min():
            problems.append(f"label {text!r} is nearer another marker ({others.min():.1f} px) than its own "
                            f"({d_own:.1f} px)")
    return problems


def row_label_problems(ax, rows) -> list[str]:
    """For charts whose rows are named by tick labels (ranked dot plots): each y tick label must sit on the row
    of its own marker. `rows` has columns label (the tick text) and y (data)."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    want = dict(zip(rows["label"], rows["y"]))
    problems = []
    markers = marker_positions(ax)
    for tick in ax.get_yticklabels():
        text = tick.get_text()
        if text not in want:
            continue
        centre = tick.get_window_extent(renderer)
        cy = (centre.y0 + centre.y1) / 2
        own_y = ax.transData.transform((0, want[text]))[1]
        nearest = markers[np.argmin(np.abs(markers[:, 1] - cy))][1] if len(markers) else own_y
        if abs(nearest - own_y) > 0.5:
            problems.append(f"row label {text!r} sits nearer another row's marker")
    return problems


def small_text(fig, min_placed_pt: float = 7.0, placed_cm: float = 16.0) -> list[str]:
    """Texts smaller than `min_placed_pt` once the figure is placed `placed_cm` wide."""
    scale = (placed_cm / 2.54) / fig.get_figwidth()
    return [f"{t.get_text()[:40]!r} is {t.get_fontsize() * scale:.1f} pt placed"
            for t, _ in visible_texts(fig) if t.get_fontsize() * scale < min_placed_pt - 1e-9]

"""Labels that cannot lie: deterministic placement of point labels, and the checks that the tests (and the
figure build) run on every chart.

The rules, in points at print size (the figure placed PLACED_CM wide, as in a briefing):

- a label without a leader line is nearer its own marker than any other marker by at least NEARER_BY_PT;
- no other marker comes within CLEAR_PT of any label's box, leader line or not (so an unlabelled dot never
  sits under a name);
- a leader line ends at its own marker, crosses no other label and passes no other marker closer than
  LEADER_CLEAR_PT.

Placement works in display pixels once the figure's layout is final, against the markers actually drawn on the
axes (every scatter, with its own size). Each label tries positions touching its own marker first (8
directions), then further out on rings with a leader line to the marker, and takes the first that keeps every
rule above, stays inside the axes and overlaps no other label or reserved box. Mandatory labels (flagged
forces, a highlighted force) that find no such spot are still placed, at the spot breaking the fewest rules,
so that the figure's checks fail loudly rather than a name going missing; optional ones are dropped, and the
chart says where every force is named.
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
PLACED_CM = 16.0        # the width a figure is placed at in a briefing
NEARER_BY_PT = 7.0      # a label without a leader: this much nearer its own marker than any other, placed
CLEAR_PT = 8.0          # no other marker's edge within this of any label's box, placed
LEADER_CLEAR_PT = 2.0   # no other marker's edge within this of a leader line, placed
_DIRECTIONS = [(1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1), (0, 1), (0, -1)]
# Further out, a label with a leader line may also sit between those eight directions (x:y of 2:1 and 1:2).
_WIDE_DIRECTIONS = _DIRECTIONS + [(2, 1), (-2, 1), (2, -1), (-2, -1), (1, 2), (-1, 2), (1, -2), (-1, -2)]
_RINGS = (0, 10, 22, 36, 52, 72, 96)
_MANDATORY_RINGS = _RINGS + (124, 156, 192, 236, 290)


@dataclass
class Placed:
    index: int
    box: tuple  # x0, y0, x1, y1 in pixels
    leader: bool


def placed_pt_to_px(fig, pt: float, placed_cm: float = PLACED_CM) -> float:
    """Pixels on the canvas that measure `pt` points once the figure is placed `placed_cm` wide."""
    scale = (placed_cm / 2.54) / fig.get_figwidth()
    return pt / scale * fig.dpi / 72


def px_to_placed_pt(fig, px: float, placed_cm: float = PLACED_CM) -> float:
    return px / placed_pt_to_px(fig, 1.0, placed_cm)


def _box_distance(box, points: np.ndarray) -> np.ndarray:
    """Distance from each point to an axis-aligned box (0 inside)."""
    x0, y0, x1, y1 = box
    points = np.asarray(points, float).reshape(-1, 2)
    dx = np.maximum(np.maximum(x0 - points[:, 0], 0), points[:, 0] - x1)
    dy = np.maximum(np.maximum(y0 - points[:, 1], 0), points[:, 1] - y1)
    return np.hypot(dx, dy)


def _overlaps(box, boxes: np.ndarray, pad: float = 1.0) -> bool:
    if not len(boxes):
        return False
    x0, y0, x1, y1 = box
    return bool(np.any((boxes[:, 0] < x1 + pad) & (boxes[:, 2] > x0 - pad)
                       & (boxes[:, 1] < y1 + pad) & (boxes[:, 3] > y0 - pad)))


def _segment_distance(a, b, points: np.ndarray) -> np.ndarray:
    """Distance from each point to the segment a-b."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    points = np.asarray(points, float).reshape(-1, 2)
    ab = b - a
    length2 = float(ab @ ab)
    t = np.zeros(len(points)) if length2 == 0 else np.clip((points - a) @ ab / length2, 0, 1)
    nearest = a + t[:, None] * ab
    return np.hypot(points[:, 0] - nearest[:, 0], points[:, 1] - nearest[:, 1])


def _segment_crosses(a, b, boxes: np.ndarray, pad: float = 1.0) -> bool:
    """Does the segment a-b pass through any of the boxes (grown by pad)? Liang-Barsky clipping, all boxes at
    once."""
    boxes = np.asarray(boxes, float).reshape(-1, 4)
    if not len(boxes):
        return False
    (ax_, ay_), (bx, by) = a, b
    dx, dy = bx - ax_, by - ay_
    t0, t1 = np.zeros(len(boxes)), np.ones(len(boxes))
    inside = np.ones(len(boxes), bool)
    for p, lo, hi, q0 in ((dx, boxes[:, 0] - pad, boxes[:, 2] + pad, ax_), (dy, boxes[:, 1] - pad, boxes[:, 3] + pad, ay_)):
        if p == 0:
            inside &= (q0 > lo) & (q0 < hi)
            continue
        ta, tb = (lo - q0) / p, (hi - q0) / p
        t0 = np.maximum(t0, np.minimum(ta, tb))
        t1 = np.minimum(t1, np.maximum(ta, tb))
    return bool(np.any(inside & (t0 < t1)))


def _relpos(direction) -> tuple:
    """Where the leader line leaves the box: the side (or corner) facing the marker."""
    dx, dy = direction
    return (0.0 if dx > 0 else 1.0 if dx < 0 else 0.5, 0.0 if dy > 0 else 1.0 if dy < 0 else 0.5)


def _anchor(box, relpos) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.array([x0 + relpos[0] * (x1 - x0), y0 + relpos[1] * (y1 - y0)])


def _candidate(px, py, w, h, r, direction, ring):
    """The box of a label of size w x h put out from the marker at (px, py) in `direction` (dx, dy), `ring`
    pixels beyond the marker's edge: the box's corner or edge facing the marker sits at that reach."""
    dx, dy = direction
    reach = r + GAP_PX + ring
    norm = np.hypot(dx, dy)
    ax_ = px + dx / norm * reach
    ay_ = py + dy / norm * reach
    x0 = ax_ if dx > 0 else (ax_ - w if dx < 0 else ax_ - w / 2)
    y0 = ay_ if dy > 0 else (ay_ - h if dy < 0 else ay_ - h / 2)
    return (x0, y0, x0 + w, y0 + h)


def marker_discs(ax) -> np.ndarray:
    """Every scatter marker on the axes as (x, y, radius) in pixels, read from what was drawn (each collection's
    own marker size; a marker of area s points squared has radius sqrt(s) / 2)."""
    out = []
    for c in ax.collections:
        if not isinstance(c, PathCollection) or not len(c.get_offsets()):
            continue
        xy = np.asarray(c.get_offset_transform().transform(np.asarray(c.get_offsets(), float)), float)
        sizes = np.asarray(c.get_sizes(), float)
        if not len(sizes):
            sizes = np.array([36.0])
        radius = np.sqrt(np.resize(sizes, len(xy))) / 2 * ax.figure.dpi / 72
        out.append(np.column_stack([xy, radius]))
    return np.vstack(out) if out else np.empty((0, 3))


def marker_positions(ax) -> np.ndarray:
    """Every scatter marker on the axes, in pixels (read from what was drawn, not from the labels)."""
    return marker_discs(ax)[:, :2]


def _edge_distance(box, discs: np.ndarray) -> np.ndarray:
    """Distance from each marker's edge to the box (negative when the marker reaches into it)."""
    if not len(discs):
        return np.empty(0)
    return _box_distance(box, discs[:, :2]) - discs[:, 2]


def _passable(others: np.ndarray, own_xy, own_r: float, clear_px: float) -> np.ndarray:
    """The markers a leader line to own_xy must keep clear of: all but those touching the own marker (within
    clear_px of its edge), which no line to it can avoid; the line's end being nearer its own marker than any
    other is checked apart."""
    if not len(others):
        return others
    gap = np.hypot(others[:, 0] - own_xy[0], others[:, 1] - own_xy[1]) - others[:, 2] - own_r
    return others[gap >= clear_px]


def _breaches(box, leader_from, own_xy, others: np.ndarray, boxes: np.ndarray, leader_boxes, *, near_px: float,
              clear_px: float, leader_clear_px: float, own_r: float) -> int:
    """How many of the rules a label at `box` would break (0: it may go there). `leader_from` is the leader
    line's start (None without a leader); `others` the other markers (x, y, r); `boxes` the labels placed so
    far; `leader_boxes` the leader lines placed so far as (start, end) pairs."""
    broken = 0
    edge = _edge_distance(box, others)
    if len(edge) and edge.min() < clear_px:
        broken += int(np.sum(edge < clear_px))
    if leader_from is None:
        mine = _box_distance(box, own_xy)[0] - own_r
        if len(edge) and not mine + near_px <= edge.min():
            broken += 1
    else:
        end = np.asarray(own_xy, float).reshape(2)
        passed = _passable(others, end, own_r, leader_clear_px)
        if len(passed) and np.any(_segment_distance(leader_from, end, passed[:, :2]) - passed[:, 2] < leader_clear_px):
            broken += 1
        if _segment_crosses(leader_from, end, boxes, pad=1.0):
            broken += 1
    for a, b in leader_boxes:  # labels placed earlier keep their leader lines clear
        if _segment_crosses(a, b, np.array([box]), pad=1.0):
            broken += 1
    return broken


def place_labels(ax, x, y, texts, *, mandatory, all_x=None, all_y=None, fontsize: float = 9.0,
                 marker_radius_pt: float = 4.5, reserved=(), color: str = "#3D3D3D", order=None,
                 optional_rings: int = len(_RINGS), avoid=()):
    """Place one label per point (data coordinates x, y) where it can be read as that point's (see the module
    docstring for the rules).

    Markers are read from the axes (every scatter drawn so far, with its size); all_x/all_y add points drawn some
    other way, with radius marker_radius_pt. `avoid`: data-coordinate boxes (x0, y0, x1, y1: lines, segments)
    that labels must not cover. Returns the list of annotations created (gid LABEL_GID)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    trans = ax.transData
    pts = trans.transform(np.column_stack([np.asarray(x, float), np.asarray(y, float)]))
    r_default = marker_radius_pt * fig.dpi / 72
    drawn = marker_discs(ax)
    discs = drawn
    extra = pts if all_x is None else trans.transform(np.column_stack([np.asarray(all_x, float),
                                                                      np.asarray(all_y, float)]))
    if len(extra):  # points the axes do not hold as scatter markers (or hold at another size)
        discs = np.vstack([discs, np.column_stack([extra, np.full(len(extra), r_default)])])
    near_px = placed_pt_to_px(fig, NEARER_BY_PT)
    clear_px = placed_pt_to_px(fig, CLEAR_PT)
    leader_clear_px = placed_pt_to_px(fig, LEADER_CLEAR_PT)
    blocked = []
    if len(avoid):
        corners = np.array(avoid, dtype=float).reshape(-1, 4)
        lo = trans.transform(corners[:, :2])
        hi = trans.transform(corners[:, 2:])
        blocked = [tuple(b) for b in np.column_stack([np.minimum(lo[:, 0], hi[:, 0]), np.minimum(lo[:, 1], hi[:, 1]) - 2,
                                                      np.maximum(lo[:, 0], hi[:, 0]), np.maximum(lo[:, 1], hi[:, 1]) + 2])]
    axbox = ax.get_window_extent(renderer)
    placed_boxes = [tuple(b) for b in reserved]
    blocked = np.array(blocked, float).reshape(-1, 4)  # lines may be crossed by leader lines, never by a label
    leaders: list = []
    annotations = []
    order = list(range(len(texts))) if order is None else list(order)
    for i in order:
        text = texts[i]
        probe = mtext.Text(0, 0, text, fontsize=fontsize, figure=fig)
        ext = probe.get_window_extent(renderer)
        w, h = ext.width, ext.height
        px, py = pts[i]
        own = np.hypot(discs[:, 0] - px, discs[:, 1] - py) < 0.5
        own_drawn = np.hypot(drawn[:, 0] - px, drawn[:, 1] - py) < 0.5
        # the marker's radius as drawn (what the check measures from), else the one given
        own_r = float(drawn[own_drawn, 2].max()) if own_drawn.any() else r_default
        others = discs[~own]
        r = max(own_r, r_default)
        boxes = np.array(placed_boxes, float).reshape(-1, 4)
        chosen, fallback, fewest = None, None, None
        rings = _MANDATORY_RINGS if mandatory[i] else _RINGS[:optional_rings]
        for ring in rings:
            directions = _DIRECTIONS if ring <= _RINGS[1] or not mandatory[i] else _WIDE_DIRECTIONS
            # beside the marker (east, west) the label may also sit a third of its height higher or lower: room
            # near the top or bottom of the axes, or between two neighbours
            for direction, shift in [(d, s) for d in directions for s in ((0, h / 3, -h / 3) if d[1] == 0 else (0,))]:
                box = _candidate(px, py, w, h, r, direction, ring)
                box = (box[0], box[1] + shift, box[2], box[3] + shift)
                if direction[0] == 0 and ring > 0:  # above or below, with a leader: slide along to stay inside
                    slide = max(axbox.x0 + 2 - box[0], 0) - max(box[2] - (axbox.x1 - 2), 0)
                    box = (box[0] + slide, box[1], box[2] + slide, box[3])
                if box[0] < axbox.x0 + 2 or box[2] > axbox.x1 - 2 or box[1] < axbox.y0 + 2 or box[3] > axbox.y1 - 2:
                    continue
                if _overlaps(box, boxes, pad=2.0) or _overlaps(box, blocked, pad=1.0):
                    continue
                leader_from = _anchor(box, _relpos(direction)) if ring > 0 else None
                broken = _breaches(box, leader_from, np.array([px, py]), others, boxes, leaders, near_px=near_px,
                                   clear_px=clear_px, leader_clear_px=leader_clear_px, own_r=own_r)
                if broken:
                    if fewest is None or broken < fewest:
                        fallback, fewest = (box, direction, max(ring, _RINGS[1])), broken
                    continue
                chosen = (box, direction, ring)
                break
            if chosen:
                break
        if chosen is None:
            # A mandatory label is never dropped: it goes where it breaks the fewest rules, with a leader line to
            # its own marker, and the figure's checks then refuse the figure (nothing is published that lies).
            if not mandatory[i] or fallback is None:
                continue
            chosen = fallback
        forced = chosen is fallback
        box, direction, ring = chosen
        leader = ring > 0
        offset_pt = ((box[0] - px) * 72 / fig.dpi, (box[1] - py) * 72 / fig.dpi)
        relpos = _relpos(direction)
        arrow = dict(arrowstyle="-", color=color, lw=0.8, shrinkA=1, shrinkB=own_r * 72 / fig.dpi + 1,
                     relpos=relpos) if leader else None
        ann = ax.annotate(text, (x[i], y[i]), xytext=offset_pt, textcoords="offset points", ha="left",
                          va="bottom", fontsize=fontsize, color=color, arrowprops=arrow, annotation_clip=False,
                          zorder=5)
        ann.set_gid(LABEL_GID)
        ann.forced = forced  # placed although it breaks a rule: the figure's checks will say so
        # A white halo keeps a label readable where it crosses a limit line or grid line.
        ann.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground="white")])
        annotations.append(ann)
        placed_boxes.append(box)
        if leader:
            leaders.append((_anchor(box, relpos), np.array([px, py])))
    return annotations


# --------------------------------------------------------------------------------------------------
# Checks (used by tests/test_figure_labels.py and by the figure build before anything is written)


def lay_out(fig) -> None:
    """Everything a draw decides (annotation and tick positions, text layout), without rasterising a pixel: the
    checks measure the figure as it will be drawn, at a third of the cost of a full draw."""
    fig.draw_without_rendering()


def visible_texts(fig):
    """Every piece of text drawn on the figure with its box in pixels: (Text, Bbox)."""
    lay_out(fig)
    renderer = fig.canvas.get_renderer()
    tick_labels, drawn = _tick_labels(fig)
    out = []
    for text in fig.findobj(mtext.Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in tick_labels and id(text) not in drawn:
            continue
        # Text's own box: an Annotation's get_window_extent also covers its leader line
        out.append((text, mtext.Text.get_window_extent(text, renderer)))
    return out


def _tick_labels(fig) -> tuple[set[int], set[int]]:
    """(ids of every tick label, ids of those the axes draw). Tick labels exist for ticks outside the view
    too; only those the axis draws count. Each axis is asked once, not once per text."""
    every, drawn = set(), set()
    for axes in fig.axes:
        for axis in (axes.xaxis, axes.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                every.update((id(tick.label1), id(tick.label2)))
            for tick in axis._update_ticks():  # noqa: SLF001 - the ticks the axis will actually draw
                drawn.update(id(label) for label in (tick.label1, tick.label2) if label.get_visible())
    return every, drawn


def text_problems(fig, tolerance: float = 0.5, texts=None) -> list[str]:
    """Texts that overlap each other or a legend, and texts outside the canvas. `texts`: visible_texts(fig),
    when the caller has it already (the figure unchanged since)."""
    texts = visible_texts(fig) if texts is None else texts
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


def _leader_start(ann, box) -> np.ndarray:
    """Where an annotation's leader line leaves its text box (matplotlib's relpos of the arrow)."""
    relpos = (ann.arrowprops or {}).get("relpos", (0.5, 0.5))
    return _anchor((box.x0, box.y0, box.x1, box.y1), relpos)


def label_problems(ax, points, drawn: bool = False) -> list[str]:
    """For every point label (gid LABEL_GID) on `ax`, the rules of the module docstring, measured at print size:

    - the label names a point of `points` (a frame with columns label, x, y in data coordinates: the data the
      chart draws);
    - with a leader line: the line ends nearer its own marker than any other, passes no other marker closer than
      LEADER_CLEAR_PT and crosses no other label;
    - without one: the label's box is nearer its own marker than any other by NEARER_BY_PT;
    - either way, no other marker comes within CLEAR_PT of the label's box.
    Markers are read from what was drawn (every scatter on the axes, each with its own size). `drawn`: the figure
    was laid out as it is now (by visible_texts), so it is not laid out again."""
    fig = ax.figure
    if not drawn:
        lay_out(fig)
    renderer = fig.canvas.get_renderer()
    discs = marker_discs(ax)
    where = {row.label: ax.transData.transform((row.x, row.y)) for row in points.itertuples()}
    anns = [t for t in ax.texts if t.get_gid() == LABEL_GID]
    boxes = {id(a): mtext.Text.get_window_extent(a, renderer) for a in anns}
    near_px, clear_px = placed_pt_to_px(fig, NEARER_BY_PT), placed_pt_to_px(fig, CLEAR_PT)
    leader_clear_px = placed_pt_to_px(fig, LEADER_CLEAR_PT)

    def pt(px):
        return px_to_placed_pt(fig, px)

    problems = []
    for ann in anns:
        text = ann.get_text()
        if text not in where:
            problems.append(f"label {text!r} names no point of the data")
            continue
        own = where[text]
        is_own = np.hypot(discs[:, 0] - own[0], discs[:, 1] - own[1]) < 0.5
        others, own_r = discs[~is_own], float(discs[is_own, 2].max()) if is_own.any() else 0.0
        bb = boxes[id(ann)]
        box = (bb.x0, bb.y0, bb.x1, bb.y1)
        edge = _edge_distance(box, others)
        if ann.arrow_patch is not None:
            end = ax.transData.transform(ann.xy)
            d = np.hypot(others[:, 0] - end[0], others[:, 1] - end[1]) if len(others) else np.empty(0)
            d_own = np.hypot(own[0] - end[0], own[1] - end[1])
            if len(d) and not d_own < d.min():
                problems.append(f"label {text!r}: its leader line ends nearer another marker ({d.min():.1f} px) "
                                f"than its own ({d_own:.1f} px)")
            start = _leader_start(ann, bb)
            passed = _passable(others, own, own_r, leader_clear_px)
            if len(passed):
                gap = _segment_distance(start, own, passed[:, :2]) - passed[:, 2]
                if gap.min() < leader_clear_px:
                    problems.append(f"label {text!r}: its leader line passes {pt(max(gap.min(), 0)):.1f} pt from "
                                    f"another marker (at least {LEADER_CLEAR_PT:g} pt placed)")
            rest = [boxes[id(a)] for a in anns if a is not ann]
            if _segment_crosses(start, own, np.array([(b.x0, b.y0, b.x1, b.y1) for b in rest]).reshape(-1, 4)):
                problems.append(f"label {text!r}: its leader line crosses another label")
        elif len(edge):
            mine = _box_distance(box, own)[0] - own_r
            if not mine + near_px <= edge.min() + 1e-6:
                problems.append(f"label {text!r} is not clearly nearer its own marker: {pt(max(mine, 0)):.1f} pt from "
                                f"it, {pt(max(edge.min(), 0)):.1f} pt from another (needs {NEARER_BY_PT:g} pt more, "
                                f"placed)")
        if len(edge) and edge.min() < clear_px - 1e-6:
            problems.append(f"label {text!r}: another marker is {pt(max(edge.min(), 0)):.1f} pt from its box (at "
                            f"least {CLEAR_PT:g} pt placed)")
    return problems


def row_label_problems(ax, rows, drawn: bool = False) -> list[str]:
    """For charts whose rows are named by tick labels (ranked dot plots): each y tick label must sit on the row
    of its own marker. `rows` has columns label (the tick text) and y (data). `drawn` as for label_problems."""
    fig = ax.figure
    if not drawn:
        lay_out(fig)
    renderer = fig.canvas.get_renderer()
    want = {" ".join(str(label).split()): y for label, y in zip(rows["label"], rows["y"])}
    problems = []
    markers = marker_positions(ax)
    for tick in ax.get_yticklabels():
        text = " ".join(tick.get_text().split())  # a label wrapped onto two lines is the same label
        if text not in want:
            continue
        centre = tick.get_window_extent(renderer)
        cy = (centre.y0 + centre.y1) / 2
        own_y = ax.transData.transform((0, want[text]))[1]
        nearest = markers[np.argmin(np.abs(markers[:, 1] - cy))][1] if len(markers) else own_y
        if abs(nearest - own_y) > 0.5:
            problems.append(f"row label {text!r} sits nearer another row's marker")
    return problems


MAX_PLACED_HEIGHT_CM = 24.0  # the body of an A4 page: a figure placed 16 cm wide must fit it


def page_problems(fig, placed_cm: float = PLACED_CM, max_height_cm: float = MAX_PLACED_HEIGHT_CM) -> list[str]:
    """A figure placed `placed_cm` wide must be at most `max_height_cm` tall (one page of a briefing)."""
    height = fig.get_figheight() * placed_cm / fig.get_figwidth()
    if height > max_height_cm + 1e-9:
        return [f"placed {placed_cm:g} cm wide the figure is {height:.1f} cm tall (at most {max_height_cm:g} cm "
                f"fits a page)"]
    return []


def small_text(fig, min_placed_pt: float = 7.0, placed_cm: float = 16.0, texts=None) -> list[str]:
    """Texts smaller than `min_placed_pt` once the figure is placed `placed_cm` wide (`texts` as for
    text_problems)."""
    scale = (placed_cm / 2.54) / fig.get_figwidth()
    return [f"{t.get_text()[:40]!r} is {t.get_fontsize() * scale:.1f} pt placed"
            for t, _ in (visible_texts(fig) if texts is None else texts) if t.get_fontsize() * scale < min_placed_pt - 1e-9]

"""Figure style (the Government Analysis Function's, through `afcharts`), the frame of every figure (headline,
statistical subtitle, caption, source line), and the one function that saves a figure (deterministic bytes).

Sizes are chosen for where the figures are used: a briefing page places a figure about 16 cm wide, so a
canvas FIG_WIDTH inches wide is shrunk by 16 cm / FIG_WIDTH, and no text is smaller than MIN_FONT points on
the canvas, which is at least 7 pt on the page (tests/test_figure_text.py measures it).
"""
from __future__ import annotations

import functools
import io
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen in CI; notebooks show figures as PNG bytes rendered in memory
import matplotlib.pyplot as plt  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from . import sources  # noqa: E402
from .paths import FIGURES_DIR  # noqa: E402
from .tables import atomic_path  # noqa: E402

# The Analysis Function's categorical palette (dark blue, turquoise, dark pink, orange, dark grey, light purple)
PALETTE = get_af_colours("categorical")
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE = PALETTE
MID_GREY = "#767676"    # 4.5:1 on white: the lightest grey a mark may have (WCAG 1.4.11 needs 3:1)
LIGHT_GREY = "#BFBFBF"  # fills only, always with a darker edge or a label
TEXT_GREY = "#3D3D3D"

PLACED_WIDTH_CM = 16.0  # the width a figure is placed at in a briefing
FIG_WIDTH = 7.5         # inches
MIN_FONT = 9.0          # the smallest text on the canvas: 9 x 16 cm / 7.5 in = 7.6 pt placed
BASE_FONT = 10.0
TITLE_FONT = 13.0
SUBTITLE_FONT = 10.0
MARGIN_IN = 0.12        # white margin round the frame texts
DPI = 200               # PNG resolution
FORMATS = ("png", "svg", "pdf")

# Fixed metadata: without it matplotlib stamps dates and versions, and SVG ids change every run.
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}


def placed_points(fontsize: float, fig_width_in: float = FIG_WIDTH) -> float:
    """The size in points of text of `fontsize` once the figure is placed PLACED_WIDTH_CM wide."""
    return fontsize * (PLACED_WIDTH_CM / 2.54) / fig_width_in


def set_theme() -> None:
    """The afcharts style sheet, with this project's sizes and the settings that keep bytes deterministic."""
    plt.style.use("afcharts.afcharts")
    matplotlib.rcParams.update({
        # afcharts asks for Arial first; DejaVu Sans ships with matplotlib, so every machine draws the same
        # glyphs and no font warning reaches a notebook output.
        "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"],
        "font.size": BASE_FONT, "axes.titlesize": BASE_FONT, "axes.labelsize": BASE_FONT,
        "xtick.labelsize": MIN_FONT, "ytick.labelsize": MIN_FONT, "legend.fontsize": MIN_FONT,
        "legend.title_fontsize": MIN_FONT, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "figure.dpi": 100, "savefig.dpi": DPI, "figure.figsize": (FIG_WIDTH, 4.5), "path.simplify": False,
        "svg.hashsalt": "analysis", "svg.fonttype": "none", "pdf.fonttype": 42,
        "figure.facecolor": "white", "savefig.facecolor": "white",
    })


def _renderer(fig):
    return fig.canvas.get_renderer()


@functools.lru_cache(maxsize=20000)
def _width_px(text: str, size: float, weight: str, dpi: float) -> float:
    from matplotlib.backends.backend_agg import RendererAgg
    renderer = _measuring_renderer(dpi)
    width, _, _ = renderer.get_text_width_height_descent(text, FontProperties(size=size, weight=weight,
                                                                              family="DejaVu Sans"), ismath=False)
    return width


@functools.lru_cache(maxsize=8)
def _measuring_renderer(dpi: float):
    from matplotlib.backends.backend_agg import RendererAgg
    return RendererAgg(10, 10, dpi)


def text_width_in(fig, text: str, size: float, weight: str = "normal") -> float:
    """Width in inches of one line of text as the Agg renderer draws it (cached per string)."""
    return _width_px(text, float(size), weight, float(fig.dpi)) / fig.dpi


def wrap_to_width(fig, text: str, width_in: float, size: float, weight: str = "normal") -> list[str]:
    """Greedy word wrap by measured width (never by character count), so no line runs off the canvas.
    Words are measured once each (cached); a line near the limit is measured whole."""
    space = text_width_in(fig, "a a", size, weight) - 2 * text_width_in(fig, "a", size, weight)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words, line, used = paragraph.split(), "", 0.0
        for word in words:
            w = text_width_in(fig, word, size, weight)
            trial = used + (space if line else 0) + w
            fits = trial <= width_in * 0.97 or (trial <= width_in * 1.03
                                                and text_width_in(fig, f"{line} {word}", size, weight) <= width_in)
            if line and not fits:
                lines.append(line)
                line, used = word, w
            else:
                line, used = f"{line} {word}".strip(), trial
        lines.append(line)
    return lines


def _line_height_in(size: float, n: int) -> float:
    return n * size * 1.3 / 72 if n else 0.0


def finish(fig, *, title: str, subtitle: str = "", note: str = "", source_ids=(), source_text: str | None = None,
           layout=True) -> dict:
    """Frame a chart for a briefing: bold headline and statistical subtitle above, caption and source line
    below, both wrapped to the canvas; the figure grows by the room they need and the axes are laid out in
    what remains. Returns the frame's text artists by role (title, subtitle, note, source).

    Call once the chart's axes are drawn and before anything is placed in display coordinates.
    """
    body_h = fig.get_figheight()
    width = fig.get_figwidth() - 2 * MARGIN_IN
    title_lines = wrap_to_width(fig, title, width, TITLE_FONT, "bold")
    sub_lines = wrap_to_width(fig, subtitle, width, SUBTITLE_FONT) if subtitle else []
    source = source_text if source_text is not None else sources.source_line(source_ids)
    foot_text = (note + "\n" if note else "") + source
    foot_lines = wrap_to_width(fig, foot_text, width, MIN_FONT)
    head = MARGIN_IN + _line_height_in(TITLE_FONT, len(title_lines)) + _line_height_in(SUBTITLE_FONT, len(sub_lines)) \
        + 0.08
    foot = MARGIN_IN + _line_height_in(MIN_FONT, len(foot_lines)) + 0.05
    height = body_h + head + foot
    fig.set_figheight(height)
    x = MARGIN_IN / fig.get_figwidth()
    y_title = 1 - MARGIN_IN / height
    artists = {"title": fig.text(x, y_title, "\n".join(title_lines), ha="left", va="top", fontsize=TITLE_FONT,
                                 fontweight="bold", color="black", linespacing=1.15)}
    if sub_lines:
        y_sub = y_title - _line_height_in(TITLE_FONT, len(title_lines)) / height
        artists["subtitle"] = fig.text(x, y_sub, "\n".join(sub_lines), ha="left", va="top", fontsize=SUBTITLE_FONT,
                                       color=TEXT_GREY, linespacing=1.15)
    artists["footer"] = fig.text(x, MARGIN_IN / height, "\n".join(foot_lines), ha="left", va="bottom",
                                 fontsize=MIN_FONT, color=TEXT_GREY, linespacing=1.15)
    if layout:
        # Constrained layout, run once and then frozen: it keeps legends above the axes and long tick labels
        # inside the band between header and footer, and nothing moves after labels are placed.
        band = (0, foot / height, 1, 1 - (head + foot) / height)
        engine = ConstrainedLayoutEngine(rect=band, h_pad=0.05, w_pad=0.05, hspace=0.06, wspace=0.04)
        fig.set_layout_engine(engine)
        engine.execute(fig)
        fig.set_layout_engine("none")
        for ax in fig.axes:  # rounding removes float noise of the layout, so SVG clip-path ids never change
            box = ax.get_position()
            ax.set_position([round(box.x0, 5), round(box.y0, 5), round(box.width, 5), round(box.height, 5)])
        # The layout kept room for figure legends at the top of the band; put them there, flush left.
        for legend in fig.legends:
            legend.set_loc("upper left")
            legend.set_bbox_to_anchor((x, 1 - head / height), transform=fig.transFigure)
    fig._frame_rect = (foot / height, 1 - head / height)  # the band the axes live in (used by checks)
    fig._frame_title = title  # the headline, for figures/index.csv
    return artists


def legend_above(fig, handles, ncol: int = 2):
    """The key above the chart, flush with the headline (house style), laid out by `finish`."""
    return fig.legend(handles=handles, loc="outside upper left", ncol=ncol, frameon=False, borderaxespad=0,
                      handlelength=2.0, columnspacing=1.2, fontsize=MIN_FONT, borderpad=0.2)


def add_source_line(fig, source_ids, note: str = "") -> None:
    """Frame a figure that has no headline of its own (kept for callers that only need a source line)."""
    finish(fig, title="", note=note, source_ids=source_ids)


def _write(fig, path: Path, fmt: str, salt: str) -> None:
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "pdf.fonttype": 42}):
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, metadata=METADATA[fmt], dpi=DPI if fmt == "png" else None)


def save(fig, name: str, source_ids=None, *, note: str = "", formats=FORMATS, out_dir: Path = FIGURES_DIR):
    """Write out_dir/<name>.<fmt> for each format (PNG at DPI, SVG with text as text, PDF), each atomically;
    returns the paths. Saving the same figure twice gives identical bytes (fixed metadata, SVG hash salt).

    A figure not framed yet (no `finish`) gets the source line of `source_ids` here.
    """
    if not getattr(fig, "_frame_rect", None):
        finish(fig, title="", note=note, source_ids=source_ids or ())
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out_dir / f"{name}.{fmt}"
        _write(fig, path, fmt, name)
        written.append(path)
    return written


def png_bytes(fig, dpi: int = 100) -> bytes:
    """The figure as PNG bytes rendered in memory (nothing written to disk)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata=METADATA["png"], dpi=dpi)
    return buffer.getvalue()


def close(fig) -> None:
    """Close without printing a repr (keeps notebook outputs stable)."""
    plt.close(fig)


def show(fig, dpi: int = 100):
    """For notebooks: the figure as an in-memory PNG to display, and the figure closed. Writes no file:
    only `python -m analysis figures` writes figures/."""
    from IPython.display import Image

    data = png_bytes(fig, dpi)
    close(fig)
    return Image(data=data, format="png")


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))

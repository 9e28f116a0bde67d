"""Figure style and the one function that saves every figure (deterministic bytes, with a source line)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen in CI; notebooks show figures through display(), not the backend
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from . import sources  # noqa: E402
from .paths import FIGURES_DIR  # noqa: E402

PALETTE = sns.color_palette("colorblind")
# Fixed metadata: without it matplotlib stamps dates and versions, and SVG ids change every run.
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}


def set_theme() -> None:
    sns.set_theme(context="paper", style="whitegrid", palette="colorblind", font="DejaVu Sans")
    matplotlib.rcParams.update({"svg.hashsalt": "analysis", "figure.dpi": 100, "savefig.dpi": 150,
                                "figure.figsize": (8, 5), "axes.titleweight": "bold",
                                "axes.titlelocation": "left", "path.simplify": False})


SOURCE_LINE_CHARS = 150  # wrap width of the source line, in characters at 7 pt


def add_source_line(fig, source_ids, note: str = "") -> int:
    """Write the note and source line at the foot of the figure; returns the number of text lines."""
    lines = textwrap.wrap(sources.source_line(source_ids), SOURCE_LINE_CHARS)
    if note:
        lines = textwrap.wrap(note, SOURCE_LINE_CHARS) + lines
    fig.text(0.01, 0.005, "\n".join(lines), ha="left", va="bottom", fontsize=7, color="0.35")
    return len(lines)


def save(fig, name: str, source_ids, *, note: str = "", formats=("png", "svg"), out_dir: Path = FIGURES_DIR):
    """Add the source line, then write figures/<name>.<fmt> for each format; returns the paths.

    Saving the same figure twice gives identical bytes (fixed metadata and SVG hash salt).
    """
    n_lines = add_source_line(fig, source_ids, note)
    # Reserve room at the foot for the text: about 0.12 inch per 7 pt line plus a margin.
    foot = min(0.5, (0.12 * n_lines + 0.15) / fig.get_figheight())
    fig.tight_layout(rect=(0, foot, 1, 1))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out_dir / f"{name}.{fmt}"
        with matplotlib.rc_context({"svg.hashsalt": name, "svg.fonttype": "none"}):
            fig.savefig(path, format=fmt, metadata=METADATA[fmt])
        written.append(path)
    return written


def close(fig) -> None:
    """Close without printing a repr (keeps notebook outputs stable)."""
    plt.close(fig)


def publish(fig, name: str, source_ids, *, note: str = ""):
    """Save (as `save`), close, and return the saved PNG for a notebook to display.

    Showing the saved file rather than the live figure keeps the notebook's picture identical to the
    exported one and keeps matplotlib reprs out of the outputs.
    """
    from IPython.display import Image

    paths = save(fig, name, source_ids, note=note)
    close(fig)
    return Image(filename=str(paths[0]))

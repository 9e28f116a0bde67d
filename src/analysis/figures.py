"""Figure style and the one function that saves every figure (deterministic bytes, with a source line)."""
from __future__ import annotations

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


def add_source_line(fig, source_ids, note: str = "") -> None:
    text = sources.source_line(source_ids)
    if note:
        text = f"{note}\n{text}"
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7, color="0.35", wrap=True)


def save(fig, name: str, source_ids, *, note: str = "", formats=("png", "svg"), out_dir: Path = FIGURES_DIR):
    """Add the source line, then write figures/<name>.<fmt> for each format; returns the paths.

    Saving the same figure twice gives identical bytes (fixed metadata and SVG hash salt).
    """
    add_source_line(fig, source_ids, note)
    fig.tight_layout(rect=(0, 0.06 + 0.02 * note.count("\n") + (0.03 if note else 0), 1, 1))
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

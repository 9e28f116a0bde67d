"""The project's whole rebuild, as the commands run it: data/processed/ (with the tables the analysis layer
derives from it) and the notebooks, each under the project lock. Used by `python -m analysis build`,
`notebooks`, `add-foi` and `repair`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import locking, notebooks, paths, rates
from .build import build


def rebuild(out_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """data/processed/ rebuilt from data/raw/ as one unit, force_rates included."""
    return build(Path(out_dir or paths.PROCESSED_DIR), derive=rates.derived_tables)


def execute_notebooks() -> list[Path]:
    """Re-execute every notebook in place (their stored outputs count sources and figures)."""
    with locking.project_lock():
        return notebooks.execute_all()

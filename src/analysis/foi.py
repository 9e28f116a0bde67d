"""FOI reply tables: the public names, and the re-read of the real replies.

`read_foi_table(path, force=...)` reads an FOI reply table (.xlsx, .ods, .csv, .xls) safely into one row per
data cell (see `analysis.cleaning.foi_tables` for the output and the layout rules, `analysis.readers` for the
guards: size and decompression caps, defusedxml, formulas refused, cell formats honoured). Every problem raises
a subclass of `FoiReadError` (a `ValueError`) naming the file and, where one cell is at fault, the cell.
`reread_real_replies()` re-reads every real reply transcribed as a spreadsheet and compares it cell by cell
with the figures published. Adding a reply to the project is the `add-foi` command (`analysis.add_foi`).

The caps are `analysis.readers.grid.MAX_ROWS`, `MAX_COLS`, `MAX_BYTES`, `MAX_PART_BYTES` and
`MAX_UNPACKED_BYTES`, read at call time (the copies below are for reading, not for patching).
"""
from __future__ import annotations

import pandas as pd

from . import paths, sources
from .cleaning import figures as figures_cleaner
from .cleaning import foi_tables
from .cleaning.foi_tables import (  # noqa: F401  (public names, documented in the README)
    EXCLUDED_COLUMNS,
    RECORD_COLUMNS,
    TABLE_COLUMNS,
    FoiTable,
    read,
    read_foi_records,
    read_foi_table,
)
from .readers import *  # noqa: F401,F403  (the error classes, Cell, Grid, read_grid)
from .readers.grid import MAX_BYTES, MAX_COLS, MAX_PART_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES  # noqa: F401


# --- the real replies, re-read -------------------------------------------------------------------
REREAD_COLUMNS = ["source_id", "file", "locator", "category", "period_label", "raw_value", "value_read",
                  "qualifier", "value_published", "published_line", "agrees"]


def reread_real_replies() -> pd.DataFrame:
    """Every real FOI reply transcribed as a spreadsheet (sources.yml `foi_table` with role: check), re-read.

    One row per cell. Count tables: `value_read`/`qualifier` as read_foi_table reads the cell, and
    `value_published` from the figures.csv line that `compare:` names for that cell (read through the
    figures cleaner); `agrees` when value, qualifier and period match, or, for a cell with no published
    figure, when it reads as missing (a blank stays a gap). Record tables: `raw_value` is the cell text and
    `agrees` when that text appears verbatim in the source's capture.txt.
    """
    out = []
    for entry in sources.manifest():
        for spec in foi_tables.table_specs(entry):
            if spec.get("role") != "check":
                continue
            result = foi_tables.read_spec(entry, spec)
            folder = paths.RAW_DIR / entry["id"]
            if spec.get("layout") == "records":
                capture = (folder / "capture.txt").read_text(encoding="utf-8")
                for rec in result.table.to_dict("records"):
                    out.append({"source_id": entry["id"], "file": spec["path"], "locator": rec["source_locator"],
                                "category": rec["column"], "period_label": "", "raw_value": rec["text"],
                                "value_read": float("nan"), "qualifier": "text",
                                "value_published": rec["text"] if rec["text"] in capture else "",
                                "published_line": "capture.txt", "agrees": rec["text"] in capture})
                continue
            figures = figures_cleaner.clean(figures_cleaner.read_file(folder / "figures.csv"), entry)
            compare = {str(k): int(v) for k, v in (spec.get("compare") or {}).items()}
            for rec in result.table.to_dict("records"):
                line = compare.get(rec["source_locator"])
                published, agrees = float("nan"), rec["qualifier"] == "missing"
                if line is not None:
                    fig = figures.iloc[line - 2]
                    published = fig["value"]
                    same_value = (pd.isna(published) and pd.isna(rec["value"])) or published == rec["value"]
                    same_period = (fig["period_start"], fig["period_end"]) == (rec["period_start"], rec["period_end"])
                    agrees = bool(same_value and fig["qualifier"] == rec["qualifier"] and same_period)
                out.append({"source_id": entry["id"], "file": spec["path"], "locator": rec["source_locator"],
                            "category": rec["category"], "period_label": rec["period_label"],
                            "raw_value": rec["raw_value"], "value_read": rec["value"],
                            "qualifier": rec["qualifier"], "value_published": published,
                            "published_line": f"figures.csv line {line}" if line else "",
                            "agrees": agrees})
    return pd.DataFrame(out, columns=REREAD_COLUMNS)

"""Readers: the bottom of the house for untrusted input tables (csv, xlsx, ods, xls).

- `errors`: `FoiReadError` and its subclasses, each message naming the file and the cell;
- `grid`: `read_grid`, the one guarded place that turns a file into a grid of non-empty cells (size and
  decompression caps, defusedxml, formula refusal, cell formats);
- `shape`: where a table's titles, header, data rows, totals and notes are in a grid.

Nothing here knows forces, outcomes or periods: callers pass what they need (see `shape.mark_totals_and_periods`).
"""
from .errors import *  # noqa: F401,F403  (the error classes: the package's vocabulary of failures)
from .errors import __all__ as _errors
from .grid import (OLE2_MAGIC, SUFFIXES, ZIP_MAGIC, Cell, Grid, Limits, cell_text, column_letter, read_grid,
                   sheet_names)

# The caps live in .grid and are read at call time: patch analysis.readers.grid.MAX_ROWS (and friends) there.
__all__ = [*_errors, "Cell", "Grid", "Limits", "read_grid", "sheet_names", "cell_text", "column_letter", "OLE2_MAGIC",
           "SUFFIXES", "ZIP_MAGIC"]

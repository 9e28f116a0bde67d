"""Cleaner for the Home Office police workforce tables (sources with topic `workforce`) into `workforce`.

The family's pair, as every cleaner: `load_raw(entry, raw_dir)` parses each workforce file a source lists,
`clean(raw, entry)` recodes one of them. Three kinds of file, one tidy layout out:
- `workforce_by_worker_type.csv`: per-force sums of the Home Office open data table (all_paid rows derived);
- `workforce.csv`: officer series from several publishers with a url per row (its rows that repeat the open
  data sums are left out when the source also lists workforce_by_worker_type.csv);
- the Home Office "Police workforce open data table" itself (.ods/.xlsx/.xls), read through the guarded
  reader `analysis.readers` with `OPEN_DATA_LIMITS`, so a newer edition added to data/raw/ is rebuilt
  without hand work (`read_open_data_table(path)` does the same for a file outside data/raw).
The denominators (`denominator()`, `average_denominator()`) are in `analysis.workforce`.

Output schema (`WORKFORCE_COLUMNS`), one row per force x date x worker_type x measure x source row:

    force            canonical force name (analysis.forces), or "England and Wales" for national rows
    force_code       ONS code (E23/W15...; K04000001 for England and Wales; empty for BTP)
    date             ISO date of the snapshot, always YYYY-03-31 ("as at 31 March")
    worker_type      officers | staff | pcso | designated_officers | special_constables |
                     police_support_volunteers | all_paid (= officers + staff + pcso + designated_officers)
    measure          headcount | fte
    value            float; NaN where the source has no figure (FTE of specials and volunteers is N/A)
    source_id        key into data/raw/sources.yml
    source_locator   "<file> line N" / "<file> sheet S row N"; derived rows name their parts
    derived          True where the row is computed here (all_paid), not read from the raw file
    source_url       the publication the figure comes from (workforce.csv has several publishers)
    preference       0 open data table sums, 1 Home Office data tables, 2 Home Office bulletin text,
                     3 secondary press report; denominators use the lowest available
    raw_force        the force as written in the source
    raw_worker_type  the worker type / measure as written in the source
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import forces, paths
from ..readers import Limits, read_grid, sheet_names

TABLE = "workforce"
SOURCE_ID = "homeoffice_workforce_2007-2022_2022-07"
BY_WORKER_TYPE_NAME = "workforce_by_worker_type.csv"
OFFICER_SERIES_NAME = "workforce.csv"
OPEN_DATA_SUFFIXES = (".ods", ".xlsx", ".xls")
# The open data table has one row per force x sex x rank x worker type x year: far more than an FOI reply.
OPEN_DATA_LIMITS = Limits(max_rows=250_000, max_cols=40, max_bytes=40 * 1024 * 1024,
                          max_part_bytes=256 * 1024 * 1024, max_unpacked_bytes=320 * 1024 * 1024)
OPEN_DATA_URL = ("https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/"
                 "file/1093587/open-data-table-police-workforce-270722.ods")

WORKFORCE_COLUMNS = ("force", "force_code", "date", "worker_type", "measure", "value", "source_id",
                     "source_locator", "derived", "source_url", "preference", "raw_force", "raw_worker_type")
MEASURES = ("headcount", "fte")
PAID_PARTS = ("officers", "staff", "pcso", "designated_officers")
WORKER_TYPES = PAID_PARTS + ("special_constables", "police_support_volunteers", "all_paid")

# Home Office worker-type wording (any case, any spacing) -> code. The open data table writes
# "Police Officer", "Police Staff", "Police Community Support Officer", "Designated Officer",
# "Special Constable", "Police Support Volunteer"; the derived copy lower-cases them.
_WORKER_TYPE_WORDING = {
    "police officer": "officers",
    "police officers": "officers",
    "police staff": "staff",
    "police community support officer": "pcso",
    "police community support officers": "pcso",
    "pcso": "pcso",
    "designated officer": "designated_officers",
    "designated officers": "designated_officers",
    "special constable": "special_constables",
    "special constables": "special_constables",
    "police support volunteer": "police_support_volunteers",
    "police support volunteers": "police_support_volunteers",
}
# Known wording that is deliberately not carried into the tidy table, with the reason.
_DROPPED_WORKER_TYPES = {
    # ALL headcount mixes paid workers with specials and (from 2018 only) police support volunteers,
    # so it is neither the Home Office "total workforce" nor comparable across 2017/2018.
    # The comparable paid total is rebuilt from its parts as all_paid.
    "all (all worker types summed)": "ALL mixes paid workers and volunteers; all_paid is derived instead",
}


def source_dir() -> Path:
    """The folder of the workforce source (read at call time, so a test can point analysis.paths elsewhere)."""
    return paths.RAW_DIR / SOURCE_ID


class WorkforceFormatError(ValueError):
    """A workforce file holds text this module does not know; the message names file, row and text."""


def _words(text: object) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower())


def worker_type_code(text: str, *, where: str = "") -> str | None:
    """Code for a worker-type wording; None for known-and-dropped wording; unknown wording raises."""
    key = _words(text)
    if key in _WORKER_TYPE_WORDING:
        return _WORKER_TYPE_WORDING[key]
    if key in _DROPPED_WORKER_TYPES:
        return None
    raise WorkforceFormatError(f"{where}: unknown worker type {text!r}; known: "
                               f"{sorted(set(_WORKER_TYPE_WORDING) | set(_DROPPED_WORKER_TYPES))}")


def march_31(year: int) -> str:
    return f"{int(year):04d}-03-31"


def _snapshot_date(text: object, where: str) -> str:
    """ISO 31 March from a year (2014, "2014", 2014.0) or a YYYY-03-DD date.

    The derived copy stores the Home Office "As at 31 March" year as YYYY-03-01 (its author built the
    date from year and month only), so any March day means "as at 31 March" of that year.
    """
    if isinstance(text, (dt.date, pd.Timestamp)):
        text = pd.Timestamp(text).strftime("%Y-%m-%d")
    s = str(text).strip()
    m = re.fullmatch(r"(\d{4})(?:\.0+)?", s) or re.fullmatch(r"(\d{4})-03-\d{2}(?:[ T]00:00:00)?", s)
    if not m:
        raise WorkforceFormatError(f"{where}: snapshot date {text!r} is neither a year nor a March date")
    return march_31(int(m.group(1)))


def _number(text: object, where: str) -> float:
    """A published number; "N/A", "..", "-" and blanks are missing (NaN), never 0."""
    s = str(text).strip().replace(",", "")
    if s.lower() in ("", "n/a", "na", "nan", "..", "-", "*", "none"):
        return np.nan
    try:
        return float(s)
    except ValueError:
        raise WorkforceFormatError(f"{where}: {text!r} is not a number") from None


def _resolve_area(name: str, where: str) -> tuple[str, str]:
    """(canonical name, code) for a force, or for a national aggregate such as "England and Wales (43 forces)"."""
    try:
        area, code, _kind = forces.canonical_area(name)
    except forces.UnknownForceError as exc:
        raise WorkforceFormatError(f"{where}: unknown force {name!r} ({exc})") from None
    return area, code


def _preference(url: str, title: str) -> int:
    """How close a figure sits to the Home Office table (lower is closer); see the module docstring."""
    if url == OPEN_DATA_URL or "open-data-table-police-workforce" in url:
        return 0
    if "[secondary" in title or not ("gov.uk" in url):
        return 3
    if url.endswith((".ods", ".xlsx", ".csv")):
        return 1
    return 2


# --------------------------------------------------------------------------------------------------
# The family's pair: load_raw(entry, raw_dir) / clean(raw, entry)

def load_raw(entry: dict, raw_dir: Path | None = None) -> list[pd.DataFrame]:
    """Parse only: every workforce file of a `workforce` source (the two CSVs, or an open data table)."""
    if entry["topic"] != "workforce":
        return []
    folder = Path(raw_dir or paths.RAW_DIR) / entry["id"]
    out = []
    for item in entry["files"]:
        name = item["path"]
        if name in (BY_WORKER_TYPE_NAME, OFFICER_SERIES_NAME):
            out.append(read_file(folder / name))
        elif name.lower().endswith(OPEN_DATA_SUFFIXES):
            out.append(read_open_data_rows(folder / name))
    return out


def clean(raw: pd.DataFrame, entry: dict) -> pd.DataFrame:
    """Pure: one parsed workforce file as tidy rows (see the module docstring for the three kinds)."""
    listed = {item["path"] for item in entry["files"]}
    if raw.attrs.get("kind") == "open_data_rows":
        return _finish_open_data(raw, entry["id"], entry.get("url", ""))
    tidy = clean_file(raw, source_id=entry["id"])
    if "worker_type" not in raw.columns and BY_WORKER_TYPE_NAME in listed:
        tidy = tidy[tidy["preference"] != 0].reset_index(drop=True)  # the open data rows repeat by_worker_type
    return tidy


def log_rows(raw: pd.DataFrame, clean: pd.DataFrame, entry: dict) -> list[tuple[str, str, str, int, int]]:
    name = raw.attrs.get("file", "")
    if raw.attrs.get("kind") == "open_data_rows":
        reason = "Home Office open data table rows summed over sex and rank, plus derived all_paid"
    elif "worker_type" in raw.columns:
        reason = "one row per force x date x worker type x measure, plus derived all_paid"
    else:
        reason = "one row per figure; rows repeating the open data sums left out"
    return [(f"workforce:{entry['id']}", f"clean {name}", reason, len(raw), len(clean))]


def read_file(path: Path | str) -> pd.DataFrame:
    """Parse one raw workforce CSV as text, exactly as written, plus `source_file` and `source_locator`.

    Line numbers are physical file lines (header = line 1); neither file has embedded newlines.
    """
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw["source_file"] = path.name
    raw["source_locator"] = [f"{path.name} line {i}" for i in range(2, len(raw) + 2)]
    raw.attrs["file"] = path.name
    return raw


def clean_file(raw: pd.DataFrame, *, source_id: str = SOURCE_ID) -> pd.DataFrame:
    """The tidy workforce table from one `read_file` frame (either CSV layout). Pure: no I/O.

    For `workforce_by_worker_type.csv` the derived `all_paid` rows are added; FTE of specials and
    police support volunteers (0 in the copy, "N/A" in the Home Office table) becomes NaN.
    """
    if "worker_type" in raw.columns:
        tidy = _clean_by_worker_type(raw, source_id)
        return _finish(pd.concat([tidy, all_paid_rows(tidy)], ignore_index=True))
    if "measure" in raw.columns and "source_url" in raw.columns:
        return _finish(_clean_officer_series(raw, source_id))
    raise WorkforceFormatError(f"{raw.get('source_file', pd.Series(['?'])).iloc[0]}: "
                               f"unrecognised workforce layout, columns {list(raw.columns)}")


# Worker types whose FTE the Home Office gives as N/A (the copy turned it into 0).
_FTE_NOT_APPLICABLE = ("special_constables", "police_support_volunteers")


def _clean_by_worker_type(raw: pd.DataFrame, source_id: str) -> pd.DataFrame:
    records = []
    for row in raw.to_dict("records"):
        where = row["source_locator"]
        code = worker_type_code(row["worker_type"], where=where)
        if code is None:
            continue  # ALL: dropped on purpose, see _DROPPED_WORKER_TYPES
        force, force_code = _resolve_area(row["force_name_as_written"], where)
        if row["force_code"] and force_code and row["force_code"] != force_code:
            raise WorkforceFormatError(f"{where}: code {row['force_code']} does not match {force} ({force_code})")
        fte = _number(row["fte"], where)
        if code in _FTE_NOT_APPLICABLE:
            fte = np.nan  # N/A in the Home Office table, not zero
        base = dict(force=force, force_code=force_code, date=_snapshot_date(row["snapshot_date"], where),
                    worker_type=code, source_id=source_id, source_locator=where, derived=False,
                    source_url=OPEN_DATA_URL, preference=0, raw_force=row["force_name_as_written"],
                    raw_worker_type=row["worker_type"])
        records.append({**base, "measure": "headcount", "value": _number(row["headcount"], where)})
        records.append({**base, "measure": "fte", "value": fte})
    return pd.DataFrame(records, columns=list(WORKFORCE_COLUMNS))


_OFFICER_MEASURES = {"officers_fte": ("officers", "fte"), "officers_headcount": ("officers", "headcount")}


def _clean_officer_series(raw: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """workforce.csv: officer FTE/headcount from several publishers. Every row is kept, with its url.

    Its open-data-table rows repeat workforce_by_worker_type.csv (tests check they agree); callers
    combining both use `workforce_table()`, which keeps one copy.
    """
    records = []
    for row in raw.to_dict("records"):
        where = row["source_locator"]
        if row["measure"] not in _OFFICER_MEASURES:
            raise WorkforceFormatError(f"{where}: unknown measure {row['measure']!r}")
        worker_type, measure = _OFFICER_MEASURES[row["measure"]]
        force, force_code = _resolve_area(row["force"], where)
        records.append(dict(
            force=force, force_code=force_code, date=_snapshot_date(row["date"], where),
            worker_type=worker_type, measure=measure, value=_number(row["value"], where),
            source_id=source_id, source_locator=where, derived=False, source_url=row["source_url"],
            preference=_preference(row["source_url"], row["source_title"]), raw_force=row["force"],
            raw_worker_type=row["measure"]))
    return pd.DataFrame(records, columns=list(WORKFORCE_COLUMNS))


def all_paid_rows(tidy: pd.DataFrame) -> pd.DataFrame:
    """Derived all_paid = officers + staff + pcso + designated_officers, per force x date x measure x source.

    Written only where all four parts exist with a value: a missing part would make the total look smaller
    than the workforce, so the total stays missing (no row) rather than partial.
    """
    parts = tidy[tidy["worker_type"].isin(PAID_PARTS) & tidy["value"].notna() & ~tidy["derived"].astype(bool)]
    keys = ["force", "force_code", "date", "measure", "source_id", "source_url", "preference"]
    rank = {w: i for i, w in enumerate(PAID_PARTS)}
    ordered = parts.assign(_rank=parts["worker_type"].map(rank)).sort_values(keys + ["_rank"], kind="stable")
    groups: dict[tuple, list] = {}
    for row in ordered.itertuples(index=False):
        groups.setdefault(tuple(getattr(row, k) for k in keys), []).append(row)
    records = []
    for key, rows in groups.items():  # sorted by key, as groupby(sort=True) gave them
        if [r.worker_type for r in rows] != list(PAID_PARTS):
            continue
        # summed in PAID_PARTS order, rounded to the 6 decimals the sums were published with, so float noise
        # never reaches the CSV
        total = round(float(sum(r.value for r in rows)), 6)
        records.append({**dict(zip(keys, key)), "worker_type": "all_paid", "value": total,
                        "derived": True, "source_locator": _sum_locator(pd.Series([r.source_locator for r in rows])),
                        "raw_force": rows[0].raw_force, "raw_worker_type": "+".join(PAID_PARTS)})
    return pd.DataFrame(records, columns=list(WORKFORCE_COLUMNS))


def _sum_locator(locators: pd.Series) -> str:
    """"sum of f.csv lines 2, 3, 4, 5" from ["f.csv line 2", ...]; other shapes are listed whole."""
    split = [re.fullmatch(r"(.+) line (\d+)", s) for s in locators]
    if all(split) and len({m.group(1) for m in split}) == 1:
        return f"sum of {split[0].group(1)} lines {', '.join(m.group(2) for m in split)}"
    return "sum of " + "; ".join(locators)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Column order, dtypes and a stable row order (so rebuilt CSVs are byte-identical)."""
    frame = frame.loc[:, list(WORKFORCE_COLUMNS)].copy()
    frame["value"] = frame["value"].astype(float)
    frame["derived"] = frame["derived"].astype(bool)
    frame["preference"] = frame["preference"].astype(int)
    frame["force_code"] = frame["force_code"].fillna("")
    _check(frame)
    order = ["force", "date", "worker_type", "measure", "preference", "source_locator"]
    return frame.sort_values(order, kind="stable", ignore_index=True)


def _check(frame: pd.DataFrame) -> None:
    """The invariants every producer must keep (raise, never repair)."""
    bad = ~frame["worker_type"].isin(WORKER_TYPES) | ~frame["measure"].isin(MEASURES)
    bad |= ~frame["date"].str.fullmatch(r"\d{4}-03-31")
    bad |= frame["value"] < 0
    if bad.any():
        raise WorkforceFormatError(f"invalid workforce rows: {frame[bad].head().to_dict('records')}")


def workforce_table(raw_dir: Path | str | None = None, entry: dict | None = None) -> pd.DataFrame:
    """The full tidy table of one workforce source (default: the Home Office source in sources.yml): every
    worker type from the open data sums, plus the officer rows of workforce.csv that those sums do not already
    hold (BTP, 2003-2006 and 2023-2025 national rows, press figures for 2024/2025)."""
    if entry is None:
        from .. import sources
        entry = sources.source(SOURCE_ID)
    frames = [clean(raw, entry) for raw in load_raw(entry, Path(raw_dir) if raw_dir else None)]
    return finish(frames)


def finish(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The family's frames as one table: column order, dtypes, checks and a stable row order."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return _finish(pd.DataFrame(columns=list(WORKFORCE_COLUMNS)))
    return _finish(pd.concat(frames, ignore_index=True))


# --------------------------------------------------------------------------------------------------
# The Home Office "Police workforce open data table" itself

# Normalised header (lower case, letters and digits only) -> our column. Editions differ:
# 2022 (via Ashby's clean_names): As at 31 March, Geo code, Force Name, Region, Sex, Rank description,
#   Worker Type, Total headcount, Total FTE;
# 2026: As at 31 March, Geocode, Force name, Region, Sex, Rank, Worker type, Total (Headcount), Total (FTE).
_HEADER_ALIASES = {
    "asat31march": "date", "date": "date",
    "geocode": "geo_code",
    "forcename": "force", "force": "force",
    "workertype": "worker_type",
    "totalheadcount": "headcount", "headcount": "headcount",
    "totalfte": "fte", "fte": "fte",
}
_REQUIRED = ("date", "force", "worker_type", "headcount", "fte")


def _header_key(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def _read_grid(path: Path, sheet: str | None) -> tuple[dict[int, dict[int, str]], str]:
    """All cells as text by row and column, through the guarded reader; returns the rows and a locator prefix."""
    suffix = path.suffix.lower()
    if suffix not in (".ods", ".xlsx", ".xls", ".csv"):
        raise WorkforceFormatError(f"{path}: expected .ods, .xlsx, .xls or .csv")
    if sheet is None and suffix != ".csv":
        # The table's data sit on a sheet called "Data"; other sheets are cover notes.
        sheet = _data_sheet(path)
    grid = read_grid(path, sheet=sheet, limits=OPEN_DATA_LIMITS)
    rows: dict[int, dict[int, str]] = {}
    for (r, c), cell in grid.cells.items():
        rows.setdefault(r, {})[c] = cell.text
    prefix = f"{path.name} line" if grid.sheet is None else f"{path.name} sheet {grid.sheet} row"
    return rows, prefix


def _data_sheet(path: Path) -> str | None:
    """The sheet called "Data" (any case), or None to let the reader choose the only sheet with content."""
    names = sheet_names(path, limits=OPEN_DATA_LIMITS)
    return next((n for n in names if n.strip().lower() == "data"), None)


def _find_header(rows: dict[int, dict[int, str]], path: Path) -> tuple[int, dict[str, int]]:
    """The header row (cover lines may precede it) and our column -> grid column."""
    for r in sorted(rows)[:30]:
        mapping: dict[str, int] = {}
        for c in sorted(rows[r]):
            name = _HEADER_ALIASES.get(_header_key(rows[r][c]))
            if name and name not in mapping:
                mapping[name] = c
        if all(c in mapping for c in _REQUIRED):
            return r, mapping
    raise WorkforceFormatError(f"{path}: no header row with columns like 'As at 31 March', 'Force Name', "
                               f"'Worker Type', 'Total headcount', 'Total FTE' in the first 30 rows")


def read_open_data_rows(path: Path | str, *, sheet: str | None = None) -> pd.DataFrame:
    """Parse only: the rows of a Home Office "Police workforce open data table", recoded to codes and numbers,
    one per force x sex x rank x worker type (known-and-dropped worker types left out)."""
    path = Path(path)
    rows, prefix = _read_grid(path, sheet)
    header, cols = _find_header(rows, path)
    records = []
    for r in sorted(rows):
        if r <= header:
            continue
        cells = rows[r]

        def cell(name: str) -> str:
            return cells.get(cols[name], "")

        where = f"{prefix} {r}"
        code = worker_type_code(cell("worker_type"), where=where)
        if code is None:
            continue
        force, force_code = _resolve_area(cell("force"), where)
        records.append(dict(force=force, force_code=force_code, date=_snapshot_date(cell("date"), where),
                            worker_type=code, raw_force=cell("force").strip(),
                            raw_worker_type=cell("worker_type").strip(), row=r,
                            headcount=_number(cell("headcount"), where), fte=_number(cell("fte"), where)))
    if not records:
        raise WorkforceFormatError(f"{path}: no data rows under the header")
    out = pd.DataFrame(records)
    out.attrs.update({"kind": "open_data_rows", "file": path.name, "prefix": prefix})
    return out


def read_open_data_table(path: Path | str, *, sheet: str | None = None,
                         source_id: str | None = None, source_url: str = "") -> pd.DataFrame:
    """Sum a Home Office "Police workforce open data table" to the tidy workforce layout.

    The table has one row per force x sex x rank x worker type; this sums headcount and FTE over sex and
    rank for each force x 31 March x worker type, then adds the derived all_paid rows. Header names are
    matched case- and spacing-insensitively. An FTE of "N/A" is missing, and a sum that includes a missing
    FTE is missing (the total of known and unknown parts is unknown). Unknown worker types or forces
    raise naming the file, row and text. `source_id` defaults to the folder the file sits in.
    """
    path = Path(path)
    return _finish_open_data(read_open_data_rows(path, sheet=sheet), source_id or path.parent.name, source_url)


def _finish_open_data(rows: pd.DataFrame, source_id: str, source_url: str) -> pd.DataFrame:
    tidy = _sum_open_data_rows(rows, rows.attrs["prefix"], source_id, source_url)
    return _finish(pd.concat([tidy, all_paid_rows(tidy)], ignore_index=True))


def _sum_open_data_rows(rows: pd.DataFrame, prefix: str, source_id: str, source_url: str) -> pd.DataFrame:
    records = []
    for (force, code, date, wtype), group in rows.groupby(["force", "force_code", "date", "worker_type"],
                                                          sort=True):
        locator = f"sum of {len(group)} rows of {prefix}s {_ranges(group['row'])}"
        base = dict(force=force, force_code=code, date=date, worker_type=wtype, source_id=source_id,
                    source_locator=locator, derived=False, source_url=source_url, preference=0,
                    raw_force=group["raw_force"].iloc[0], raw_worker_type=group["raw_worker_type"].iloc[0])
        for measure in MEASURES:
            # an all-missing or partly-missing FTE column sums to NaN, not 0 (pandas' default sum would say 0)
            values = group[measure]
            total = round(float(values.sum()), 6) if values.notna().all() else np.nan
            records.append({**base, "measure": measure, "value": total})
    return pd.DataFrame(records, columns=list(WORKFORCE_COLUMNS))


def _ranges(numbers: pd.Series) -> str:
    """"2-15, 40" from row numbers: short locators that still point at every summed row."""
    nums = sorted(int(n) for n in numbers)
    spans, start, prev = [], nums[0], nums[0]
    for n in nums[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        spans.append(f"{start}-{prev}" if prev != start else f"{start}")
        if n is not None:
            start = prev = n
    return ", ".join(spans)



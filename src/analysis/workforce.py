"""Police workforce (officers, staff, PCSOs, ...) per force at 31 March: the denominators for rates.

Three ways in, one tidy layout out:
- `load_raw(path)` + `clean(raw)`: the files in data/raw/homeoffice_workforce_2007-2022_2022-07/
  (`workforce_by_worker_type.csv`, per-force sums of the Home Office open data table, and
  `workforce.csv`, officer series from several publishers with a url per row);
- `read_open_data_table(path)`: the Home Office "Police workforce open data table" itself
  (.ods/.xlsx/.csv), so a newer edition dropped into data/raw/ can be rebuilt without hand work;
- `denominator()` / `average_denominator()`: the figure that matches a study's population.

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

from . import forces
from .paths import RAW_DIR

SOURCE_ID = "homeoffice_workforce_2007-2022_2022-07"
SOURCE_DIR = RAW_DIR / SOURCE_ID
BY_WORKER_TYPE_FILE = SOURCE_DIR / "workforce_by_worker_type.csv"
OFFICER_SERIES_FILE = SOURCE_DIR / "workforce.csv"
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
# load_raw / clean for the files in data/raw/homeoffice_workforce_2007-2022_2022-07/

def load_raw(path: Path | str) -> pd.DataFrame:
    """Parse one raw workforce CSV as text, exactly as written, plus `source_file` and `source_locator`.

    Line numbers are physical file lines (header = line 1); neither file has embedded newlines.
    """
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw["source_file"] = path.name
    raw["source_locator"] = [f"{path.name} line {i}" for i in range(2, len(raw) + 2)]
    return raw


def clean(raw: pd.DataFrame, *, source_id: str = SOURCE_ID) -> pd.DataFrame:
    """The tidy workforce table from one `load_raw` frame (either file layout). Pure: no I/O.

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
    records = []
    for key, group in parts.groupby(keys, sort=True):
        if sorted(group["worker_type"]) != sorted(PAID_PARTS) or len(group) != len(PAID_PARTS):
            continue
        group = group.set_index("worker_type").loc[list(PAID_PARTS)]
        # rounded to the 6 decimals the sums were published with, so float noise never reaches the CSV
        total = round(float(group["value"].sum()), 6)
        records.append({**dict(zip(keys, key)), "worker_type": "all_paid", "value": total,
                        "derived": True, "source_locator": _sum_locator(group["source_locator"]),
                        "raw_force": group["raw_force"].iloc[0], "raw_worker_type": "+".join(PAID_PARTS)})
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


def workforce_table(raw_dir: Path | str | None = None) -> pd.DataFrame:
    """The full tidy table from the source folder: every worker type from the open data sums, plus the
    officer rows of workforce.csv that those sums do not already hold (BTP, 2003-2006 and 2023-2025
    national rows, press figures for 2024/2025)."""
    folder = Path(raw_dir) if raw_dir else SOURCE_DIR
    by_type = clean(load_raw(folder / BY_WORKER_TYPE_FILE.name))
    series = clean(load_raw(folder / OFFICER_SERIES_FILE.name))
    series = series[series["preference"] != 0]  # the open data rows duplicate by_type
    return _finish(pd.concat([by_type, series], ignore_index=True))


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


def _read_grid(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame, str]:
    """All cells as text, no header inferred; returns the grid and a locator prefix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, header=None, keep_default_na=False), f"{path.name} line"
    if suffix not in (".ods", ".xlsx", ".xls"):
        raise WorkforceFormatError(f"{path}: expected .ods, .xlsx or .csv")
    engine = "odf" if suffix == ".ods" else None
    if sheet is None:
        # The table's data sit on a sheet called "Data"; other sheets are cover notes.
        names = pd.ExcelFile(path, engine=engine).sheet_names
        sheet = next((n for n in names if n.strip().lower() == "data"), names[0])
    grid = pd.read_excel(path, sheet_name=sheet, dtype=str, header=None, engine=engine, na_filter=False)
    return grid, f"{path.name} sheet {sheet} row"


def _find_header(grid: pd.DataFrame, path: Path) -> tuple[int, dict[str, int]]:
    """Index of the header row (cover lines may precede it) and our column -> grid column."""
    for i in range(min(len(grid), 30)):
        mapping: dict[str, int] = {}
        for j, cell in enumerate(grid.iloc[i]):
            name = _HEADER_ALIASES.get(_header_key(cell))
            if name and name not in mapping:
                mapping[name] = j
        if all(c in mapping for c in _REQUIRED):
            return i, mapping
    raise WorkforceFormatError(f"{path}: no header row with columns like 'As at 31 March', 'Force Name', "
                               f"'Worker Type', 'Total headcount', 'Total FTE' in the first 30 rows")


def read_open_data_table(path: Path | str, *, sheet: str | int | None = None,
                         source_id: str | None = None, source_url: str = "") -> pd.DataFrame:
    """Sum a Home Office "Police workforce open data table" to the tidy workforce layout.

    The table has one row per force x sex x rank x worker type; this sums headcount and FTE over sex and
    rank for each force x 31 March x worker type, then adds the derived all_paid rows. Header names are
    matched case- and spacing-insensitively. An FTE of "N/A" is missing, and a sum that includes a missing
    FTE is missing (the total of known and unknown parts is unknown). Unknown worker types or forces
    raise naming the file, row and text. `source_id` defaults to the folder the file sits in.
    """
    path = Path(path)
    grid, prefix = _read_grid(path, sheet)
    header, cols = _find_header(grid, path)
    records = []
    for i in range(header + 1, len(grid)):
        cells = grid.iloc[i]
        if all(not str(c).strip() for c in cells):
            continue  # blank spreadsheet rows carry nothing
        where = f"{prefix} {i + 1}"
        code = worker_type_code(cells.iloc[cols["worker_type"]], where=where)
        if code is None:
            continue
        force, force_code = _resolve_area(cells.iloc[cols["force"]], where)
        records.append(dict(force=force, force_code=force_code,
                            date=_snapshot_date(cells.iloc[cols["date"]], where), worker_type=code,
                            raw_force=str(cells.iloc[cols["force"]]).strip(),
                            raw_worker_type=str(cells.iloc[cols["worker_type"]]).strip(), row=i + 1,
                            headcount=_number(cells.iloc[cols["headcount"]], where),
                            fte=_number(cells.iloc[cols["fte"]], where)))
    if not records:
        raise WorkforceFormatError(f"{path}: no data rows under the header")
    rows = pd.DataFrame(records)
    tidy = _sum_open_data_rows(rows, prefix, source_id or path.parent.name, source_url)
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


# --------------------------------------------------------------------------------------------------
# Denominators

# A study's population -> the worker types summed for it. Designated officers are police staff with
# designated powers (the Home Office counts them apart), so they belong to "staff" and "all_personnel".
POPULATION_WORKER_TYPES = {
    "officers": ("officers",),
    "all_personnel": ("all_paid",),
    "staff": ("staff", "pcso", "designated_officers"),
    "pcso": ("pcso",),
    "special_constables": ("special_constables",),
}
_POPULATION_TEXT = {
    "officers": "police officers",
    "all_personnel": "officers, staff, PCSOs and designated officers (all paid workers)",
    "staff": "police staff, PCSOs and designated officers",
    "pcso": "PCSOs",
    "special_constables": "special constables",
}
_NATIONAL = "England and Wales"


def _iso(date: object) -> str:
    return pd.Timestamp(date).strftime("%Y-%m-%d")


def _one_value(workforce: pd.DataFrame, force: str, date: str, worker_type: str, measure: str) -> float | None:
    """The value at the lowest preference; None when absent; conflicting values at that level raise."""
    rows = workforce[(workforce["force"] == force) & (workforce["date"] == date)
                     & (workforce["worker_type"] == worker_type) & (workforce["measure"] == measure)
                     & workforce["value"].notna()]
    if rows.empty:
        return None
    best = rows[rows["preference"] == rows["preference"].min()]
    if best["value"].nunique() > 1:
        raise ValueError(f"{force} {date} {worker_type} {measure}: conflicting values "
                         f"{best[['value', 'source_locator']].to_dict('records')}")
    return float(best["value"].iloc[0])


def _national_sum(workforce: pd.DataFrame, date: str, worker_type: str, measure: str) -> float | None:
    """Sum over the 43 territorial forces (all must be present): the national figure the sums imply."""
    codes = workforce["force_code"].str.match(r"^(E23|W15)")
    names = sorted(workforce.loc[codes, "force"].unique())
    values = [_one_value(workforce, f, date, worker_type, measure) for f in names]
    if len(names) != forces.N_CODES or any(v is None for v in values):
        return None
    return float(sum(values))


def _value_for(workforce, force, date, worker_type, measure) -> float:
    value = _one_value(workforce, force, date, worker_type, measure)
    if value is None and force == _NATIONAL:
        value = _national_sum(workforce, date, worker_type, measure)
    if value is None:
        have = sorted(workforce.loc[(workforce["force"] == force) & (workforce["worker_type"] == worker_type)
                                    & (workforce["measure"] == measure) & workforce["value"].notna(), "date"])
        raise KeyError(f"no {worker_type} {measure} for {force} at {date}; dates available: {have}")
    return value


def _area(force: str) -> str:
    """Canonical force name, or the aggregate's name ("England and Wales") for national figures."""
    return forces.canonical_area(force)[0]


def denominator(workforce: pd.DataFrame, force: str, date: object, population: str,
                *, measure: str = "headcount") -> tuple[float, str]:
    """(value, description) of the workforce that matches a study's population, at one 31 March.

    population: officers -> officers; all_personnel -> all_paid (officers + staff + PCSOs + designated
    officers); staff -> staff + PCSOs + designated officers; pcso; special_constables.
    Headcount is the default because a rate "per 1,000 officers" counts people, and misconduct cases
    are about people whatever their hours; FTE understates the people at risk where many work part
    time (staff especially). Pass measure="fte" to match a study that used FTE. For "England and Wales"
    a published national row is used if present, otherwise the sum of the 43 territorial forces.
    """
    if population not in POPULATION_WORKER_TYPES:
        raise ValueError(f"no workforce denominator for population {population!r}; "
                         f"use one of {sorted(POPULATION_WORKER_TYPES)}")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    area, date = _area(force), _iso(date)
    if not date.endswith("-03-31"):
        raise ValueError(f"workforce snapshots are at 31 March; got {date}")
    parts = POPULATION_WORKER_TYPES[population]
    value = sum(_value_for(workforce, area, date, wt, measure) for wt in parts)
    return float(value), f"{_POPULATION_TEXT[population]}, {measure}, {area}, at 31 March {date[:4]}"


def march_dates_within(start: object, end: object) -> list[str]:
    """The 31 March dates inside [start, end], both ends included."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start > end:
        raise ValueError(f"start {start.date()} is after end {end.date()}")
    years = range(start.year, end.year + 1)
    return [march_31(y) for y in years if start <= pd.Timestamp(march_31(y)) <= end]


def average_denominator(workforce: pd.DataFrame, force: str, start: object, end: object, population: str,
                        *, measure: str = "headcount") -> tuple[float, str]:
    """(mean, description) of the 31 March values that fall inside [start, end].

    Only snapshots inside the period are averaged: a study period that starts on 1 January 2009 and ends
    on 17 February 2014 (PA 2014) averages 31 March 2009, 2010, 2011, 2012 and 2013; 31 March 2014 lies
    after the period ends and is not used. Every one of those dates must be present (a partial average
    would quietly change its meaning); the description lists the dates averaged.
    """
    dates = march_dates_within(start, end)
    if not dates:
        raise ValueError(f"no 31 March falls within {_iso(start)}..{_iso(end)}; use denominator() "
                         f"with the nearest snapshot and say so")
    values = [denominator(workforce, force, d, population, measure=measure)[0] for d in dates]
    area = _area(force)
    years = ", ".join(d[:4] for d in dates)
    text = (f"{_POPULATION_TEXT[population]}, {measure}, {area}, mean of 31 March {years} "
            f"({len(dates)} snapshots within {_iso(start)} to {_iso(end)})")
    return float(np.mean(values)), text

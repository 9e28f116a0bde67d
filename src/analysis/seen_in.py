"""Where a spelling was seen: every recode row (force alias, area alias, outcome wording, population wording)
says where its spelling comes from, in a `seen_in` column: a source id of data/raw/sources.yml, or the url of a
public page when the spelling is not in data/raw (official names, common forms).

`where_seen(text, table)` lists the sources whose raw files hold a spelling, to fill `seen_in` when a new
spelling stops the build (`python -m analysis seen-in "Wilts Police"`):
1. sources where it is a whole cell of the column the table recodes (force_as_published, category or
   outcome wording, population_as_published), as written, then ignoring case;
2. then sources where it appears inside such a cell (a part of "resignation, dismissal or retirement");
3. then sources whose files (captures, transcribed tables, figures, cases) hold it anywhere as whole words.
Spreadsheets are searched through the cells already read into data/processed (FOI reply tables).
"""
from __future__ import annotations

import csv
import functools
import io
import re
from pathlib import Path

from . import paths, sources, tables
# The rule every recode row obeys (a source id or a url; legacy forms for old rows) lives in analysis.provenance,
# at the bottom of the house, because the vocabularies apply it each time they read a table.
from .provenance import LEGACY, SOURCE_ID, URL, MissingSeenInError, check_seen_in  # noqa: F401

# recode table -> (columns of figures*.csv / cases.csv, columns of processed observations) that it recodes
TABLE_COLUMNS = {
    "force_aliases": (("force_as_published",), ("raw_force",)),
    "aggregates": (("force_as_published",), ("raw_force",)),
    "outcome_wording": (("category_as_published", "outcome_as_published"), ("raw_category",)),
    "populations": (("population_as_published", "role_as_published"), ("raw_population",)),
}
TEXT_SUFFIXES = (".csv", ".txt", ".md")
def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


@functools.cache
def _cells(table: str, raw_dir: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(source id, cells of the recoded columns) per source, from figures*/cases.csv and processed tables."""
    raw_columns, processed_columns = TABLE_COLUMNS[table]
    found: dict[str, list[str]] = {}
    for entry in sources.manifest():
        for item in entry["files"]:
            path = Path(raw_dir) / entry["id"] / item["path"]
            if path.suffix != ".csv" or not (path.name.startswith(("figures", "cases"))):
                continue
            with open(path, encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    found.setdefault(entry["id"], []).extend(_norm(row[c]) for c in raw_columns if row.get(c))
    try:
        from .datasets import load
        obs = load("observations")
        for column in processed_columns:
            for source_id, cell in zip(obs["source_id"], obs[column]):
                if isinstance(cell, str) and cell:
                    found.setdefault(source_id, []).append(_norm(cell))
    except (OSError, KeyError):  # before the first build there is no processed table: raw files only
        pass
    return tuple((sid, tuple(cells)) for sid, cells in found.items())


@functools.cache
def _texts(raw_dir: str) -> tuple[tuple[str, str], ...]:
    out = []
    for entry in sources.manifest():
        text = []
        for item in entry["files"]:
            path = Path(raw_dir) / entry["id"] / item["path"]
            if path.suffix in TEXT_SUFFIXES and path.stat().st_size < 2_000_000:
                text.append(path.read_text(encoding="utf-8", errors="replace"))
        out.append((entry["id"], _norm("\n".join(text))))
    return tuple(out)


_ASCII = [chr(i) for i in range(128)]


def _folded(text: str) -> str | None:
    """`text` in lower case, for _may_hold; None when it holds a character beyond ASCII that a case-blind search
    equates with an ASCII one (the Kelvin sign with k, a long s with s): such a text is always searched."""
    beyond = {c for c in set(text) if not c.isascii()}
    return None if any(re.fullmatch(re.escape(a), c, re.I) for c in beyond for a in _ASCII) else text.lower()


@functools.cache
def _texts_folded(raw_dir: str) -> dict[str, str | None]:
    return {source_id: _folded(text) for source_id, text in _texts(raw_dir)}


@functools.cache
def _cells_folded(table: str, raw_dir: str) -> dict[str, str | None]:
    return {source_id: _folded("\n".join(values)) for source_id, values in _cells(table, raw_dir)}


def _words(text: str) -> re.Pattern:
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(_norm(text)) + r"(?![A-Za-z0-9])", re.I)


def _may_hold(lowered: str | None, spelling: str) -> bool:
    """False only where the case-blind whole-word search of _words cannot match: an ASCII spelling not even a
    substring of the text in lower case (in a text from _folded, an ASCII character of the spelling can match only
    its own two cases; a spelling beyond ASCII is always searched). Spares the slow search of every source's cells
    and text for each spelling asked about."""
    return lowered is None or not spelling.isascii() or spelling.lower() in lowered


def where_seen(text: str, table: str = "force_aliases", raw_dir: Path | None = None) -> list[str]:
    """Source ids whose raw files hold `text`, best evidence first (see the module docstring)."""
    if table not in TABLE_COLUMNS:
        raise ValueError(f"table {table!r} is not one of {sorted(TABLE_COLUMNS)}")
    raw_dir = str(raw_dir or paths.RAW_DIR)
    spelling = _norm(text)
    pattern = _words(spelling)
    order = [e["id"] for e in sources.manifest()]
    cells, cells_folded = dict(_cells(table, raw_dir)), _cells_folded(table, raw_dir)
    ranked: list[list[str]] = [[], [], [], []]
    for source_id in order:
        values = cells.get(source_id, ())
        if spelling in values:
            ranked[0].append(source_id)
        elif spelling.lower() in {v.lower() for v in values}:
            ranked[1].append(source_id)
        elif _may_hold(cells_folded.get(source_id), spelling) and any(pattern.search(v) for v in values):
            ranked[2].append(source_id)
    texts, texts_folded = dict(_texts(raw_dir)), _texts_folded(raw_dir)
    for source_id in order:
        if source_id not in ranked[0] + ranked[1] + ranked[2] and _may_hold(texts_folded.get(source_id), spelling) \
                and pattern.search(texts.get(source_id, "")):
            ranked[3].append(source_id)
    return [s for group in ranked for s in group]


# --- adding reviewed spellings (a research helper's recode_additions.csv) -------------------------------------
ADDITION_COLUMNS = ["table", "key", "value", "seen_in"]


def _resolve(table: str, key: str) -> str | None:
    """What the tables already map `key` to (canonical force, area, outcome cell, population), or None."""
    from . import forces, outcomes, populations
    try:
        if table == "force_aliases":
            return forces.canonical_force(key)
        if table == "aggregates":
            return forces.canonical_area(key)[0]
        if table == "outcome_wording":
            return outcomes.join_outcomes(outcomes.categorise_outcomes(key))
        if table == "populations":
            return populations.categorise_population(key)
    except ValueError:
        return None
    return None


def _area_code_kind(area: str) -> tuple[str, str]:
    """The code and kind an area already has in aggregates.csv; a new area is an ad-hoc group with no code."""
    from . import forces
    for line, row in forces._read(forces.AGGREGATES_FILE, forces.AGGREGATE_COLUMNS):
        if row["area"] == area:
            return row["area_code"], row["kind"]
    return "", "ad_hoc_group"


def reference(text: str) -> str:
    """The source id or url a seen_in cell starts with: research helpers write "<id>/figures_x.csv (The Star
    1-6709294)" or "<id>; <id>"; the table keeps the first reference (outcome_wording keeps the rest as a note)."""
    text = text.strip()
    if URL.match(text):
        return text.split()[0].rstrip(";,")
    return re.split(r"[\s;(,:]", text, maxsplit=1)[0].split("/")[0]


def add_recode_rows(path: Path) -> tuple[list[dict], list[dict]]:
    """Append the rows of a recode_additions.csv (table,key,value,seen_in) to force_aliases.csv, aggregates.csv
    (value: the area; its code and kind those the area already has, else an ad-hoc group), outcome_wording.csv
    and populations.csv, after checking every row: seen_in a source id of sources.yml or a
    url (the first reference of the cell, see `reference`; that a source id is in sources.yml and holds the
    spelling is checked by tests/test_seen_in.py once the sources are added); value a canonical force, outcome
    category (or +-join) or population code. A spelling the tables already
    map the same way is skipped; one they map differently is refused. All or nothing: if the tables no longer
    load after the append, they are restored. Rows for table=measures are never appended: they are returned
    for review. Returns (rows added, rows left for review)."""
    from . import forces, outcomes, populations
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != ADDITION_COLUMNS:
            raise ValueError(f"{path} line 1: expected columns {ADDITION_COLUMNS}, found {reader.fieldnames}")
        rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items()}) for row in reader]
    added: list[dict] = []
    review: list[dict] = []
    for line, row in rows:
        where = f"{path} line {line}"
        table, key, value, seen = row["table"], row["key"], row["value"], row["seen_in"]
        if table == "measures":  # a new measure code is a reviewed decision, never appended unread
            review.append({"table": table, "key": key, "value": value, "seen_in": row["seen_in"],
                           "why": "a new measure code: add it to recode/measures.csv by hand after review"})
            continue
        if table not in ("force_aliases", "aggregates", "outcome_wording", "populations"):
            raise ValueError(f"{where}: table {table!r} is not force_aliases, aggregates, outcome_wording, "
                             f"populations or measures")
        full, seen = seen, reference(seen)
        check_seen_in(path, line, key, seen)
        if not (SOURCE_ID.fullmatch(seen) or URL.fullmatch(seen)):
            raise ValueError(f"{where}: seen_in {full!r} of {key!r} does not start with a source id or a url")
        if table == "force_aliases":
            value = forces.canonical_force(value)  # raises unless a real force
        elif table == "aggregates":
            if value in forces._registry_rows():
                raise ValueError(f"{where}: {value!r} is one force: the spelling belongs in force_aliases")
        elif table == "outcome_wording":
            value = outcomes.join_outcomes(value.split(outcomes.JOINER))
        elif value not in populations.POPULATIONS:
            raise ValueError(f"{where}: population {value!r} is not one of {populations.POPULATIONS}")
        known = _resolve(table, key)
        if known == value:
            continue  # already read the same way: nothing to add
        if known is not None:
            raise ValueError(f"{where}: {key!r} already reads as {known!r} in {table}.csv, not {value!r}")
        added.append({"table": table, "key": key, "value": value, "seen_in": seen, "as_written": full,
                      "code_kind": _area_code_kind(value) if table == "aggregates" else ()})
    table_files = {"force_aliases": forces.ALIASES_FILE, "aggregates": forces.AGGREGATES_FILE,
                   "outcome_wording": outcomes.WORDING_FILE, "populations": populations.RECODE_FILE}
    files = {t: table_files[t] for t in sorted({a["table"] for a in added})}
    before = {t: f.read_text(encoding="utf-8") for t, f in files.items()}
    try:
        for table, file in files.items():
            text = before[table] if before[table].endswith("\n") else before[table] + "\n"
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            for a in (a for a in added if a["table"] == table):
                if table == "outcome_wording":
                    writer.writerow([a["key"], a["value"], f"{path.name}: {a['as_written']}", a["seen_in"]])
                elif table == "aggregates":
                    writer.writerow([a["key"], a["value"], *a["code_kind"], a["seen_in"]])
                else:
                    writer.writerow([a["key"], a["value"], a["seen_in"]])
            tables.write_text(file, text + out.getvalue())
        _clear_recode_caches()
        forces.canonical_area("England and Wales"), outcomes.categorise_outcome("dismissed")
        populations.categorise_population("officers")
        for a in added:
            if _resolve(a["table"], a["key"]) != a["value"]:
                raise ValueError(f"{path}: {a['key']!r} does not read back as {a['value']!r}")
    except BaseException:
        for table, file in files.items():
            tables.write_text(file, before[table])
        _clear_recode_caches()
        raise
    return added, review


def _clear_recode_caches() -> None:
    from . import forces, outcomes, populations
    for cache in (forces._force_lookup, forces._area_lookup, outcomes._wording_lookup, populations._table):
        cache.cache_clear()


def refresh_legacy() -> list[tuple[str, str, str]]:
    """Rows whose seen_in is a legacy form ("research:...", "unattested (...)") but whose spelling is now in the
    files of a source: seen_in becomes that source id (the best evidence, see where_seen). Rewrites the tables
    (nothing else in them changes) and returns (table, spelling, source id) for each row changed."""
    from . import forces, outcomes, populations
    files = {"force_aliases": (forces.ALIASES_FILE, "alias"), "aggregates": (forces.AGGREGATES_FILE, "alias"),
             "outcome_wording": (outcomes.WORDING_FILE, "wording"), "populations": (populations.RECODE_FILE, "wording")}
    changed = []
    for table, (path, key) in files.items():
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            columns, rows = reader.fieldnames, list(reader)
        touched = False
        for row in rows:
            if LEGACY.fullmatch(row["seen_in"]):
                found = where_seen(row[key], table)
                if found:
                    row["seen_in"] = found[0]
                    changed.append((table, row[key], found[0]))
                    touched = True
        if touched:
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            tables.write_text(path, out.getvalue())
    _clear_recode_caches()
    return changed

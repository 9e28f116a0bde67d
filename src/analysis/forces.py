"""The police force registry and the recode from real-world force spellings to one canonical name.

Three reviewed tables in recode/ drive everything here:
- forces.csv         the 43 territorial forces of England and Wales plus British Transport Police;
- force_aliases.csv  alias,force,seen_in: every spelling seen in the sources (plus Home Office and common forms),
                     with where it was seen (a source id or url; analysis.seen_in);
- aggregates.csv     alias,area,area_code,kind,seen_in: areas that are not one force ("England and Wales", ...).

Resolution is exact lookup after a light `normalise()`. Fuzzy matching (difflib) is used only to suggest a
name in the error message, never to resolve: a wrong guess would silently move figures between forces.
"""
from __future__ import annotations

import csv
import difflib
import functools
import re
from pathlib import Path

import pandas as pd

from .paths import RECODE_DIR
from .provenance import check_seen_in

FORCES_FILE = RECODE_DIR / "forces.csv"
ALIASES_FILE = RECODE_DIR / "force_aliases.csv"
AGGREGATES_FILE = RECODE_DIR / "aggregates.csv"

REGISTRY_COLUMNS = ("force", "force_code", "short_name", "region", "country", "kind")
ALIAS_COLUMNS = ("alias", "force", "seen_in")
AGGREGATE_COLUMNS = ("alias", "area", "area_code", "kind", "seen_in")
FORCE_KINDS = ("territorial", "special")
AREA_KINDS = ("country_group", "ad_hoc_group")
N_FORCES = 44  # 43 territorial forces + British Transport Police
N_CODES = 43  # BTP has no police force area code
FORCE_CODE = re.compile(r"^(E23|W15)\d{6}$")
AREA_CODE = re.compile(r"^K0\d{7}$")

# Generic trailing words dropped so "Kent", "Kent Police" and "Kent police" meet. Only trailing ones:
# "Police Scotland" must not become "Scotland", and place words are never touched, so "West Midlands"
# and "West Mercia", or "Durham" and "County Durham", stay distinct keys.
_GENERIC_SUFFIXES = ("police", "constabulary", "service")

# Police bodies people will pass in that are deliberately outside the registry: say why, don't suggest.
_OUTSIDE = {
    "police scotland": "Police Scotland is outside England and Wales",
    "police service of scotland": "Police Scotland is outside England and Wales",
    "psni": "the Police Service of Northern Ireland is outside England and Wales",
    "police service of northern ireland": "the Police Service of Northern Ireland is outside England and Wales",
    "ministry of defence": "the Ministry of Defence Police is a national special force, not in the registry",
    "mdp": "the Ministry of Defence Police is a national special force, not in the registry",
    "civil nuclear": "the Civil Nuclear Constabulary is a national special force, not in the registry",
    "cnc": "the Civil Nuclear Constabulary is a national special force, not in the registry",
    "states of jersey": "the States of Jersey Police is outside England and Wales",
    "national crime agency": "the National Crime Agency is not a police force in the registry",
}


class UnknownForceError(ValueError):
    """Text that is not a police force of England and Wales (or, for canonical_area, not a known area)."""


def normalise(name: str) -> str:
    """Matching key for a spelling: lower case; "&" -> "and"; apostrophes dropped; any other run of
    punctuation, hyphens, underscores, brackets or whitespace -> one space; a leading "the" and trailing
    generic words ("police", "constabulary", "service") dropped.

    >>> normalise("  The Dyfed–Powys  Police ")
    'dyfed powys'
    >>> normalise("Metropolitan Police Service (MPS)")
    'metropolitan police service mps'
    """
    text = str(name).lower().replace("&", " and ")
    text = re.sub(r"['\u2019]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    words = text.split()
    while len(words) > 1 and words[-1] in _GENERIC_SUFFIXES:
        words.pop()
    return " ".join(words)


def _read(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a recode CSV with their line numbers; every cell stripped."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"{path} line 1: expected columns {columns}, found {reader.fieldnames}")
        return [(reader.line_num, {k: (v or "").strip() for k, v in row.items()}) for row in reader]


def _fail(path: Path, line: int, message: str) -> ValueError:
    return ValueError(f"{path} line {line}: {message}")


@functools.cache
def _registry_rows() -> dict[str, dict[str, str]]:
    """Canonical name -> registry row, validated."""
    rows: dict[str, dict[str, str]] = {}
    codes: dict[str, str] = {}
    for line, row in _read(FORCES_FILE, REGISTRY_COLUMNS):
        name, code = row["force"], row["force_code"]
        if not all(row[c] for c in REGISTRY_COLUMNS if c != "force_code"):
            raise _fail(FORCES_FILE, line, f"empty cell in {row}")
        if name in rows:
            raise _fail(FORCES_FILE, line, f"force {name!r} listed twice")
        if row["kind"] not in FORCE_KINDS:
            raise _fail(FORCES_FILE, line, f"kind {row['kind']!r} is not one of {FORCE_KINDS}")
        if code and not FORCE_CODE.match(code):
            raise _fail(FORCES_FILE, line, f"force_code {code!r} is not an ONS police force area code")
        if not code and row["kind"] != "special":
            raise _fail(FORCES_FILE, line, f"territorial force {name!r} has no force_code")
        if code in codes:
            raise _fail(FORCES_FILE, line, f"force_code {code} already used by {codes[code]!r}")
        if code:
            codes[code] = name
        rows[name] = row
    if len(rows) != N_FORCES or len(codes) != N_CODES:
        raise ValueError(f"{FORCES_FILE}: expected {N_FORCES} forces and {N_CODES} codes, "
                         f"found {len(rows)} and {len(codes)}")
    return rows


def _add(table: dict[str, str], key: str, value: str, path: Path, line: int, text: str) -> None:
    """Insert one normalised key, refusing a key that already points elsewhere."""
    if not key:
        raise _fail(path, line, f"alias {text!r} is empty after normalisation")
    if table.get(key, value) != value:
        raise _fail(path, line, f"alias {text!r} (key {key!r}) maps to {value!r} but already to {table[key]!r}")
    table[key] = value


@functools.cache
def _force_lookup() -> dict[str, str]:
    """Normalised spelling -> canonical force. Canonical and short names count as aliases themselves."""
    rows = _registry_rows()
    table: dict[str, str] = {}
    for line, row in _read(FORCES_FILE, REGISTRY_COLUMNS):
        for text in (row["force"], row["short_name"]):
            _add(table, normalise(text), row["force"], FORCES_FILE, line, text)
    for line, row in _read(ALIASES_FILE, ALIAS_COLUMNS):
        check_seen_in(ALIASES_FILE, line, row["alias"], row["seen_in"])
        if row["force"] not in rows:
            raise _fail(ALIASES_FILE, line, f"force {row['force']!r} is not a canonical name in {FORCES_FILE.name}")
        _add(table, normalise(row["alias"]), row["force"], ALIASES_FILE, line, row["alias"])
    return table


@functools.cache
def _area_lookup() -> dict[str, tuple[str, str, str]]:
    """Normalised spelling -> (area, code, kind) for aggregates; must not overlap force spellings."""
    forces = _force_lookup()
    table: dict[str, tuple[str, str, str]] = {}
    areas: dict[str, tuple[str, str]] = {}
    for line, row in _read(AGGREGATES_FILE, AGGREGATE_COLUMNS):
        check_seen_in(AGGREGATES_FILE, line, row["alias"], row["seen_in"])
        area, code, kind = row["area"], row["area_code"], row["kind"]
        if not (row["alias"] and area):
            raise _fail(AGGREGATES_FILE, line, "alias and area must not be empty")
        if kind not in AREA_KINDS:
            raise _fail(AGGREGATES_FILE, line, f"kind {kind!r} is not one of {AREA_KINDS}")
        if code and not AREA_CODE.match(code):
            raise _fail(AGGREGATES_FILE, line, f"area_code {code!r} is not an ONS country code (K0...)")
        if areas.setdefault(area, (code, kind)) != (code, kind):
            raise _fail(AGGREGATES_FILE, line, f"area {area!r} has code/kind {areas[area]} elsewhere")
        key = normalise(row["alias"])
        if key in forces:
            raise _fail(AGGREGATES_FILE, line, f"alias {row['alias']!r} is also a spelling of {forces[key]!r}")
        _add(table, key, (area, code, kind), AGGREGATES_FILE, line, row["alias"])
    return table


def _unknown(name: object, candidates: dict[str, str], what: str) -> UnknownForceError:
    """The error for unresolvable text: quotes it, explains known outsiders, suggests a near alias."""
    key = normalise(name)
    if key in _OUTSIDE:
        return UnknownForceError(f"{name!r}: {_OUTSIDE[key]}; the registry holds only forces of England and Wales")
    message = f"{name!r} is not {what} in {ALIASES_FILE.name}"
    close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.8)
    if close:
        message += f"; did you mean {candidates[close[0]]!r}?"
    return UnknownForceError(message + " (add real spellings to the recode table after review)")


def canonical_force(name: str) -> str:
    """Canonical name of a police force of England and Wales from any listed spelling.

    Raises UnknownForceError for anything else, including aggregates such as "England and Wales".
    """
    if not isinstance(name, str) or not name.strip():
        raise UnknownForceError(f"empty or non-text force name: {name!r}")
    key = normalise(name)
    forces = _force_lookup()
    if key in forces:
        return forces[key]
    if key in _area_lookup():
        area = _area_lookup()[key][0]
        raise UnknownForceError(f"{name!r} is an aggregate area ({area}), not one force; use canonical_area()")
    raise _unknown(name, forces, "a known police force of England and Wales")


def force_info(name: str) -> dict[str, str]:
    """The registry row (all columns, as text) for any spelling of a force."""
    return dict(_registry_rows()[canonical_force(name)])


def force_code(name: str) -> str:
    """ONS police force area code (E23.../W15...) for any spelling; empty for British Transport Police."""
    return force_info(name)["force_code"]


@functools.cache
def _registry_frame() -> pd.DataFrame:
    frame = pd.DataFrame(list(_registry_rows().values()), columns=list(REGISTRY_COLUMNS), dtype=str)
    return frame.sort_values("force", ignore_index=True)


def registry() -> pd.DataFrame:
    """The forces table sorted by force name, every column text (a copy: callers may modify it)."""
    return _registry_frame().copy()


def canonical_area(name: str) -> tuple[str, str, str]:
    """(area name, code, kind) for a force or an aggregate area; kind is "force" for a single force."""
    if not isinstance(name, str) or not name.strip():
        raise UnknownForceError(f"empty or non-text area name: {name!r}")
    key = normalise(name)
    forces = _force_lookup()
    if key in forces:
        return forces[key], _registry_rows()[forces[key]]["force_code"], "force"
    areas = _area_lookup()
    if key in areas:
        return areas[key]
    candidates = {**forces, **{k: v[0] for k, v in areas.items()}}
    raise _unknown(name, candidates, f"a known force or area (see also {AGGREGATES_FILE.name})")

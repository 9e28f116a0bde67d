"""The source manifest (data/raw/sources.yml): reading it, checking it, adding to it, and citing from it.

sources.yml only ever grows by `append_entry` (one entry appended under the project lock, to the file as it is
on disk at that moment, written atomically), so two commands that add a source at once cannot lose each
other's entry, and a kill leaves the old manifest or the new one.
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import re
from pathlib import Path

import pandas as pd
import yaml

from . import locking, paths, tables
from .provenance import SOURCE_ID  # <publisher>_<topic>_<period>_<published>[_<ref>]

# The raw-data contract (docs/raw_data_format.md, "sources.yml"): every build refuses an entry without these.
REQUIRED_FIELDS = ("id", "title", "publisher", "url", "published", "obtained", "topic", "covers", "caveats", "files")
# Optional fields, read where present: licence (every published entry has one: tests/test_sources.py checks it),
# default_population, outlets, foi_table. Unknown fields are refused, so a misspelt optional one is caught.
OPTIONAL_FIELDS = ("licence", "default_population", "outlets", "foi_table")
# Each item of files: path and sha256 are required; outlet and url describe a further outlet's file.
FILE_FIELDS = ("path", "sha256")
OPTIONAL_FILE_FIELDS = ("outlet", "url")
TOPICS = ("social_media", "all_misconduct", "workforce")
PUBLISHED = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?|undated|")
SHA256 = re.compile(r"[0-9a-f]{64}")
# figures.csv and cases.csv, and one figures_<outlet>.csv / cases_<outlet>.csv per further outlet's report of
# the same study (never an edit of a recorded file): lower-case letters and digits after the underscore.
FIGURE_FILE = re.compile(r"figures(_[a-z][a-z0-9]*)?\.csv")
CASES_FILE = re.compile(r"cases(_[a-z][a-z0-9]*)?\.csv")
OUTLET_FILE = re.compile(r"(figures|cases|capture)_[a-z][a-z0-9]*\.(csv|txt)")
TEXT_SUFFIXES = (".txt", ".md", ".csv")


def kept_text_files(file_names, figures_file: str) -> list[str]:
    """The files holding the text a figures file was read from, where the source kept it: for figures.csv, the
    source's own captures and transcribed tables (capture.txt, *.md, other .csv, not an outlet's files); for a
    further outlet's figures_<outlet>.csv, its capture_<outlet>.txt. Empty when no text was kept."""
    names = [str(n) for n in file_names]
    if figures_file == "figures.csv":
        return [n for n in names if n.endswith(TEXT_SUFFIXES) and not OUTLET_FILE.fullmatch(n)
                and not FIGURE_FILE.fullmatch(n) and not CASES_FILE.fullmatch(n)]
    capture = "capture_" + figures_file[len("figures_"):-len(".csv")] + ".txt"
    return [capture] if capture in names else []


class ManifestError(ValueError):
    """sources.yml is malformed or does not match the files in data/raw."""


class UnfinishedAdditionError(ManifestError):
    """An add-foi was stopped half-way; `python -m analysis repair` finishes or undoes it."""


class ChecksumMismatchError(ManifestError):
    """A raw file no longer has the sha256 recorded in sources.yml (raw data must never be edited)."""


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# libyaml's parser where PyYAML was built with it (the same safe constructors, about five times faster); an
# error is reported by the pure-Python parser, whose messages and marks the error line is built from.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check_entry(entry: dict, where: str) -> None:
    """One sources.yml entry against the contract; errors name the file, the source id and the field."""
    source_id = entry.get("id")
    where = f"{where} (source {source_id!r})" if source_id else where
    missing = [f for f in REQUIRED_FIELDS if f not in entry]
    if missing:
        raise ManifestError(f"{where}: missing required field{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing)} (see docs/raw_data_format.md)")
    unknown = [f for f in entry if f not in REQUIRED_FIELDS + OPTIONAL_FIELDS]
    if unknown:
        raise ManifestError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}; the fields are "
                            f"{', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}")
    for field in ("id", "title", "publisher", "url", "obtained"):
        if not isinstance(entry[field], str) or not entry[field].strip():
            raise ManifestError(f"{where}: field {field} is empty; expected text")
    if not SOURCE_ID.fullmatch(source_id):
        raise ManifestError(f"{where}: id {source_id!r} does not follow "
                            "<publisher>_<topic>_<period>_<published YYYY-MM|undated>[_<ref>]")
    if not entry["url"].startswith(("http://", "https://")):
        raise ManifestError(f"{where}: url {entry['url']!r} is not an http(s) address")
    published = entry["published"]
    if not isinstance(published, datetime.date) and not PUBLISHED.fullmatch(str(published or "")):
        raise ManifestError(f"{where}: published {published!r} is not YYYY-MM-DD, YYYY-MM, YYYY or 'undated'")
    if entry["topic"] not in TOPICS:
        raise ManifestError(f"{where}: topic {entry['topic']!r} is not one of {TOPICS}")
    if not isinstance(entry["covers"], dict):
        raise ManifestError(f"{where}: covers must be a mapping (geography, population, period, definition)")
    if not isinstance(entry["caveats"], list):
        raise ManifestError(f"{where}: caveats must be a list, one line per caveat")
    if not isinstance(entry["files"], list) or not entry["files"]:
        raise ManifestError(f"{where}: files must list every file of data/raw/{source_id}/ with its sha256")
    for j, item in enumerate(entry["files"], start=1):
        if not isinstance(item, dict) or not str(item.get("path") or "").strip():
            raise ManifestError(f"{where}: files item {j} has no path: expected '- path: <file>' and 'sha256: <hex>'")
        extra = [f for f in item if f not in FILE_FIELDS + OPTIONAL_FILE_FIELDS]
        if extra:
            raise ManifestError(f"{where}: files item {item['path']} has unknown field(s) "
                                f"{', '.join(map(str, extra))}; "
                                f"expected {', '.join(FILE_FIELDS + OPTIONAL_FILE_FIELDS)}")
        name = str(item["path"])
        for stem, pattern in (("figures", FIGURE_FILE), ("cases", CASES_FILE)):
            if name.startswith(stem) and name.endswith(".csv") and not pattern.fullmatch(name):
                raise ManifestError(f"{where}: {name} is not a {stem} file name: a further outlet's report of "
                                    f"this study is {stem}_<outlet>.csv with lower-case letters and digits only, e.g. "
                                    f"{stem}_salisburyjournal.csv")


def _parse(path: Path, text: str):
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if "stream end" in str(getattr(exc, "problem", "")) and getattr(exc, "context_mark", None) is not None:
            mark = exc.context_mark  # an unclosed bracket or quote: the line that opened it, not the file's end
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x) \
            or str(exc).splitlines()[0]
        raise ManifestError(f"{path}: {where}not valid YAML ({problem}); fix that line (compare it with the "
                            f"entries around it, see docs/raw_data_format.md) and run the command again") from None


@functools.cache
def _read_manifest(path: Path) -> tuple[dict, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: the source manifest is missing; restore it from git "
                            f"(git checkout -- {path.name})") from None
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: byte {exc.start} is not UTF-8; save the file as UTF-8") from None
    entries = _parse(path, text)
    if not isinstance(entries, list):
        raise ManifestError(f"{path}: expected a YAML list of sources, found {type(entries).__name__}")
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"{path}: entry {i + 1}"
        if not isinstance(entry, dict):
            raise ManifestError(f"{where}: expected a mapping, found {entry!r}")
        check_entry(entry, where)
        if entry["id"] in seen:
            raise ManifestError(f"{where}: duplicate source id {entry['id']!r}")
        seen.add(entry["id"])
    return tuple(entries)


def manifest(path: Path | None = None) -> tuple[dict, ...]:
    """All source entries, in the order of sources.yml."""
    return _read_manifest(Path(path or paths.SOURCES_YML))


def unfinished_additions() -> list[Path]:
    """The journals of add-foi runs that were stopped before they finished (see analysis.add_foi)."""
    folder = paths.ADD_FOI_DIR
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def refuse_unfinished_additions() -> None:
    """Raise while an add-foi is half done: data/raw and sources.yml may not match until it is repaired."""
    import json

    for journal in unfinished_additions():
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        raise UnfinishedAdditionError(
            f"{journal}: adding source {state.get('source_id', journal.stem)} with add-foi did not finish (stopped "
            f"after step {state.get('step', '?')!r}); run `python -m analysis repair` to finish it, or "
            f"`python -m analysis repair --undo` to remove it, then run this command again")


def refresh() -> None:
    """Forget the manifest read so far (another command may have added a source since)."""
    _read_manifest.cache_clear()


def entry_block(entry: dict) -> str:
    """The YAML text `append_entry` appends for an entry."""
    return yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=110)


def append_entry(entry: dict, path: Path | None = None) -> str:
    """Append one entry to sources.yml under the project lock; returns the block appended.

    The manifest is read fresh under the lock (never from a copy taken earlier), must parse, must not hold the
    id already, and is replaced in one step by itself plus the new block."""
    path = Path(path or paths.SOURCES_YML)
    with locking.project_lock():
        _read_manifest.cache_clear()
        existing = manifest(path)
        if any(e["id"] == entry["id"] for e in existing):
            raise ManifestError(f"{path}: source id {entry['id']} is listed already")
        text = path.read_text(encoding="utf-8")
        block = entry_block(entry)
        separator = "" if not text or text.endswith("\n") else "\n"
        tables.write_text(path, text + separator + block)
        _read_manifest.cache_clear()
        return block


def remove_block(block: str, path: Path | None = None) -> bool:
    """Remove one block `append_entry` appended (undoing an unfinished add); False if it is not there."""
    path = Path(path or paths.SOURCES_YML)
    with locking.project_lock():
        text = path.read_text(encoding="utf-8")
        if block not in text:
            return False
        at = text.rindex(block)
        tables.write_text(path, text[:at] + text[at + len(block):])
        _read_manifest.cache_clear()
        return True


def source(source_id: str, path: Path | None = None) -> dict:
    for entry in manifest(path):
        if entry["id"] == source_id:
            return entry
    raise KeyError(f"{source_id!r} is not in {path or paths.SOURCES_YML}")


def source_dir(source_id: str) -> Path:
    return paths.RAW_DIR / source_id


def verify_checksums(path: Path | None = None, raw_dir: Path | None = None) -> list[Path]:
    """Check every file listed in the manifest against its sha256, and that no raw file is unlisted.

    Returns the files checked; raises ChecksumMismatchError naming the first offending file.
    """
    raw_dir = Path(raw_dir or paths.RAW_DIR)
    manifest_path = Path(path or paths.SOURCES_YML)
    listed: list[Path] = []
    for entry in manifest(manifest_path):
        for item in entry["files"]:
            file = raw_dir / entry["id"] / item["path"]
            if not file.is_file():
                raise ManifestError(f"{manifest_path}: {entry['id']} lists {item['path']}, but {file} does not exist")
            recorded = item.get("sha256")
            if not recorded:
                raise ManifestError(
                    f"no sha256 recorded for {item['path']} of {entry['id']} in {manifest_path}: run "
                    f"`python -m analysis hash data/raw/{entry['id']}/{item['path']}` and add it as "
                    f"'sha256: <hex>' under that file")
            if not SHA256.fullmatch(str(recorded)):
                raise ManifestError(
                    f"the sha256 recorded for {item['path']} of {entry['id']} in {manifest_path} is "
                    f"{recorded!r}, not 64 lower-case hex digits: run `python -m analysis hash "
                    f"data/raw/{entry['id']}/{item['path']}` and copy its first column")
            actual = sha256(file)
            if actual != recorded:
                raise ChecksumMismatchError(
                    f"{file}: sha256 is {actual} but {manifest_path} records {recorded!r} "
                    f"for source {entry['id']}. Raw files are never edited; add a corrected file as a new "
                    f"file and record its checksum instead."
                )
            listed.append(file)
    on_disk = {p for p in raw_dir.rglob("*") if p.is_file() and p != manifest_path}
    unlisted = sorted(on_disk - set(listed))
    if unlisted:
        raise ManifestError(f"{unlisted[0]}: a raw file that sources.yml does not list (with its sha256)")
    return listed


_MONTH_NAMES = ("January February March April May June July August September October November "
                "December").split()


def date_in_words(published) -> str:
    """"2014-08-19" -> "19 August 2014", "2022-02" -> "February 2022"; anything else as it stands."""
    text = str(published or "undated")
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$", text)
    if not m:
        return text
    year, month, day = m.groups()
    words = f"{_MONTH_NAMES[int(month) - 1]} {year}"
    return f"{int(day)} {words}" if day else words


def citation(source_id: str, short: bool = False) -> str:
    """A citation for a figure's source line: publisher, title (date); `short` gives publisher (date). The date
    is left out where the title already gives it, and the title ends at its first semicolon (what follows is
    this project's note on how the table was used, not the publisher's title)."""
    entry = source(source_id)
    publisher = entry["publisher"].split(" (")[0]
    when = date_in_words(entry["published"])
    if short:
        return f"{publisher} ({when})"
    title = str(entry["title"]).split("; ")[0]
    dated = str(entry["published"] or "")[:4] in title and str(entry["published"] or "")[:4].isdigit()
    return f"{publisher}, {title}" + ("" if dated else f" ({when})")


CITE_EACH_UP_TO = 12  # more sources than this are summarised by publisher (a source line stays a few lines)


def source_line(source_ids) -> str:
    """The "Source:" line printed under every figure. Up to two sources in full, up to CITE_EACH_UP_TO briefly;
    more are summarised by publisher, most frequent first, each source then being cited in the figure's CSV."""
    ids = list(dict.fromkeys(source_ids))
    if len(ids) <= 2:
        return "Source: " + "; ".join(citation(i) for i in ids) + ". Compiled by this project."
    if len(ids) <= CITE_EACH_UP_TO:
        cited = "; ".join(citation(i, short=True) for i in ids)
        return f"Sources ({len(ids)}): {cited}. Full references in data/raw/sources.yml. Compiled by this project."
    publishers = pd.Series([source(i)["publisher"].split(" (")[0].split(";")[0].strip() for i in ids])
    counts = publishers.value_counts()
    counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    named = [f"{p} ({n})" if n > 1 else p for p, n in counts.head(4).items()]
    rest = len(counts) - len(named)
    return (f"Sources: {len(ids)} publications from {len(counts)} publishers, including {', '.join(named)}"
            + (f" and {rest} more" if rest else "") + "; each is cited in this figure's data file and in "
            "data/raw/sources.yml. Compiled by this project.")

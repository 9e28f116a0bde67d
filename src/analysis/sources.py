"""The source manifest (data/raw/sources.yml): reading it, checking it, adding to it, and citing from it.

sources.yml only ever grows by `append_entry` (one entry appended under the project lock, to the file as it is
on disk at that moment, written atomically), so two commands that add a source at once cannot lose each
other's entry, and a kill leaves the old manifest or the new one.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import yaml

from . import locking, paths, tables

REQUIRED_FIELDS = ("id", "title", "publisher", "url", "published", "obtained", "topic", "covers", "caveats", "files")
TOPICS = ("social_media", "all_misconduct", "workforce")


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
        missing = [f for f in REQUIRED_FIELDS if f not in entry]
        if missing:
            raise ManifestError(f"{where} ({entry.get('id', '?')}): missing field(s) {', '.join(missing)}")
        if entry["id"] in seen:
            raise ManifestError(f"{where}: duplicate source id {entry['id']!r}")
        if entry["topic"] not in TOPICS:
            raise ManifestError(f"{where} ({entry['id']}): topic {entry['topic']!r} is not one of {TOPICS}")
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
            actual = sha256(file)
            if actual != item.get("sha256"):
                raise ChecksumMismatchError(
                    f"{file}: sha256 is {actual} but {manifest_path} records {item.get('sha256')!r} "
                    f"for source {entry['id']}. Raw files are never edited; add a corrected file as a new "
                    f"file and record its checksum instead."
                )
            listed.append(file)
    on_disk = {p for p in raw_dir.rglob("*") if p.is_file() and p != manifest_path}
    unlisted = sorted(on_disk - set(listed))
    if unlisted:
        raise ManifestError(f"{unlisted[0]}: a raw file that sources.yml does not list (with its sha256)")
    return listed


def citation(source_id: str, short: bool = False) -> str:
    """A citation for a figure's source line: publisher, title (date); `short` gives publisher (date)."""
    entry = source(source_id)
    publisher = entry["publisher"].split(" (")[0]
    if short:
        return f"{publisher} ({entry['published'] or 'undated'})"
    return f"{publisher}, {entry['title']} ({entry['published'] or 'undated'})"


def source_line(source_ids) -> str:
    """The "Source:" line printed under every figure; many sources are cited briefly, with a pointer."""
    ids = list(dict.fromkeys(source_ids))
    if len(ids) <= 2:
        return "Source: " + "; ".join(citation(i) for i in ids) + ". Compiled by this project."
    cited = "; ".join(citation(i, short=True) for i in ids)
    return f"Sources ({len(ids)}): {cited}. Full references in data/raw/sources.yml. Compiled by this project."

"""The source manifest (data/raw/sources.yml): reading it, checking it, and citing from it."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import yaml

from . import paths

REQUIRED_FIELDS = ("id", "title", "publisher", "url", "published", "obtained", "topic", "covers", "caveats", "files")
TOPICS = ("social_media", "all_misconduct", "workforce")


class ManifestError(ValueError):
    """sources.yml is malformed or does not match the files in data/raw."""


class ChecksumMismatchError(ManifestError):
    """A raw file no longer has the sha256 recorded in sources.yml (raw data must never be edited)."""


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.cache
def _read_manifest(path: Path) -> tuple[dict, ...]:
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"{path}: the source manifest is missing") from exc
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

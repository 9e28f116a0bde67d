"""Adding to data/raw safely: new sources, and a further outlet's files for a study already in the data.

Nothing is written until every file to be added has been read and checked (header, every value in its own
snippet, every force, outcome and population recoded, schema); then, under the project lock (analysis.locking),
files are copied (each written whole, tables.atomic_path), sources.yml is changed as it is on disk at that moment
(the rest of it left byte for byte as it was; replaced in one step) and data/processed/ rebuilt. If anything
fails, the copies and the manifest change are undone. Recorded files are never replaced. A run killed between
the copies and the manifest leaves files that sources.yml does not list: every build then names the first one
(remove the new files by hand, or run the command again after removing them).

A further outlet's report of a study already in the data (the Salisbury Journal carrying the 2014 Press
Association study's Wiltshire figure) belongs to that study, not to a new source. It goes in as new files beside
the study's own, each listed under the study's `files:` with its own sha256, the outlet's name and url:

    data/raw/<existing_source_id>/figures_<outlet>.csv   same columns as figures.csv (read by the build)
    data/raw/<existing_source_id>/cases_<outlet>.csv     same columns as cases.csv (read by the build)
    data/raw/<existing_source_id>/capture_<outlet>.txt   the text read (kept, not read)

<outlet> is lower-case letters and digits. The build reads every listed figures*.csv and cases*.csv of a source
(locator `figures_<outlet>.csv line N`), so the study's per-force tables, rates, charts and "missing" lists include
them.

Commands: `python -m analysis add-outlet` (`add_outlet_file`, or `add_from_list` for a research helper's
extra_files.yml) and `python -m analysis add-sources` (`add_sources`, for a research helper's sources_entries.yml
and raw/<id>/ folders).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from . import locking, paths, pipeline, schemas, sources, tables
from .cleaning import cases as cases_cleaner
from .cleaning import figures as figures_cleaner

OUTLET_FILE = sources.OUTLET_FILE


class AdditionError(ValueError):
    """An addition was refused: the file, the study or the arguments are not right; nothing was written."""


AddOutletError = AdditionError  # the name the further-outlet command used first


def _entry_lines(text: str, source_id: str) -> tuple[int, int]:
    """First and one-past-last line index of the source's entry in the sources.yml text."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == f"- id: {source_id}"), None)
    if start is None:
        raise AdditionError(f"{paths.SOURCES_YML}: no entry begins '- id: {source_id}'")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    return start, end


def insert_file_item(text: str, source_id: str, item: dict) -> str:
    """The sources.yml text with `item` appended to the source's `files:` list, nothing else changed."""
    lines = text.splitlines(keepends=True)
    start, end = _entry_lines(text, source_id)
    files = next((i for i in range(start, end) if lines[i].rstrip() == "  files:"), None)
    if files is None:
        raise AdditionError(f"{paths.SOURCES_YML}: entry {source_id} has no '  files:' line")
    last = files
    for i in range(files + 1, end):  # the list's items: "  - path: ..." and their "    key: ..." lines
        if lines[i].startswith(("  - ", "    ")):
            last = i
        else:
            break
    block = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=110)
    block = "".join("  " + line for line in block.splitlines(keepends=True))
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    return "".join(lines[:last + 1]) + block + "".join(lines[last + 1:])


def check_file(path: Path, entry: dict):
    """Read and check one file for `entry` as the build will: a figures file (header, snippets, recoding,
    schema) or a cases file (header, recoding, schema); other files are only required to exist. Returns the
    clean rows (None for other files)."""
    path = Path(path)
    if not path.is_file():
        raise AdditionError(f"{path}: no such file")
    if sources.FIGURE_FILE.fullmatch(path.name):
        raw = figures_cleaner.read_file(path)
        figures_cleaner.check_snippets(raw)
        kept = sources.kept_text_files([p.name for p in path.parent.iterdir()], path.name)
        figures_cleaner.check_kept_text(raw, path.parent, {"files": [{"path": k} for k in kept]}, path.name)
        return schemas.OBSERVATIONS.validate(figures_cleaner.clean(raw, entry))
    if sources.CASES_FILE.fullmatch(path.name):
        raw = cases_cleaner.read_file(path)
        return schemas.CASES.validate(cases_cleaner.clean(raw, entry))
    return None


def _commit(copies: list[tuple[Path, Path]], new_manifest, rebuild: bool) -> None:
    """Under the project lock: copy files (each written whole, atomically), replace sources.yml in one step with
    `new_manifest(text)` of the manifest as it is on disk now (never a copy read before the lock), re-read it
    and rebuild; undo everything if any step fails."""
    with locking.project_lock():
        sources.refresh()
        sources.refuse_unfinished_additions()
        manifest_text = paths.SOURCES_YML.read_text(encoding="utf-8")
        new_manifest_text = new_manifest(manifest_text)
        made: list[Path] = []
        try:
            for src, dst in copies:
                if dst.exists():
                    raise AdditionError(f"{dst} exists: recorded files are never replaced")
                with tables.atomic_path(dst) as tmp:
                    shutil.copyfile(src, tmp)
                made.append(dst)
            tables.write_text(paths.SOURCES_YML, new_manifest_text)
            sources.refresh()
            sources.verify_checksums()
            if rebuild:
                pipeline.rebuild()
        except BaseException:
            for dst in made:
                dst.unlink(missing_ok=True)
                if dst.parent != paths.RAW_DIR and dst.parent.is_dir() and not any(dst.parent.iterdir()):
                    dst.parent.rmdir()
            tables.write_text(paths.SOURCES_YML, manifest_text)
            sources.refresh()
            raise


# --- a further outlet's files for a study already in the data --------------------------------------------------

def _outlet_item(source_id: str, path: Path, outlet: str | None, url: str | None, sha256: str | None) -> dict:
    """Check one further-outlet file against its study; returns its files: item."""
    if not OUTLET_FILE.fullmatch(path.name):
        raise AdditionError(f"{path}: a further outlet's file is named figures_<outlet>.csv, cases_<outlet>.csv or "
                            f"capture_<outlet>.txt, with lower-case letters and digits only after the underscore "
                            f"(e.g. figures_salisburyjournal.csv)")
    try:
        entry = sources.source(source_id)
    except KeyError:
        raise AdditionError(f"{path}: {source_id!r} is not a source in {paths.SOURCES_YML}; a new study is a new "
                            f"source folder (add-sources, or README 'Adding a source')") from None
    if entry["topic"] not in ("social_media", "all_misconduct"):
        raise AdditionError(f"{path}: {source_id} is a {entry['topic']} source: outlets' files are for studies")
    if path.name in {str(item["path"]) for item in entry["files"]} or (paths.RAW_DIR / source_id / path.name).exists():
        raise AdditionError(f"{path}: {source_id} already has a file {path.name}; recorded files are never "
                            f"replaced: give the new file another outlet name")
    digest = sources.sha256(path) if path.is_file() else None
    if sha256 and digest and sha256 != digest:
        raise AdditionError(f"{path}: sha256 is {digest}, but {sha256} was recorded for it: the file changed after "
                            f"it was recorded")
    clean = check_file(path, entry)
    item = {"path": path.name, "sha256": digest}
    for column, given in (("outlet", outlet), ("url", url)):
        found = sorted(set(clean[column])) if clean is not None and len(clean) else []
        if given is None and len(found) != 1:
            raise AdditionError(f"{path}: give the {column} (the file's rows give {found or 'none'})")
        item[column] = given or found[0]
    return item


def add_outlet_file(source_id: str, path, *, outlet: str | None = None, url: str | None = None,
                    sha256: str | None = None, rebuild: bool = True) -> Path:
    """Add one further-outlet file to an existing study; returns where it was stored.

    `outlet` and `url` default to the file's own outlet and url columns when every row gives the same one.
    `sha256`, when given (from a research helper's extra_files.yml), must match the file.
    """
    path = Path(path)
    item = _outlet_item(source_id, path, outlet, url, sha256)
    target = paths.RAW_DIR / source_id / path.name
    _commit([(path, target)], lambda text: insert_file_item(text, source_id, item), rebuild)
    return target


def add_from_list(listing, raw_dir, *, rebuild: bool = True) -> list[Path]:
    """Every item of a research helper's extra_files.yml (source_id, path, sha256, outlet, url; other keys such
    as kind and rows are ignored), the files read from `raw_dir/<source_id>/<path>`. All are checked before any
    is written; then all are added at once."""
    items = yaml.safe_load(Path(listing).read_text(encoding="utf-8")) or []
    if isinstance(items, dict) and len(items) == 1:  # a top-level mapping holding the list (extra_files: [...])
        items = next(iter(items.values())) or []
    if not isinstance(items, list):
        raise AdditionError(f"{listing}: expected a YAML list of source_id/path/sha256/outlet/url items")
    items_to_insert, copies, seen = [], [], set()
    for n, item in enumerate(items, start=1):
        missing = [k for k in ("source_id", "path", "sha256") if not (isinstance(item, dict) and item.get(k))]
        if missing:
            raise AdditionError(f"{listing}: item {n} lacks {', '.join(missing)}")
        if (item["source_id"], item["path"]) in seen:
            raise AdditionError(f"{listing}: item {n}: {item['source_id']}/{item['path']} is listed twice")
        seen.add((item["source_id"], item["path"]))
        path = Path(raw_dir) / item["source_id"] / item["path"]
        try:
            entry_item = _outlet_item(item["source_id"], path, item.get("outlet"), item.get("url"), item["sha256"])
        except ValueError as exc:
            raise type(exc)(f"{listing}: item {n}: {exc}") from None
        items_to_insert.append((item["source_id"], entry_item))
        copies.append((path, paths.RAW_DIR / item["source_id"] / item["path"]))

    def with_items(text: str) -> str:
        for source_id, entry_item in items_to_insert:
            text = insert_file_item(text, source_id, entry_item)
        return text

    if copies:
        _commit(copies, with_items, rebuild)
    return [dst for _, dst in copies]


# --- new sources ------------------------------------------------------------------------------------------------

def add_sources(entries_path, raw_dir, *, rebuild: bool = True) -> list[str]:
    """Add a research helper's new sources: every entry of `entries_path` (a YAML list, as sources.yml) with its
    folder `raw_dir/<id>/`. Each entry is checked against the contract, each listed file against its sha256 and
    (figures and cases) read and cleaned, an id already in sources.yml or data/raw refused, and a file in the
    folder that the entry does not list refused; then the folders are copied and the entries appended to
    sources.yml (as they were written, comments dropped) and data/processed/ rebuilt. Returns the new ids."""
    entries_path, raw_dir = Path(entries_path), Path(raw_dir)
    try:
        entries = yaml.safe_load(entries_path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise AdditionError(f"{entries_path}: not valid YAML: {exc}") from None
    if not isinstance(entries, list):
        raise AdditionError(f"{entries_path}: expected a YAML list of source entries")
    known = {e["id"] for e in sources.manifest()}
    copies, ids = [], []
    for i, entry in enumerate(entries, start=1):
        where = f"{entries_path}: entry {i}"
        if not isinstance(entry, dict):
            raise AdditionError(f"{where}: expected a mapping")
        sources.check_entry(entry, where)
        source_id = entry["id"]
        if source_id in known or source_id in ids or (paths.RAW_DIR / source_id).exists():
            raise AdditionError(f"{where}: source id {source_id} exists already; a further outlet's report of "
                                f"an existing study goes in with add-outlet")
        folder = raw_dir / source_id
        listed = {str(item["path"]) for item in entry["files"]}
        on_disk = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
        if on_disk - listed:
            raise AdditionError(f"{where}: {folder} holds {', '.join(sorted(on_disk - listed))}, which the entry "
                                f"does not list under files:")
        for item in entry["files"]:
            path = folder / str(item["path"])
            if not path.is_file():
                raise AdditionError(f"{where}: {source_id} lists {item['path']}, but {path} does not exist")
            if not item.get("sha256"):
                raise AdditionError(f"{where}: no sha256 recorded for {item['path']} of {source_id}: run "
                                    f"`python -m analysis hash {path}` and add it")
            if sources.sha256(path) != item["sha256"]:
                raise AdditionError(f"{where}: {path} has sha256 {sources.sha256(path)}, not the {item['sha256']} "
                                    f"recorded for it")
            if entry["topic"] != "workforce":
                try:
                    check_file(path, entry)
                except ValueError as exc:
                    raise type(exc)(f"{where} ({source_id}): {exc}") from None
            copies.append((path, paths.RAW_DIR / source_id / str(item["path"])))
        ids.append(source_id)
    if not ids:
        return []
    block = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=110)
    _commit(copies, lambda text: text + ("" if not text or text.endswith("\n") else "\n") + block, rebuild)
    return ids

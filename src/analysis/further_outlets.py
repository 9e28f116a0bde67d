"""A further outlet's report of a study already in the data, added without editing any recorded file.

When a regional paper carries a national study's figure for its own force (the Salisbury Journal with the
2014 Press Association study's Wiltshire figure), the figure belongs to that study, not to a new source.
Recorded files are never edited, so it goes in as a new file beside the study's own:

    data/raw/<existing_source_id>/figures_<outlet>.csv    same columns as figures.csv; <outlet> lower-case letters

listed under the study's `files:` in sources.yml with its own sha256 (and the outlet's name and url). The
cleaner reads every listed `figures*.csv` of a source (locator `figures_<outlet>.csv line N`), so the
study's per-force tables, rates, charts and "missing" lists include the figure.

`add_outlet_file` (command `python -m analysis add-outlet`) does it safely: the file is read, every value is
checked against its snippet and every row cleaned before anything is written; then it is copied, its entry
appended to the study's `files:` (the rest of sources.yml is left byte for byte as it was) and
data/processed/ rebuilt; if anything fails, the copy and the manifest change are undone.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from . import paths, schemas, sources
from .cleaning import figures as figures_cleaner


class AddOutletError(ValueError):
    """add-outlet refused: the file, the study or the arguments are not right; nothing was written."""


def _entry_lines(text: str, source_id: str) -> tuple[int, int]:
    """First and one-past-last line index of the source's entry in the sources.yml text."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == f"- id: {source_id}"), None)
    if start is None:
        raise AddOutletError(f"{paths.SOURCES_YML}: no entry begins '- id: {source_id}'")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    return start, end


def insert_file_item(text: str, source_id: str, item: dict) -> str:
    """The sources.yml text with `item` appended to the source's `files:` list, nothing else changed."""
    lines = text.splitlines(keepends=True)
    start, end = _entry_lines(text, source_id)
    files = next((i for i in range(start, end) if lines[i].rstrip() == "  files:"), None)
    if files is None:
        raise AddOutletError(f"{paths.SOURCES_YML}: entry {source_id} has no '  files:' line")
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


def check_outlet_file(path: Path, entry: dict):
    """Read, check against snippets and clean a further-outlet file for `entry`; returns the clean rows."""
    path = Path(path)
    if not sources.FIGURE_FILE.fullmatch(path.name) or path.name == "figures.csv":
        raise AddOutletError(f"{path}: a further outlet's file is named figures_<outlet>.csv, with lower-case "
                             f"letters only after the underscore (e.g. figures_salisburyjournal.csv)")
    if entry["topic"] not in ("social_media", "all_misconduct"):
        raise AddOutletError(f"{path}: {entry['id']} is a {entry['topic']} source: it has no figures files")
    raw = figures_cleaner.load_raw(path)
    if raw.empty:
        raise AddOutletError(f"{path}: no rows under the header")
    figures_cleaner.check_snippets(raw)
    clean = figures_cleaner.clean(raw, entry)
    return schemas.OBSERVATIONS.validate(clean)


def add_outlet_file(source_id: str, path, *, outlet: str | None = None, url: str | None = None,
                    sha256: str | None = None, rebuild: bool = True) -> Path:
    """Add `path` (figures_<outlet>.csv) to an existing study; returns where it was stored.

    `outlet` and `url` default to the file's own outlet and url columns when every row gives the same one.
    `sha256`, when given (e.g. from a research helper's extra_files.yml), must match the file.
    """
    path = Path(path)
    if not path.is_file():
        raise AddOutletError(f"{path}: no such file")
    try:
        entry = sources.source(source_id)
    except KeyError:
        raise AddOutletError(f"{path}: {source_id!r} is not a source in {paths.SOURCES_YML}; a new study is "
                             f"a new source folder (README, 'Adding a source')") from None
    target = paths.RAW_DIR / source_id / path.name
    if target.exists() or path.name in {str(item["path"]) for item in entry["files"]}:
        raise AddOutletError(f"{path}: {target} exists or is listed already; recorded files are never replaced: "
                             f"give the new file another outlet name")
    digest = sources.sha256(path)
    if sha256 and sha256 != digest:
        raise AddOutletError(f"{path}: sha256 is {digest}, but {sha256} was given: the file changed after it "
                             f"was recorded")
    clean = check_outlet_file(path, entry)
    for column, given in (("outlet", outlet), ("url", url)):
        found = sorted(set(clean[column]))
        if given is None and len(found) != 1:
            raise AddOutletError(f"{path}: rows give several {column}s {found}: pass --{column}")
    item = {"path": path.name, "sha256": digest,
            "outlet": outlet or clean["outlet"].iloc[0], "url": url or clean["url"].iloc[0]}

    manifest_text = paths.SOURCES_YML.read_text(encoding="utf-8")
    new_text = insert_file_item(manifest_text, source_id, item)
    try:
        shutil.copyfile(path, target)
        paths.SOURCES_YML.write_text(new_text, encoding="utf-8")
        sources._read_manifest.cache_clear()
        if item not in sources.source(source_id)["files"]:
            raise AddOutletError(f"{paths.SOURCES_YML}: the new files item of {source_id} did not read back")
        if rebuild:
            from .build import build
            build(out_dir=paths.PROCESSED_DIR)
    except BaseException:
        target.unlink(missing_ok=True)
        paths.SOURCES_YML.write_text(manifest_text, encoding="utf-8")
        sources._read_manifest.cache_clear()
        raise
    return target


def add_from_list(listing, raw_dir, *, rebuild: bool = True) -> list[Path]:
    """Every item of a research helper's extra_files.yml (`- source_id, path, sha256, outlet, url`), the
    files read from `raw_dir/<source_id>/<path>`. Stops at the first refusal; earlier items stay added."""
    items = yaml.safe_load(Path(listing).read_text(encoding="utf-8")) or []
    if isinstance(items, dict):  # a top-level mapping holding the list
        items = next(iter(items.values()), []) if len(items) == 1 else items
    if not isinstance(items, list):
        raise AddOutletError(f"{listing}: expected a YAML list of source_id/path/sha256/outlet/url items")
    added = []
    for n, item in enumerate(items, start=1):
        missing = [k for k in ("source_id", "path", "sha256") if not (isinstance(item, dict) and item.get(k))]
        if missing:
            raise AddOutletError(f"{listing}: item {n} lacks {', '.join(missing)}")
        added.append(add_outlet_file(item["source_id"], Path(raw_dir) / item["source_id"] / item["path"],
                                     outlet=item.get("outlet"), url=item.get("url"), sha256=item["sha256"],
                                     rebuild=False))
    if rebuild and added:
        from .build import build
        build(out_dir=paths.PROCESSED_DIR)
    return added

"""`python -m analysis add-foi`: add one FOI reply table as a new source, all or nothing, one run at a time.

1. Read and clean the table first: nothing is written if it cannot be read (the error names file and cell).
2. Take the project lock (analysis.locking): a second add-foi waits for the first, so neither loses its reply.
   Under the lock, refuse if an earlier add-foi was left unfinished, or if the source id exists already.
3. Stage: copy the reply into `data/.add-foi/<source_id>/`, check its sha256, and write the journal
   `data/.add-foi/<source_id>.json` (what is being added, and the sources.yml block that will be appended).
4. Place: move the staged folder to `data/raw/<source_id>/` (one rename).
5. Register: append the entry to `data/raw/sources.yml` (analysis.sources.append_entry: read fresh under the
   lock, replaced in one step). Data/raw and sources.yml agree again; the journal is removed.
6. Rebuild data/processed/ (as one unit) and, unless --no-notebooks, re-execute the notebooks.

An error in steps 3-5 (a full disk, say) undoes what was written; an error in the rebuild takes the reply out
of data/raw and sources.yml again (the tables were not replaced). A run KILLED between steps 3 and 5 leaves the
journal; every later build or add-foi then refuses with a one-line error until `python -m analysis repair`
finishes the addition (or `repair --undo` removes it). A run killed during step 6 leaves the reply registered
and data/processed old (or refused by `analysis.load()` with a clear error) until `make all`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd

from . import forces, locking, paths, populations, schemas, sources, tables
from .pipeline import rebuild
from .cleaning import foi_tables
from .cleaning.figures import measure_codes

_ID_DROP = {"and", "of", "the", "police", "constabulary", "service"}


class AddSourceError(ValueError):
    """add-foi refused: bad arguments, or the source id exists already."""


def publisher_slug(force: str) -> str:
    """'Avon and Somerset Constabulary' -> 'avonsomerset' (the publisher part of a source id)."""
    words = re.findall(r"[a-z0-9]+", forces.canonical_force(force).lower())
    kept = [w for w in words if w not in _ID_DROP] or words
    return "".join(kept)


def period_slug(table: pd.DataFrame) -> str:
    """The period part of a source id from the periods read: '2018-2020', '2019', or '2013-14' for one FY."""
    starts = sorted(set(table["period_start"]))
    ends = sorted(set(table["period_end"]))
    first, last = starts[0][:4], ends[-1][:4]
    if len(starts) == 1 and len(ends) == 1 and starts[0][5:] == "04-01" and ends[0][5:] == "03-31" \
            and int(last) == int(first) + 1:
        return f"{first}-{last[2:]}"
    return first if first == last else f"{first}-{last}"


def source_id_for(table: pd.DataFrame, *, force: str, topic: str, published: str, ref: str | None = None) -> str:
    """`<publisher>_<topic>_<period>_<published YYYY-MM>[_<ref>]` per docs/raw_data_format.md."""
    parts = [publisher_slug(force), topic.replace("_", ""), period_slug(table), str(published)[:7]]
    if ref:
        parts.append(re.sub(r"[^a-z0-9.]+", "-", ref.lower()).strip("-"))
    return "_".join(parts)


def _check_arguments(path: Path, *, title, url, published, measure, population, topic) -> None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published or ""):
        raise AddSourceError(f"{path}: --published {published!r}: expected the reply's date as YYYY-MM-DD")
    try:
        dt.date.fromisoformat(published)
    except ValueError as exc:
        raise AddSourceError(f"{path}: --published {published!r}: {exc}; expected a real date as YYYY-MM-DD") \
            from None
    if not re.match(r"^https?://\S+$", url or ""):
        raise AddSourceError(f"{path}: --url {url!r}: expected the reply's web address (http:// or https://)")
    if not (title or "").strip():
        raise AddSourceError(f"{path}: --title is empty: expected the reply's title as published")
    if topic not in ("social_media", "all_misconduct"):
        raise AddSourceError(f"{path}: --topic {topic!r}: expected social_media or all_misconduct")
    if measure not in measure_codes():
        raise AddSourceError(f"{path}: --measure {measure!r} is not a code in src/analysis/recode/measures.csv; "
                             f"use one of its codes")
    try:
        populations.categorise_population(population)
    except ValueError as exc:
        raise AddSourceError(f"{path}: --population: {exc}") from None


def add_reply(path, *, force: str, title: str, url: str, published: str, measure: str = "cases_investigated",
              population: str = "officers", topic: str = "social_media", publisher: str | None = None,
              sheet: str | None = None, period: str | None = None, period_start: str | None = None,
              period_end: str | None = None, ref: str | None = None, rebuild_data: bool = True) -> str:
    """Add one FOI reply table as a new source (see the module docstring). Returns the new source id."""
    path = Path(path)
    _check_arguments(path, title=title, url=url, published=published, measure=measure, population=population,
                     topic=topic)
    # 1. Read (and clean) first: nothing is written if the table cannot be read.
    read_result = foi_tables.read(path, force=force, sheet=sheet, period=period, period_start=period_start,
                                  period_end=period_end)
    source_id = source_id_for(read_result.table, force=force, topic=topic, published=published, ref=ref)
    stored_name = "reply_table" + path.suffix.lower()
    spec = {"path": stored_name, "force": force, "measure": measure, "population": population}
    for key, value in (("sheet", sheet), ("period", period), ("period_start", period_start),
                       ("period_end", period_end)):
        if value is not None:
            spec[key] = value
    labels = list(dict.fromkeys(read_result.table["period_label"]))
    digest = sources.sha256(path)
    entry = {
        "id": source_id, "title": title, "publisher": publisher or forces.canonical_force(force), "url": url,
        "published": published,
        "obtained": f"FOI reply table received as {path.name}, stored unchanged as {stored_name}; added with "
                    f"`python -m analysis add-foi` and read by analysis.foi.read_foi_table",
        "licence": "FOI disclosure by a public authority; figures are facts",
        "topic": topic,
        "covers": {"geography": forces.canonical_force(force), "population": population,
                   "period": "; ".join(labels), "definition": f"{measure} as the reply counts it"},
        "caveats": ["Added with add-foi: check the reply's own wording and caveats and add them here."],
        "files": [{"path": stored_name, "sha256": digest}],
        "foi_table": spec,
    }
    read_result.spec = spec
    schemas.OBSERVATIONS.validate(foi_tables.clean(read_result, entry))

    with locking.project_lock():
        sources.refresh()
        sources.refuse_unfinished_additions()
        target = paths.RAW_DIR / source_id
        if target.exists() or any(e["id"] == source_id for e in sources.manifest()):
            raise AddSourceError(f"{path}: source id {source_id} exists already ({target}); raw sources are never "
                                 f"overwritten: give --ref to tell two replies apart, or remove the old one by hand")
        try:
            _stage(path, entry, stored_name, digest)
            _finish(source_id)
        except BaseException:
            _roll_back(source_id)  # an error (not a kill): leave nothing half done
            raise
        if rebuild_data:
            try:
                rebuild()
            except BaseException:
                # the tables were not replaced (build writes them as one unit): take the reply out again so
                # that data/raw, sources.yml and data/processed still agree
                _remove_registered(entry, target)
                raise
    return source_id


def _roll_back(source_id: str) -> None:
    """Undo a failed stage/place/register in this process; if even that fails, the journal stays for `repair`."""
    try:
        if _journal(source_id).exists():
            _undo(source_id)
        elif _staged(source_id).exists():
            shutil.rmtree(_staged(source_id))
    except Exception:  # the original error is the one to report; `repair` names itself in every later command
        pass


def _remove_registered(entry: dict, target: Path) -> None:
    try:
        sources.remove_block(sources.entry_block(entry))
        shutil.rmtree(target)
    except Exception:
        pass


# --- the journal ---------------------------------------------------------------------------------
def _journal(source_id: str) -> Path:
    return paths.ADD_FOI_DIR / f"{source_id}.json"


def _staged(source_id: str) -> Path:
    return paths.ADD_FOI_DIR / source_id


def _write_journal(state: dict) -> None:
    tables.write_text(_journal(state["source_id"]), json.dumps(state, indent=2, ensure_ascii=False) + "\n")


def _stage(path: Path, entry: dict, stored_name: str, digest: str) -> None:
    source_id = entry["id"]
    staged = _staged(source_id)
    if staged.exists():
        shutil.rmtree(staged)  # left by a run killed before its journal was written: never used
    staged.mkdir(parents=True)
    with tables.atomic_path(staged / stored_name) as tmp:
        shutil.copyfile(path, tmp)
    if sources.sha256(staged / stored_name) != digest:
        shutil.rmtree(staged)
        raise AddSourceError(f"{path}: the copy in {staged} differs from the original; check the disk and run the "
                             f"command again")
    block = sources.entry_block(entry)
    _write_journal({"source_id": source_id, "stored_name": stored_name, "sha256": digest, "entry": entry,
                    "block": block, "step": "staged"})
    locking.pause_point("add-foi:staged")


def _finish(source_id: str) -> None:
    """Place the staged copy in data/raw and register it; then the journal goes (raw and manifest agree)."""
    state = json.loads(_journal(source_id).read_text(encoding="utf-8"))
    target, staged = paths.RAW_DIR / source_id, _staged(source_id)
    stored = target / state["stored_name"]
    if not target.exists():
        if not (staged / state["stored_name"]).is_file() \
                or sources.sha256(staged / state["stored_name"]) != state["sha256"]:
            raise AddSourceError(f"{_journal(source_id)}: the staged copy of the reply is missing or damaged, so "
                                 f"the addition cannot be finished; run `python -m analysis repair --undo` and add "
                                 f"the reply again")
        os.replace(staged, target)
        tables.fsync_dir(paths.RAW_DIR)
    elif not stored.is_file() or sources.sha256(stored) != state["sha256"]:
        raise AddSourceError(f"{target}: exists but does not hold the reply this add-foi stored; look at it, remove "
                             f"it by hand if it is debris, and run `python -m analysis repair` again")
    _write_journal({**state, "step": "placed"})
    locking.pause_point("add-foi:placed")
    sources.refresh()
    if not any(e["id"] == source_id for e in sources.manifest()):
        sources.append_entry(state["entry"])
    locking.pause_point("add-foi:registered")
    _journal(source_id).unlink()
    if staged.exists():
        shutil.rmtree(staged)


def _undo(source_id: str) -> None:
    """Remove what an unfinished add-foi wrote: its sources.yml block, its raw folder, its staged copy."""
    state = json.loads(_journal(source_id).read_text(encoding="utf-8"))
    target = paths.RAW_DIR / source_id
    sources.remove_block(state["block"])
    if target.exists():
        listed = {p.name for p in target.iterdir()}
        stored = target / state["stored_name"]
        if listed - {state["stored_name"]} or (stored.exists() and sources.sha256(stored) != state["sha256"]):
            raise AddSourceError(f"{target}: holds files this add-foi did not write; it was left as it is. Look at "
                                 f"it, remove it by hand if it is debris, and run `python -m analysis repair --undo` "
                                 f"again")
        shutil.rmtree(target)
    if _staged(source_id).exists():
        shutil.rmtree(_staged(source_id))
    _journal(source_id).unlink()


def repair(*, undo: bool = False, rebuild_data: bool = True) -> list[str]:
    """Finish (or, with undo=True, remove) every add-foi that was stopped half-way; returns their source ids."""
    with locking.project_lock():
        done = []
        for journal in sources.unfinished_additions():
            source_id = journal.stem
            (_undo if undo else _finish)(source_id)
            done.append(source_id)
        # staged folders without a journal were never used: a run was killed while copying
        if paths.ADD_FOI_DIR.is_dir():
            for leftover in paths.ADD_FOI_DIR.iterdir():
                if leftover.is_dir() and not _journal(leftover.name).exists():
                    shutil.rmtree(leftover)
                elif tables.is_temporary(leftover):
                    leftover.unlink()
        if rebuild_data:
            rebuild()
        return done

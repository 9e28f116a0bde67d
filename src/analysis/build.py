"""Rebuild data/processed/ from data/raw/: checksums, cleaning, validation, build log, datapackage.json.

`build()` runs every family of cleaners (analysis.cleaning: figures, cases, FOI reply tables, workforce) over
every source in one loop, validates each tidy table, and writes data/processed/ as one unit under the project
lock: every file is first written to a staging folder beside it, then moved in with one rename each,
datapackage.json (which records each file's sha256) last. A kill at any moment leaves the old tables, the new
tables, or (for the milliseconds of the renames) a mix that `analysis.load()` refuses with a clear error,
because a file's sha256 then differs from the one datapackage.json records.

Tables computed from the tidy tables by the analysis layer above (force_rates, by analysis.rates) are passed in
as `derive` (the commands pass `rates.derived_tables`), so the build never imports upward and still writes
everything as one unit.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable

import pandas as pd

from . import forces, locking, paths, schemas, sources, tables
from .cleaning import cases as cases_cleaner
from .cleaning import figures as figures_cleaner
from .cleaning import foi_tables as foi_cleaner
from .cleaning import workforce as workforce_cleaner

# Every family of raw files, in the order their rows and log lines appear for each source.
FAMILIES = (figures_cleaner, cases_cleaner, foi_cleaner, workforce_cleaner)
# The order of the tables in data/processed/ and in datapackage.json.
TABLE_ORDER = ("observations", "cases", "forces", "workforce", "force_rates", "build_log")


class BuildLog:
    """Readable record of every step (rows before/after), committed so that diffs show changes."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, step: str, action: str, reason: str, before: int, after: int) -> None:
        self.rows.append({"step": step, "action": action, "reason": reason,
                          "rows_before": int(before), "rows_after": int(after)})

    def frame(self) -> pd.DataFrame:
        return schemas.BUILD_LOG.validate(pd.DataFrame(self.rows, columns=list(schemas.BUILD_LOG.columns)))


def clean_all(log: BuildLog, raw_dir: Path | None = None) -> dict[str, list[pd.DataFrame]]:
    """Every family over every source: {table: [frames]}, each raw part logged with its rows before and after."""
    frames: dict[str, list[pd.DataFrame]] = {family.TABLE: [] for family in FAMILIES}
    for entry in sources.manifest():
        for family in FAMILIES:
            for raw in family.load_raw(entry, raw_dir):
                clean = family.clean(raw, entry)
                for row in family.log_rows(raw, clean, entry):
                    log.add(*row)
                if len(clean):  # header-only files (capture kept for later work) add no rows
                    frames[family.TABLE].append(clean)
    return frames


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _line_number(locator: pd.Series) -> pd.Series:
    return locator.str.extract(r"line (\d+)$")[0].astype(int)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    # Sort by file then line number (not text), so the order follows the raw files.
    order = frame.assign(_file=frame["source_locator"].str.split(" line ").str[0],
                         _line=_line_number(frame["source_locator"]))
    return order.sort_values(["source_id", "_file", "_line"], kind="stable").drop(columns=["_file", "_line"]) \
        .reset_index(drop=True)


Derive = Callable[[dict, "BuildLog"], dict]


def build(out_dir: Path | None = None, *, derive: Derive | None = None) -> dict[str, pd.DataFrame]:
    """Rebuild every processed table; refuses to run if any raw file's checksum has changed.

    `derive(outputs, log)` returns further tables computed from the tidy ones ({name: frame}); the project's
    are `analysis.rates.derived_tables`, which `python -m analysis build` and `add-foi` pass."""
    out_dir = Path(out_dir or paths.PROCESSED_DIR)
    with locking.project_lock():
        sources.refresh()
        sources.refuse_unfinished_additions()
        log = BuildLog()
        checked = sources.verify_checksums()
        log.add("sources", "verify sha256 of raw files", f"every file listed in {paths.SOURCES_YML.name}",
                len(checked), len(checked))
        frames = clean_all(log)
        obs = schemas.OBSERVATIONS.validate(_sorted(_concat(frames["observations"],
                                                            figures_cleaner.OBSERVATION_COLUMNS)))
        log.add("observations", "validate schema", "schemas.OBSERVATIONS", len(obs), len(obs))
        cas = schemas.CASES.validate(_sorted(_concat(frames["cases"], cases_cleaner.CASE_COLUMNS)))
        log.add("cases", "validate schema", "schemas.CASES", len(cas), len(cas))
        reg = schemas.FORCES.validate(forces.registry())
        log.add("forces", "write registry", "src/analysis/recode/forces.csv", len(reg), len(reg))
        wf = schemas.WORKFORCE.validate(workforce_cleaner.finish(frames["workforce"]))
        log.add("workforce", "validate schema", "schemas.WORKFORCE", len(wf), len(wf))
        outputs = {"observations": obs, "cases": cas, "forces": reg, "workforce": wf}
        if derive is not None:
            outputs.update(derive(dict(outputs), log))
        outputs["build_log"] = log.frame()
        order = [n for n in TABLE_ORDER if n in outputs] + sorted(set(outputs) - set(TABLE_ORDER))
        outputs = {name: outputs[name] for name in order}
        write_outputs(outputs, out_dir)
    return outputs


def write_outputs(outputs: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write every table and datapackage.json into `out_dir` as one unit (see the module docstring)."""
    out_dir = Path(out_dir)
    staging = out_dir.parent / f".{out_dir.name}.staging"
    if staging.exists():
        shutil.rmtree(staging)  # left by a killed build: never moved in, so nothing of it is in use
    staging.mkdir(parents=True)
    names = [f"{name}.csv" for name in outputs]
    try:
        for name, frame in outputs.items():
            tables.write_csv(frame, staging / f"{name}.csv")
        write_datapackage(outputs, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # nothing of it was moved in: the old tables stand
        raise
    locking.pause_point("build:staged")
    out_dir.mkdir(parents=True, exist_ok=True)
    for leftover in out_dir.iterdir():
        if tables.is_temporary(leftover):
            leftover.unlink()
    for i, name in enumerate(names):
        os.replace(staging / name, out_dir / name)
        if i == 0:
            locking.pause_point("build:replacing")
    locking.pause_point("build:before-datapackage")
    os.replace(staging / "datapackage.json", out_dir / "datapackage.json")
    tables.fsync_dir(out_dir)
    shutil.rmtree(staging)


FIELD_TYPES = {"float64": "number", "int64": "integer", "object": "string", "str": "string", "bool": "boolean"}


def write_datapackage(outputs: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """A Frictionless descriptor: fields, types, sources, licences, and sha256 and size per resource."""
    used = set()
    for name in ("observations", "cases"):
        if name in outputs:
            used |= set(outputs[name]["source_id"])
    resources = []
    for name, frame in outputs.items():
        path = out_dir / f"{name}.csv"
        data = path.read_bytes()
        resources.append({
            "name": name,
            "path": f"{name}.csv",
            "format": "csv",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": "sha256:" + sources.sha256(path),
            "schema": {"fields": [{"name": c, "type": FIELD_TYPES.get(str(frame[c].dtype), "string")}
                                  for c in frame.columns]},
        })
    package = {
        "name": "police-social-media-misconduct-england-wales",
        "title": "Police misconduct on social media in England and Wales: published figures",
        "licenses": [{"name": "ODC-By-1.0", "title": "Compilation; each source keeps its own terms (see sources)"}],
        "sources": [{"title": s["title"], "path": s["url"], "id": s["id"], "licence": s.get("licence", "")}
                    for s in sources.manifest() if s["id"] in used or s["topic"] == "workforce"],
        "resources": resources,
    }
    tables.write_text(out_dir / "datapackage.json", json.dumps(package, indent=2, ensure_ascii=False) + "\n")

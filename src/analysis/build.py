"""Rebuild data/processed/ from data/raw/: checksums, cleaning, validation, build log, datapackage.json."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from . import forces, schemas, sources, tables
from .cleaning import cases as cases_cleaner
from .cleaning import figures as figures_cleaner
from .paths import PROCESSED_DIR, RAW_DIR, SOURCES_YML



class BuildLog:
    """Readable record of every step (rows before/after), committed so that diffs show changes."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, step: str, action: str, reason: str, before: int, after: int) -> None:
        self.rows.append({"step": step, "action": action, "reason": reason,
                          "rows_before": int(before), "rows_after": int(after)})

    def frame(self) -> pd.DataFrame:
        return schemas.BUILD_LOG.validate(pd.DataFrame(self.rows, columns=list(schemas.BUILD_LOG.columns)))


def _clean_sources(log: BuildLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .cleaning import foi_tables as foi_cleaner

    observations, cases = [], []
    for entry in sources.manifest():
        if entry["topic"] not in ("social_media", "all_misconduct"):
            continue
        folder = RAW_DIR / entry["id"]
        for name in figures_cleaner.figure_files(entry):  # figures.csv and further outlets' figures_<x>.csv
            raw = figures_cleaner.load_raw(folder / name)
            figures_cleaner.check_snippets(raw)
            figures_cleaner.check_kept_text(raw, folder, entry, name)
            clean = figures_cleaner.clean(raw, entry)
            log.add(f"observations:{entry['id']}", f"clean {name}",
                    "one row per published figure, each value found in its snippet as written", len(raw), len(clean))
            if len(clean):  # header-only files (capture kept for later work) add no rows
                observations.append(clean)
        for name in cases_cleaner.case_files(entry):  # cases.csv and further outlets' cases_<x>.csv
            raw = cases_cleaner.load_raw(folder / name)
            clean = cases_cleaner.clean(raw, entry["id"])
            log.add(f"cases:{entry['id']}", f"clean {name}", "one row per case example", len(raw), len(clean))
            cases.append(clean)
        for spec in foi_cleaner.table_specs(entry):  # FOI reply spreadsheets (analysis.foi)
            read = foi_cleaner.load_raw(entry, spec, RAW_DIR)
            for kind, n, reason in foi_cleaner.exclusion_summary(read):
                log.add(f"foi_excluded:{entry['id']}", f"leave out {kind} cells of {spec['path']}", reason, n, 0)
            if spec.get("role", "data") == "check":  # a re-read of figures.csv values: compared in tests only
                log.add(f"foi_check:{entry['id']}", f"re-read {spec['path']} (check, not added)",
                        "compared cell by cell with figures.csv (analysis.foi.reread_real_replies)",
                        len(read.table), 0)
                continue
            clean = foi_cleaner.clean(read, entry, spec)
            log.add(f"observations:{entry['id']}", f"read {spec['path']}",
                    "one row per data cell (blank cells kept as missing)", len(read.table), len(clean))
            observations.append(clean)
    obs = pd.concat(observations, ignore_index=True) if observations else pd.DataFrame(
        columns=figures_cleaner.OBSERVATION_COLUMNS)
    cas = pd.concat(cases, ignore_index=True) if cases else pd.DataFrame(columns=cases_cleaner.CASE_COLUMNS)
    return obs, cas


def _line_number(locator: pd.Series) -> pd.Series:
    return locator.str.extract(r"line (\d+)$")[0].astype(int)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    # Sort by file then line number (not text), so the order follows the raw files.
    order = frame.assign(_file=frame["source_locator"].str.split(" line ").str[0],
                         _line=_line_number(frame["source_locator"]))
    return order.sort_values(["source_id", "_file", "_line"], kind="stable").drop(columns=["_file", "_line"]) \
        .reset_index(drop=True)


def build(out_dir: Path = PROCESSED_DIR) -> dict[str, pd.DataFrame]:
    """Rebuild every processed table; refuses to run if any raw file's checksum has changed."""
    log = BuildLog()
    checked = sources.verify_checksums()
    log.add("sources", "verify sha256 of raw files", f"every file listed in {SOURCES_YML.name}",
            len(checked), len(checked))
    obs, cas = _clean_sources(log)
    obs = schemas.OBSERVATIONS.validate(_sorted(obs))
    log.add("observations", "validate schema", "schemas.OBSERVATIONS", len(obs), len(obs))
    cas = schemas.CASES.validate(_sorted(cas))
    log.add("cases", "validate schema", "schemas.CASES", len(cas), len(cas))
    reg = schemas.FORCES.validate(forces.registry())
    log.add("forces", "write registry", "src/analysis/recode/forces.csv", len(reg), len(reg))
    outputs = {"observations": obs, "cases": cas, "forces": reg}
    for extra in _extra_tables(log, obs):
        outputs.update(extra)
    outputs["build_log"] = log.frame()
    for name, frame in outputs.items():
        tables.write_csv(frame, out_dir / f"{name}.csv")
    write_datapackage(outputs, out_dir)
    return outputs


def _extra_tables(log: BuildLog, obs: pd.DataFrame):
    """Tables built from other raw families (workforce denominators, then rates); each yields {name: frame}."""
    from . import rates, workforce
    wf = workforce.workforce_table()
    wf = schemas.WORKFORCE.validate(
        wf.sort_values(["force", "date", "worker_type", "measure", "preference", "source_locator"], kind="stable")
        .reset_index(drop=True))
    log.add("workforce", "clean and validate", "Home Office workforce tables (see workforce.py)", len(wf), len(wf))
    yield {"workforce": wf}
    fr = schemas.FORCE_RATES.validate(rates.force_rates(obs, wf))
    log.add("force_rates", "rates per 1,000 with exact intervals", "analysis.rates.force_rates (PA 2014, BBC SDU)",
            len(fr), len(fr))
    yield {"force_rates": fr}


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
    (out_dir / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")

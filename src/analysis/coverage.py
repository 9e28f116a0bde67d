"""Coverage: which force has a social-media figure in which study and period, the project's stated targets,
and the coverage log (docs/coverage_log.csv) that records what was searched for and not found.

Everything here is computed from the observations table, sources.yml and the log, so new studies appear
without hand edits (no list of studies is kept here).

A *social-media figure for a force* is an observations row of a social_media source, for one force, that
carries a number: unit count, percent or rate (a national rank claim is not a figure), qualifier exact,
approximate or a bound ("around 18" and "more than 50" are figures; refusals, blanks and withheld cells are not).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from . import forces, paths, sources, tables, values

FIGURE_UNITS = ("count", "percent", "rate_per_1000")
WITHHELD = ("suppressed", "redacted", "not_held")

# Coverage periods (issue 10): a figure counts toward a period its own period overlaps by at least
# MIN_OVERLAP_DAYS, or lies wholly inside; one with a start but no stated end counts where it starts.
PERIODS = (("before 2014", None, "2013-12-31"), ("2014-2017", "2014-01-01", "2017-12-31"),
           ("2018-2021", "2018-01-01", "2021-12-31"), ("2022 onwards", "2022-01-01", None))
NO_PERIOD = "period not stated"
MIN_OVERLAP_DAYS = 183

# The stated targets of issue 10.
TARGET_FORCES = 40
TARGET_RECENT = 10
RECENT_FROM = 2022
TARGET_SOURCES = 30


def force_figures(obs: pd.DataFrame) -> pd.DataFrame:
    """The rows that make a social-media figure for a force (see the module docstring)."""
    return obs[(obs["topic"] == "social_media") & (obs["area_kind"] == "force") & obs["unit"].isin(FIGURE_UNITS)
               & obs["qualifier"].isin(values.NUMBER_QUALIFIERS)]


def coverage_grid(obs: pd.DataFrame) -> pd.DataFrame:
    """Force x social-media study: "figure", "refused", "withheld" or NaN (no figure found: a gap, not a zero).

    Rows are every force of the registry (registry order); columns every social-media study with at least one
    per-force row, sorted by source id. A force with a figure and a refusal in one study shows "figure".
    """
    rows = obs[(obs["topic"] == "social_media") & (obs["area_kind"] == "force") & obs["unit"].isin(FIGURE_UNITS)]
    state = np.select([rows["qualifier"].isin(values.NUMBER_QUALIFIERS), rows["qualifier"] == "refused",
                       rows["qualifier"].isin(WITHHELD)], ["figure", "refused", "withheld"], default="")
    rows = rows.assign(state=state)
    rows = rows[rows["state"] != ""]
    rank = {"figure": 0, "refused": 1, "withheld": 2}
    best = (rows.assign(_rank=rows["state"].map(rank)).sort_values("_rank", kind="stable")
            .drop_duplicates(["force", "source_id"]))
    grid = best.pivot(index="force", columns="source_id", values="state")
    grid = grid.reindex(index=forces.registry()["force"], columns=sorted(rows["source_id"].unique()))
    grid.columns.name, grid.index.name = "source_id", "force"
    return grid


def _period_of(start: str, end: str, bin_start: str | None, bin_end: str | None) -> bool:
    """Does a figure's period [start, end] count toward the bin (overlap >= MIN_OVERLAP_DAYS or inside)?"""
    s = pd.Timestamp(start)
    e = pd.Timestamp(end) if end else s
    lo = pd.Timestamp(bin_start) if bin_start else pd.Timestamp.min
    hi = pd.Timestamp(bin_end) if bin_end else pd.Timestamp.max
    if s > hi or e < lo:
        return False
    if s >= lo and e <= hi:
        return True
    overlap = (min(e, hi) - max(s, lo)).days + 1
    return overlap >= MIN_OVERLAP_DAYS


PERIOD_LABELS = tuple(p[0] for p in PERIODS) + (NO_PERIOD,)


def _periods_of(start: str, end: str) -> list[str]:
    """The coverage periods a figure's own period counts toward (NO_PERIOD when it states none)."""
    if not start:
        return [NO_PERIOD]
    return [label for label, lo, hi in PERIODS if _period_of(start, end, lo, hi)]


def period_studies(obs: pd.DataFrame) -> pd.DataFrame:
    """One row per force x period x social-media study: state "figure" where the study gives the force a figure
    for that period (see force_figures), else "refused" or "withheld" where the force refused the study (or its
    figure was withheld) for that period and gave it no figure there. period_start/period_end span the study's
    rows for that force and period. Forces, periods and studies in registry, PERIODS and source-id order.

    The coverage grid, notebook 01's coverage by period and the stated targets all count from this table."""
    rows = obs[(obs["topic"] == "social_media") & (obs["area_kind"] == "force") & obs["unit"].isin(FIGURE_UNITS)]
    state = np.select([rows["qualifier"].isin(values.NUMBER_QUALIFIERS), rows["qualifier"] == "refused",
                       rows["qualifier"].isin(WITHHELD)], ["figure", "refused", "withheld"], default="")
    rows = rows.assign(state=state)
    rows = rows[rows["state"] != ""]
    out = []
    for r in rows.itertuples():
        for label in _periods_of(r.period_start, r.period_end):
            out.append({"force": r.force, "period": label, "source_id": r.source_id, "state": r.state,
                        "period_start": r.period_start, "period_end": r.period_end})
    cols = ["force", "period", "source_id", "state", "period_start", "period_end"]
    frame = pd.DataFrame(out, columns=cols)
    if frame.empty:
        return frame
    rank = {"figure": 0, "refused": 1, "withheld": 2}
    frame = frame.assign(_rank=frame["state"].map(rank))
    best = frame.groupby(["force", "period", "source_id"], sort=False).agg(
        _rank=("_rank", "min"), period_start=("period_start", "min"),
        period_end=("period_end", lambda e: max([x for x in e if x] or [""]))).reset_index()
    best["state"] = best["_rank"].map({v: k for k, v in rank.items()})
    order_force = {f: i for i, f in enumerate(forces.registry()["force"])}
    order_period = {p: i for i, p in enumerate(PERIOD_LABELS)}
    best = best.assign(_f=best["force"].map(order_force), _p=best["period"].map(order_period))
    best = best.sort_values(["_f", "_p", "source_id"], kind="stable")
    return best[cols].reset_index(drop=True)


def force_periods(obs: pd.DataFrame) -> pd.DataFrame:
    """Force x period (PERIODS, then "period not stated"): True where the force has a social-media figure."""
    counts = period_counts(obs)
    return counts > 0


def period_counts(obs: pd.DataFrame) -> pd.DataFrame:
    """Force x period: how many social-media studies give the force a figure for that period (0: none; a force
    that only refused counts 0 there)."""
    studies = period_studies(obs)
    figs = studies[studies["state"] == "figure"]
    table = pd.DataFrame(0, index=pd.Index(forces.registry()["force"], name="force"), columns=list(PERIOD_LABELS))
    counted = figs.groupby(["force", "period"])["source_id"].nunique()
    for (force, period), n in counted.items():
        table.loc[force, period] = int(n)
    return table


def coverage_by_period(obs: pd.DataFrame) -> pd.DataFrame:
    """Per period: forces (of the registry's 44) with at least one social-media figure, the studies that give
    them, and the forces without one. A last row, "any period", counts every force with a figure at all."""
    figs = force_figures(obs)
    studies = period_studies(obs)
    studies = studies[studies["state"] == "figure"]
    table = force_periods(obs)
    n = len(table)
    short = forces.registry().set_index("force")["short_name"]
    rows = []
    for label, lo, hi in PERIODS + ((NO_PERIOD, None, None),):
        have = table.index[table[label]]
        rows.append({"period": label, "from": lo or "", "to": hi or "", "forces_with_a_figure": len(have),
                     "of_forces": n, "studies": int(studies.loc[studies["period"] == label, "source_id"].nunique()),
                     "forces_without": ", ".join(short.loc[[f for f in table.index if f not in set(have)]])})
    have = table.index[table.any(axis=1)]
    rows.append({"period": "any period", "from": "", "to": "", "forces_with_a_figure": len(have), "of_forces": n,
                 "studies": int(figs["source_id"].nunique()),
                 "forces_without": ", ".join(short.loc[[f for f in table.index if f not in set(have)]])})
    return pd.DataFrame(rows)


def _published_year(entry: dict) -> int | None:
    text = str(entry.get("published") or "")
    return int(text[:4]) if text[:4].isdigit() else None


def coverage_targets(obs: pd.DataFrame, log: pd.DataFrame | None = None) -> pd.DataFrame:
    """The three stated targets of issue 10, computed, each with its definition and whether it is met:

    - forces (of 44) with at least one social-media figure (target 40); beside it, how many of the forces
      short of a figure have a logged search in docs/coverage_log.csv (the alternative the issue allows);
    - social-media studies or reports published in 2022 or later that give at least one figure (target 10;
      case-account-only and undated sources are counted beside it, not in it);
    - social-media sources in all (target 30).
    """
    entries = [e for e in sources.manifest() if e["topic"] == "social_media"]
    figs = force_figures(obs)
    reg = forces.registry()
    have = set(figs["force"])
    short = sorted(set(reg["force"]) - have)
    log = read_log() if log is None else log
    searched = set(log["searched_for"])
    with_figures = set(obs["source_id"])
    dated_recent = [e["id"] for e in entries if (_published_year(e) or 0) >= RECENT_FROM]
    recent = [i for i in dated_recent if i in with_figures]
    undated = [e["id"] for e in entries if _published_year(e) is None]
    rows = [
        {"target": "forces with at least one social-media figure", "value": len(have), "required": TARGET_FORCES,
         "of": len(reg), "met": len(have) >= TARGET_FORCES,
         "definition": "a count, percent or rate for the force (exact, approximate or a bound) in a social-media "
                       "source"},
        {"target": "forces short of a figure with a logged search", "value": len(set(short) & searched),
         "required": len(short), "of": len(short), "met": set(short) <= searched,
         "definition": "forces with no social-media figure that have at least one row in docs/coverage_log.csv"
                       + (f"; not yet searched: {', '.join(sorted(set(short) - searched))}"
                          if set(short) - searched else "")},
        {"target": f"social-media studies or reports dated {RECENT_FROM} or later", "value": len(recent),
         "required": TARGET_RECENT, "of": len(entries), "met": len(recent) >= TARGET_RECENT,
         "definition": f"social-media sources published in {RECENT_FROM} or later that give at least one figure; "
                       f"{len(dated_recent) - len(recent)} more give case accounts only, {len(undated)} undated "
                       f"source(s) are not counted"},
        {"target": "social-media sources in all", "value": len(entries), "required": TARGET_SOURCES,
         "of": len(sources.manifest()), "met": len(entries) >= TARGET_SOURCES,
         "definition": "entries of data/raw/sources.yml with topic social_media (a further outlet's file counts "
                       "toward its study, not as a source)"},
    ]
    return pd.DataFrame(rows, columns=["target", "value", "required", "of", "met", "definition"])


# --------------------------------------------------------------------------------------------------
# The coverage log: docs/coverage_log.csv (one row per query and per candidate) and its summary

COVERAGE_LOG = paths.COVERAGE_LOG
COVERAGE_MD = paths.DOCS_DIR / "coverage_log.md"
LOG_COLUMNS = ["searched_for", "query", "corpus", "result", "candidate_url", "candidate_title", "decision",
               "source_id", "reason"]
RESULTS = ("found_figure", "found_no_figure", "nothing_relevant", "cut_off")
DECISIONS = ("added", "already_in", "left_out", "")
NATIONAL = "national"
GENERATED = "<!-- Everything below is generated by `python -m analysis coverage-log` from coverage_log.csv: do not edit. -->"


class CoverageLogError(ValueError):
    """A row of docs/coverage_log.csv breaks the log's rules; the message names the line."""


def read_log(path: Path | None = None) -> pd.DataFrame:
    """The coverage log, every cell text, checked row by row (see check_log)."""
    path = Path(path or COVERAGE_LOG)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != LOG_COLUMNS:
            raise CoverageLogError(f"{path} line 1: expected columns {LOG_COLUMNS}, found {reader.fieldnames}")
        rows = []
        for row in reader:
            if None in row or None in row.values():
                raise CoverageLogError(f"{path} line {reader.line_num}: expected {len(LOG_COLUMNS)} cells "
                                       "(quote cells that contain commas)")
            rows.append({k: v.strip() for k, v in row.items()} | {"line": reader.line_num})
    frame = pd.DataFrame(rows, columns=LOG_COLUMNS + ["line"])
    check_log(frame, path)
    return frame


def check_log(log: pd.DataFrame, path: Path | str = "coverage_log.csv") -> None:
    """searched_for is a force of forces.csv (canonical name) or "national"; result and decision from their
    lists; a candidate with a decision names its url, title or source; decision=added names a source id of
    sources.yml (already_in too, when it names one)."""
    names = set(forces.registry()["force"])
    ids = {e["id"] for e in sources.manifest()}
    for row in log.itertuples():
        where = f"{path} line {row.line}"
        if row.searched_for != NATIONAL and row.searched_for not in names:
            hint = ""
            try:
                hint = f"; did you mean {forces.canonical_force(row.searched_for)!r}?"
            except ValueError:
                pass
            raise CoverageLogError(f"{where}: searched_for {row.searched_for!r} is not a force name of forces.csv "
                                   f"or 'national'{hint}")
        if row.result not in RESULTS:
            raise CoverageLogError(f"{where}: result {row.result!r} is not one of {RESULTS}")
        if row.decision not in DECISIONS:
            raise CoverageLogError(f"{where}: decision {row.decision!r} is not one of {DECISIONS[:-1]} or empty")
        if row.decision and not (row.candidate_url or row.candidate_title or row.source_id):
            raise CoverageLogError(f"{where}: decision {row.decision} for a candidate with no candidate_url, "
                                   "candidate_title or source_id")
        if row.decision == "added" and row.source_id not in ids:
            raise CoverageLogError(f"{where}: decision=added but source_id {row.source_id!r} is not in sources.yml")
        if row.source_id and row.source_id not in ids:
            raise CoverageLogError(f"{where}: source_id {row.source_id!r} is not in sources.yml")
        if not row.query:
            raise CoverageLogError(f"{where}: empty query (write what was searched, or where the search is recorded)")


def log_summary(log: pd.DataFrame) -> pd.DataFrame:
    """Per force (every force of the registry, then "national"): rows logged, distinct queries, candidates
    by decision, and whether any search found a figure."""
    order = list(forces.registry()["force"]) + [NATIONAL]
    out = []
    for name in order:
        sub = log[log["searched_for"] == name]
        out.append({"searched_for": name, "rows": len(sub), "queries": sub["query"].nunique(),
                    "found_figure": int((sub["result"] == "found_figure").sum()),
                    "cut_off": int((sub["result"] == "cut_off").sum()),
                    "nothing_relevant": int((sub["result"] == "nothing_relevant").sum()),
                    "added": int((sub["decision"] == "added").sum()),
                    "already_in": int((sub["decision"] == "already_in").sum()),
                    "left_out": int((sub["decision"] == "left_out").sum())})
    return pd.DataFrame(out)


def _cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def render_summary(log: pd.DataFrame) -> str:
    """The generated part of docs/coverage_log.md: a table per force, then what was searched per force."""
    summary = log_summary(log)
    short = dict(zip(forces.registry()["force"], forces.registry()["short_name"]))
    lines = [GENERATED, "", "## Summary by force", "",
             f"{len(log)} rows; {log['query'].nunique()} distinct queries; "
             f"{int((log['decision'] == 'added').sum())} candidates added, "
             f"{int((log['decision'] == 'left_out').sum())} left out.", "",
             "| searched for | rows | queries | found a figure | cut off | nothing relevant | added | already in "
             "| left out |", "|---|---|---|---|---|---|---|---|---|"]
    for r in summary.itertuples():
        lines.append(f"| {short.get(r.searched_for, r.searched_for)} | {r.rows} | {r.queries} | {r.found_figure} | "
                     f"{r.cut_off} | {r.nothing_relevant} | {r.added} | {r.already_in} | {r.left_out} |")
    lines += ["", "## What was searched, force by force", ""]
    for name in summary["searched_for"]:
        sub = log[log["searched_for"] == name]
        lines.append(f"### {name}")
        lines.append("")
        if sub.empty:
            lines.append("- nothing logged yet")
        for row in sub.itertuples():
            what = f"`{_cell(row.query)}` ({_cell(row.corpus) or 'corpus not recorded'}): {row.result.replace('_', ' ')}"
            if row.candidate_url or row.candidate_title:
                what += f"; {_cell(row.candidate_title) or 'candidate'} <{row.candidate_url}>" if row.candidate_url \
                    else f"; {_cell(row.candidate_title)}"
            if row.decision:
                what += f"; **{row.decision.replace('_', ' ')}**"
                if row.source_id:
                    what += f" (`{row.source_id}`)"
            if row.reason:
                what += f": {_cell(row.reason)}"
            lines.append(f"- {what}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_summary(log_path: Path | None = None, md_path: Path | None = None) -> Path:
    """Rewrite the generated part of docs/coverage_log.md (everything after the GENERATED marker)."""
    md_path = Path(md_path or COVERAGE_MD)
    text = md_path.read_text(encoding="utf-8")
    if GENERATED not in text:
        raise CoverageLogError(f"{md_path}: the marker line {GENERATED!r} is missing")
    head = text.split(GENERATED, 1)[0]
    tables.write_text(md_path, head + render_summary(read_log(log_path)))
    return md_path


def append_logs(paths_to_append, log_path: Path | None = None) -> int:
    """Append research helpers' coverage logs (same header) to docs/coverage_log.csv, all or nothing: the whole
    log is checked after the append and restored if any row breaks a rule. Returns the number of rows added."""
    log_path = Path(log_path or COVERAGE_LOG)
    before = log_path.read_text(encoding="utf-8")
    rows = []
    for path in map(Path, paths_to_append):
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header != LOG_COLUMNS:
                raise CoverageLogError(f"{path} line 1: expected columns {LOG_COLUMNS}, found {header}")
            rows.extend(reader)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    try:
        tables.write_text(log_path, before + ("" if not before or before.endswith("\n") else "\n") + out.getvalue())
        read_log(log_path)
    except BaseException:
        tables.write_text(log_path, before)
        raise
    return len(rows)

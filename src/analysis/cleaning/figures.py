"""Cleaner for `figures.csv` (one published figure per row) into the `observations` table.

Output schema (schemas.OBSERVATIONS), one row per published figure:
source_id, source_locator, force, force_code, area_kind, period_start, period_end, period_label,
population, topic, measure, outcome, category, value, unit, qualifier, value_low, value_high,
raw_force, raw_population, raw_category, raw_value, outlet, url, published, snippet, note
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from .. import forces, outcomes, paths, periods, populations, snippets, sources, values
from ..paths import RECODE_DIR
from . import cell_error, listed_csv, listed_files, read_raw_csv

TABLE = "observations"

RAW_COLUMNS = [
    "force_as_published", "period_as_published", "period_start", "period_end", "population_as_published",
    "measure", "category_as_published", "value_as_published", "unit", "outlet", "url", "published",
    "snippet", "note",
]
UNITS = ("count", "percent", "rank", "rate_per_1000")
# Ordinal wording for the few rows where an outlet states a force's national rank.
ORDINALS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)}


def read_file(path: Path) -> pd.DataFrame:
    """Parse only: every cell of one figures.csv (or figures_<outlet>.csv) as text, plus where it came from."""
    return read_raw_csv(path, RAW_COLUMNS)


def figure_files(entry: dict) -> list[str]:
    """figures.csv, then each further outlet's figures_<outlet>.csv that the source lists (cleaning.listed_files)."""
    return listed_files(entry, sources.FIGURE_FILE)


def check_kept_text(raw: pd.DataFrame, folder: Path, entry: dict, name: str) -> None:
    """Where the source kept the text it read (sources.kept_text_files), every snippet of the figures file is in
    it, verbatim (case, spaces, dashes and quotes aside): the value is then found in its own raw file too."""
    kept = sources.kept_text_files([item["path"] for item in entry["files"]], name)
    if not kept:
        return
    text = snippets.normalise(" ".join((Path(folder) / k).read_text(encoding="utf-8", errors="replace") for k in kept))
    for row in raw.itertuples():
        if snippets.normalise(row.snippet) not in text:
            raise cell_error(row, "snippet", ValueError(f"not in the text kept beside it ({', '.join(kept)}): copy "
                                                        f"the snippet verbatim from the page"))


def check_snippets(raw: pd.DataFrame) -> None:
    """Every value_as_published is in its own snippet as written (analysis.snippets); the first that is
    not raises with its file, line and the numbers the snippet does hold."""
    for row in raw.itertuples():
        if not snippets.appears_as_written(row.value_as_published, row.snippet, row.unit):
            raise cell_error(row, "value_as_published",
                             ValueError(snippets.explain(row.value_as_published, row.snippet, row.unit)))


def load_raw(entry: dict, raw_dir: Path | None = None) -> list[pd.DataFrame]:
    """Parse only: the source's figures.csv and each further outlet's figures_<outlet>.csv it lists. Each part is
    checked as raw text before any recoding: every value is in its own snippet as written (check_snippets), and
    every snippet is in the text the source kept beside it (check_kept_text)."""
    folder = Path(raw_dir or paths.RAW_DIR) / entry["id"]
    parts = listed_csv(entry, raw_dir, sources.FIGURE_FILE, RAW_COLUMNS)
    for raw in parts:
        check_snippets(raw)
        check_kept_text(raw, folder, entry, raw.attrs["file"])
    return parts


def log_rows(raw: pd.DataFrame, clean: pd.DataFrame, entry: dict) -> list[tuple[str, str, str, int, int]]:
    return [(f"observations:{entry['id']}", f"clean {raw.attrs.get('file', 'figures.csv')}",
             "one row per published figure, each value found in its snippet as written", len(raw), len(clean))]


@functools.cache
def measure_codes() -> frozenset[str]:
    return frozenset(pd.read_csv(RECODE_DIR / "measures.csv", dtype=str)["measure"])


# Prose sometimes counts one case with a determiner ("a detective constable", "another fined").
DETERMINERS = {"a": "one", "an": "one", "another": "one", "both": "two"}


def _rank(text: str) -> values.Qualified:
    words = re.findall(r"[a-z]+|\d+", text.lower())
    if words and words[-1] in ("highest", "worst", "top") and not any(w in ORDINALS or w.isdigit() for w in words):
        words = ["first"]  # "ranked highest" is first place
    for word in words:
        if word in ORDINALS:
            return values.Qualified(ORDINALS[word], "exact", ORDINALS[word], ORDINALS[word], "rank")
        if word.isdigit():
            return values.Qualified(int(word), "exact", int(word), int(word), "rank")
    raise ValueError(f"rank wording {text!r}: expected an ordinal such as 'fourth highest'")


def _value(text: str, unit: str) -> values.Qualified:
    if unit == "rank":
        return _rank(text)
    first, _, rest = text.strip().partition(" ")
    if first.lower() in DETERMINERS and not re.search(r"\d", rest):
        text = f"{DETERMINERS[first.lower()]} {rest}".strip()
    return values.parse_value(text, unit=unit)


def _period(row: SimpleNamespace, reference: str) -> tuple[str, str]:
    """ISO start and end, or ("", "") when the source states no period at all (a gap, shown as one).

    An open-ended period ("since 2015") has a start but no stated end: it ends at the publication date,
    and where that date is unknown too the end stays empty.
    """
    label, start, end = row.period_as_published, row.period_start or None, row.period_end or None
    if not label.strip() and not start and not end:
        return "", ""
    if start and not end:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", reference or ""):
            return periods.parse_period(label, start=start, end=start).start.isoformat(), ""
        try:
            period = periods.parse_period(label, reference=reference)
        except ValueError:
            period = None
        if period is None or period.kind != "open_ended":
            period = periods.parse_period(label, start=start, end=reference)
        return periods.parse_period(label, start=start, end=period.end.isoformat()).start.isoformat(), \
            period.end.isoformat()
    period = periods.parse_period(label, start=start, end=end, reference=reference)
    return period.start.isoformat(), period.end.isoformat()


def _clean_row(row: SimpleNamespace, source: dict) -> dict:
    try:
        area, code, kind = forces.canonical_area(row.force_as_published)
    except ValueError as exc:
        raise cell_error(row, "force_as_published", exc) from None
    if row.measure not in measure_codes():
        raise cell_error(row, "measure", ValueError(f"not a measure code in recode/measures.csv"))
    if row.unit not in UNITS:
        raise cell_error(row, "unit", ValueError(f"expected one of {UNITS}"))
    try:
        pop_text = row.population_as_published or source.get("default_population", "")
        population = populations.categorise_population(pop_text) if pop_text else "unknown"
    except ValueError as exc:
        raise cell_error(row, "population_as_published", exc) from None
    outcome = category = ""
    if row.measure == "outcome":
        try:
            outcome = outcomes.join_outcomes(outcomes.categorise_outcomes(row.category_as_published))
        except ValueError as exc:
            raise cell_error(row, "category_as_published", exc) from None
    else:
        category = row.category_as_published
    reference = row.published[:10] if re.match(r"\d{4}-\d{2}-\d{2}", row.published or "") else str(source["published"])[:10]
    try:
        period_start, period_end = _period(row, reference)
    except ValueError as exc:
        raise cell_error(row, "period_as_published", exc) from None
    try:
        q = _value(row.value_as_published, row.unit)
    except ValueError as exc:
        raise cell_error(row, "value_as_published", exc) from None
    return {
        "source_id": source["id"], "source_locator": row.source_locator,
        "force": area, "force_code": code, "area_kind": kind,
        "period_start": period_start, "period_end": period_end,
        "period_label": row.period_as_published, "population": population, "topic": source["topic"],
        "measure": row.measure, "outcome": outcome, "category": category,
        "value": _num(q.value), "unit": row.unit, "qualifier": q.qualifier,
        "value_low": _num(q.low), "value_high": _num(q.high),
        "raw_force": row.force_as_published, "raw_population": row.population_as_published,
        "raw_category": row.category_as_published, "raw_value": row.value_as_published,
        "outlet": row.outlet, "url": row.url, "published": row.published, "snippet": row.snippet, "note": row.note,
    }


def _num(x) -> float:
    return float("nan") if x is None else float(x)


def clean(raw: pd.DataFrame, source: dict) -> pd.DataFrame:
    """Pure: recode one source's raw figures into observations rows (schema validated by the caller)."""
    rows = [_clean_row(SimpleNamespace(**rec), source) for rec in raw.to_dict("records")]
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)


OBSERVATION_COLUMNS = [
    "source_id", "source_locator", "force", "force_code", "area_kind", "period_start", "period_end",
    "period_label", "population", "topic", "measure", "outcome", "category", "value", "unit", "qualifier",
    "value_low", "value_high", "raw_force", "raw_population", "raw_category", "raw_value", "outlet", "url",
    "published", "snippet", "note",
]

"""Police workforce denominators: the figure that matches a study's population, at one 31 March or averaged.

The tidy `workforce` table (built by `analysis.cleaning.workforce` from the Home Office tables, loaded with
`analysis.load("workforce")`) has one row per force x date x worker type x measure x source row; the
functions here pick from it: `denominator()` for one snapshot, `average_denominator()` for a study period.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import forces
from .cleaning.workforce import MEASURES, SOURCE_ID, march_31  # noqa: F401  (SOURCE_ID: the denominators' source, for source lines)

# A study's population -> the worker types summed for it. Designated officers are police staff with
# designated powers (the Home Office counts them apart), so they belong to "staff" and "all_personnel".
POPULATION_WORKER_TYPES = {
    "officers": ("officers",),
    "all_personnel": ("all_paid",),
    "staff": ("staff", "pcso", "designated_officers"),
    "pcso": ("pcso",),
    "special_constables": ("special_constables",),
}
_POPULATION_TEXT = {
    "officers": "police officers",
    "all_personnel": "officers, staff, PCSOs and designated officers (all paid workers)",
    "staff": "police staff, PCSOs and designated officers",
    "pcso": "PCSOs",
    "special_constables": "special constables",
}
_NATIONAL = "England and Wales"


def _iso(date: object) -> str:
    return pd.Timestamp(date).strftime("%Y-%m-%d")


def _one_value(workforce: pd.DataFrame, force: str, date: str, worker_type: str, measure: str) -> float | None:
    """The value at the lowest preference; None when absent; conflicting values at that level raise."""
    rows = workforce[(workforce["force"] == force) & (workforce["date"] == date)
                     & (workforce["worker_type"] == worker_type) & (workforce["measure"] == measure)
                     & workforce["value"].notna()]
    if rows.empty:
        return None
    best = rows[rows["preference"] == rows["preference"].min()]
    if best["value"].nunique() > 1:
        raise ValueError(f"{force} {date} {worker_type} {measure}: conflicting values "
                         f"{best[['value', 'source_locator']].to_dict('records')}")
    return float(best["value"].iloc[0])


def _national_sum(workforce: pd.DataFrame, date: str, worker_type: str, measure: str) -> float | None:
    """Sum over the 43 territorial forces (all must be present): the national figure the sums imply."""
    codes = workforce["force_code"].str.match(r"^(E23|W15)")
    names = sorted(workforce.loc[codes, "force"].unique())
    values = [_one_value(workforce, f, date, worker_type, measure) for f in names]
    if len(names) != forces.N_CODES or any(v is None for v in values):
        return None
    return float(sum(values))


def _value_for(workforce, force, date, worker_type, measure) -> float:
    value = _one_value(workforce, force, date, worker_type, measure)
    if value is None and force == _NATIONAL:
        value = _national_sum(workforce, date, worker_type, measure)
    if value is None:
        have = sorted(workforce.loc[(workforce["force"] == force) & (workforce["worker_type"] == worker_type)
                                    & (workforce["measure"] == measure) & workforce["value"].notna(), "date"])
        raise KeyError(f"no {worker_type} {measure} for {force} at {date}; dates available: {have}")
    return value


def _area(force: str) -> str:
    """Canonical force name, or the aggregate's name ("England and Wales") for national figures."""
    return forces.canonical_area(force)[0]


def denominator(workforce: pd.DataFrame, force: str, date: object, population: str,
                *, measure: str = "headcount") -> tuple[float, str]:
    """(value, description) of the workforce that matches a study's population, at one 31 March.

    population: officers -> officers; all_personnel -> all_paid (officers + staff + PCSOs + designated
    officers); staff -> staff + PCSOs + designated officers; pcso; special_constables.
    Headcount is the default because a rate "per 1,000 officers" counts people, and misconduct cases
    are about people whatever their hours; FTE understates the people at risk where many work part
    time (staff especially). Pass measure="fte" to match a study that used FTE. For "England and Wales"
    a published national row is used if present, otherwise the sum of the 43 territorial forces.
    """
    if population not in POPULATION_WORKER_TYPES:
        raise ValueError(f"no workforce denominator for population {population!r}; "
                         f"use one of {sorted(POPULATION_WORKER_TYPES)}")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    area, date = _area(force), _iso(date)
    if not date.endswith("-03-31"):
        raise ValueError(f"workforce snapshots are at 31 March; got {date}")
    parts = POPULATION_WORKER_TYPES[population]
    value = sum(_value_for(workforce, area, date, wt, measure) for wt in parts)
    return float(value), f"{_POPULATION_TEXT[population]}, {measure}, {area}, at 31 March {date[:4]}"


def march_dates_within(start: object, end: object) -> list[str]:
    """The 31 March dates inside [start, end], both ends included."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start > end:
        raise ValueError(f"start {start.date()} is after end {end.date()}")
    years = range(start.year, end.year + 1)
    return [march_31(y) for y in years if start <= pd.Timestamp(march_31(y)) <= end]


def average_denominator(workforce: pd.DataFrame, force: str, start: object, end: object, population: str,
                        *, measure: str = "headcount") -> tuple[float, str]:
    """(mean, description) of the 31 March values that fall inside [start, end].

    Only snapshots inside the period are averaged: a study period that starts on 1 January 2009 and ends
    on 17 February 2014 (PA 2014) averages 31 March 2009, 2010, 2011, 2012 and 2013; 31 March 2014 lies
    after the period ends and is not used. Every one of those dates must be present (a partial average
    would quietly change its meaning); the description lists the dates averaged.
    """
    dates = march_dates_within(start, end)
    if not dates:
        raise ValueError(f"no 31 March falls within {_iso(start)}..{_iso(end)}; use denominator() "
                         f"with the nearest snapshot and say so")
    values = [denominator(workforce, force, d, population, measure=measure)[0] for d in dates]
    area = _area(force)
    years = ", ".join(d[:4] for d in dates)
    text = (f"{_POPULATION_TEXT[population]}, {measure}, {area}, mean of 31 March {years} "
            f"({len(dates)} snapshots within {_iso(start)} to {_iso(end)})")
    return float(np.mean(values)), text

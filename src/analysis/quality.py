"""Checks that a reader needs before trusting a number: disagreements, totals that do not add up, rank claims.

Functions take the observations table and return tables; the notebooks show them, the tests pin them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import forces, values as _values

# Two rows report "the same figure" when all of these agree.
FIGURE_KEY = ["source_id", "force", "period_start", "period_end", "population", "measure", "outcome", "category",
              "unit"]
COUNT_MEASURES = ("cases_investigated", "people_investigated", "complaints", "allegations", "conduct_cases",
                  "people_with_case_to_answer", "disciplined")


class DisagreementError(ValueError):
    """Outlets give different exact values for one figure; the caller must choose, never this module."""


def _compatible(group: pd.DataFrame) -> bool:
    """True when one number can satisfy every row (e.g. 55 exact and 'more than 50')."""
    low = group["value_low"].max(skipna=True)
    high = group["value_high"].min(skipna=True)
    if np.isnan(low) or np.isnan(high):
        return group["value"].nunique(dropna=True) <= 1
    return low <= high


def disagreements(obs: pd.DataFrame) -> pd.DataFrame:
    """Every figure that different outlets of one study report with different values or qualifiers.

    Two rows from the same outlet are different figures of that outlet (e.g. 10 of 244 and 55 of 118
    dismissed in the BBC README), not a disagreement, so a group needs at least two outlets.
    """
    rows = []
    for key, group in obs.groupby(FIGURE_KEY, dropna=False, sort=True):
        distinct = group.drop_duplicates(["value", "qualifier"])
        if len(distinct) < 2 or group["outlet"].nunique() < 2:
            continue
        rec = dict(zip(FIGURE_KEY, key))
        rec.update({
            "values_as_published": " | ".join(f"{r.raw_value} ({r.outlet})" for r in group.itertuples()),
            "compatible": _compatible(group),
            "rows": len(group),
        })
        rows.append(rec)
    return pd.DataFrame(rows, columns=FIGURE_KEY + ["values_as_published", "compatible", "rows"])


def force_values(obs: pd.DataFrame, source_id: str, measures=COUNT_MEASURES,
                 population: str | None = None) -> pd.DataFrame:
    """One value per force for a study's headline count, keeping refusals and qualifiers.

    Exact values win over compatible bounds from other outlets ("55" over "more than 50"); two different
    exact values for one force raise DisagreementError rather than being chosen silently.
    """
    sub = obs[(obs["source_id"] == source_id) & (obs["area_kind"] == "force") & obs["measure"].isin(measures)
              & (obs["category"] == "") & (obs["unit"] == "count")]
    if population is not None:  # e.g. the BBC total (officers plus staff) beside its officer/staff split
        sub = sub[sub["population"] == population]
    out = []
    for force, group in sub.groupby("force", sort=True):
        exact = group[group["qualifier"] == "exact"]
        if exact["value"].nunique() > 1:
            raise DisagreementError(f"{source_id}: {force} has several exact values "
                                    f"{sorted(exact['value'].unique())} at {list(exact['source_locator'])}")
        if not _compatible(group[group["value"].notna()]) if group["value"].notna().any() else False:
            raise DisagreementError(f"{source_id}: {force}: values {list(group['raw_value'])} cannot all be true")
        best = exact.iloc[0] if len(exact) else group.sort_values("qualifier").iloc[0]
        out.append({
            "force": force, "force_code": best["force_code"], "measure": best["measure"],
            "population": best["population"], "value": best["value"], "qualifier": best["qualifier"],
            "value_low": best["value_low"], "value_high": best["value_high"],
            "outlets": len(group),
            # Only wordings that say something different ("more than 50" beside 55), not "seven" beside 7.
            "other_wordings": " | ".join(sorted(set(group.loc[(group["value"] != best["value"])
                                                              | (group["qualifier"] != best["qualifier"]),
                                                              "raw_value"]))),
            "source_locator": best["source_locator"], "value_as_published": best["raw_value"],
        })
    return pd.DataFrame(out, columns=["force", "force_code", "measure", "population", "value", "qualifier",
                                      "value_low", "value_high", "outlets", "other_wordings", "source_locator",
                                      "value_as_published"])


def with_gaps(values: pd.DataFrame, include_btp: bool = False) -> pd.DataFrame:
    """Every force of the registry, with the study's value or a gap (status: figure, refused, no figure)."""
    reg = forces.registry()
    if not include_btp:
        reg = reg[reg["kind"] == "territorial"]
    merged = reg[["force", "short_name", "force_code", "region"]].merge(
        values.drop(columns=["force_code"], errors="ignore"), on="force", how="left")
    merged["status"] = np.select(
        [merged["qualifier"] == "refused", merged["value"].notna()], ["refused", "figure"], default="no figure found")
    # The figure as a reader should see it: "88", "about 18" (approximate, still a figure), "more than 50".
    merged["value_words"] = [_values.qualified_words(v, q) if s == "figure" else s
                             for v, q, s in zip(merged["value"], merged["qualifier"], merged["status"])]
    return merged


def national_value(obs: pd.DataFrame, source_id: str, measure: str, *, outcome: str = "", category: str = "",
                   population: str | None = None, unit: str = "count") -> float:
    """The study's national (aggregate) figure; raises if outlets disagree on it."""
    # A country (England and Wales, the UK), never an ad-hoc group: a further outlet's regional total ("Yorkshire's
    # four forces", 117) is not the study's national figure, however many outlets repeat it.
    sub = obs[(obs["source_id"] == source_id) & (obs["area_kind"] == "country_group") & (obs["measure"] == measure)
              & (obs["outcome"] == outcome) & (obs["category"] == category) & (obs["unit"] == unit)
              & (obs["qualifier"] == "exact")]
    if population is not None:
        sub = sub[sub["population"] == population]
    return consensus(sub, f"{source_id}: {measure}/{outcome or category or population}")


def consensus(rows: pd.DataFrame, what: str) -> float:
    """The value most outlets give for one figure; a tie raises (never chosen silently).

    The losing values stay in observations and are listed by `disagreements`.
    """
    counts = rows.groupby("value")["outlet"].nunique().sort_values(ascending=False)
    if counts.empty:
        raise DisagreementError(f"{what}: no exact value published")
    if len(counts) > 1 and counts.iloc[0] == counts.iloc[1]:
        raise DisagreementError(f"{what}: outlets split evenly between {sorted(counts.index)}")
    return float(counts.index[0])


def subjects_check(obs: pd.DataFrame, source_id: str, total_measure: str = "cases_investigated") -> pd.DataFrame:
    """Does the breakdown by kind of employee add up to the study's total? (PA 2014: 548+175+31 vs 828)."""
    sub = obs[(obs["source_id"] == source_id) & (obs["area_kind"] == "country_group") & (obs["measure"] == "subjects")
              & (obs["qualifier"] == "exact")]
    parts = pd.DataFrame([{"population": p, "value": consensus(g, f"{source_id}: subjects/{p}")}
                          for p, g in sub.groupby("population", sort=False)], columns=["population", "value"])
    total = national_value(obs, source_id, total_measure)
    return pd.DataFrame([{
        "source_id": source_id, "parts": " + ".join(f"{int(v)} {p}" for p, v in zip(parts["population"], parts["value"])),
        "sum_of_parts": parts["value"].sum(), "published_total": total,
        "difference": total - parts["value"].sum(),
    }])


def forces_sum_check(obs: pd.DataFrame, source_id: str, total_measure: str = "cases_investigated",
                     population: str | None = None) -> pd.DataFrame:
    """Do the per-force values found add up to the national total? (PA 2014: 20 forces, 573 of 828).

    Only exact values are summed; forces whose figure is approximate or a bound are counted beside the sum
    (`forces_with_inexact_figure`), not dropped silently."""
    values = force_values(obs, source_id, population=population)
    exact = values[values["qualifier"] == "exact"]
    inexact = values[values["qualifier"].isin(_values.NUMBER_QUALIFIERS) & (values["qualifier"] != "exact")]
    total = national_value(obs, source_id, total_measure)
    return pd.DataFrame([{
        "source_id": source_id, "forces_with_a_figure": len(exact), "sum_of_force_figures": exact["value"].sum(),
        "published_total": total, "not_accounted_for": total - exact["value"].sum(),
        "share_accounted_for": exact["value"].sum() / total, "forces_with_inexact_figure": len(inexact),
    }])


def rank_claims(obs: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """Each outlet's claim of a force's national rank against the rank implied by the study's own counts.

    The implied rank is a best case: forces with no figure found could only push a force further down.
    """
    values = force_values(obs, source_id)
    exact = values[values["qualifier"] == "exact"]
    claims = obs[(obs["source_id"] == source_id) & (obs["unit"] == "rank")]
    rows = []
    for claim in claims.itertuples():
        own = exact.loc[exact["force"] == claim.force, "value"]
        implied = int((exact["value"] > own.iloc[0]).sum() + 1) if len(own) else np.nan
        rows.append({"force": claim.force, "outlet": claim.outlet, "claimed_rank": claim.value,
                     "wording": claim.raw_value, "count": own.iloc[0] if len(own) else np.nan,
                     "highest_rank_the_counts_allow": implied,
                     "consistent": bool(len(own) and claim.value >= implied)})
    return pd.DataFrame(rows, columns=["force", "outlet", "claimed_rank", "wording", "count",
                                       "highest_rank_the_counts_allow", "consistent"])

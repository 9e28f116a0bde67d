"""Outcomes of every study on one scale: shares of each study's own published base, category by category.

Rules (DESIGN.md "Rules of evidence"):
- a percent published as a percent stays that percent (of the base the source names);
- a count becomes a share only of a published base from the same study, same area and same period; the base
  is named in every row (`base`, `base_wording`);
- a combined figure ("dismissed+resigned_or_retired") stays one group: it is never split;
- two wordings of one figure are not stacked: when outlets report overlapping categories, the one most outlets
  give is shown and the others are listed with the reason (`shown` = False);
- the part of a base that the study did not break down is shown as such, never spread over categories;
- the Home Office statistics report *proceedings and findings*, not sanctions: `proceedings_context()` shows
  them with their own definitions, outside the outcome vocabulary.

Which base each study's outcomes belong to is the one judgement here, kept in BASES below (reviewed like a
recode table): each entry names the base row by its locator and is checked against the data when read.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import outcomes, rates, sources

# One entry per bar: the study, the base row (locator in figures.csv), a short label, and outcome rows left
# out with the reason. Outcome rows otherwise come from the same source, area and period as the base.
BASES = (
    dict(source_id="pa_facebook_2008-2010_2011-12", base="figures.csv line 2", label="England and Wales",
         definition="Facebook complaints against officers, 41 of 43 forces, 2008-2010 (PA FOI)"),
    dict(source_id="met_socialmedia_2009-2013_2013-04", base="figures.csv line 2", label="Met officers",
         definition="Met officers investigated over social media, five years to April 2013 (Met FOI)"),
    dict(source_id="met_socialmedia_2009-2013_2013-04", base="figures.csv line 11", label="Met staff",
         definition="Met police staff investigated over social media, five years to April 2013 (Met FOI)",
         exclude={"figures.csv line 5": "the six still under investigation are not said to be staff; "
                                        "shown with the officers' base"}),
    dict(source_id="parliamentstreet_socialmedia_2009-2014_2014-06", base="figures.csv line 15", label="Met",
         definition="Met officers investigated over social media since 2010 (Parliament Street FOI)"),
    dict(source_id="parliamentstreet_socialmedia_2009-2014_2014-06", base="figures.csv line 2", label="Dorset",
         definition="Dorset Police social-media cases, 1 Jan 2009 to 17 Feb 2014 (Parliament Street FOI)"),
    dict(source_id="pa_socialmedia_2009-2014_2014-08", base="figures.csv line 2", label="England and Wales",
         definition="Social-media cases investigated, officers, staff and PCSOs, 2009 to Feb 2014 (PA FOI)"),
    dict(source_id="met_socialmedia_2017-2022_2022-11_01.foi.22.026570", base="figures.csv line 2", label="Met",
         definition="Met officers investigated over social media, 2017 to Aug 2022 (Met FOI)"),
    dict(source_id="bbcsdu_iopccasetoanswer_2018-2022_2022-02", base="figures.csv line 121",
         label="IOPC case to answer",
         definition="All misconduct: officers in IOPC reports with a case to answer, 2018 to Feb 2022 (BBC SDU)",
         exclude={"figures.csv line 126": "77 is 73% of the 105 with no further action (a subset), not a share "
                                          "of the 244",
                  "figures.csv line 127": "73% is of the 105 with no further action, not of the 244",
                  "figures.csv line 135": "55 is of the 118 proven gross misconduct cases (own base)"}),
    dict(source_id="bbcsdu_iopccasetoanswer_2018-2022_2022-02", base="figures.csv line 134",
         label="gross misconduct proven",
         definition="All misconduct: gross misconduct proven by force panels after an IOPC case to answer "
                    "(IOPC yearly outcomes, quoted by BBC SDU)",
         only=("figures.csv line 135",)),
)

SHARE_COLUMNS = ("source_id", "study", "bar", "definition", "base", "base_measure", "base_population",
                 "base_wording", "period_start", "period_end", "outcome", "outcome_label", "regime", "share_percent",
                 "published_as", "value", "outlets", "shown", "reason", "source_locator", "qualifier")

NOT_BROKEN_DOWN = "not_broken_down"


def _compatible(base_population: str, population: str) -> bool:
    return population == base_population or "unknown" in (population, base_population) \
        or base_population == "all_personnel"


def _regime(cell: str) -> str:
    """Regime of a category or group: both / pre_2020 / from_2020, or a '+'-join when the parts differ."""
    regimes = sorted({outcomes.regime(c) for c in outcomes.split_outcomes(cell)})
    if len(regimes) > 1 and "both" in regimes:
        regimes.remove("both")
    return "+".join(regimes)


def _label(cell: str) -> str:
    return " or ".join(outcomes.outcome_label(c) for c in outcomes.split_outcomes(cell))


def _base_row(obs: pd.DataFrame, spec: dict) -> pd.Series:
    rows = obs[(obs["source_id"] == spec["source_id"]) & (obs["source_locator"] == spec["base"])]
    if len(rows) != 1:
        raise KeyError(f"{spec['source_id']} {spec['base']}: base row not found")
    row = rows.iloc[0]
    if row["measure"] == "outcome" or row["unit"] != "count" or row["qualifier"] != "exact":
        raise ValueError(f"{spec['source_id']} {spec['base']}: a base must be an exact count, not {row['measure']} "
                         f"{row['unit']} {row['qualifier']}")
    return row


def _candidates(obs: pd.DataFrame, spec: dict, base: pd.Series) -> pd.DataFrame:
    sub = obs[(obs["source_id"] == spec["source_id"]) & (obs["measure"] == "outcome")]
    if "only" in spec:
        return sub[sub["source_locator"].isin(spec["only"])]
    sub = sub[(sub["force"] == base["force"]) & (sub["period_start"] == base["period_start"])
              & (sub["period_end"] == base["period_end"])]
    return sub[[_compatible(base["population"], p) for p in sub["population"]]]


def _one_bar(obs: pd.DataFrame, spec: dict) -> list[dict]:
    base = _base_row(obs, spec)
    entry = sources.source(spec["source_id"])
    study = rates.study_label(spec["source_id"])
    common = dict(source_id=spec["source_id"], study=study, bar=f"{study}: {spec['label']}",
                  definition=spec["definition"], base=float(base["value"]), base_measure=base["measure"],
                  base_population=base["population"], base_wording=f"{base['raw_value']} ({base['period_label']})",
                  period_start=base["period_start"], period_end=base["period_end"])
    cand = _candidates(obs, spec, base)
    excluded = spec.get("exclude", {})
    records = []
    figures = []
    for (outcome, unit, value), group in cand.groupby(["outcome", "unit", "value"], sort=True):
        rec = dict(common, outcome=outcome, outcome_label=_label(outcome), regime=_regime(outcome),
                   published_as=unit, value=float(value), outlets=int(group["outlet"].nunique()),
                   source_locator=", ".join(group["source_locator"]))
        rec["share_percent"] = float(value) if unit == "percent" else 100 * float(value) / common["base"]
        reason = next((excluded[loc] for loc in group["source_locator"] if loc in excluded), "")
        # An approximate figure ("about 20") is shown, marked approximate; a bound ("more than 70") is not.
        rec["qualifier"] = "exact" if (group["qualifier"] == "exact").any() else group["qualifier"].iloc[0]
        if not group["qualifier"].isin(("exact", "approximately")).any():
            reason = f"a bound ({group['raw_value'].iloc[0]}), not a figure"
        rec.update(shown=not reason, reason=reason)
        (records if reason else figures).append(rec)
    # Percent beats count for the same outcome (the percent is what was published); then overlapping
    # categories: most outlets first, then percent, then the order of severity.
    figures.sort(key=lambda r: (-r["outlets"], r["published_as"] != "percent",
                                outcomes.severity(outcomes.split_outcomes(r["outcome"])[0]), -r["value"]))
    kept: list[dict] = []
    for rec in figures:
        parts = set(outcomes.split_outcomes(rec["outcome"]))
        clash = next((k for k in kept if parts & set(outcomes.split_outcomes(k["outcome"]))), None)
        if clash is None:
            kept.append(rec)
            continue
        if clash["outcome"] == rec["outcome"]:
            why = f"the same figure as {clash['value']:g} {clash['published_as']} (shown)"
        else:
            why = f"overlaps '{clash['outcome_label']}' ({clash['outlets']} outlet(s)), shown instead"
        records.append(dict(rec, shown=False, reason=why))
    shown_total = sum(r["share_percent"] for r in kept)
    rest = dict(common, outcome=NOT_BROKEN_DOWN, outcome_label="Not broken down by the source", regime="",
                published_as="derived", value=np.nan, outlets=0, shown=True,
                reason="100% minus the shares shown (derived here)", source_locator="",
                share_percent=max(0.0, 100 - shown_total),
                qualifier="exact" if all(r["qualifier"] == "exact" for r in kept) else "approximately")
    return kept + [rest] + records


def outcome_shares(obs: pd.DataFrame) -> pd.DataFrame:
    """Every bar of BASES: one row per outcome figure (shown or not, with the reason), shares in percent of
    the bar's base, plus a derived `not_broken_down` row. Bars are ordered by the start of their period."""
    rows = [r for spec in BASES for r in _one_bar(obs, spec)]
    out = pd.DataFrame(rows, columns=list(SHARE_COLUMNS))
    order = out[["bar", "period_start"]].drop_duplicates("bar").sort_values(["period_start", "bar"], kind="stable")
    out["bar"] = pd.Categorical(out["bar"], categories=list(order["bar"]), ordered=True)
    rank = {c: i for i, c in enumerate(outcomes.VOCABULARY)}
    out["_sev"] = [rank.get(outcomes.split_outcomes(o)[0], 99) if o != NOT_BROKEN_DOWN else 100
                   for o in out["outcome"]]
    out = out.sort_values(["bar", "shown", "_sev", "outcome"], ascending=[True, False, True, True], kind="stable")
    out = out.drop(columns="_sev").reset_index(drop=True)
    out["bar"] = out["bar"].astype(str)
    return out


# Counts of people or cases that can be a base (not forces responding, workforce sizes or offences).
BASE_MEASURES = tuple(dict.fromkeys(rates.HEADLINE_MEASURES + ("subjects", "misconduct_proceedings")))
NOT_PLACED_COLUMNS = ("source_id", "study", "area", "period_start", "period_end", "outcome_figures", "outcomes",
                      "possible_bases", "reason")


def studies_not_on_the_scale(obs: pd.DataFrame) -> pd.DataFrame:
    """Every study with outcome figures that no bar of BASES places, area by area and period by period, with
    the counts of the same study, area and period that could be its base and why none was chosen.

    Choosing a base is a judgement kept in BASES; this table makes sure a new study's outcomes are never missing
    silently: they are listed here (and in notebook 03) until a reviewed BASES entry puts them on the chart."""
    placed = {spec["source_id"] for spec in BASES}
    outcome_rows = obs[(obs["measure"] == "outcome") & ~obs["source_id"].isin(placed)]
    rows = []
    for (source_id, area, start, end), group in outcome_rows.groupby(
            ["source_id", "force", "period_start", "period_end"], sort=True):
        same = obs[(obs["source_id"] == source_id) & (obs["force"] == area) & (obs["period_start"] == start)
                   & (obs["period_end"] == end) & obs["measure"].isin(BASE_MEASURES) & (obs["unit"] == "count")
                   & (obs["category"] == "") & (obs["qualifier"] == "exact")]
        if same.empty:
            reason = "no exact count of the same study, area and period to be the base"
        elif len(same) == 1:
            reason = "one possible base: add it to outcomes_compare.BASES after review"
        else:
            reason = f"{len(same)} possible bases: choose one in outcomes_compare.BASES after review"
        try:
            study = rates.study_label(source_id)
        except KeyError:  # rows of a source not (yet) in sources.yml
            study = source_id
        rows.append({"source_id": source_id, "study": study, "area": area,
                     "period_start": start, "period_end": end, "outcome_figures": len(group),
                     "outcomes": ", ".join(sorted(set(group["outcome"]))),
                     "possible_bases": "; ".join(f"{r.raw_value} {r.measure.replace('_', ' ')} ({r.source_locator})"
                                                 for r in same.itertuples()),
                     "reason": reason})
    return pd.DataFrame(rows, columns=list(NOT_PLACED_COLUMNS))


def regime_table() -> pd.DataFrame:
    """The vocabulary with the regime in which each category exists (Police (Conduct) Regulations 2020,
    in force 1 February 2020)."""
    vocab = outcomes.vocabulary_table()
    return vocab[["outcome", "label", "regime"]].assign(
        exists_before_feb_2020=vocab["regime"].isin(("both", "pre_2020")),
        exists_from_feb_2020=vocab["regime"].isin(("both", "from_2020")))


HOME_OFFICE = ("homeoffice_allmisconduct_2022-23_2024-01", "homeoffice_allmisconduct_2023-24_2025-01")
PROCEEDINGS_MEASURES = {
    "referred_to_meeting": "referred to a misconduct meeting",
    "referred_to_hearing": "referred to a misconduct hearing",
    "referred_to_accelerated_hearing": "referred to an accelerated hearing",
}


def proceedings_context(obs: pd.DataFrame, source_ids=HOME_OFFICE) -> pd.DataFrame:
    """Home Office misconduct statistics (all misconduct, England and Wales): the share of officers referred
    to proceedings by type of proceedings, for each bulletin's own year. Proceedings, not sanctions."""
    rows = []
    for source_id in source_ids:
        sub = obs[obs["source_id"] == source_id]
        base = sub[(sub["measure"] == "misconduct_proceedings") & (sub["population"] == "officers")
                   & (sub["unit"] == "count") & (sub["qualifier"] == "exact")]
        if len(base) != 1:
            raise ValueError(f"{source_id}: expected one officers' misconduct_proceedings count, found {len(base)}")
        b = base.iloc[0]
        same_year = sub[(sub["period_start"] == b["period_start"]) & (sub["period_end"] == b["period_end"])
                        & (sub["population"] == "officers") & (sub["category"] == "")]
        for measure, words in PROCEEDINGS_MEASURES.items():
            pct = same_year[(same_year["measure"] == measure) & (same_year["unit"] == "percent")]
            cnt = same_year[(same_year["measure"] == measure) & (same_year["unit"] == "count")]
            rows.append({"source_id": source_id, "year": b["period_label"], "base": float(b["value"]),
                         "base_wording": f"{b['raw_value']} officers referred to misconduct proceedings",
                         "measure": measure, "what": words,
                         "percent": float(pct["value"].iloc[0]) if len(pct) else np.nan,
                         "count": float(cnt["value"].iloc[0]) if len(cnt) else np.nan,
                         "definition": "all misconduct (complaints, conduct matters and recordable conduct "
                                       "matters) finalised in the year; officers include special constables; "
                                       "a referral to proceedings, not a sanction"})
    return pd.DataFrame(rows)

"""Rates per 1,000 workers for each study and force, with exact intervals and funnel positions; study spans.

Everything statistical comes from `analysis.stats` (Garwood intervals, Spiegelhalter funnel limits, pooled
centre line, annualisation) and every denominator from `analysis.workforce` (denominator(),
average_denominator()); per-force counts from `analysis.quality.force_values`. Nothing is re-implemented here:
this module decides *which* count meets *which* denominator, and says so in words in every row.

Output schema of `force_rates()` (schemas.FORCE_RATES; data/processed/force_rates.csv), one row per
study x force x denominator choice, every force of the registry listed (a gap stays a gap):

    source_id                 key into sources.yml
    force, force_code, short_name
    count                     the study's count for the force (NaN when none was published or it was refused)
    count_qualifier           exact | at_least | more_than | refused | ... | missing (no figure found)
    count_measure             what was counted (cases_investigated, people_with_case_to_answer, ...)
    count_population          who the figure counts, as coded from the outlet's wording
    denominator               the workforce the count is divided by (NaN when there is none)
    denominator_measure       which workforce measure and which dates, in words
    denominator_source        "official" (Home Office workforce statistics) or "study's own"
    period_start, period_end  the study's period (ISO)
    period_years              length of the period in years (stats.years_between)
    rate_per_1000             count / denominator x 1,000 (exact counts only)
    ci_low, ci_high           exact Poisson (Garwood) 95% interval of the rate, per 1,000
    annual_rate_per_1000      rate_per_1000 / period_years (assumes events spread evenly over the period)
    centre_rate_per_1000      the funnel centre line: pooled rate of the forces with a rate
    funnel_position           a stats.FUNNEL_POSITIONS code against the exact Poisson limits (empty without a
                              rate); chance alone, before over-dispersion: not a flag on its own
    dispersion_ratio          Spiegelhalter's winsorised dispersion ratio phi of the study x denominator choice
                              (stats.dispersion_ratio); about 1 when forces differ by chance only
    lower_95_adjusted, upper_95_adjusted, lower_998_adjusted, upper_998_adjusted
                              the force's funnel limits widened for over-dispersion (stats.adjusted_limits), per 1,000
    funnel_position_adjusted  the position against the adjusted limits: the flag that figures, titles and
                              notebooks use (a force is named as an outlier only when this is not inside_95)
    published_rate_per_1000   the study's own published rate for the force, if any
    reproduces_published      "yes" / "no" when a published rate exists (count / denominator x 1,000
                              rounded to the published precision), else ""
    note                      why a row has no rate; denominators that disagree; other caveats
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import forces, quality, schemas, sources, stats, values, workforce

PA2014 = "pa_socialmedia_2009-2014_2014-08"
BBC_SDU = "bbcsdu_iopccasetoanswer_2018-2022_2022-02"

OFFICIAL = "official"
STUDY_OWN = "study's own"
DENOMINATOR_DISAGREEMENT = 0.10  # relative difference between two denominators worth reporting

FORCE_RATE_COLUMNS = (
    "source_id", "force", "force_code", "short_name", "count", "count_qualifier", "count_measure",
    "count_population", "denominator", "denominator_measure", "denominator_source", "period_start", "period_end",
    "period_years", "rate_per_1000", "ci_low", "ci_high", "annual_rate_per_1000", "centre_rate_per_1000",
    "funnel_position", "dispersion_ratio", "lower_95_adjusted", "upper_95_adjusted", "lower_998_adjusted",
    "upper_998_adjusted", "funnel_position_adjusted", "published_rate_per_1000", "reproduces_published", "note",
)

# The studies given rates, each with the population its count covers (which decides the workforce
# measure: a study counting officers, staff and PCSOs gets all paid workers; one counting officers gets
# officers) and the measures and population of its per-force count.
STUDIES = {
    PA2014: dict(population="all_personnel", measures=quality.COUNT_MEASURES, count_population=None,
                 why="PA asked about officers, police staff and PCSOs (548 + 175 + 31 of the 828 cases)"),
    BBC_SDU: dict(population="all_personnel", measures=("people_with_case_to_answer",),
                  count_population="all_personnel",
                  why="the BBC counted officers plus police staff named in IOPC reports with a case to answer"),
}


# --------------------------------------------------------------------------------------------------
# Helpers


def _study_period(obs: pd.DataFrame, source_id: str) -> tuple[str, str]:
    """The period of the study's per-force counts: the one most of its per-force count rows state.

    A further outlet's report of the study (figures_<outlet>.csv) may word the period its own way ("since 2018"
    to its own publication date); the study's period is still the one its per-force figures share. Two periods
    stated by equally many rows raise: rates would need one per period."""
    spec = STUDIES[source_id]
    rows = obs[(obs["source_id"] == source_id) & (obs["area_kind"] == "force") & (obs["period_start"] != "")
               & obs["measure"].isin(spec["measures"]) & (obs["unit"] == "count")]
    if spec["count_population"] is not None:
        rows = rows[rows["population"] == spec["count_population"]]
    if rows.empty:
        rows = obs[(obs["source_id"] == source_id) & (obs["area_kind"] == "force") & (obs["period_start"] != "")]
    counts = rows.groupby(["period_start", "period_end"]).size().sort_values(ascending=False)
    if len(counts) > 1 and counts.iloc[0] == counts.iloc[1]:
        raise ValueError(f"{source_id}: per-force figures span several periods {counts.index.tolist()} equally "
                         "often; give rates per period")
    start, end = counts.index[0]
    return str(start), str(end)


def _registry() -> pd.DataFrame:
    return forces.registry()[["force", "force_code", "short_name"]]


def _published_rates(obs: pd.DataFrame, source_id: str) -> pd.DataFrame:
    rows = obs[(obs["source_id"] == source_id) & (obs["area_kind"] == "force") & (obs["unit"] == "rate_per_1000")
               & (obs["qualifier"] == "exact")]
    return rows[["force", "value", "raw_value"]].rename(columns={"value": "published_rate_per_1000",
                                                                 "raw_value": "published_wording"})


def _decimals(text: str) -> int:
    """Decimal places of a published number as written ("2.9" -> 1, "3" -> 0)."""
    m = re.search(r"\.(\d+)", str(text))
    return len(m.group(1)) if m else 0


def _counts(obs: pd.DataFrame, source_id: str) -> pd.DataFrame:
    spec = STUDIES[source_id]
    values = quality.force_values(obs, source_id, measures=spec["measures"], population=spec["count_population"])
    return values.rename(columns={"value": "count", "qualifier": "count_qualifier", "measure": "count_measure",
                                  "population": "count_population"})


def _count_note(row) -> str:
    if row.count_qualifier == "missing":
        return "no figure found for this force in the study: a gap, not a zero"
    if row.count_qualifier == "refused":
        return "the force refused the request: no count, so no rate"
    if row.count_qualifier == "approximately":
        return (f"an approximate figure was published ('{row.value_as_published}'): shown as approximate, "
                f"no rate or interval from it")
    if row.count_qualifier != "exact":
        return f"only a bound was published ('{row.value_as_published}'): no rate from a bound"
    return ""


def _add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates, intervals, centre line and funnel positions for rows with an exact count and a denominator."""
    frame = frame.copy()
    ok = (frame["count_qualifier"] == "exact") & frame["count"].notna() & frame["denominator"].notna()
    for column in ("rate_per_1000", "ci_low", "ci_high", "annual_rate_per_1000", "centre_rate_per_1000",
                   "dispersion_ratio") + ADJUSTED_LIMITS:
        frame[column] = np.nan
    frame["funnel_position"] = ""
    frame["funnel_position_adjusted"] = ""
    if ok.any():
        k, d = frame.loc[ok, "count"].to_numpy(float), frame.loc[ok, "denominator"].to_numpy(float)
        frame.loc[ok, "rate_per_1000"] = stats.rate_per_1000(k, d)
        low, high = stats.rate_ci_per_1000(k, d)
        frame.loc[ok, "ci_low"], frame.loc[ok, "ci_high"] = low, high
        frame.loc[ok, "annual_rate_per_1000"] = stats.annualise(frame.loc[ok, "rate_per_1000"].to_numpy(float),
                                                                frame.loc[ok, "period_years"].to_numpy(float))
        centre = stats.pooled_rate(k, d)
        frame.loc[ok, "centre_rate_per_1000"] = stats.PER * centre
        frame.loc[ok, "funnel_position"] = list(stats.funnel_position(k, d, centre))
        if ok.sum() >= 2:
            phi = stats.dispersion_ratio(k, d, centre)
            limits = stats.adjusted_limits(d, centre, phi)
            frame.loc[ok, "dispersion_ratio"] = phi
            for column in ADJUSTED_LIMITS:
                frame.loc[ok, column] = limits[column].to_numpy()
            frame.loc[ok, "funnel_position_adjusted"] = list(
                stats.position_from_limits(frame.loc[ok, "rate_per_1000"].to_numpy(float), limits, "_adjusted"))
        else:  # one force: nothing to compare it with, so no dispersion and no adjusted flag
            frame.loc[ok, "funnel_position_adjusted"] = frame.loc[ok, "funnel_position"]
    return frame


ADJUSTED_LIMITS = ("lower_95_adjusted", "upper_95_adjusted", "lower_998_adjusted", "upper_998_adjusted")
OUTSIDE_NOTE = ("outside the exact Poisson limits only: inside the limits widened for over-dispersion, so not "
                "an outlier")


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------------
# Denominators


def official_denominators(wf: pd.DataFrame, force_names, start: str, end: str, population: str) -> pd.DataFrame:
    """Each force's average official headcount for `population` over the 31 March dates inside the period.

    Forces with no figure at one of those dates get no denominator (NaN) and say why; nothing is filled in.
    """
    rows = []
    for force in force_names:
        try:
            value, text = workforce.average_denominator(wf, force, start, end, population)
            rows.append({"force": force, "denominator": value, "denominator_measure": text, "denominator_note": ""})
        except KeyError as err:
            rows.append({"force": force, "denominator": np.nan,
                         "denominator_measure": f"no official {population} headcount for every 31 March in "
                                                f"{start} to {end}",
                         "denominator_note": "no official denominator in the workforce table: " + str(err).strip("'\"")})
    return pd.DataFrame(rows, columns=["force", "denominator", "denominator_measure", "denominator_note"])


def study_denominators(obs: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """The study's own per-force denominators (the `workforce` measure rows of that source)."""
    values = quality.force_values(obs, source_id, measures=("workforce",))
    exact = values[values["qualifier"] == "exact"]
    entry = sources.source(source_id)
    text = f"the study's own denominator as published ({entry['covers'].get('population', '')})"
    return pd.DataFrame({"force": exact["force"], "denominator": exact["value"].astype(float),
                         "denominator_measure": text, "denominator_note": ""})


# --------------------------------------------------------------------------------------------------
# force_rates


def study_rates(obs: pd.DataFrame, wf: pd.DataFrame, source_id: str, denominator_source: str = OFFICIAL
                ) -> pd.DataFrame:
    """force_rates rows for one study and one choice of denominator (every registry force listed)."""
    spec = STUDIES[source_id]
    start, end = _study_period(obs, source_id)
    reg = _registry()
    counts = _counts(obs, source_id)
    frame = reg.merge(counts.drop(columns=["force_code"]), on="force", how="left")
    frame["count_qualifier"] = frame["count_qualifier"].fillna("missing")
    for column in ("count_measure", "count_population"):
        frame[column] = frame[column].fillna("")
    if denominator_source == OFFICIAL:
        denoms = official_denominators(wf, reg["force"], start, end, spec["population"])
    elif denominator_source == STUDY_OWN:
        denoms = study_denominators(obs, source_id)
    else:
        raise ValueError(f"denominator_source must be {OFFICIAL!r} or {STUDY_OWN!r}, not {denominator_source!r}")
    frame = frame.merge(denoms, on="force", how="left")
    frame["denominator_measure"] = frame["denominator_measure"].fillna("")
    frame["denominator_note"] = frame["denominator_note"].fillna("")
    no_denominator = frame["denominator"].isna() & (frame["denominator_note"] == "")
    frame.loc[no_denominator, "denominator_note"] = "the study published no denominator for this force"
    frame["source_id"] = source_id
    frame["denominator_source"] = denominator_source
    frame["period_start"], frame["period_end"] = start, end
    frame["period_years"] = stats.years_between(start, end)
    frame = _add_rates(frame)

    published = _published_rates(obs, source_id)
    frame = frame.merge(published, on="force", how="left")
    frame["reproduces_published"] = ""
    if denominator_source == STUDY_OWN:
        has = frame["published_rate_per_1000"].notna() & frame["rate_per_1000"].notna()
        same = [round(r, _decimals(w)) == p for r, w, p in zip(frame.loc[has, "rate_per_1000"],
                                                                frame.loc[has, "published_wording"],
                                                                frame.loc[has, "published_rate_per_1000"])]
        frame.loc[has, "reproduces_published"] = np.where(same, "yes", "no")

    notes = []
    for row in frame.itertuples():
        extra = ""
        if row.count_measure and row.count_measure != spec["measures"][0]:
            extra = f"counts {row.count_measure.replace('_', ' ')}, not {spec['measures'][0].replace('_', ' ')}"
        if row.count_population and row.count_population != spec["population"]:
            extra = _join(extra, f"the outlet's wording codes the population as '{row.count_population}'; "
                                 f"the denominator follows the study ({spec['why']})")
        if isinstance(row.other_wordings, str) and row.other_wordings and row.other_wordings != "refused":
            extra = _join(extra, f"also reported as '{row.other_wordings}'")
        if row.funnel_position not in ("", "inside_95") and row.funnel_position_adjusted == "inside_95":
            extra = _join(extra, OUTSIDE_NOTE)
        notes.append(_join(_count_note(row), row.denominator_note if row.count_qualifier == "exact" else "", extra))
    frame["note"] = notes
    return frame[list(FORCE_RATE_COLUMNS)]


def denominator_comparison(rates: pd.DataFrame, source_id: str = BBC_SDU,
                           threshold: float = DENOMINATOR_DISAGREEMENT) -> pd.DataFrame:
    """Per force: the study's own denominator beside the official one, their ratio, and whether they
    differ by more than `threshold` (relative to the official figure)."""
    sub = rates[rates["source_id"] == source_id]
    own = sub[sub["denominator_source"] == STUDY_OWN].set_index("force")
    official = sub[sub["denominator_source"] == OFFICIAL].set_index("force")
    out = pd.DataFrame({
        "short_name": own["short_name"],
        "study_denominator": own["denominator"],
        "official_denominator": official["denominator"].reindex(own.index),
        "rate_study_denominator": own["rate_per_1000"],
        "rate_official_denominator": official["rate_per_1000"].reindex(own.index),
    })
    out = out[out["study_denominator"].notna() | out["official_denominator"].notna()]
    out["ratio_study_to_official"] = out["study_denominator"] / out["official_denominator"]
    out["differs_by_more_than_threshold"] = (out["ratio_study_to_official"] - 1).abs() > threshold
    same = out.groupby("study_denominator")["short_name"].transform(lambda s: ", ".join(sorted(s)))
    out["shares_study_denominator_with"] = np.where(
        out.groupby("study_denominator")["short_name"].transform("size") > 1, same, "")
    return out.reset_index()


def _disagreement_notes(rates: pd.DataFrame) -> pd.DataFrame:
    """Add to both denominator rows of a force the note that its two denominators disagree."""
    rates = rates.copy()
    for source_id in rates.loc[rates["denominator_source"] == STUDY_OWN, "source_id"].unique():
        comp = denominator_comparison(rates, source_id)
        for row in comp[comp["differs_by_more_than_threshold"]].itertuples():
            text = (f"the study's denominator ({row.study_denominator:,.0f}) is {row.ratio_study_to_official:.2f} "
                    f"times the official average headcount ({row.official_denominator:,.0f})")
            if row.shares_study_denominator_with:
                text += f"; the study gives the same denominator to {row.shares_study_denominator_with}"
            mask = (rates["source_id"] == source_id) & (rates["force"] == row.force)
            rates.loc[mask, "note"] = [_join(n, text) for n in rates.loc[mask, "note"]]
    return rates


def derived_tables(outputs: dict[str, pd.DataFrame], log) -> dict[str, pd.DataFrame]:
    """The processed tables computed from the tidy ones, for `analysis.build.build(derive=...)`."""
    fr = schemas.FORCE_RATES.validate(force_rates(outputs["observations"], outputs["workforce"]))
    log.add("force_rates", "rates per 1,000 with exact intervals", "analysis.rates.force_rates (PA 2014, BBC SDU)",
            len(fr), len(fr))
    return {"force_rates": fr}


def force_rates(obs: pd.DataFrame, wf: pd.DataFrame) -> pd.DataFrame:
    """Every study of STUDIES x every force x each available denominator (official; the study's own where
    it published one): the table written to data/processed/force_rates.csv."""
    parts = []
    for source_id in STUDIES:
        parts.append(study_rates(obs, wf, source_id, OFFICIAL))
        own = obs[(obs["source_id"] == source_id) & (obs["measure"] == "workforce") & (obs["area_kind"] == "force")]
        if len(own):
            parts.append(study_rates(obs, wf, source_id, STUDY_OWN))
    rates = _disagreement_notes(pd.concat(parts, ignore_index=True))
    return rates.sort_values(["source_id", "denominator_source", "force"], kind="stable").reset_index(drop=True)


def published_rate_check(rates: pd.DataFrame) -> pd.DataFrame:
    """Rows where a study published its own rate, with the rate recomputed from its own count and denominator."""
    sub = rates[(rates["denominator_source"] == STUDY_OWN) & rates["published_rate_per_1000"].notna()]
    return sub[["source_id", "force", "short_name", "count", "denominator", "rate_per_1000",
                "published_rate_per_1000", "reproduces_published"]].reset_index(drop=True)


def funnel_outliers(rates: pd.DataFrame, level: str = "95", adjusted: bool = True) -> pd.DataFrame:
    """Forces outside the 95% (level="95") or 99.8% (level="998") limits, highest rate first: the limits
    widened for over-dispersion by default (the flag), the exact Poisson ones with adjusted=False."""
    codes = {"95": ("between_95_998_above", "beyond_998_above", "between_95_998_below", "beyond_998_below"),
             "998": ("beyond_998_above", "beyond_998_below")}[level]
    out = rates[rates["funnel_position_adjusted" if adjusted else "funnel_position"].isin(codes)]
    return out.sort_values(["rate_per_1000", "force"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Years: study spans and the Met's own series

HEADLINE_MEASURES = ("cases_investigated", "people_investigated", "people_with_case_to_answer", "complaints",
                     "conduct_cases", "misconduct_proceedings", "cases_to_answer", "disciplined", "allegations",
                     "people_subject_to_complaint", "barred_list_entries")
# all_complaints / all_conduct_cases are denominators quoted beside a social-media count, never a headline.
_AREA_ORDER = {"country_group": 0, "ad_hoc_group": 1, "force": 2}
_OPEN_WORDING = re.compile(r"^\s*(since|in the (past|last)|over the (past|last)|during the (past|last)|the past|"
                           r"the last|past|last)\b", re.I)

SPAN_COLUMNS = ("source_id", "study", "name", "publisher", "published", "topic", "start", "end", "end_kind", "area",
                "measure", "population", "count", "count_qualifier", "period_label", "period_years",
                "annual_count", "definition", "study_population", "source_locator", "count_as_published")


# Short names of the commissioning body/outlet in source ids, for chart labels.
_SHORT_PUBLISHERS = {"pa": "PA", "met": "Met FOI", "parliamentstreet": "Parliament Street", "bbcsdu": "BBC SDU",
                     "homeoffice": "Home Office", "londonworld": "LondonWorld", "iopc": "IOPC", "hmic": "HMIC",
                     "collegeofpolicing": "College of Policing", "avonsomerset": "Avon & Somerset FOI",
                     "dyfedpowys": "Dyfed-Powys FOI", "northumbria": "Northumbria FOI",
                     "northwalespolice": "North Wales Police", "westmidlandspolice": "West Midlands FOI",
                     "westmercia": "West Mercia", "opendemocracy": "openDemocracy", "dailymail": "Daily Mail",
                     "sundaytimes": "Sunday Times", "yorkpress": "York Press", "shropshirestar": "Shropshire Star",
                     "retiredandangry": "retiredandangry blog", "chad": "Chad", "telegraph": "Telegraph",
                     "guardian": "Guardian"}


_YEARS_TOKEN = re.compile(r"^\d{4}(-\d{2}(\d{2})?)?$")  # 2023, 2013-14, 2009-2014: years a reader can read


def study_label(source_id: str) -> str:
    """"PA 2014", "Met FOI 2022 (all misconduct)", "Chad undated, 2009-2014": publisher and publication year;
    an undated study keeps the years its source id names, when they are years ("lastfouryears" or "2015q1" are
    slugs, never printed)."""
    entry = sources.source(source_id)
    publisher = _SHORT_PUBLISHERS.get(source_id.split("_")[0], entry["publisher"].split(" (")[0])
    published = str(entry.get("published") or "")
    token = source_id.split("_")[2] if source_id.count("_") >= 2 else ""
    year = published[:4] if re.match(r"^\d{4}", published) else (
        f"undated, {token}" if _YEARS_TOKEN.match(token) else "undated")
    topic = " (all misconduct)" if entry["topic"] == "all_misconduct" and _is_force(entry["publisher"]) else ""
    return f"{publisher} {year}{topic}"


def study_subject(obs: pd.DataFrame, source_id: str) -> str:
    """What a study's figures are about, for telling apart two studies of one publisher and year: a force's short
    name when every figure is that one force's, else the area of its widest figure ("England and Wales", "28
    responding forces")."""
    rows = obs[obs["source_id"] == source_id]
    short = dict(zip(_registry()["force"], _registry()["short_name"]))
    if rows.empty:  # a study of case accounts only: the area sources.yml says it covers
        area = re.split(r" \(|;|,", str((sources.source(source_id).get("covers") or {}).get("geography") or ""))[0]
        try:
            return short.get(forces.canonical_force(area), area)
        except ValueError:
            return area.strip()
    areas = rows["force"].unique()
    if len(areas) == 1 and areas[0] in short:
        return short[areas[0]]
    wide = rows.assign(_area=rows["area_kind"].map(_AREA_ORDER).fillna(9)).sort_values("_area", kind="stable")
    area = wide.iloc[0]["force"]
    return short.get(area, area)


def study_names(source_ids, obs: pd.DataFrame) -> dict:
    """A chart name for each study that no other study in `source_ids` shares: study_label (publisher and year),
    then the study's subject where two labels clash ("IOPC 2023 (Met)", "IOPC 2023 (North Yorkshire)"), then
    its years. Raises if two studies still share a name (a chart would print one name for two studies)."""
    ids = list(dict.fromkeys(source_ids))
    names = {s: study_label(s) for s in ids}
    for widen in (_with_subject, _with_years, _with_reference):
        clashing = pd.Series(names).duplicated(keep=False)
        for sid in [s for s, c in clashing.items() if c]:
            names[sid] = widen(names[sid], sid, obs)
    dup = pd.Series(names)[pd.Series(names).duplicated(keep=False)]
    if len(dup):
        raise ValueError(f"two studies share the chart name {dup.iloc[0]!r}: {', '.join(dup.index)}")
    return names


def _with_subject(name: str, source_id: str, obs: pd.DataFrame) -> str:
    subject = study_subject(obs, source_id)
    if not subject or subject in name:  # "Met FOI 2022" already says whose figures they are
        return name
    if name.endswith(" (all misconduct)"):
        return f"{name[:-len(' (all misconduct)')]} ({subject}, all misconduct)"
    return f"{name} ({subject})"


def _with_years(name: str, source_id: str, obs: pd.DataFrame) -> str:
    rows = obs[(obs["source_id"] == source_id) & (obs["period_start"] != "")]
    if rows.empty:
        token = source_id.split("_")[2] if source_id.count("_") >= 2 else ""
        return f"{name}, figures for {token}" if _YEARS_TOKEN.match(token) else name
    first, last = rows["period_start"].min()[:4], max([e for e in rows["period_end"] if e] or [""])[:4]
    years = first if not last or last == first else f"{first}-{last}"
    return f"{name}, figures for {years}"


def _with_reference(name: str, source_id: str, obs: pd.DataFrame) -> str:
    ref = source_id.split("_")[4] if source_id.count("_") >= 4 else ""
    return f"{name}, ref. {ref}" if ref else name


def _is_force(publisher: str) -> bool:
    """A force's own reply (its label needs the topic: the same force also answers on social media)."""
    try:
        forces.canonical_force(publisher.split(" (")[0])
    except ValueError:
        return False
    return True


def _study_label(entry: dict) -> str:
    return study_label(entry["id"])


def _end_kind(row, published: str) -> str:
    if not row["period_end"]:
        return "open (no end stated)"
    if _OPEN_WORDING.match(row["period_label"] or "") and published and row["period_end"][:7] == published[:7]:
        return "to publication"
    return "stated"


def _headline(rows: pd.DataFrame) -> pd.Series | None:
    """The study's widest dated headline count: exact, not a breakdown, widest area, then largest value.

    A study that published no exact count gets its approximate or bounded one ("around 18", "at least 921"),
    with its qualifier: an approximate figure is a figure, never "no dated count"."""
    cand = rows[rows["measure"].isin(HEADLINE_MEASURES) & (rows["unit"] == "count") & (rows["category"] == "")
                & rows["qualifier"].isin(values.NUMBER_QUALIFIERS) & rows["value"].notna()
                & (rows["period_start"] != "")]
    if (cand["qualifier"] == "exact").any():
        cand = cand[cand["qualifier"] == "exact"]
    if cand.empty:
        return None
    # Widest area first; then the figure most outlets agree on (PA 2014: 828 from two outlets, not a lone
    # 848); then the largest.
    outlets = cand.groupby(["force", "measure", "value"])["outlet"].transform("nunique")
    cand = cand.assign(_area=cand["area_kind"].map(_AREA_ORDER), _outlets=outlets,
                       _exactness=cand["qualifier"].map({q: i for i, q in enumerate(values.NUMBER_QUALIFIERS)}))
    return cand.sort_values(["_area", "_exactness", "_outlets", "value"], ascending=[True, True, False, False],
                            kind="stable").iloc[0]


def study_spans(obs: pd.DataFrame) -> pd.DataFrame:
    """One row per study: its span on one time axis and its headline count, annualised where dated.

    The span is the period of the headline count (the widest-area, largest exact count; where a study published
    none, its approximate or bounded count, `count_qualifier` saying which); a study with no dated count is
    drawn with the span of its dated rows and no count. "Since X" periods were ended at the
    publication date when the data were cleaned (end_kind "to publication"); a missing end is "open".
    annual_count = count / period_years (events assumed spread evenly; a count, not a rate; approximate or a
    bound when the count is), only for spans of about a year or more (stats.MIN_YEARS_TO_ANNUALISE): a shorter
    span keeps its count as published and no yearly figure.
    """
    rows = []
    for entry in sources.manifest():
        sub = obs[obs["source_id"] == entry["id"]]
        dated = sub[sub["period_start"] != ""]
        if dated.empty:
            continue
        head = _headline(sub)
        if head is None:
            first = dated.sort_values(["period_start", "period_end"]).iloc[0]
            ends = dated.loc[dated["period_end"] != "", "period_end"]
            base = dict(start=dated["period_start"].min(), end=ends.max() if len(ends) else "",
                        area=first["force"], measure="", population=first["population"], count=np.nan,
                        count_qualifier="", period_label=first["period_label"], source_locator="",
                        count_as_published="")
            end_kind = "open (no end stated)" if not base["end"] else "stated"
        else:
            base = dict(start=head["period_start"], end=head["period_end"], area=head["force"],
                        measure=head["measure"], population=head["population"], count=head["value"],
                        count_qualifier=head["qualifier"], period_label=head["period_label"],
                        source_locator=head["source_locator"], count_as_published=head["raw_value"])
            end_kind = _end_kind(head, str(entry.get("published") or ""))
        years = stats.years_between(base["start"], base["end"]) if base["end"] else np.nan
        annual = stats.annualise_span(base["count"], years) if base["end"] and pd.notna(base["count"]) else np.nan
        covers = entry.get("covers") or {}
        rows.append({"source_id": entry["id"], "study": _study_label(entry), "publisher": entry["publisher"],
                     "published": str(entry.get("published") or ""), "topic": entry["topic"], **base,
                     "end_kind": end_kind, "period_years": years, "annual_count": annual,
                     "definition": covers.get("definition", ""), "study_population": covers.get("population", "")})
    out = pd.DataFrame(rows, columns=list(SPAN_COLUMNS))
    out["name"] = out["source_id"].map(study_names(out["source_id"], obs))  # unique on any one chart
    return out.sort_values(["start", "source_id"], kind="stable").reset_index(drop=True)


def period_words(years: float) -> str:
    """The length of a span in words a reader would use: "3 days", "one month", "9 months", "one year",
    "5.1 years" (days under a month, months under a year; never "0 months")."""
    days = round(years * 365.25)
    if days < 28:
        return "one day" if days == 1 else f"{days} days"
    months = round(years * 12)
    if years < MIN_YEAR_WORDS:
        return "one month" if months <= 1 else f"{months} months"
    if years <= MAX_YEAR_WORDS:
        return "one year"
    return f"{years:.1f} years"


# A span between these lengths reads as "one year" (a calendar or financial year counted in days).
MIN_YEAR_WORDS, MAX_YEAR_WORDS = stats.MIN_YEARS_TO_ANNUALISE, 1.05


MET = "Metropolitan Police Service"
MET_SERIES_COLUMNS = ("source_id", "study", "start", "end", "period_label", "measure", "population", "count",
                      "period_years", "annual_count", "denominator", "denominator_measure",
                      "annual_rate_per_1000", "annual_ci_low", "annual_ci_high", "topic", "note", "source_locator")


def _finest(rows: pd.DataFrame) -> pd.DataFrame:
    """Within one study: one row per distinct figure (the first outlet's), and a total dropped when the
    same study also gives the years inside it (LondonWorld's 184 beside 14, 16, 62 and 92)."""
    rows = rows.drop_duplicates(["measure", "value"], keep="first")
    keep = []
    for i, row in rows.iterrows():
        inside = rows[(rows.index != i) & (rows["measure"] == row["measure"])
                      & (rows["period_start"] >= row["period_start"]) & (rows["period_end"] <= row["period_end"])
                      & (rows["value"] < row["value"])]
        if len(inside) < 2:
            keep.append(i)
    return rows.loc[keep]


def force_series(obs: pd.DataFrame, wf: pd.DataFrame, force: str = MET, topics=("social_media",),
                 also=(BBC_SDU,)) -> pd.DataFrame:
    """A force's own headline counts across studies, each with its period, annualised (spans of about a year or
    more only: a shorter span keeps its count and gets no yearly count or rate), and a rate per 1,000
    of the workforce its population implies (officers -> officers; all personnel -> all paid workers),
    averaged over the 31 March dates inside the period (workforce.average_denominator). Rows from different
    studies are separate series: they count different things and must not be joined into one line.
    Studies of `topics` (social media by default) plus the studies in `also` (the BBC SDU's all-misconduct
    table, the one other study with a Met figure and a rate)."""
    topic_of = {e["id"]: e["topic"] for e in sources.manifest()}
    wanted = [sid for sid in obs["source_id"].unique() if topic_of.get(sid) in topics or sid in also]
    sub = obs[(obs["force"] == force) & obs["source_id"].isin(wanted) & obs["measure"].isin(HEADLINE_MEASURES)
              & (obs["unit"] == "count") & (obs["category"] == "") & obs["qualifier"].isin(("exact", "approximately"))
              & (obs["period_start"] != "") & (obs["period_end"] != "")]
    out = []
    for source_id, rows in sub.groupby("source_id", sort=True):
        entry = sources.source(source_id)
        for _, row in _finest(rows).iterrows():
            years = stats.years_between(row["period_start"], row["period_end"])
            rec = {"source_id": source_id, "study": _study_label(entry), "start": row["period_start"],
                   "end": row["period_end"], "period_label": row["period_label"], "measure": row["measure"],
                   "population": row["population"], "count": row["value"], "period_years": years,
                   "annual_count": stats.annualise_span(row["value"], years), "topic": entry["topic"],
                   "denominator": np.nan, "denominator_measure": "", "annual_rate_per_1000": np.nan,
                   "annual_ci_low": np.nan, "annual_ci_high": np.nan, "note": "",
                   "source_locator": row["source_locator"]}
            if row["qualifier"] == "approximately":
                rec["note"] = f"an approximate figure ('{row['raw_value']}'): shown as approximate, no rate from it"
            elif row["population"] in workforce.POPULATION_WORKER_TYPES:
                try:
                    d, text = workforce.average_denominator(wf, force, row["period_start"], row["period_end"],
                                                            row["population"])
                except (KeyError, ValueError) as err:
                    rec["note"] = f"no denominator: {str(err).strip(chr(39))}"
                else:
                    rec.update(denominator=d, denominator_measure=text)
                    if years < stats.MIN_YEARS_TO_ANNUALISE:
                        rec["note"] = (f"a span under a year ({period_words(years)}): the count as published, never "
                                       f"turned into a yearly rate")
                    else:
                        low, high = stats.rate_ci_per_1000(row["value"], d)
                        rec.update(annual_rate_per_1000=stats.annualise(stats.rate_per_1000(row["value"], d), years),
                                   annual_ci_low=stats.annualise(low, years), annual_ci_high=stats.annualise(high, years))
            else:
                rec["note"] = f"population '{row['population']}': no matching workforce, so no rate"
            out.append(rec)
    frame = pd.DataFrame(out, columns=list(MET_SERIES_COLUMNS))
    return frame.sort_values(["start", "end", "source_id"], kind="stable").reset_index(drop=True)

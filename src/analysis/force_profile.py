"""Everything known about one force: `profile("Kent")` (any spelling `canonical_force` accepts).

The result is data (tables) plus plain-English sentences computed from them, so the notebook
`05_force_profile` and the pages written by `analysis.profiles` say the same thing. Nothing here draws or
writes files (no matplotlib: `import analysis` stays light).

What a profile holds (ForceProfile):
    figures       every published figure for the force (observations rows) with its study and topic;
                  refusals are rows too (they are published statements), marked by their qualifier
    headlines     per study, the force's headline count (exact, or a bound where only a bound was published),
                  with the other outlets' wordings
    rates         force_rates rows of the force: each study with a denominator x each denominator choice,
                  with the count, rate per 1,000, exact 95% interval, funnel centre and position (against
                  the limits widened for over-dispersion, which decide whether a force stands out, and
                  against the plain Poisson limits)
    funnels       the whole study's force_rates rows for each funnel on which the force has a rate
    outcomes      outcome counts or shares published for the force
    cases         case examples (IOPC and news) for the force
    refusals      studies that asked the force and got a refusal (or "not held")
    not_covered   studies with no figure for the force, and why (a gap in a study of many forces; national
                  totals only; a single-force reply from another force)
    sources       every study the profile cites (title, publisher, url, licence)
    caveats       every caveat of those studies, the ones that name the force first
    in_short      the bottom line in one sentence: where the force stands in each study once size is allowed for
    known, compared, missing   the plain-English summary, in three parts
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass

import pandas as pd

from . import forces, outcomes, paths, rates, sources, stats, workforce
from .tables import derived

# Qualifiers that mean "asked, and no number was given".
NO_FIGURE = ("refused", "not_held", "redacted", "suppressed")
STUDY_TOPICS = ("social_media", "all_misconduct")
TOPIC_WORDS = {"social_media": "social-media misconduct", "all_misconduct": "all misconduct, not only social media"}
POPULATION_WORDS = {
    "officers": "officers", "staff": "police staff", "pcso": "PCSOs", "special_constables": "special constables",
    "all_personnel": "officers, staff and PCSOs", "unknown": "who was counted is not stated",
}
MEASURE_WORDS = {"people_with_case_to_answer": "people with a case to answer", "cases_to_answer": "cases to answer"}
QUALIFIER_WORDS = {"exact": "", "more_than": "more than ", "at_least": "at least ", "fewer_than": "fewer than ",
                   "at_most": "at most ", "approximately": "about "}
# The funnel position that decides whether a force is named as standing out: against the limits widened for
# over-dispersion (stats, Spiegelhalter 2005), as on every chart. The plain Poisson position is said beside it
# only where it differs.
ADJUSTED_POSITION_COLUMN = "funnel_position_adjusted"
ADJUSTED_POSITIONS = {
    "beyond_998_above": "above the widened 99.8% limit",
    "between_95_998_above": "above the widened 95% limit (inside 99.8%)",
    "inside_95": "inside the widened limits",
    "between_95_998_below": "below the widened 95% limit (inside 99.8%)",
    "beyond_998_below": "below the widened 99.8% limit",
}
STANDS_OUT = ("beyond_998_above", "between_95_998_above", "between_95_998_below", "beyond_998_below")


@dataclass(frozen=True)
class Tables:
    """The processed tables a profile is computed from (load once, profile every force)."""

    observations: pd.DataFrame
    force_rates: pd.DataFrame
    cases: pd.DataFrame
    workforce: pd.DataFrame
    data_version: str


def load_tables() -> Tables:
    from .datasets import load
    return Tables(load("observations"), load("force_rates"), load("cases"), load("workforce"), data_version())


def data_version() -> str:
    """A short fingerprint of data/processed/ (from the sha256 of each table in datapackage.json), so a
    citation names the exact data it quotes."""
    package = json.loads((paths.PROCESSED_DIR / "datapackage.json").read_text(encoding="utf-8"))
    joined = "\n".join(f"{r['name']} {r['hash']}" for r in package["resources"])
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Funnel:
    """One funnel (one study, one denominator choice): every force's rows, for drawing it."""

    source_id: str
    denominator_source: str
    study: str
    what: str
    rates: pd.DataFrame


@dataclass(frozen=True)
class ForceProfile:
    force: str
    force_code: str
    short_name: str
    region: str
    country: str
    kind: str
    slug: str
    figures: pd.DataFrame
    headlines: pd.DataFrame
    rates: pd.DataFrame
    funnels: tuple[Funnel, ...]
    outcomes: pd.DataFrame
    cases: pd.DataFrame
    refusals: pd.DataFrame
    not_covered: pd.DataFrame
    sources: pd.DataFrame
    caveats: pd.DataFrame
    size: str
    in_short: str
    known: tuple[str, ...]
    compared: tuple[str, ...]
    missing: tuple[str, ...]
    citation: str
    data_version: str

    @property
    def n_figures(self) -> int:
        """Published figures with a value (refusals not counted)."""
        return int((~self.figures["qualifier"].isin(NO_FIGURE)).sum())

    @property
    def has_figures(self) -> bool:
        return self.n_figures > 0

    @property
    def summary(self) -> tuple[str, ...]:
        return (self.in_short,) + self.known + self.compared + self.missing


def slug(force: str) -> str:
    """'Hampshire and Isle of Wight Constabulary' -> 'hampshire-and-isle-of-wight-constabulary'."""
    return re.sub(r"[^a-z0-9]+", "-", forces.canonical_force(force).lower()).strip("-")


@functools.cache
def _topic(source_id: str) -> str:
    return sources.source(source_id)["topic"]


def _study(source_id: str) -> str:
    return rates.study_label(source_id)


def value_words(value: float, qualifier: str, raw_value: str = "") -> str:
    """"55", "more than 50", "about 90", "refused"; whole numbers without decimals."""
    if qualifier in NO_FIGURE or pd.isna(value):
        return qualifier.replace("_", " ") if qualifier else (raw_value or "no value")
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return QUALIFIER_WORDS.get(qualifier, qualifier.replace("_", " ") + " ") + number


def count_words(count: float, what: str) -> str:
    """"55 cases", "1 case", "1 person with a case to answer": a count with its noun in the right number."""
    if count == 1:
        for plural, singular in (("people", "person"), ("cases", "case"), ("complaints", "complaint")):
            if what.startswith(plural):
                what = singular + what[len(plural):]
                break
    return f"{count:,.0f} {what}"


def measure_words(measure: str) -> str:
    return MEASURE_WORDS.get(measure, measure.replace("_", " "))


def period_words(start: str, end: str, label: str = "") -> str:
    if start and end:
        s, e = pd.Timestamp(start), pd.Timestamp(end)
        return f"{s.day} {s:%B %Y} to {e.day} {e:%B %Y}"
    if start:
        return f"from {pd.Timestamp(start):%B %Y} (no end stated)"
    return f"'{label}'" if label else "no period stated"


# --------------------------------------------------------------------------------------------------
# Tables of the profile


def _figures(obs: pd.DataFrame, force: str) -> pd.DataFrame:
    rows = obs[obs["force"] == force].copy()
    rows.insert(0, "study", [_study(s) for s in rows["source_id"]])
    rows.insert(1, "study_topic", [_topic(s) for s in rows["source_id"]])
    return rows.reset_index(drop=True)


def _headlines(figs: pd.DataFrame) -> pd.DataFrame:
    """Per study, the force's headline count: a count of people or cases (in the order of
    rates.HEADLINE_MEASURES), exact before bounds, then the wording most outlets gave, then the largest; with
    the other outlets' different wordings of the same measure in `also_reported`."""
    out = []
    rank = {m: i for i, m in enumerate(rates.HEADLINE_MEASURES)}
    for _, rows in figs.groupby("source_id", sort=False):
        cand = rows[rows["measure"].isin(rank) & (rows["unit"] == "count") & (rows["category"] == "")
                    & ~rows["qualifier"].isin(NO_FIGURE) & rows["value"].notna()]
        if cand.empty:
            continue
        outlets = cand.groupby(["measure", "value", "qualifier"])["outlet"].transform("nunique")
        cand = cand.assign(_m=cand["measure"].map(rank), _inexact=cand["qualifier"] != "exact", _n=outlets)
        head = cand.sort_values(["_m", "_inexact", "_n", "value"], ascending=[True, True, False, False],
                                kind="stable").iloc[0]
        same = cand[(cand["measure"] == head["measure"]) & ((cand["value"] != head["value"])
                                                            | (cand["qualifier"] != head["qualifier"]))]
        head = head.drop(["_m", "_inexact", "_n"])
        head["also_reported"] = "; ".join(f"'{r.raw_value}' ({r.outlet})" for r in same.itertuples())
        out.append(head)
    return pd.DataFrame(out, columns=list(figs.columns) + ["also_reported"]).reset_index(drop=True)


def _position_words(code: str) -> str:
    return stats.FUNNEL_POSITIONS.get(code, "not on the funnel (no rate)") if code else "not on the funnel (no rate)"


def adjusted_position_words(code: str) -> str:
    """Where a force sits against the limits widened for over-dispersion, in words."""
    return ADJUSTED_POSITIONS.get(code, "not on the funnel (no rate)") if code else "not on the funnel (no rate)"


def _funnel_stats(study_rows: pd.DataFrame) -> dict:
    rated = study_rows[study_rows["rate_per_1000"].notna()]
    outside = rated[ADJUSTED_POSITION_COLUMN].isin(STANDS_OUT).sum()
    return {"n_rated": len(rated), "n_standing_out": int(outside)}


def _what(source_id: str, measure: str) -> str:
    return measure_words(measure or "cases") if source_id != rates.PA2014 else "cases"


def _page_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of studies in the order a page reads them: social-media studies first (the project's subject), then
    by study, official headcounts before a study's own denominators."""
    key = pd.DataFrame({"topic": [_topic(s) != "social_media" for s in frame["source_id"]],
                        "study": [_study(s) for s in frame["source_id"]],
                        "own": (frame["denominator_source"] != rates.OFFICIAL).to_numpy()}, index=frame.index)
    return frame.loc[key.sort_values(["topic", "study", "own"], kind="stable").index]


def _rates_and_funnels(fr: pd.DataFrame, force: str) -> tuple[pd.DataFrame, tuple[Funnel, ...]]:
    mine = _page_order(fr[fr["force"] == force]).copy()
    funnels, n_rated, n_outside, what = [], [], [], []
    for row in mine.itertuples():
        study_rows = fr[(fr["source_id"] == row.source_id) & (fr["denominator_source"] == row.denominator_source)]
        st = _funnel_stats(study_rows)
        n_rated.append(st["n_rated"])
        n_outside.append(st["n_standing_out"])
        words = _what(row.source_id, row.count_measure or rates.STUDIES.get(row.source_id, {}).get("measures", [""])[0])
        what.append(words)
        if pd.notna(row.rate_per_1000):
            funnels.append(Funnel(row.source_id, row.denominator_source, _study(row.source_id), words,
                                  study_rows.reset_index(drop=True)))
    mine.insert(1, "study", [_study(s) for s in mine["source_id"]])
    mine["what"] = what
    mine["position_words"] = [adjusted_position_words(c) for c in mine[ADJUSTED_POSITION_COLUMN]]
    mine["position_words_exact"] = [_position_words(c) for c in mine["funnel_position"]]
    mine["forces_with_a_rate"] = n_rated
    mine["forces_standing_out"] = n_outside
    return mine.reset_index(drop=True), tuple(funnels)


def _outcomes(figs: pd.DataFrame) -> pd.DataFrame:
    rows = figs[figs["measure"] == "outcome"].copy()
    rows["outcome_label"] = [" or ".join(outcomes.outcome_label(c) for c in outcomes.split_outcomes(o)).capitalize()
                             for o in rows["outcome"]]
    return rows.reset_index(drop=True)


def _studies_of_interest() -> list[dict]:
    return [e for e in sources.manifest() if e["topic"] in STUDY_TOPICS]


def _studies_seen(obs: pd.DataFrame) -> dict:
    """source_id -> (forces with a row, forces the study gave a figure for, other areas, {force: refusal rows}):
    each study looked at once per observations table, not once per force."""
    out = {}
    for sid, sub in obs.groupby("source_id", sort=False):
        refused: dict = {}
        for row in sub[sub["qualifier"].isin(NO_FIGURE)].itertuples():
            refused.setdefault(row.force, []).append(row)
        is_force = sub["area_kind"] == "force"
        # forces the study gave a figure for: a force that only refused is counted apart, never as a figure
        with_figure = sorted(set(sub.loc[is_force & ~sub["qualifier"].isin(NO_FIGURE), "force"]))
        out[sid] = (set(sub["force"]), with_figure, sorted(set(sub.loc[~is_force, "force"])), refused)
    return out


def _coverage(obs: pd.DataFrame, force: str, short: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(refusals, not_covered): the studies that asked and got no number, and those with no row at all."""
    refusals, missing = [], []
    seen = derived(obs, "studies seen", _studies_seen)
    for entry in _studies_of_interest():
        sid = entry["id"]
        present, others, areas, refused = seen.get(sid, (set(), [], [], {}))
        study, geography = _study(sid), str((entry.get("covers") or {}).get("geography", ""))
        if force in present:
            for row in refused.get(force, []):
                refusals.append({"source_id": sid, "study": study, "qualifier": row.qualifier,
                                 "raw_value": row.raw_value, "outlet": row.outlet, "url": row.url,
                                 "snippet": row.snippet, "source_locator": row.source_locator})
            continue
        also_refused = len(set(refused) - set(others) - set(areas))
        refused_too = f" ({also_refused} more refused)" if also_refused else ""
        if len(others) >= 2:
            status = "gap"
            why = (f"published figures for {len(others)} other forces{refused_too} but none was found for {short}: "
                   f"a gap, not a zero")
        elif len(others) == 1:
            status = "other force"
            why = f"a reply about {forces.force_info(others[0])['short_name']} only"
        elif areas:
            status = "totals only"
            why = f"published totals for {', '.join(areas)} only, not broken down by force"
        else:
            status = "no figures"
            why = "no figure from it is transcribed here (see its caveats)"
        missing.append({"source_id": sid, "study": study, "topic": entry["topic"], "status": status, "why": why,
                        "coverage": geography, "url": entry["url"]})
    order = {"gap": 0, "totals only": 1, "no figures": 2, "other force": 3}
    refused = pd.DataFrame(refusals, columns=["source_id", "study", "qualifier", "raw_value", "outlet", "url",
                                              "snippet", "source_locator"])
    not_covered = pd.DataFrame(missing, columns=["source_id", "study", "topic", "status", "why", "coverage", "url"])
    not_covered = not_covered.assign(_o=not_covered["status"].map(order), _t=not_covered["topic"] != "social_media") \
        .sort_values(["_o", "_t", "study"], kind="stable").drop(columns=["_o", "_t"]).reset_index(drop=True)
    return refused, not_covered


def _sources_and_caveats(source_ids, force: str, short: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, caveats = [], []
    names = {force.lower(), short.lower(), short.replace("&", "and").lower()}
    for sid in source_ids:
        entry = sources.source(sid)
        rows.append({"source_id": sid, "study": _study(sid), "title": entry["title"], "publisher": entry["publisher"],
                     "url": entry["url"], "published": str(entry.get("published") or ""),
                     "licence": str(entry.get("licence") or ""), "topic": entry["topic"]})
        for text in entry.get("caveats") or []:
            text = str(text)
            caveats.append({"source_id": sid, "study": _study(sid), "caveat": text,
                            "mentions_force": any(n in text.lower() for n in names)})
    src = pd.DataFrame(rows, columns=["source_id", "study", "title", "publisher", "url", "published", "licence",
                                      "topic"])
    cav = pd.DataFrame(caveats, columns=["source_id", "study", "caveat", "mentions_force"])
    cav = cav.sort_values("mentions_force", ascending=False, kind="stable").reset_index(drop=True)
    return src, cav


def _size(wf: pd.DataFrame, force: str) -> str:
    """The force's latest headcounts (officers; all paid workers), for a sense of scale."""
    dates = sorted(wf.loc[(wf["force"] == force) & (wf["worker_type"] == "officers"), "date"].unique(), reverse=True)
    for date in dates:
        try:
            officers, _ = workforce.denominator(wf, force, date, "officers")
            paid, _ = workforce.denominator(wf, force, date, "all_personnel")
        except (KeyError, ValueError):
            continue
        return (f"At 31 March {date[:4]} the force had {officers:,.0f} officers and {paid:,.0f} paid workers in all "
                f"(officers, staff, PCSOs and designated officers; headcount, Home Office workforce statistics).")
    return "No official headcount for the force is in the workforce table."


# --------------------------------------------------------------------------------------------------
# Sentences


def _list(items) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _known(figs: pd.DataFrame, heads: pd.DataFrame, force: str, short: str, n_studies: int) -> tuple[str, ...]:
    valued = figs[~figs["qualifier"].isin(NO_FIGURE)]
    if valued.empty:
        return (f"No published figure for {force} was found in any of the {n_studies} studies compiled here.",)
    studies = valued.groupby("study", sort=False).size()
    text = [f"{_plural(len(valued), 'published figure')} for {force} come from {_plural(len(studies), 'study', 'studies')}"
            f": {_list(f'{s} ({n})' for s, n in studies.items())}."]
    for row in heads.itertuples():
        text.append(f"{row.study} ({TOPIC_WORDS[row.study_topic]}): {value_words(row.value, row.qualifier)} "
                    f"{measure_words(row.measure)} ({POPULATION_WORDS.get(row.population, row.population)}), "
                    f"{period_words(row.period_start, row.period_end, row.period_label)}, as reported by "
                    f"{row.outlet}" + (f"; also reported as {row.also_reported}" if row.also_reported else "") + ".")
    others = valued.drop_duplicates(["source_id", "measure", "value"])
    if len(others) > len(heads):
        text.append("The figures table lists every figure, including outcomes, breakdowns and the outlets' own "
                    "wording where they differ.")
    return tuple(text)


def _direction(code: str) -> str:
    return "high" if str(code).endswith("_above") else "low"


def _rated_in_order(rts: pd.DataFrame) -> pd.DataFrame:
    return rts[rts["rate_per_1000"].notna()]  # already in page order (_rates_and_funnels)


def _study_sentence(row, short: str, also=None) -> str:
    """One study's comparison, leading with the position against the limits widened for over-dispersion.
    `also`: the same study's row with the other denominator, when it gives the same position."""
    denom = ("official headcounts as denominators" if row.denominator_source == rates.OFFICIAL
             else "the study's own denominators")
    code = getattr(row, ADJUSTED_POSITION_COLUMN)
    n_out = int(row.forces_standing_out)
    if code in STANDS_OUT:
        lead = (f"{short} stands out as {_direction(code)}: its rate is {_position_words(code)}, even once the "
                f"limits are widened for over-dispersion")
        others = ("it is the only force that does on this funnel" if n_out == 1 else
                  f"it is one of {n_out} forces that do on this funnel")
    else:
        lead = f"{short} does not stand out: its rate is inside the limits widened for over-dispersion"
        others = ("no force stands out on this funnel" if n_out == 0 else
                  f"{_plural(n_out, 'force stands', 'forces stand')} out on this funnel")
    sentence = (f"{row.study} ({TOPIC_WORDS[_topic(row.source_id)]}), with {denom}: {lead}. Its "
                f"{count_words(row.count, row.what)} {'gives' if row.count == 1 else 'give'} a rate of "
                f"{row.rate_per_1000:.1f} per 1,000 workers over {row.period_years:.1f} years (95% interval "
                f"{row.ci_low:.1f} to {row.ci_high:.1f}), against a pooled rate of {row.centre_rate_per_1000:.1f} "
                f"for the {row.forces_with_a_rate} forces with a rate; {others}.")
    if also is not None:
        sentence += (f" With the study's own denominators the rate is {also.rate_per_1000:.1f} per 1,000 and "
                     f"the position the same.")
    if row.funnel_position != code:
        sentence += (f" Against limits for chance alone it would be {row.position_words_exact}, but rates on "
                     f"this funnel vary {float(row.dispersion_ratio):.1f} times as much as chance allows, which "
                     f"points to forces recording differently, not only to differences in conduct.")
    return sentence


def _compared(rts: pd.DataFrame, short: str) -> tuple[str, ...]:
    """One sentence per study (per denominator where the two choices give different positions), leading with
    the force's position against the limits widened for over-dispersion (the only limits that name a force as
    standing out, as on the charts); social-media studies first."""
    text = []
    for row in rts[rts["rate_per_1000"].isna()].itertuples():
        if row.count_qualifier != "missing" and pd.notna(row.count):
            denom = ("official headcounts as denominators" if row.denominator_source == rates.OFFICIAL
                     else "the study's own denominators")
            why = row.note.split("; dates available")[0]
            text.append(f"{row.study}, with {denom}: {short}'s count "
                        f"({value_words(row.count, row.count_qualifier)}) has no rate ({why}).")
    rated = _rated_in_order(rts)
    rated_text = []
    for _, rows in rated.groupby("source_id", sort=False):
        rows = list(rows.itertuples())
        column = ADJUSTED_POSITION_COLUMN
        if len(rows) == 2 and getattr(rows[0], column) == getattr(rows[1], column) \
                and rows[0].funnel_position == rows[1].funnel_position:
            rated_text.append(_study_sentence(rows[0], short, also=rows[1]))
        else:
            rated_text.extend(_study_sentence(row, short) for row in rows)
    text = rated_text + text
    sides = {_direction(c) if c in STANDS_OUT else "inside" for c in rated[ADJUSTED_POSITION_COLUMN]}
    if len(sides) > 1:
        text.append(f"{short}'s position differs between funnels: the studies count different things, over "
                    f"different years and populations, so no single funnel settles how the force compares.")
    if not text:
        text.append(f"No study with a denominator has a figure for {short}, so no rate per 1,000 can be given; "
                    f"a raw count alone would rank forces by size as much as by conduct.")
    return tuple(text)


def study_verdicts(rts: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(source_id, study, verdict) for each study with a rate for the force, in page order: "stands out as
    high", "stands out as low" or "does not stand out", against the limits widened for over-dispersion
    (official headcounts where the study has both denominators)."""
    out = []
    for row in _rated_in_order(rts).drop_duplicates("source_id").itertuples():
        code = getattr(row, ADJUSTED_POSITION_COLUMN)
        out.append((row.source_id, row.study,
                    f"stands out as {_direction(code)}" if code in STANDS_OUT else "does not stand out"))
    return out


def _in_short(rts: pd.DataFrame, short: str, has_figures: bool, refused: pd.DataFrame) -> str:
    """The bottom line: where the force stands in each study once size and over-dispersion are allowed for
    (official headcounts where the study has both denominators), and the studies it gave no figure to."""
    asked = [f"{r.study} ({r.qualifier.replace('_', ' ')})" for r in refused.drop_duplicates("source_id").itertuples()]
    return _bottom_line(rts, short, has_figures) + (f" It gave no figure to {_list(asked)}." if asked else "")


def _bottom_line(rts: pd.DataFrame, short: str, has_figures: bool) -> str:
    rated = _rated_in_order(rts).drop_duplicates("source_id")
    if not has_figures:
        return f"In short: no published figure for {short} was found in any study compiled here."
    if rated.empty:
        return (f"In short: no study with a denominator has a figure for {short}, so it cannot be compared fairly "
                f"with other forces; its figures below are raw counts.")
    verdicts: dict[str, list[str]] = {}
    for source_id, study, verdict in study_verdicts(rts):
        verdicts.setdefault(verdict, []).append(f"{study} ({TOPIC_WORDS[_topic(source_id)]})")
    parts = []
    for verdict, studies in verdicts.items():
        joined = _list(studies) if verdict != "does not stand out" else \
            (", ".join(studies[:-1]) + " or " + studies[-1] if len(studies) > 1 else studies[0])
        parts.append(f"{verdict} in {joined}")
    return f"In short: once its size is allowed for, {short} {_list(parts)}."


def _missing(refused: pd.DataFrame, not_covered: pd.DataFrame, short: str) -> tuple[str, ...]:
    text = []
    for row in refused.drop_duplicates("source_id").itertuples():
        text.append(f"{short} did not give {row.study} a figure ({row.qualifier.replace('_', ' ')}, as reported by "
                    f"{row.outlet}: '{row.raw_value}').")
    gaps = not_covered[not_covered["status"] == "gap"]
    if len(gaps):
        text.append(f"{_plural(len(gaps), 'study', 'studies')} that published figures for other forces "
                    f"{'has' if len(gaps) == 1 else 'have'} none for {short}: {_list(gaps['study'])}. These are gaps, "
                    f"not zeros: a figure may exist but was not published, or not in any copy found.")
    totals = not_covered[not_covered["status"] == "totals only"]
    if len(totals):
        text.append(f"{_plural(len(totals), 'study', 'studies')} gave national or group totals only, with no "
                    f"figure by force: {_list(totals['study'])}.")
    other = not_covered[not_covered["status"] == "other force"]
    if len(other):
        text.append(f"{_plural(len(other), 'other study', 'other studies')} {'is a reply' if len(other) == 1 else 'are replies'} "
                    f"about a single other force.")
    return tuple(text)


def _citation(force: str, version: str) -> str:
    return (f"{force}: force profile, in 'Police misconduct on social media in England and Wales: published "
            f"figures', an open, reproducible compilation (data version {version}). Quote each figure with its "
            f"original source, listed on this page with its link.")


# --------------------------------------------------------------------------------------------------


def profile(name: str, tables: Tables | None = None) -> ForceProfile:
    """Everything known about one force (see the module docstring). `tables` (from `load_tables()`) lets a
    caller profile many forces from one load."""
    force = forces.canonical_force(name)
    info = forces.force_info(force)
    t = tables or load_tables()
    short = info["short_name"]
    figs = _figures(t.observations, force)
    heads = _headlines(figs)
    rts, funnels = _rates_and_funnels(t.force_rates, force)
    refused, not_covered = _coverage(t.observations, force, short)
    cited = list(dict.fromkeys(list(figs["source_id"]) + [r.source_id for r in rts.itertuples()
                                                          if r.count_qualifier != "missing"]))
    if any(f.denominator_source == rates.OFFICIAL for f in funnels):
        cited.append(workforce.SOURCE_ID)
    src, cav = _sources_and_caveats(cited, force, short)
    cases = t.cases[t.cases["force"] == force].reset_index(drop=True)
    n_studies = len(_studies_of_interest())
    return ForceProfile(
        force=force, force_code=info["force_code"], short_name=short, region=info["region"],
        country=info["country"], kind=info["kind"], slug=slug(force), figures=figs, headlines=heads, rates=rts,
        funnels=funnels, outcomes=_outcomes(figs), cases=cases, refusals=refused, not_covered=not_covered,
        sources=src, caveats=cav, size=_size(t.workforce, force),
        in_short=_in_short(rts, short, bool((~figs['qualifier'].isin(NO_FIGURE)).any()), refused), known=_known(figs, heads, force, short, n_studies),
        compared=_compared(rts, short),
        missing=_missing(refused, not_covered, short), citation=_citation(force, t.data_version),
        data_version=t.data_version,
    )


def all_forces() -> list[str]:
    """Every force of the registry, in registry order."""
    return list(forces.registry()["force"])


__all__ = ["ForceProfile", "Funnel", "Tables", "all_forces", "data_version", "load_tables", "profile", "slug",
           "value_words", "period_words", "NO_FIGURE"]

"""Pandera schemas for every tidy table: the contract the notebooks and tests rely on."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from .outcomes import VOCABULARY
from .populations import POPULATIONS

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
ISO_DATE_OR_EMPTY = r"^(\d{4}-\d{2}-\d{2})?$"
QUALIFIERS = ("exact", "at_least", "more_than", "fewer_than", "at_most", "approximately", "suppressed",
              "redacted", "refused", "not_held", "missing")
AREA_KINDS = ("force", "country_group", "ad_hoc_group")


def _text(**kw) -> Column:
    return Column(str, nullable=False, **kw)


def _outcome_ok(series):
    """Empty, one category, or a '+'-joined group of categories."""
    return series.map(lambda s: s == "" or all(p in VOCABULARY for p in s.split("+")))


OBSERVATIONS = DataFrameSchema(
    {
        "source_id": _text(checks=Check.str_length(min_value=3)),
        "source_locator": _text(checks=Check.str_matches(r"^\S+ line \d+$")),
        "force": _text(checks=Check.str_length(min_value=2)),
        "force_code": _text(),
        "area_kind": _text(checks=Check.isin(AREA_KINDS)),
        # Empty when the source states no period: a gap stays a gap.
        "period_start": _text(checks=Check.str_matches(ISO_DATE_OR_EMPTY)),
        "period_end": _text(checks=Check.str_matches(ISO_DATE_OR_EMPTY)),
        "period_label": _text(),
        "population": _text(checks=Check.isin(POPULATIONS)),
        "topic": _text(checks=Check.isin(("social_media", "all_misconduct"))),
        "measure": _text(),
        "outcome": _text(checks=Check(_outcome_ok, element_wise=False, error="outcome outside the vocabulary")),
        "category": _text(),
        "value": Column(float, nullable=True, checks=Check.ge(0)),
        "unit": _text(checks=Check.isin(("count", "percent", "rank", "rate_per_1000"))),
        "qualifier": _text(checks=Check.isin(QUALIFIERS)),
        "value_low": Column(float, nullable=True, checks=Check.ge(0)),
        "value_high": Column(float, nullable=True),
        "raw_force": _text(),
        "raw_population": _text(),
        "raw_category": _text(),
        "raw_value": _text(),
        "outlet": _text(),
        "url": _text(checks=Check.str_matches(r"^https?://")),
        "published": _text(),
        "snippet": _text(checks=Check.str_length(min_value=5)),
        "note": _text(),
    },
    checks=[
        Check(lambda df: (df["period_end"] == "") | (df["period_start"] <= df["period_end"]),
              error="period_start after period_end"),
        # An end without a start never happens; a start without an end is "since X", publication date unknown.
        Check(lambda df: (df["period_start"] != "") | (df["period_end"] == ""), error="period end without a start"),
        Check(lambda df: (df["measure"] == "outcome") == (df["outcome"] != ""),
              error="outcome is filled exactly on measure=outcome rows"),
        Check(lambda df: df["value_low"].isna() | df["value_high"].isna() | (df["value_low"] <= df["value_high"]),
              error="value_low above value_high"),
        Check(lambda df: df["value"].notna() | ~df["qualifier"].isin(("exact",)),
              error="an exact value is missing"),
    ],
    strict=True,
    ordered=True,
    coerce=True,
    name="observations",
)

CASES = DataFrameSchema(
    {
        "source_id": _text(),
        "source_locator": _text(checks=Check.str_matches(r"^\S+ line \d+$")),
        "date": _text(checks=Check.str_matches(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")),
        "force": _text(),
        "force_code": _text(),
        "role": _text(),
        "platform": _text(),
        "behaviour": _text(checks=Check.str_length(min_value=5)),
        "outcome": _text(checks=Check(_outcome_ok, element_wise=False)),
        "raw_date": _text(),
        "raw_force": _text(),
        "raw_outcome": _text(),
        "outlet": _text(),
        "url": _text(checks=Check.str_matches(r"^https?://")),
        "published": _text(),
        "snippet": _text(checks=Check.str_length(min_value=5)),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name="cases",
)

FORCES = DataFrameSchema(
    {
        "force": _text(unique=True),
        "force_code": _text(),
        "short_name": _text(),
        "region": _text(),
        "country": _text(),
        "kind": _text(checks=Check.isin(("territorial", "special"))),
    },
    strict=True,
    coerce=True,
    name="forces",
)

WORKFORCE = DataFrameSchema(
    {
        "force": _text(),
        "force_code": _text(),
        "date": _text(checks=Check.str_matches(ISO_DATE)),
        "worker_type": _text(checks=Check.isin(("officers", "staff", "pcso", "designated_officers",
                                                 "special_constables", "police_support_volunteers", "all_paid"))),
        "measure": _text(checks=Check.isin(("headcount", "fte"))),
        "value": Column(float, nullable=True, checks=Check.ge(0)),
        "source_id": _text(),
        "source_locator": _text(),
        "derived": Column(bool),
        "source_url": _text(checks=Check.str_matches(r"^https?://")),
        "preference": Column(int, checks=Check.isin((0, 1, 2, 3))),
        "raw_force": _text(),
        "raw_worker_type": _text(),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name="workforce",
)

BUILD_LOG = DataFrameSchema(
    {
        "step": _text(),
        "action": _text(),
        "reason": _text(),
        "rows_before": Column(int),
        "rows_after": Column(int),
    },
    strict=True,
    coerce=True,
    name="build_log",
)

# Rates per 1,000 workers per study x force x denominator choice (analysis.rates.force_rates; column
# meanings in the rates module docstring). Blank rate = no exact count or no denominator: the note says which.
FUNNEL_CODES = ("", "inside_95", "between_95_998_above", "between_95_998_below", "beyond_998_above",
                "beyond_998_below")


def _nonneg(**kw) -> Column:
    return Column(float, nullable=True, checks=Check.ge(0), **kw)


FORCE_RATES = DataFrameSchema(
    {
        "source_id": _text(checks=Check.str_length(min_value=3)),
        "force": _text(),
        "force_code": _text(),
        "short_name": _text(),
        "count": _nonneg(),
        "count_qualifier": _text(checks=Check.isin(QUALIFIERS)),
        "count_measure": _text(),
        "count_population": _text(),
        "denominator": Column(float, nullable=True, checks=Check.gt(0)),
        "denominator_measure": _text(),
        "denominator_source": _text(checks=Check.isin(("official", "study's own"))),
        "period_start": _text(checks=Check.str_matches(ISO_DATE)),
        "period_end": _text(checks=Check.str_matches(ISO_DATE)),
        "period_years": Column(float, checks=Check.gt(0)),
        "rate_per_1000": _nonneg(),
        "ci_low": _nonneg(),
        "ci_high": _nonneg(),
        "annual_rate_per_1000": _nonneg(),
        "centre_rate_per_1000": _nonneg(),
        "funnel_position": _text(checks=Check.isin(FUNNEL_CODES)),
        "dispersion_ratio": _nonneg(),
        "lower_95_adjusted": _nonneg(),
        "upper_95_adjusted": _nonneg(),
        "lower_998_adjusted": _nonneg(),
        "upper_998_adjusted": _nonneg(),
        "funnel_position_adjusted": _text(checks=Check.isin(FUNNEL_CODES)),
        "published_rate_per_1000": _nonneg(),
        "reproduces_published": _text(checks=Check.isin(("", "yes", "no"))),
        "note": _text(),
    },
    checks=[
        Check(lambda df: df["rate_per_1000"].isna() | ((df["ci_low"] <= df["rate_per_1000"])
                                                        & (df["rate_per_1000"] <= df["ci_high"])),
              error="rate outside its interval"),
        Check(lambda df: df["rate_per_1000"].notna() | (df["note"] != ""), error="a row without a rate must say why"),
        Check(lambda df: df["rate_per_1000"].notna() == (df["funnel_position"] != ""),
              error="funnel_position is filled exactly where there is a rate"),
        Check(lambda df: (df["funnel_position"] != "") == (df["funnel_position_adjusted"] != ""),
              error="funnel_position_adjusted is filled exactly where funnel_position is"),
        Check(lambda df: df["lower_998_adjusted"].isna() | ((df["lower_998_adjusted"] <= df["lower_95_adjusted"])
                                                             & (df["upper_95_adjusted"] <= df["upper_998_adjusted"])),
              error="adjusted 99.8% limits inside the adjusted 95% limits"),
        Check(lambda df: ~df.duplicated(["source_id", "force", "denominator_source"]),
              error="one row per study x force x denominator choice"),
    ],
    strict=True,
    ordered=True,
    coerce=True,
    name="force_rates",
)

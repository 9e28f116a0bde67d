"""Tests for analysis.periods: period labels as the captured sources write them, error cases and
property-based round trips."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.periods import (
    KINDS, Period, PeriodParseError, calendar_year, classify, financial_year, parse_period,
)

D = dt.date


@pytest.mark.parametrize(
    "label, start, end, kind",
    [
        # calendar and financial years
        ("2018", D(2018, 1, 1), D(2018, 12, 31), "calendar_year"),
        ("2013/14", D(2013, 4, 1), D(2014, 3, 31), "financial_year"),
        ("2013-14", D(2013, 4, 1), D(2014, 3, 31), "financial_year"),
        ("2013–14", D(2013, 4, 1), D(2014, 3, 31), "financial_year"),
        ("2013/2014", D(2013, 4, 1), D(2014, 3, 31), "financial_year"),
        ("FY 2013/14", D(2013, 4, 1), D(2014, 3, 31), "financial_year"),
        ("FY 2013-2014", D(2013, 4, 1), D(2014, 3, 31), "financial_year"),
        ("financial year 2013-14", D(2013, 4, 1), D(2014, 3, 31), "financial_year"),
        ("1999/00", D(1999, 4, 1), D(2000, 3, 31), "financial_year"),
        # retiredandangry blog / West Mercia reply
        ("1st April 2013 to 31st March 2014", D(2013, 4, 1), D(2014, 3, 31), "financial_year"),
        ("For the year 1st April 2013 to 31st March 2014", D(2013, 4, 1), D(2014, 3, 31), "financial_year"),
        # UK day-first numeric dates (Avon and Somerset 221/21, North Wales bulletin)
        ("01/03/2021 - 28/02/2025", D(2021, 3, 1), D(2025, 2, 28), "span"),
        ("01/01/18-31/12/20", D(2018, 1, 1), D(2020, 12, 31), "year_span"),
        ("01/01/2018 - 31/12/2020", D(2018, 1, 1), D(2020, 12, 31), "year_span"),
        ("01/04/2015 to 30/06/2015", D(2015, 4, 1), D(2015, 6, 30), "quarter"),
        # Northumbria 593/20, PA 2014 wordings
        ("January 1, 2016 to April 10, 2020", D(2016, 1, 1), D(2020, 4, 10), "span"),
        ("between January 1, 2009, and February 17, 2014", D(2009, 1, 1), D(2014, 2, 17), "span"),
        ("1 Jan 2009 – 17 Feb 2014", D(2009, 1, 1), D(2014, 2, 17), "span"),
        ("Jan 2009 to Feb 2014", D(2009, 1, 1), D(2014, 2, 28), "span"),
        ("2009 to February 2014", D(2009, 1, 1), D(2014, 2, 28), "span"),
        ("Between January 2012 and June 2016", D(2012, 1, 1), D(2016, 6, 30), "span"),
        # year spans
        ("2018-2021", D(2018, 1, 1), D(2021, 12, 31), "year_span"),
        ("2018 to 2021", D(2018, 1, 1), D(2021, 12, 31), "year_span"),
        ("2018 to 2019", D(2018, 1, 1), D(2019, 12, 31), "year_span"),
        # quarters and months
        ("April – June 2015", D(2015, 4, 1), D(2015, 6, 30), "quarter"),
        ("Q1 2015/16", D(2015, 4, 1), D(2015, 6, 30), "quarter"),
        ("Q4 2015/16", D(2016, 1, 1), D(2016, 3, 31), "quarter"),
        ("2015/16 Q2", D(2015, 7, 1), D(2015, 9, 30), "quarter"),
        ("Q1 2015", D(2015, 1, 1), D(2015, 3, 31), "quarter"),
        ("June 2016", D(2016, 6, 1), D(2016, 6, 30), "month"),
        ("February 2016", D(2016, 2, 1), D(2016, 2, 29), "month"),
        # single days; ranges of financial years; ISO dates in labels
        ("31 March 2023", D(2023, 3, 31), D(2023, 3, 31), "exact"),
        ("2013/14 to 2015/16", D(2013, 4, 1), D(2016, 3, 31), "span"),
        ("2021-03-01 - 2021-04-30", D(2021, 3, 1), D(2021, 4, 30), "span"),
    ],
)
def test_labels(label, start, end, kind):
    assert parse_period(label) == Period(start, end, label, kind)


@pytest.mark.parametrize(
    "label, reference, start, end, kind",
    [
        ("since 2015", "2020-04-27", D(2015, 1, 1), D(2020, 4, 27), "open_ended"),
        ("since 2018", D(2021, 2, 19), D(2018, 1, 1), D(2021, 2, 19), "open_ended"),
        ("since January 2009", "2014-02-17", D(2009, 1, 1), D(2014, 2, 17), "open_ended"),
        ("last year", "2014-08-19", D(2013, 1, 1), D(2013, 12, 31), "calendar_year"),
        ("past five years", "2014-02-17", D(2009, 2, 18), D(2014, 2, 17), "span"),
        ("in the past five years", "2014-02-17", D(2009, 2, 18), D(2014, 2, 17), "span"),
        ("over the last 5 years", "2014-02-17", D(2009, 2, 18), D(2014, 2, 17), "span"),
        ("the last two years", "2025-05-31", D(2023, 6, 1), D(2025, 5, 31), "span"),
        ("past 12 months", "2024-03-31", D(2023, 4, 1), D(2024, 3, 31), "span"),
    ],
)
def test_relative_labels(label, reference, start, end, kind):
    p = parse_period(label, reference=reference)
    assert (p.start, p.end, p.label) == (start, end, label)
    assert p.kind == kind  # relative spans are "span" even when they happen to cover 1 Apr..31 Mar


@pytest.mark.parametrize("label", ["since 2015", "last year", "past five years", "the last two years"])
def test_relative_needs_reference(label):
    with pytest.raises(PeriodParseError, match="a reference date is needed"):
        parse_period(label)


def test_explicit_start_end_override_label():
    p = parse_period("2022, 2023, 2024 and the available information for 2025", start="2022", end="2025-11")
    assert p == Period(D(2022, 1, 1), D(2025, 11, 30),
                       "2022, 2023, 2024 and the available information for 2025", "span")
    assert parse_period("Between 1st January 2012 and January and 31st May 2016",
                        start="2012-01-01", end="2016-05-31").start == D(2012, 1, 1)
    assert parse_period(None, start="2018-01-01", end="2018-12-31") == Period(
        D(2018, 1, 1), D(2018, 12, 31), "2018-01-01 to 2018-12-31", "calendar_year")
    assert parse_period("x", start="2013-04", end="2014-03").kind == "financial_year"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"label": "31/02/2023"}, "cannot read period '31/02/2023': impossible date"),
        ({"label": "01/01/2023 - 31/02/2023"}, "cannot read period '01/01/2023 - 31/02/2023': impossible date"),
        ({"label": "2018-2019"}, "could be two calendar years or the financial year 2018/19"),
        ({"label": "2014 to 2012"}, "it ends (2012) before it starts (2014)"),
        ({"label": "01/01/2020 - 31/12/2019"}, "ends (2019-12-31) before it starts (2020-01-01)"),
        ({"label": "2013/15"}, "2013/15 is not a financial year"),
        ({"label": "FY 2018"}, "it says financial year but the dates are not 1 April to 31 March"),
        ({"label": "Between 1st January 2012 and January and 31st May 2016"}, "expected a year ('2018')"),
        ({"label": "hello"}, "cannot read period 'hello': expected a year"),
        ({"label": ""}, "the label is empty"),
        ({"label": None}, "the label is empty"),
        ({"label": "April"}, "it has no year"),
        ({"label": "x", "start": "2018-01-01"}, "give both start= and end="),
        ({"label": "x", "start": "2018-02-30", "end": "2018-03-01"}, "'2018-02-30': impossible date"),
        ({"label": "x", "start": "01/01/2018", "end": "2018"}, "start must be an ISO date"),
        ({"label": "x", "start": "2019", "end": "2018"}, "ends (2018-12-31) before it starts (2019-01-01)"),
        ({"label": "since 2015", "reference": "2014-02-17"}, "reference date 2014-02-17 is before the start"),
        ({"label": "since 2015", "reference": "2014"}, "the reference must be one day"),
    ],
)
def test_errors(kwargs, message):
    label = kwargs.pop("label")
    with pytest.raises(PeriodParseError) as info:
        parse_period(label, **kwargs)
    assert message in str(info.value)


def test_error_class():
    assert issubclass(PeriodParseError, ValueError)
    with pytest.raises(PeriodParseError, match="ends"):
        Period(D(2020, 1, 2), D(2020, 1, 1), "backwards", "span")
    with pytest.raises(PeriodParseError, match="unknown period kind"):
        Period(D(2020, 1, 1), D(2020, 1, 1), "x", "fortnight")


def test_constructors_and_years():
    assert financial_year(2013) == Period(D(2013, 4, 1), D(2014, 3, 31), "2013/14", "financial_year")
    assert financial_year(1999).label == "1999/00"
    assert calendar_year(2016) == Period(D(2016, 1, 1), D(2016, 12, 31), "2016", "calendar_year")
    assert calendar_year(2016).years == pytest.approx(366 / 365.25)
    assert parse_period("1 Jan 2009 – 17 Feb 2014").years == pytest.approx(1874 / 365.25)
    assert parse_period("31 March 2023").years == pytest.approx(1 / 365.25)


@pytest.mark.parametrize(
    "start, end, kind",
    [
        (D(2020, 1, 1), D(2020, 1, 1), "exact"),
        (D(2020, 1, 1), D(2020, 12, 31), "calendar_year"),
        (D(2020, 4, 1), D(2021, 3, 31), "financial_year"),
        (D(2020, 2, 1), D(2020, 2, 29), "month"),
        (D(2020, 10, 1), D(2020, 12, 31), "quarter"),
        (D(2020, 2, 1), D(2020, 4, 30), "span"),
        (D(2018, 1, 1), D(2020, 12, 31), "year_span"),
        (D(2020, 1, 2), D(2020, 12, 31), "span"),
    ],
)
def test_classify(start, end, kind):
    assert classify(start, end) == kind
    assert kind in KINDS


# --- properties ----------------------------------------------------------------------------------
@given(year=st.integers(min_value=2000, max_value=2030), sep=st.sampled_from(["/", "-"]))
def test_financial_year_labels(year, sep):
    label = f"{year}{sep}{(year + 1) % 100:02d}"
    p = parse_period(label)
    assert (p.start, p.end, p.kind, p.label) == (D(year, 4, 1), D(year + 1, 3, 31), "financial_year", label)
    assert p.years == pytest.approx(1.0, abs=0.003)
    assert (p.start, p.end) == (financial_year(year).start, financial_year(year).end)


@given(a=st.dates(min_value=D(1990, 1, 1), max_value=D(2040, 12, 31)),
       b=st.dates(min_value=D(1990, 1, 1), max_value=D(2040, 12, 31)))
def test_iso_start_end_round_trip(a, b):
    start, end = min(a, b), max(a, b)
    p = parse_period("as written", start=start.isoformat(), end=end.isoformat())
    assert (p.start, p.end, p.label) == (start, end, "as written")
    assert p.kind == classify(start, end)
    assert p.years == pytest.approx(((end - start).days + 1) / 365.25)


@given(d=st.dates(min_value=D(2000, 1, 1), max_value=D(2068, 12, 31)))
def test_day_first_dates(d):
    label = d.strftime("%d/%m/%Y")
    assert parse_period(label) == Period(d, d, label, "exact")
    short = d.strftime("%d/%m/%y")
    assert parse_period(short).start == d

"""Property-based tests (hypothesis) for the number and period wordings FOI tables use, and for the reader."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import foi
from analysis.periods import parse_period
from analysis.values import UNITS, parse_value
from test_foi_writers import write_csv

WORDS = {v: k for k, v in UNITS.items() if k not in ("nil", "none")} | {20: "twenty"}


def _caps(data, word):
    return "".join(c.upper() if data.draw(st.booleans()) else c for c in word)


@given(n=st.integers(min_value=0, max_value=10**9),
       marker=st.sampled_from(["[1]", "[12]", "[note 3]", "*", "¹", "²³"]),
       sep=st.sampled_from(["", ","]))
def test_footnote_marker_glued_to_any_integer_reads_back(n, marker, sep):
    text = (f"{n:,}" if sep else str(n)) + marker
    q = parse_value(text, unit="count")
    assert (q.value, q.qualifier) == (n, "exact")


@given(n=st.integers(min_value=0, max_value=20), data=st.data(),
       tail=st.sampled_from(["", " officers", " Officers", " x Officers", " officer"]))
def test_number_words_to_twenty_any_case_with_a_noun(n, data, tail):
    word = _caps(data, WORDS[n])
    q = parse_value(word + tail, unit="count")
    assert (q.value, q.qualifier) == (n, "exact")


@given(n=st.integers(min_value=0, max_value=10**6), data=st.data())
def test_nil_none_zero_any_case(n, data):
    for word in ("nil", "none", "zero"):
        assert parse_value(_caps(data, word)).value == 0


@given(n=st.integers(min_value=0, max_value=999))
def test_n_x_officers(n):
    assert parse_value(f"{n} x Officers").value == n
    assert parse_value(f"{n}x Written warning").value == n


@given(a=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
       b=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
       sep=st.sampled_from([" - ", "-", " to ", " – "]))
def test_odd_spans_day_first_read_back(a, b, sep):
    a, b = min(a, b), max(a, b)
    p = parse_period(f"{a:%d/%m/%Y}{sep}{b:%d/%m/%Y}")
    assert (p.start, p.end) == (a, b)


@given(year=st.integers(min_value=2000, max_value=2040))
def test_calendar_year_number_and_financial_year_labels(year):
    assert (parse_period(str(year)).start, parse_period(str(year)).end) == (dt.date(year, 1, 1), dt.date(year, 12, 31))
    for label in (f"{year}/{(year + 1) % 100:02d}", f"{year}/{year + 1}", f"FY {year}-{(year + 1) % 100:02d}"):
        p = parse_period(label)
        assert (p.start, p.end, p.kind) == (dt.date(year, 4, 1), dt.date(year + 1, 3, 31), "financial_year")


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.lists(st.integers(min_value=0, max_value=10**6), min_size=3, max_size=3),
                       min_size=1, max_size=5),
       first=st.integers(min_value=2000, max_value=2030), fy=st.booleans(), commas=st.booleans())
def test_any_table_of_counts_reads_back_exactly(counts, first, fy, commas):
    labels = [f"{y}/{(y + 1) % 100:02d}" if fy else str(y) for y in range(first, first + 3)]
    rows = [["Synthetic table"], [None, *labels]]
    rows += [[f"Category {i}", *[f"{v:,}" if commas else str(v) for v in row]] for i, row in enumerate(counts)]
    rows += [["Total", *[str(sum(col)) for col in zip(*counts)]]]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "synthetic_property.csv", rows)
        frame = foi.read_foi_table(path, force="Kent")
    assert len(frame) == 3 * len(counts)
    got = {(r.category, r.period_label): r.value for r in frame.itertuples()}
    for i, row in enumerate(counts):
        for label, v in zip(labels, row):
            assert got[(f"Category {i}", label)] == v

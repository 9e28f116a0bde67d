"""Tests for analysis.values: real wordings from the captured FOI replies and news copy, error cases,
and property-based round trips. Inputs quoted here are as published (the research folder's sources, cited in
data/raw/sources.yml)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.values import Qualified, ValueParseError, parse_count, parse_value, words_to_int

INF = math.inf


def exact(v, unit="count", note=""):
    return Qualified(float(v), "exact", float(v), float(v), unit, note)


# --- real wordings -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        # Northumbria 593/20: "1. 3.", "Zero for all 3 officers." (see error test), "Three officers" ...
        ("3.", exact(3)),
        ("Three officers", exact(3, note="text after the number: 'officers'")),
        ("two officers", exact(2, note="text after the number: 'officers'")),
        ("one officer", exact(1, note="text after the number: 'officer'")),
        ("No criminal offences.", exact(0, note="text after the number: 'criminal offences'")),
        # Dyfed-Powys 1054/2025; Avon and Somerset 221/21 outcome cells
        ("2 x Officers", exact(2, note="text after the number: 'Officers'")),
        ("1x", exact(1)),
        ("2x", exact(2)),
        ("3x Reflective practice requires improvement",
         exact(3, note="text after the number: 'Reflective practice requires improvement'")),
        ("no officers", exact(0, note="text after the number: 'officers'")),
        # Avon and Somerset social media 2012-2016
        ("a total of 41", exact(41)),
        ("41 police officers and police staff",
         exact(41, note="text after the number: 'police officers and police staff'")),
        # West Mercia / South Yorkshire via retiredandangry blog
        ("2  (0.4%)", exact(2, note="bracketed percent 0.4% dropped")),
        ("7 (7.7%)", exact(7, note="bracketed percent 7.7% dropped")),
        ("NIL", exact(0)),
        ("Nil", exact(0)),
        ("546", exact(546)),
        # North Wales quarterly bulletin footnote markers
        ("229[2]", exact(229, note="footnote marker '[2]' dropped")),
        ("289[1]", exact(289, note="footnote marker '[1]' dropped")),
        # PA 2014 figures as the news copy wrote them
        ("Nine percent", exact(9, "percent")),
        ("9%", exact(9, "percent")),
        ("14 per cent", exact(14, "percent")),
        ("14 percent", exact(14, "percent")),
        ("0.4%", exact(0.4, "percent")),
        ("THIRTEEN police officers", exact(13, note="text after the number: 'police officers'")),
        ("SEVEN", exact(7)),
        ("Eleven", exact(11)),
        ("ten or fewer incidents",
         Qualified(10.0, "at_most", 0.0, 10.0, "count", "text after the number: 'incidents'")),
        ("more than 50", Qualified(50.0, "more_than", 51.0, INF, "count")),
        ("More than 70", Qualified(70.0, "more_than", 71.0, INF, "count")),
        ("more than 20", Qualified(20.0, "more_than", 21.0, INF, "count")),
        ("over 2,600 officers",
         Qualified(2600.0, "more_than", 2601.0, INF, "count", "text after the number: 'officers'")),
        ("Some 828", Qualified(828.0, "approximately", None, None, "count")),
        ("A total of 828 cases were reported",
         exact(828, note="text after the number: 'cases were reported'")),
        # Dyfed-Powys 318/2025 withheld and free-text cells
        ("S40(2) applies", Qualified(None, "redacted", None, None, "count", "S40(2) applies")),
        ("No information held as it was an accelerated hearing (Chi",
         Qualified(None, "not_held", None, None, "count",
                   "No information held as it was an accelerated hearing (Chi")),
        ("Section 40 (2)  - Personal Information",
         Qualified(None, "redacted", None, None, "count", "Section 40 (2) - Personal Information")),
    ],
)
def test_real_wordings(text, expected):
    assert parse_value(text) == expected


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,051", 1051), ("1 051", 1051), ("1\u00a0051", 1051), ("1\u202f051", 1051), ("12,345,678", 12345678),
        ("0", 0), ("Zero", 0), ("None", 0), ("zero", 0),
        ("twenty-one", 21), ("Twenty one", 21), ("ninety-nine", 99), ("a hundred", 100), ("One hundred", 100),
        ("3 officers", 3), ("  12  ", 12), ("12*", 12), ("45¹", 45), ("45¹²", 45), ("7 (note 3)", 7),
        ("7 [note 3]", 7), (3, 3), (2.0, 2), (0, 0),
    ],
)
def test_counts(text, value):
    q = parse_count(text)
    assert (q.value, q.qualifier, q.low, q.high, q.unit) == (value, "exact", value, value, "count")


@pytest.mark.parametrize(
    "text, qualifier, value, low, high",
    [
        ("at least 999", "at_least", 999, 999, INF),
        ("a minimum of 4", "at_least", 4, 4, INF),
        ("50 or more", "at_least", 50, 50, INF),
        ("50+", "at_least", 50, 50, INF),
        (">50", "more_than", 50, 51, INF),
        ("in excess of 100", "more_than", 100, 101, INF),
        ("fewer than 5", "fewer_than", None, 0, 4),
        ("less than 10", "fewer_than", None, 0, 9),
        ("<5", "fewer_than", None, 0, 4),
        ("< 5", "fewer_than", None, 0, 4),
        ("up to 10", "at_most", 10, 0, 10),
        ("at most 3", "at_most", 3, 0, 3),
        ("no more than 3", "at_most", 3, 0, 3),
        ("<=3", "at_most", 3, 0, 3),
        ("about 20", "approximately", 20, None, None),
        ("around 20", "approximately", 20, None, None),
        ("almost 90", "approximately", 90, None, None),
        ("nearly 90", "approximately", 90, None, None),
        ("roughly 15", "approximately", 15, None, None),
        ("approximately 15", "approximately", 15, None, None),
        ("approx. 15", "approximately", 15, None, None),
        ("c. 50", "approximately", 50, None, None),
        ("c.50", "approximately", 50, None, None),
        ("circa 50", "approximately", 50, None, None),
        ("~50", "approximately", 50, None, None),
        ("more than twenty", "more_than", 20, 21, INF),
    ],
)
def test_qualifiers(text, qualifier, value, low, high):
    q = parse_count(text)
    assert (q.qualifier, q.value, q.low, q.high) == (qualifier, value, low, high)


def test_fewer_than_keeps_threshold_in_note():
    assert parse_count("<5").note == "threshold 5"


def test_percent_bounds_stop_at_100():
    assert parse_value("more than 5%") == Qualified(5.0, "more_than", 5.0, 100.0, "percent")
    assert parse_value("fewer than 1%") == Qualified(None, "fewer_than", 0.0, 1.0, "percent", "threshold 1")


def test_percent_column_without_sign():
    assert parse_value("0.4", unit="percent") == exact(0.4, "percent")
    assert parse_value("-2.5", unit="percent") == exact(-2.5, "percent")


@pytest.mark.parametrize(
    "text, qualifier",
    [
        ("*", "suppressed"), ("-", "suppressed"), ("–", "suppressed"), ("—", "suppressed"),
        ("x", "suppressed"), ("X", "suppressed"), ("[c]", "suppressed"),
        ("S40(2) applies", "redacted"), ("s40(2)", "redacted"), ("Section 40(2)", "redacted"),
        ("Redacted", "redacted"), ("exempt", "redacted"), ("Exempt under section 40", "redacted"),
        ("Withheld", "redacted"),
        ("refused", "refused"), ("Refused - section 12 cost limit", "refused"), ("S12 applies", "refused"),
        ("neither confirm nor deny", "refused"),
        ("not held", "not_held"), ("Not held", "not_held"), ("no information held", "not_held"),
        ("Information not held", "not_held"), ("N/A", "not_held"), ("n/a", "not_held"),
        ("", "missing"), ("   ", "missing"), (None, "missing"), (float("nan"), "missing"),
    ],
)
def test_markers(text, qualifier):
    q = parse_value(text)
    assert (q.value, q.qualifier, q.low, q.high, q.unit) == (None, qualifier, None, None, "count")


def test_missing_is_never_zero():
    assert parse_value(None).value is None
    assert parse_value("", unit="percent") == Qualified(None, "missing", None, None, "percent")


def test_pandas_na_is_missing():
    pd = pytest.importorskip("pandas")
    assert parse_value(pd.NA).qualifier == "missing"
    assert parse_value(pd.Series([1])[0]) == exact(1)  # numpy int64


# --- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, reason",
    [
        ("-5", "negative count"),
        (-5, "negative count"),
        ("12a", "glued to the number"),
        ("229allegations were finalised", "glued to the number"),
        ("Zero for all 3 officers.", "holds another number"),
        ("None of the 20 members of staff were dismissed", "holds another number"),
        ("one in 10", "holds another number"),
        ("Three officers attended Misconduct Hearings of which two officers received",
         "holds another number"),
        ("1,05", "holds another number"),
        ("1,0511", "glued to the number"),
        ("about a seventh (14%)", "does not start with a number"),
        ("Complaint cases – 2", "does not start with a number"),
        ("Facebook and Whatsapp.", "does not start with a number"),
        ("some officers", "does not start with a number"),
        ("[2]", "there is no number in it"),
        ("*12", "does not start with a number"),
        ("No case to answer", "'no case' is not a count of zero"),
        ("no further action", "'no further' is not a count of zero"),
        ("3.5", "whole number"),
        (3.5, "whole number"),
        ("fewer than 0", "cannot be fewer than zero"),
        ("more than 10 or more", "two qualifiers"),
        (True, "boolean"),
        (["3"], "not text or a number"),
    ],
)
def test_errors(text, reason):
    with pytest.raises(ValueParseError) as info:
        parse_value(text)
    message = str(info.value)
    assert reason in message
    assert repr(text) in message  # the message quotes the text
    assert "expected a count such as 12, 'twelve', 'more than 10', '<5'" in message
    assert "'S40(2) applies'" in message


def test_percent_where_count_expected():
    with pytest.raises(ValueParseError, match="it is a percentage but a count was expected"):
        parse_count("9%")


def test_error_is_a_value_error():
    assert issubclass(ValueParseError, ValueError)


def test_words_to_int():
    assert words_to_int("Three") == 3
    assert words_to_int("twenty-one") == 21
    assert words_to_int("a hundred") == 100
    assert words_to_int("NIL") == 0
    with pytest.raises(ValueParseError, match="cannot read 'twenty ten' as a number in words"):
        words_to_int("twenty ten")
    with pytest.raises(ValueParseError, match="cannot read 'officers' as a number in words"):
        words_to_int("officers")


def test_qualified_is_frozen():
    q = parse_count("3")
    with pytest.raises(AttributeError):
        q.value = 4  # type: ignore[misc]


# --- properties ----------------------------------------------------------------------------------
NUMBER_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
]


@given(n=st.integers(min_value=0, max_value=10**12), sep=st.sampled_from([",", " ", "\u00a0", "\u202f"]))
def test_thousands_separators_read_back(n, sep):
    text = f"{n:,}".replace(",", sep)
    assert parse_count(text) == exact(n)


@given(n=st.integers(min_value=0, max_value=20), data=st.data())
def test_number_words_any_capitalisation(n, data):
    word = NUMBER_WORDS[n]
    flips = data.draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    text = "".join(c.upper() if f else c for c, f in zip(word, flips))
    assert parse_count(text).value == n
    assert words_to_int(text) == n


@given(n=st.integers(min_value=0, max_value=10**9), marker=st.integers(min_value=1, max_value=99),
       comma=st.booleans())
def test_bracketed_footnote_marker(n, marker, comma):
    number = f"{n:,}" if comma else str(n)
    q = parse_count(f"{number}[{marker}]")
    assert (q.value, q.qualifier) == (n, "exact")
    assert q.note == f"footnote marker '[{marker}]' dropped"


@given(n=st.integers(min_value=0, max_value=10**9),
       marker=st.text(alphabet="⁰¹²³⁴⁵⁶⁷⁸⁹", min_size=1, max_size=2))
def test_superscript_footnote_marker(n, marker):
    q = parse_count(f"{n}{marker}")
    assert (q.value, q.qualifier, q.low, q.high) == (n, "exact", n, n)


@given(n=st.integers(min_value=0, max_value=10**6))
def test_more_than_bounds(n):
    q = parse_count(f"more than {n}")
    assert (q.value, q.low, q.high) == (n, n + 1, INF)


@given(n=st.integers(min_value=1, max_value=10**6))
def test_fewer_than_bounds(n):
    q = parse_count(f"<{n}")
    assert (q.value, q.low, q.high) == (None, 0, n - 1)


# "a dozen" (Express & Star 2022-01-05: "a dozen cases had been investigated in the region") is twelve; the
# figures cleaner reads a leading "a" as "one", and "one dozen" must not become 1 with "dozen" left over.
@pytest.mark.parametrize("text, qualifier, value, low, high", [
    ("a dozen", "exact", 12, 12, 12),
    ("dozen", "exact", 12, 12, 12),
    ("A Dozen", "exact", 12, 12, 12),
    ("one dozen", "exact", 12, 12, 12),
    ("half a dozen", "exact", 6, 6, 6),
    ("a dozen cases", "exact", 12, 12, 12),
    ("about a dozen", "approximately", 12, None, None),
    ("more than a dozen", "more_than", 12, 13, math.inf),
    ("at least a dozen", "at_least", 12, 12, math.inf),
])
def test_a_dozen_is_twelve(text, qualifier, value, low, high):
    q = parse_count(text)
    assert (q.value, q.qualifier, q.low, q.high) == (value, qualifier, low, high)


@pytest.mark.parametrize("text", ["dozens", "Dozens of officers", "two dozen", "hundreds", "scores of cases",
                                  "more than dozens"])
def test_dozens_names_no_number(text):
    with pytest.raises(ValueParseError):
        parse_count(text)


def test_the_figures_cleaner_reads_a_dozen_as_twelve():
    from analysis.cleaning.figures import _value
    assert (_value("a dozen", "count").value, _value("a dozen", "count").qualifier) == (12, "exact")
    assert _value("a detective constable", "count").value == 1  # the determiner rule still counts one
    with pytest.raises(ValueParseError):
        _value("dozens", "count")

"""Is a published value written, as published, in its own verbatim snippet?

Every row of a `figures*.csv` carries `value_as_published` ("18", "eighteen", "more than 50", "1,051",
"Nine percent", "third highest") and the verbatim sentence it was read in. A mistyped value ("81" for the
snippet's "there were 18"), a qualifier the snippet does not have ("around 18"), or a number written in a
different form ("1051" for "1,051") must not pass: the value is found in the snippet *as written*.

Matching (`find_value`):
- case, runs of spaces (including no-break and thin spaces), dashes (hyphen, en and em dash, minus) and
  curly quotes are normalised in both texts; nothing else is;
- a value that begins or ends with a digit must not sit inside a longer number: not beside another digit,
  not before a thousands group ",051" or a decimal ".5", not after "1," or "2." (so "8" is not in "18",
  "1" is not in "1,051", "051" is not in "1,051", "9" is not in "9.5"), and not before an ordinal or
  magnitude suffix ("18" is not in "18th" or "18m"). A comma followed by anything but exactly three digits
  is a separator ("8,2781" in a CSV-style snippet holds 8 and 2781). Letters may follow directly, because
  extracted PDF text glues words to numbers ("229allegations");
- a value that begins or ends with a letter must be whole words: "eight" is not in "eighteen" or
  "twenty-eight", "twenty" is not in "twenty-one";
- a count (unit `count`) must not be the number of a percentage: "9" is not found in "9%" or "9 per cent".
"""
from __future__ import annotations

import re

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u2007]+")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
# After a number: a continuation of that number, or a suffix that makes it another number.
# A thousands group is exactly three digits ("1,051"); "8,2781" is two cells of a CSV-style snippet.
_NUMBER_GOES_ON = re.compile(r"(?:\d|\.\d|,\d{3}(?!\d)|(?:st|nd|rd|th|k|m|bn)(?![a-z]))")
_PERCENT_AFTER = re.compile(r"\s?(?:%|per\s?cent\b|percent\b)")
_NUMBER_TOKEN = re.compile(r"\d[\d,.]*\d|\d")


def normalise(text: str) -> str:
    """Lower case, one space for any run of white space, one hyphen for any dash, straight quotes."""
    text = str(text).translate(_DASHES).translate(_QUOTES).lower()
    return _SPACES.sub(" ", text).strip()


def _edge_ok_before(s: str, i: int, first: str) -> bool:
    if i == 0:
        return True
    prev = s[i - 1]
    if first.isdigit():
        if prev.isdigit():
            return False
        if prev == "." and i >= 2 and s[i - 2].isdigit():  # "5" inside "2.5"
            return False
        # "051" inside "1,051"; but "2781" after "8," is the next cell of a CSV-style snippet
        return not (prev == "," and i >= 2 and s[i - 2].isdigit() and re.match(r"\d{3}(?!\d)", s[i:]))
    if first.isalpha():
        if prev.isalnum():
            return False
        return not (prev == "-" and i >= 2 and s[i - 2].isalpha())  # "one" inside "twenty-one"
    return True


def _edge_ok_after(s: str, j: int, last: str, unit: str | None) -> bool:
    rest = s[j:]
    if last.isdigit():
        if _NUMBER_GOES_ON.match(rest):
            return False
        if unit == "count" and _PERCENT_AFTER.match(rest):
            return False
        return True
    if last.isalpha():
        if rest[:1].isalnum():
            return False
        return not re.match(r"-[a-z]", rest)  # "twenty" inside "twenty-one"
    return True


def find_value(value: str, snippet: str, unit: str | None = None) -> int | None:
    """Where the value, as written, starts in the normalised snippet; None when it is not there."""
    v, s = normalise(value), normalise(snippet)
    if not v:
        return None
    start = s.find(v)
    while start != -1:
        end = start + len(v)
        if _edge_ok_before(s, start, v[0]) and _edge_ok_after(s, end, v[-1], unit):
            return start
        start = s.find(v, start + 1)
    return None


def appears_as_written(value: str, snippet: str, unit: str | None = None) -> bool:
    return find_value(value, snippet, unit) is not None


def explain(value: str, snippet: str, unit: str | None = None) -> str:
    """Why a value is not in its snippet, for the error message: what the snippet holds instead."""
    if not normalise(value):
        return "the value is empty: a figure that was not published is not a row"
    numbers = list(dict.fromkeys(_NUMBER_TOKEN.findall(snippet)))
    text = f"{value!r} is not in its snippet as written"
    if numbers:
        text += f" (the snippet's numbers: {', '.join(numbers)})"
    return text + ("; copy the value exactly as the snippet writes it, qualifier and all ('more than 50', "
                   "'eighteen', '1,051'), or fix the snippet from the page")


"""Read a published figure as written ("more than 50", "Three officers", "2  (0.4%)", "S40(2) applies").

Published figures arrive as prose and as messy FOI cells. `parse_value` turns one such piece of text into
a `Qualified` value: the number, what the wording says about it (exact, "more than", suppressed, ...), the
bounds that wording implies, and the unit. It never guesses: text it cannot read with certainty raises
`ValueParseError` quoting the text, so a gap stays a gap and a strange cell reaches a person.

Decisions on ambiguous wording (also in the tests):
- "fewer than 5" and "<5" are `fewer_than` with value None and bounds 0..4 (a count below the threshold;
  0 is kept as possible even where a publisher says suppressed cells are at least 1). The threshold is
  kept in `note`.
- "about", "around", "almost", "close to", "nearly", "some", "roughly", "approximately", "circa", "c.", "~" are all
  `approximately`: value as written, no bounds. "almost 90" is not read as "fewer than 90": how far
  below is unknown and journalists use it loosely.
- "more than N" for a count means N+1..inf; "at least N" N..inf; "up to N"/"at most N"/"N or fewer" 0..N.
  For non-counts (percent) the bounds are the limits of the interval as written (more than 5% -> 5..100).
- "*", "-", "–", "—", "x", "[c]" alone are `suppressed` (as the brief for this project says; note that
  some publishers use "-" for zero). A "*" glued to a number ("12*") is a footnote marker.
- A number followed by text that holds another number ("Zero for all 3 officers", "one in 10") raises:
  which number is the figure is a judgement for a person, not for this parser.
- "no officers" is 0, but "no case to answer", "no information", "no data" ... raise or are markers.
- Markers (suppressed, redacted, refused, not_held) get the caller's unit, or "count" when none is given.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

__all__ = [
    "QUALIFIERS",
    "Qualified",
    "ValueParseError",
    "parse_count",
    "parse_value",
    "qualified_words",
    "words_to_int",
]

QUALIFIERS = (
    "exact", "at_least", "more_than", "fewer_than", "at_most", "approximately",
    "suppressed", "redacted", "refused", "not_held", "missing",
)
MARKER_QUALIFIERS = ("suppressed", "redacted", "refused", "not_held", "missing")
# Qualifiers that still carry a number (value or bound): such a figure is shown with its words, never as a gap.
NUMBER_QUALIFIERS = ("exact", "approximately", "at_least", "more_than", "fewer_than", "at_most")
QUALIFIER_WORDS = {"exact": "", "approximately": "about ", "at_least": "at least ", "more_than": "more than ",
                   "fewer_than": "fewer than ", "at_most": "at most "}


def qualified_words(value, qualifier: str, fmt: str = ",.0f") -> str:
    """A number with the words its qualifier carries: "18", "about 18", "at least 921"; markers as words."""
    if qualifier not in QUALIFIER_WORDS:
        return qualifier.replace("_", " ")
    return f"{QUALIFIER_WORDS[qualifier]}{format(value, fmt)}"

EXPECTED = (
    "expected a count such as 12, 'twelve', 'more than 10', '<5', a percentage such as '9%' or "
    "'14 per cent', or a marker such as 'S40(2) applies'"
)


class ValueParseError(ValueError):
    """A published value could not be read without guessing."""


@dataclass(frozen=True)
class Qualified:
    """One published figure: the number, the qualifier its wording carries, and the bounds it implies."""

    value: float | None
    qualifier: str
    low: float | None
    high: float | None
    unit: str
    note: str = ""  # what was dropped on the way (footnote markers, a bracketed percent, trailing words)


# --- number words --------------------------------------------------------------------------------
# Only what FOI replies and news copy actually write; "a hundred" and "one hundred" are the ceiling.
UNITS = {
    "zero": 0, "nil": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
HUNDRED = {"a hundred": 100, "one hundred": 100}
# "a dozen" is twelve, exactly as "twelve" is ("about a dozen" is approximately 12). "dozens", "hundreds" and
# "scores" name no number: they are refused, never read as a count (nor as the count of the word before them).
DOZEN = {"dozen": 12, "a dozen": 12, "one dozen": 12, "half a dozen": 6}
VAGUE_MULTITUDES = {"dozens", "scores", "hundreds", "thousands"}
_ALL_NUMBER_WORDS = set(UNITS) | set(TENS) | {"hundred", "dozen"} | VAGUE_MULTITUDES


def words_to_int(text: str) -> int:
    """'Three' -> 3, 'twenty-one' -> 21, 'a hundred' -> 100, 'a dozen' -> 12, 'NIL' -> 0; anything else
    raises ('dozens' with a message saying it names no number)."""
    if not isinstance(text, str):
        raise ValueParseError(f"cannot read {text!r} as a number in words: not text")
    key = re.sub(r"[\s\-‐‑–]+", " ", text.strip().lower())
    if key in UNITS:
        return UNITS[key]
    if key in TENS:
        return TENS[key]
    if key in HUNDRED:
        return HUNDRED[key]
    if key in DOZEN:
        return DOZEN[key]
    if set(key.split(" ")) & VAGUE_MULTITUDES:
        raise ValueParseError(f"cannot read {text!r} as a number in words: 'dozens', 'scores', 'hundreds' and "
                              f"'thousands' name no number (not even a bound the source states); leave it out or "
                              f"quote a figure the source gives")
    parts = key.split(" ")
    # "twenty one" / "twenty-one": a ten followed by a unit 1..9.
    if len(parts) == 2 and parts[0] in TENS and parts[1] in UNITS and 1 <= UNITS[parts[1]] <= 9:
        return TENS[parts[0]] + UNITS[parts[1]]
    raise ValueParseError(
        f"cannot read {text!r} as a number in words: expected zero..nineteen, a ten such as "
        "'forty', a compound such as 'twenty-one', or 'a hundred'"
    )


# --- markers that stand in place of a value ------------------------------------------------------
SUPPRESSED_MARKERS = {"*", "**", "***", "-", "–", "—", "x", "[c]", "suppressed"}
# FOI sections that refuse a whole request rather than withhold part of an answer:
# s12 cost limit, s14 vexatious; "neither confirm nor deny" also refuses to answer at all.
REFUSING_SECTIONS = {"12", "14"}
_SECTION = re.compile(r"^(?:s\.?|sec\.?|section)\s*(\d+)(?!\d)(?:\s*\(\s*\w+\s*\))*(?:\s+.*|\W.*)?$", re.I)
_REDACTED = re.compile(r"^(?:redacted|exempt|withheld)\b", re.I)
_REFUSED = re.compile(r"^(?:refused|refusal|request refused|neither confirm nor deny|ncnd)\b", re.I)
_NOT_HELD = re.compile(
    r"^(?:not\s+held|information\s+not\s+held|(?:no\s+)?(?:information|data|records?)\s+"
    r"(?:is\s+|are\s+)?not\s+held|no\s+(?:information|data|records?)\s+(?:is\s+|are\s+)?held|"
    r"n\s*/\s*a|not\s+available|not\s+recorded)(?:\b|$)",
    re.I,
)
# Words after "no" that make "no X" something other than a count of zero.
NOT_A_ZERO_AFTER_NO = {
    "information", "data", "record", "records", "case", "cases", "further", "action", "response",
    "reply", "comment", "answer", "figure", "figures", "details", "more", "less", "fewer",
}

# --- qualifier wording ---------------------------------------------------------------------------
# (pattern at the start of the text, qualifier). Longer phrases first so "no more than" wins over "no".
QUALIFIER_PREFIXES: tuple[tuple[str, str], ...] = (
    (r"no\s+more\s+than", "at_most"),
    (r"not\s+more\s+than", "at_most"),
    (r"no\s+fewer\s+than", "at_least"),
    (r"no\s+less\s+than", "at_least"),
    (r"more\s+than", "more_than"),
    (r"greater\s+than", "more_than"),
    (r"in\s+excess\s+of", "more_than"),
    (r"over", "more_than"),
    (r"at\s+least", "at_least"),
    (r"a\s+minimum\s+of", "at_least"),
    (r"fewer\s+than", "fewer_than"),
    (r"less\s+than", "fewer_than"),
    (r"under", "fewer_than"),
    (r"below", "fewer_than"),
    (r"at\s+most", "at_most"),
    (r"up\s+to", "at_most"),
    (r"a\s+maximum\s+of", "at_most"),
    (r"approximately", "approximately"),
    (r"approx\.?", "approximately"),
    (r"an\s+estimated", "approximately"),
    (r"about", "approximately"),
    (r"around", "approximately"),
    (r"almost", "approximately"),
    (r"close\s+to", "approximately"),
    (r"nearly", "approximately"),
    (r"roughly", "approximately"),
    (r"some", "approximately"),
    (r"circa", "approximately"),
    (r"ca\.", "approximately"),
    (r"c\.", "approximately"),
)
_WORD_PREFIXES = [(re.compile(rf"^{p}(?:\s+|$)" if not p.endswith(".") else rf"^{p}\s*", re.I), q)
                  for p, q in QUALIFIER_PREFIXES]
# Symbols: two-character ones first.
SYMBOL_PREFIXES = (("<=", "at_most"), ("≤", "at_most"), (">=", "at_least"), ("≥", "at_least"),
                   ("<", "fewer_than"), (">", "more_than"), ("~", "approximately"))
# Wording after the number: "10 or fewer incidents", "50 or more", "50+".
SUFFIX_QUALIFIERS: tuple[tuple[str, str], ...] = (
    (r"or\s+more", "at_least"), (r"or\s+over", "at_least"), (r"and\s+over", "at_least"),
    (r"or\s+fewer", "at_most"), (r"or\s+less", "at_most"), (r"\+", "at_least"),
)
_SUFFIXES = [(re.compile(rf"^\s*{p}(?=\s|$)" if p != r"\+" else r"^\s*\+", re.I), q)
             for p, q in SUFFIX_QUALIFIERS]
_TOTAL_OF = re.compile(r"^(?:a\s+)?total\s+of\s+", re.I)

# --- number shapes -------------------------------------------------------------------------------
# Thousands groups must use one separator throughout ("1,051", "1 051"), so "1,05" or "1,0511" do
# not read as a number: they may be a European decimal or a typo, and guessing moves a figure 1000x.
_NUMBER = re.compile(r"^(?P<neg>-)?(?P<int>\d{1,3}(?P<sep>[, ])\d{3}(?:(?P=sep)\d{3})*|\d+)(?P<dec>\.\d+)?")
_PERCENT = re.compile(r"^\s*(?:%|per\s*cent\b|percent\b)", re.I)
_MULTIPLIER = re.compile(r"^\s*[x×](?=\s|$)", re.I)  # "2 x Officers", "1x Written warning"
# Footnote markers that can sit anywhere in a cell: "[2]", "[note 3]", "(note 3)", superscript digits.
_FOOTNOTES = (
    re.compile(r"\[\s*(?:note\s*)?\d{1,3}\s*\]", re.I),
    re.compile(r"\(\s*(?:see\s+)?notes?\s*\d{1,3}\s*\)", re.I),
    re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+"),
)
_STAR_FOOTNOTE = re.compile(r"^\s*\*+(?=\s|$)")
_BRACKETED_PERCENT = re.compile(r"^\s*\(\s*(\d+(?:\.\d+)?)\s*(?:%|per\s*cent|percent)\s*\)", re.I)
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2212": "-",
                         "\t": " ", "\n": " ", "\r": " "})


def _fail(text: object, reason: str) -> ValueParseError:
    return ValueParseError(f"cannot read {text!r} as a value: {reason}; {EXPECTED}")


def _normalise(text: str) -> str:
    s = text.translate(_SPACES)
    s = re.sub(r" +", " ", s).strip()
    return s.rstrip(".,;:").strip()  # "3." and "No criminal offences." end in a full stop


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in {"NAType", "NaTType"}  # pandas missing values, without importing pandas


def _marker(s: str) -> str | None:
    """The marker qualifier a whole cell stands for, or None."""
    low = s.lower()
    if low in SUPPRESSED_MARKERS:
        return "suppressed"
    m = _SECTION.match(s)
    if m:
        return "refused" if m.group(1) in REFUSING_SECTIONS else "redacted"
    if _REFUSED.match(s):
        return "refused"
    if _REDACTED.match(s):
        return "redacted"
    if _NOT_HELD.match(s):
        return "not_held"
    return None


def _strip_footnotes(s: str, notes: list[str]) -> str:
    for pattern in _FOOTNOTES:
        for found in pattern.findall(s):
            notes.append(f"footnote marker {found!r} dropped")
        s = pattern.sub(" ", s)
    return re.sub(r" +", " ", s).strip()


def _leading_words_number(s: str) -> tuple[int, str] | None:
    """A number in words at the start of `s` and the rest, or None. Tries three words ("half a dozen"), then
    two ("twenty-one", "a dozen"), before one."""
    m3 = re.match(r"^[A-Za-z]+\s+[A-Za-z]+\s+[A-Za-z]+", s)
    if m3:
        try:
            return words_to_int(m3.group(0)), s[m3.end():]
        except ValueParseError:
            pass
    m = re.match(r"^([A-Za-z]+)(?:[\s\-]+([A-Za-z]+))?", s)
    if not m:
        return None
    first = m.group(1).lower()
    if first in VAGUE_MULTITUDES:
        words_to_int(first)  # raises, saying why
    if m.group(2):
        try:
            return words_to_int(m.group(0)), s[m.end():]
        except ValueParseError:
            pass
    try:
        return words_to_int(m.group(1)), s[m.end(1):]
    except ValueParseError:
        return None


def _check_rest(original: object, rest: str, notes: list[str]) -> None:
    """What follows the number may only be words that hold no other number."""
    rest = rest.strip()
    if not rest:
        return
    if re.search(r"\d", rest):
        raise _fail(original, f"the text after the number ({rest!r}) holds another number")
    if not re.match(r"^[A-Za-z(‘'\"“/&]", rest):
        raise _fail(original, f"unexpected text {rest!r} after the number")
    words = set(re.findall(r"[a-z]+", rest.lower()))
    if words & _ALL_NUMBER_WORDS:
        raise _fail(original, f"the text after the number ({rest!r}) holds another number")
    notes.append(f"text after the number: {rest!r}")


def _bounds(value: float, qualifier: str, unit: str, original: object) -> tuple[float | None, float | None]:
    count = unit == "count"
    top = 100.0 if unit == "percent" else math.inf
    if qualifier == "exact":
        return value, value
    if qualifier == "more_than":
        return (value + 1 if count else value), top
    if qualifier == "at_least":
        return value, top
    if qualifier == "fewer_than":
        if count and value < 1:
            raise _fail(original, "a count cannot be fewer than zero")
        return 0.0, (value - 1 if count else value)
    if qualifier == "at_most":
        return 0.0, value
    return None, None  # approximately: no bounds are implied


def parse_value(text: object, *, unit: str | None = None) -> Qualified:
    """Read one published value (a number, or text as published) into a `Qualified`.

    `unit` is what the column holds ("count", "percent", or another unit such as "rate"); without it the
    unit is "percent" when the text says so, else "count". Counts must be whole and non-negative.
    """
    if _is_missing(text):
        return Qualified(None, "missing", None, None, unit or "count")
    if isinstance(text, bool):
        raise _fail(text, "a boolean is not a value")
    if isinstance(text, (int, float)) or type(text).__module__ == "numpy":
        try:
            number = float(text)  # numpy scalars too
        except (TypeError, ValueError):
            raise _fail(text, "not a number") from None
        if math.isnan(number):
            return Qualified(None, "missing", None, None, unit or "count")
        return _finish(text, number, "exact", unit or "count", [])
    if not isinstance(text, str):
        raise _fail(text, f"a {type(text).__name__} is not text or a number")
    return _parse_text(text, unit)


@functools.lru_cache(maxsize=65536)
def _parse_text(text: str, unit: str | None) -> Qualified:
    """parse_value for text: each distinct (text, unit) is read once (a Qualified is immutable; an error is
    raised again each time, never cached)."""
    s = _normalise(text)
    if not s:
        return Qualified(None, "missing", None, None, unit or "count")
    marker = _marker(s)
    if marker:
        return Qualified(None, marker, None, None, unit or "count", note=s if marker != "suppressed" else "")

    notes: list[str] = []
    s = _TOTAL_OF.sub("", s)
    qualifier = "exact"
    for symbol, q in SYMBOL_PREFIXES:
        if s.startswith(symbol):
            qualifier, s = q, s[len(symbol):].strip()
            break
    else:
        for pattern, q in _WORD_PREFIXES:
            m = pattern.match(s)
            if m:
                qualifier, s = q, s[m.end():]
                break
    s = _strip_footnotes(s, notes)
    if not s:
        raise _fail(text, "there is no number in it")

    # "no officers" is a count of zero; "no case to answer" is an outcome, not a count.
    m = re.match(r"^no\s+([a-z]+)", s, re.I)
    if m and qualifier == "exact":
        if m.group(1).lower() in NOT_A_ZERO_AFTER_NO:
            raise _fail(text, f"'no {m.group(1)}' is not a count of zero")
        _check_rest(text, s[2:], notes)
        return _finish(text, 0.0, "exact", unit or "count", notes)

    m = _NUMBER.match(s)
    if m:
        number = float(re.sub(r"[, ]", "", m.group("int")) + (m.group("dec") or ""))
        if m.group("neg"):
            number = -number
        rest = s[m.end():]
        if re.match(r"^[A-Za-z0-9]", rest) and not _MULTIPLIER.match(rest):
            raise _fail(text, f"characters {rest[:10]!r} are glued to the number")
    else:
        found = _leading_words_number(s)
        if found is None:
            raise _fail(text, "it does not start with a number")
        number, rest = float(found[0]), found[1]

    # A "*" right after the number, with nothing else numeric, is a footnote marker ("12*").
    star = _STAR_FOOTNOTE.match(rest)
    if star:
        notes.append(f"footnote marker {star.group(0).strip()!r} dropped")
        rest = rest[star.end():]
    found_unit = None
    pct = _PERCENT.match(rest)
    if pct:
        found_unit, rest = "percent", rest[pct.end():]
    else:
        mult = _MULTIPLIER.match(rest)
        if mult:
            rest = rest[mult.end():]
    for pattern, q in _SUFFIXES:
        sm = pattern.match(rest)
        if sm:
            if qualifier != "exact":
                raise _fail(text, "it carries two qualifiers")
            qualifier, rest = q, rest[sm.end():]
            break
    bp = _BRACKETED_PERCENT.match(rest)
    if bp and found_unit is None:
        notes.append(f"bracketed percent {bp.group(1)}% dropped")
        rest = rest[bp.end():]
    _check_rest(text, rest, notes)

    if unit is None:
        unit = found_unit or "count"
    elif found_unit == "percent" and unit != "percent":
        raise _fail(text, f"it is a percentage but a {unit} was expected")
    return _finish(text, number, qualifier, unit, notes)


def _finish(original: object, number: float, qualifier: str, unit: str, notes: list[str]) -> Qualified:
    if math.isinf(number):
        raise _fail(original, "an infinite value is not a figure")
    if unit == "count":
        if number < 0:
            raise _fail(original, "negative count")
        if number != int(number):
            raise _fail(original, "a count must be a whole number; pass unit='percent' or another unit "
                                  "if this is not a count")
    low, high = _bounds(number, qualifier, unit, original)
    value: float | None = number
    if qualifier == "fewer_than":
        # The figure itself is unknown: only the threshold is published ("<5").
        value = None
        notes.insert(0, f"threshold {number:g}")
    return Qualified(value, qualifier, low, high, unit, note="; ".join(notes))


def parse_count(text: object) -> Qualified:
    """`parse_value(text, unit="count")`: a whole, non-negative count or a marker."""
    return parse_value(text, unit="count")

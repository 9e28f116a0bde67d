"""Periods as sources write them: calendar and financial years, months, quarters and odd spans.

`parse_period` reads a period label ("2013/14", "01/03/2021 - 28/02/2025", "Between January 2012 and
June 2016", "since 2015") into a `Period` with first and last day (both inclusive). Explicit ISO
`start`/`end` override the label. Dates written with slashes are UK day-first ("01/03/2021" is 1 March).
Anything it cannot read without guessing raises `PeriodParseError` naming the text.

Decisions on ambiguous wording (also in the tests):
- "2013/14", "2013-14", "2013/2014", "FY 2013-2014" are financial years (1 Apr..31 Mar). "2018-2019"
  (two consecutive four-digit years joined by a dash, no "FY") could be two calendar years or one
  financial year: it raises; "2018 to 2019" is two calendar years.
- `kind` comes from the dates' shape, not the wording: 1 Apr..31 Mar is `financial_year` however it is
  written; a single day is `exact`; "since X" is `open_ended`.
- Two-digit years are 20yy (police FOI data here is all after 2000).
- A side without a year takes the other side's year ("April – June 2015").
- "last year" is the calendar year before the reference date's year; "past N years" is the N years
  ending on the reference date (N*12 months back, plus one day).
- "Q1 2015/16" is the first quarter of the financial year (Apr–Jun 2015); "Q1 2015" is Jan–Mar 2015.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .values import ValueParseError, words_to_int

__all__ = [
    "KINDS",
    "Period",
    "PeriodParseError",
    "calendar_year",
    "classify",
    "financial_year",
    "parse_period",
]

KINDS = ("exact", "calendar_year", "financial_year", "month", "quarter", "span", "year_span", "open_ended")
DAYS_PER_YEAR = 365.25


class PeriodParseError(ValueError):
    """A period label or date could not be read without guessing."""


@dataclass(frozen=True)
class Period:
    """A period, both ends inclusive; `label` keeps the source's own wording."""

    start: dt.date
    end: dt.date
    label: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise PeriodParseError(f"unknown period kind {self.kind!r}; expected one of {KINDS}")
        if self.end < self.start:
            raise PeriodParseError(
                f"period {self.label!r} ends ({self.end}) before it starts ({self.start})"
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def years(self) -> float:
        """Length in years, for annualising counts: days / 365.25 (a financial year is about 1.0)."""
        return self.days / DAYS_PER_YEAR


# --- tables --------------------------------------------------------------------------------------
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
# Quarter number -> first month. Financial-year Q1 is April–June; Q4 is January–March of the next year.
FY_QUARTER_START_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}
CALENDAR_QUARTER_START_MONTH = {1: 1, 2: 4, 3: 7, 4: 10}
# Lead-in words that carry no meaning for the dates themselves.
LEAD_WORDS = re.compile(
    r"^(?:between|from|during|for|the|in|over|period|of|year|calendar\s+year)\b\s*", re.I
)
FY_WORDS = re.compile(r"^(?:financial\s+year|fiscal\s+year|f/?y)\b\.?\s*", re.I)
# Range separators, tried at every place they occur; a split is kept only if both sides read as dates.
RANGE_SEPARATORS = re.compile(r"\s+(?:to|until|till|through|and)\s+|\s*-\s*", re.I)

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))


def _fail(text: object, reason: str) -> PeriodParseError:
    return PeriodParseError(f"cannot read period {text!r}: {reason}")


def _date(year: int, month: int, day: int, text: object) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise _fail(text, f"impossible date ({exc})") from None


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _year(token: str) -> int:
    y = int(token)
    return 2000 + y if len(token) == 2 else y


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(d.day, _month_end(year, month + 1)))


# --- constructors --------------------------------------------------------------------------------
def classify(start: dt.date, end: dt.date) -> str:
    """The kind a start/end pair has by shape alone (never `open_ended`)."""
    if start == end:
        return "exact"
    whole_months = start.day == 1 and end.day == _month_end(end.year, end.month)
    if not whole_months:
        return "span"
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.month == 1 and end.month == 12:
        return "calendar_year" if start.year == end.year else "year_span"
    if start.month == 4 and end.month == 3 and end.year == start.year + 1:
        return "financial_year"
    if months == 1:
        return "month"
    if months == 3 and start.month in (1, 4, 7, 10):
        return "quarter"
    return "span"


def financial_year(start_year: int) -> Period:
    """UK financial year starting 1 April `start_year`, labelled like '2013/14'."""
    return Period(dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31),
                  f"{start_year}/{(start_year + 1) % 100:02d}", "financial_year")


def calendar_year(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year), "calendar_year")


# --- ISO start/end -------------------------------------------------------------------------------
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _iso_bounds(value: object, what: str) -> tuple[dt.date, dt.date]:
    """First and last day an ISO value covers: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (or a date)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value, value
    m = _ISO.match(str(value).strip()) if isinstance(value, str) else None
    if not m:
        raise _fail(value, f"{what} must be an ISO date 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'")
    year = int(m.group(1))
    if m.group(3):
        d = _date(year, int(m.group(2)), int(m.group(3)), value)
        return d, d
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise _fail(value, f"impossible month {month}")
        return dt.date(year, month, 1), dt.date(year, month, _month_end(year, month))
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _reference(reference: object, text: str) -> dt.date:
    if reference is None:
        raise _fail(text, "it is relative to a date; a reference date is needed (pass reference=)")
    first, last = _iso_bounds(reference, "reference")
    if first != last:
        raise _fail(reference, "the reference must be one day 'YYYY-MM-DD'")
    return first


# --- one end of a range --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Point:
    """One end as written: `year` may be None ("April" in "April – June 2015")."""

    year: int | None
    month: int | None  # None: the whole year (or financial year)
    day: int | None
    fy: bool = False  # "2013/14" as one end of a range


_POINT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$"), "dmy"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "iso"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "iso_month"),
    (re.compile(rf"^(\d{{1,2}}) ({_MONTH_RE})\.?(?: (\d{{4}}))?$", re.I), "d_month_y"),
    (re.compile(rf"^({_MONTH_RE})\.? (\d{{1,2}})(?: (\d{{4}}))?$", re.I), "month_d_y"),
    (re.compile(rf"^({_MONTH_RE})\.?(?: (\d{{4}}))?$", re.I), "month_y"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})/(\d{2}|\d{4})$"), "fy"),
)


def _read_point(text: str, original: object) -> _Point | None:
    """One end of a range, or None if it is not a date shape (impossible dates raise)."""
    s = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text.strip(), flags=re.I)
    s = re.sub(r"[\s,]+", " ", s).strip()
    for pattern, shape in _POINT_PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        g = m.groups()
        if shape == "dmy":
            point = _Point(_year(g[2]), int(g[1]), int(g[0]))
        elif shape == "iso":
            point = _Point(int(g[0]), int(g[1]), int(g[2]))
        elif shape == "iso_month":
            point = _Point(int(g[0]), int(g[1]), None)
        elif shape == "d_month_y":
            point = _Point(int(g[2]) if g[2] else None, MONTHS[g[1].lower()], int(g[0]))
        elif shape == "month_d_y":
            point = _Point(int(g[2]) if g[2] else None, MONTHS[g[0].lower()], int(g[1]))
        elif shape == "month_y":
            point = _Point(int(g[1]) if g[1] else None, MONTHS[g[0].lower()], None)
        elif shape == "year":
            point = _Point(int(g[0]), None, None)
        else:
            return _Point(_fy_start(g[0], g[1], original), None, None, fy=True)
        if point.month is not None and not 1 <= point.month <= 12:
            raise _fail(original, f"impossible month in {text.strip()!r}")
        if point.year is not None and point.day is not None:
            _date(point.year, point.month, point.day, original)  # raises on 31/02/2023
        return point
    return None


def _first_day(p: _Point, year: int, original: object) -> dt.date:
    if p.fy:
        return dt.date(year, 4, 1)
    if p.month is None:
        return dt.date(year, 1, 1)
    return _date(year, p.month, p.day or 1, original)


def _last_day(p: _Point, year: int, original: object) -> dt.date:
    if p.fy:
        return dt.date(year + 1, 3, 31)
    if p.month is None:
        return dt.date(year, 12, 31)
    return _date(year, p.month, p.day or _month_end(year, p.month), original)


def _fy_start(first: str, second: str, original: object) -> int:
    """Start year of a financial year written 'YYYY/YY' or 'YYYY/YYYY'; the years must be consecutive."""
    y1 = int(first)
    y2 = int(second) if len(second) == 4 else (y1 // 100) * 100 + int(second)
    if len(second) == 2 and y2 < y1:  # 1999/00
        y2 += 100
    if y2 != y1 + 1:
        raise _fail(original, f"{first}/{second} is not a financial year (the years are not consecutive)")
    return y1


# --- label readers, tried in order ---------------------------------------------------------------
_QUARTER = re.compile(r"^(?:q([1-4]) (\d{4}(?:/\d{2,4})?)|(\d{4}(?:/\d{2,4})?) q([1-4]))$", re.I)
_YEAR_PAIR = re.compile(r"^(\d{4}) ?(/|-| to ) ?(\d{4}|\d{2})$", re.I)
_SINCE = re.compile(r"^since (.+)$", re.I)
_PAST_N = re.compile(r"^(?:the )?(?:past|last|previous) ([a-z]+|\d+) (years?|months?)$", re.I)
_LAST_YEAR = re.compile(r"^last (?:calendar )?year$", re.I)


def _normalise(label: str) -> tuple[str, bool]:
    """Dashes to '-', whitespace collapsed, lead-in words dropped; says whether 'FY' was written."""
    s = re.sub(r"[‐‑‒–—―]", "-", label)
    s = re.sub(r"\s+", " ", s).strip().rstrip(".:;,").strip()
    fy = False
    while True:
        m = FY_WORDS.match(s)
        if m:
            fy, s = True, s[m.end():]
            continue
        m = LEAD_WORDS.match(s)
        if m and m.end() < len(s):
            s = s[m.end():]
            continue
        return s, fy


def _relative(s: str, label: str, reference: object) -> Period | None:
    m = _SINCE.match(s)
    if m:
        point = _read_point(m.group(1), label)
        if point is None or point.year is None:
            raise _fail(label, f"cannot read the start {m.group(1)!r}")
        ref = _reference(reference, label)
        start = _first_day(point, point.year, label)
        if ref < start:
            raise _fail(label, f"the reference date {ref} is before the start {start}")
        return Period(start, ref, label, "open_ended")
    if _LAST_YEAR.match(s):
        ref = _reference(reference, label)
        return Period(dt.date(ref.year - 1, 1, 1), dt.date(ref.year - 1, 12, 31), label, "calendar_year")
    m = _PAST_N.match(s)
    if m:
        count = m.group(1)
        try:
            n = int(count) if count.isdigit() else words_to_int(count)
        except ValueParseError:
            raise _fail(label, f"cannot read {count!r} as a number") from None
        if n < 1:
            raise _fail(label, "the number of years or months must be at least 1")
        ref = _reference(reference, label)
        months = n * 12 if m.group(2).lower().startswith("year") else n
        start = _add_months(ref, -months) + dt.timedelta(days=1)
        return Period(start, ref, label, "span")
    return None


def _quarter(s: str, label: str) -> Period | None:
    m = _QUARTER.match(s)
    if not m:
        return None
    q = int(m.group(1) or m.group(4))
    year_text = m.group(2) or m.group(3)
    if "/" in year_text:
        fy_start = _fy_start(*year_text.split("/"), label)
        month = FY_QUARTER_START_MONTH[q]
        year = fy_start + 1 if q == 4 else fy_start
    else:
        year, month = int(year_text), CALENDAR_QUARTER_START_MONTH[q]
    end_month = month + 2
    return Period(dt.date(year, month, 1), dt.date(year, end_month, _month_end(year, end_month)),
                  label, "quarter")


def _year_pair(s: str, label: str, fy_words: bool) -> Period | None:
    m = _YEAR_PAIR.match(s)
    if not m:
        return None
    first, sep, second = m.group(1), m.group(2).strip().lower(), m.group(3)
    y1 = int(first)
    if sep == "/" or len(second) == 2:
        return Period(*_fy_dates(_fy_start(first, second, label)), label, "financial_year")
    y2 = int(second)
    if fy_words:
        return Period(*_fy_dates(_fy_start(first, second, label)), label, "financial_year")
    if sep == "-" and y2 == y1 + 1:
        raise _fail(label, f"'{first}-{second}' could be two calendar years or the financial year "
                           f"{first}/{second[2:]}; write '{first}/{second[2:]}' or '{first} to {second}', "
                           "or pass start= and end=")
    if y2 < y1:
        raise _fail(label, f"it ends ({y2}) before it starts ({y1})")
    return Period(dt.date(y1, 1, 1), dt.date(y2, 12, 31), label, "year_span")


def _fy_dates(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


def _range(s: str, label: str) -> Period | None:
    """'A to B', 'A - B', 'A and B': kept only if exactly one split reads as two dates."""
    results: set[tuple[dt.date, dt.date]] = set()
    for sep in RANGE_SEPARATORS.finditer(s):
        left = _read_point(s[:sep.start()], label) if sep.start() > 0 else None
        right = _read_point(s[sep.end():], label) if sep.end() < len(s) else None
        if left is None or right is None:
            continue
        # A side without a year takes the other side's year.
        y_left = left.year if left.year is not None else right.year
        y_right = right.year if right.year is not None else left.year
        if y_left is None or y_right is None:
            continue
        results.add((_first_day(left, y_left, label), _last_day(right, y_right, label)))
    if not results:
        return None
    if len(results) > 1:
        raise _fail(label, "it can be split into a start and an end in more than one way")
    start, end = results.pop()
    if end < start:
        raise _fail(label, f"it ends ({end}) before it starts ({start})")
    return Period(start, end, label, classify(start, end))


def _single(s: str, label: str) -> Period | None:
    point = _read_point(s, label)
    if point is None:
        return None
    if point.year is None:
        raise _fail(label, "it has no year")
    start, end = _first_day(point, point.year, label), _last_day(point, point.year, label)
    return Period(start, end, label, classify(start, end))


def parse_period(label: object, *, start: object = None, end: object = None,
                 reference: object = None) -> Period:
    """Read a period label, or take explicit ISO `start`/`end` (the label is then kept as written).

    `reference` (a date or 'YYYY-MM-DD') anchors relative wording such as "since 2015" or "past five
    years"; without it such labels raise.
    """
    text = "" if label is None else str(label)
    if start is not None or end is not None:
        if start is None or end is None:
            raise _fail(label, "give both start= and end=, or neither")
        first, _ = _iso_bounds(start, "start")
        _, last = _iso_bounds(end, "end")
        shown = text or f"{first.isoformat()} to {last.isoformat()}"
        if last < first:
            raise _fail(shown, f"it ends ({last}) before it starts ({first})")
        return Period(first, last, shown, classify(first, last))
    if not text.strip():
        raise _fail(label, "the label is empty and no start=/end= were given")

    s, fy_words = _normalise(text)
    period = _relative(s, text, reference)
    if period is None:
        period = _quarter(s, text) or _year_pair(s, text, fy_words) or _range(s, text) or _single(s, text)
    if period is None:
        raise _fail(text, "expected a year ('2018'), a financial year ('2013/14'), a quarter "
                          "('Q1 2015/16'), a month ('June 2016') or a range such as "
                          "'01/03/2021 - 28/02/2025' or 'Between January 2012 and June 2016'")
    if fy_words and period.kind != "financial_year":
        raise _fail(text, "it says financial year but the dates are not 1 April to 31 March")
    return period

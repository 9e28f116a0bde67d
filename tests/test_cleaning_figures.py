"""The figures.csv cleaner on synthetic raw files (named as synthetic): recoding, periods, errors."""
import csv
import math

import pytest

from analysis import populations
from analysis.cleaning import RawDataError
from analysis.cleaning import figures as cleaner

SOURCE = {"id": "synthetic_socialmedia_2015-2021_2021-10", "published": "2021-10-04", "topic": "social_media"}


def _raw(tmp_path, **overrides):
    row = {"force_as_published": "GMP", "period_as_published": "since 2015", "period_start": "2015",
           "period_end": "", "population_as_published": "officers", "measure": "people_investigated",
           "category_as_published": "", "value_as_published": "at least 999", "unit": "count",
           "outlet": "Synthetic Times", "url": "https://example.org/a", "published": "2021-10-04",
           "snippet": "at least 999 officers were reported since 2015", "note": ""}
    row.update(overrides)
    path = tmp_path / "synthetic_figures.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=cleaner.RAW_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
    return cleaner.read_file(path)


def test_a_row_is_recoded_and_keeps_its_raw_words(tmp_path):
    out = cleaner.clean(_raw(tmp_path), SOURCE).iloc[0]
    assert out["force"] == "Greater Manchester Police" and out["force_code"] == "E23000005"
    assert (out["value"], out["qualifier"], out["value_low"]) == (999, "at_least", 999)
    assert math.isinf(out["value_high"])
    # "since 2015" runs from 1 January 2015 to the publication date.
    assert (out["period_start"], out["period_end"]) == ("2015-01-01", "2021-10-04")
    assert (out["raw_force"], out["raw_value"], out["population"]) == ("GMP", "at least 999", "officers")
    assert out["source_locator"] == "synthetic_figures.csv line 2"


def test_undated_open_period_keeps_an_empty_end(tmp_path):
    source = dict(SOURCE, published="undated")
    out = cleaner.clean(_raw(tmp_path, published=""), source).iloc[0]
    assert (out["period_start"], out["period_end"]) == ("2015-01-01", "")


def test_outcome_rows_get_a_category_or_a_group(tmp_path):
    raw = _raw(tmp_path, measure="outcome", category_as_published="resignation, dismissal or retirement",
               value_as_published="Nine percent", unit="percent")
    out = cleaner.clean(raw, SOURCE).iloc[0]
    assert out["outcome"] == "dismissed+resigned_or_retired" and out["value"] == 9 and out["unit"] == "percent"


@pytest.mark.parametrize("text, value", [("a", 1), ("another", 1), ("Both officers", 2), ("a total of 41", 41)])
def test_prose_determiners_count_one_or_two(tmp_path, text, value):
    assert cleaner.clean(_raw(tmp_path, value_as_published=text), SOURCE).iloc[0]["value"] == value


@pytest.mark.parametrize("text, rank", [("fourth highest", 4), ("fifth worst", 5), ("ranked highest", 1)])
def test_rank_wording(tmp_path, text, rank):
    out = cleaner.clean(_raw(tmp_path, measure="rank_nationally", value_as_published=text, unit="rank"), SOURCE)
    assert out.iloc[0]["value"] == rank


@pytest.mark.parametrize("column, text, message", [
    ("force_as_published", "Police Scotland", "Police Scotland"),
    ("measure", "cases_invented", "not a measure code"),
    ("population_as_published", "volunteers of the moon", "not in populations.csv"),
    ("value_as_published", "several", "several"),
    ("unit", "litres", "expected one of"),
])
def test_unmapped_text_raises_naming_file_line_and_column(tmp_path, column, text, message):
    with pytest.raises(RawDataError) as err:
        cleaner.clean(_raw(tmp_path, **{column: text}), SOURCE)
    assert "synthetic_figures.csv line 2" in str(err.value) and column in str(err.value)
    assert message in str(err.value)


def test_unknown_outcome_wording_raises(tmp_path):
    raw = _raw(tmp_path, measure="outcome", category_as_published="sent to the moon")
    with pytest.raises(RawDataError, match="category_as_published"):
        cleaner.clean(raw, SOURCE)


def test_wrong_header_is_refused(tmp_path):
    path = tmp_path / "synthetic_bad_header.csv"
    path.write_text("force,value\nGMP,1\n")
    with pytest.raises(RawDataError, match="expected"):
        cleaner.read_file(path)


@pytest.mark.parametrize("text, expected", [("police officers", "officers"), ("Civilian staff", "staff"),
                                            ("community support officers", "pcso"),
                                            ("officers and staff", "all_personnel"), ("people", "unknown")])
def test_populations(text, expected):
    assert populations.categorise_population(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "aliens"])
def test_unknown_or_empty_population_raises(text):
    with pytest.raises(populations.UnknownPopulationError):
        populations.categorise_population(text)

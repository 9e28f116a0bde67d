"""Tests for analysis.forces: the registry, the alias recode and the aggregate areas."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import forces
from analysis.forces import UnknownForceError, canonical_area, canonical_force
from analysis.paths import RAW_DIR

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Every force spelling in the research folder's CSVs and captures, copied with provenance (fixtures/README.md).
SPELLINGS_FILE = FIXTURES / "research_force_spellings.csv"
# Byte-identical to the research folder's official_stats/workforce_by_worker_type.csv.
HOME_OFFICE_SUMS = RAW_DIR / "homeoffice_workforce_2007-2022_2022-07" / "workforce_by_worker_type.csv"

# Real spellings (sources, Home Office tables, press, FOI logs) and the force each must give.
KNOWN_SPELLINGS = {
    "Avon and Somerset Constabulary": "Avon and Somerset Constabulary",
    "Avon & Somerset": "Avon and Somerset Constabulary",
    "Avon and Somerset": "Avon and Somerset Constabulary",
    "avon_and_somerset_police": "Avon and Somerset Constabulary",
    "A&S": "Avon and Somerset Constabulary",
    "Bedfordshire": "Bedfordshire Police",
    "Bedfordshire Police": "Bedfordshire Police",
    "British Transport Police": "British Transport Police",
    "BTP": "British Transport Police",
    "Cambridgeshire Constabulary": "Cambridgeshire Constabulary",
    "Cheshire Constabulary": "Cheshire Constabulary",
    "City of London Police": "City of London Police",
    "City of London": "City of London Police",
    "London, City of": "City of London Police",
    "Cleveland Police": "Cleveland Police",
    "Cumbria Constabulary": "Cumbria Constabulary",
    "Derbyshire Constabulary": "Derbyshire Constabulary",
    "Devon & Cornwall": "Devon and Cornwall Police",
    "Devon and Cornwall Police": "Devon and Cornwall Police",
    "Devon and Cornwall police": "Devon and Cornwall Police",
    "Devon and Cornwall Constabulary": "Devon and Cornwall Police",
    "Dorset Police": "Dorset Police",
    "Durham": "Durham Constabulary",
    "County Durham": "Durham Constabulary",
    "Durham Constabulary": "Durham Constabulary",
    "Dyfed-Powys": "Dyfed-Powys Police",
    "Dyfed-Powys Police": "Dyfed-Powys Police",
    "Dyfed Powys Police": "Dyfed-Powys Police",
    "Essex Police": "Essex Police",
    "Gloucestershire Constabulary": "Gloucestershire Constabulary",
    "GMP": "Greater Manchester Police",
    "Greater Manchester": "Greater Manchester Police",
    "Greater Manchester Police": "Greater Manchester Police",
    "Gwent Police": "Gwent Police",
    "Gwent": "Gwent Police",
    "Hampshire": "Hampshire and Isle of Wight Constabulary",
    "Hampshire Constabulary": "Hampshire and Isle of Wight Constabulary",
    "Hampshire and Isle of Wight Constabulary": "Hampshire and Isle of Wight Constabulary",
    "Hertfordshire Constabulary": "Hertfordshire Constabulary",
    "Humberside Police": "Humberside Police",
    "Kent Police": "Kent Police",
    "Kent police": "Kent Police",
    "Lancashire Police": "Lancashire Constabulary",
    "Lancashire": "Lancashire Constabulary",
    "Leicestershire Police": "Leicestershire Police",
    "Lincolnshire": "Lincolnshire Police",
    "Merseyside Police": "Merseyside Police",
    "Metropolitan Police": "Metropolitan Police Service",
    "Metropolitan Police Service": "Metropolitan Police Service",
    "Metropolitan Police Service (MPS)": "Metropolitan Police Service",
    "The Metropolitan Police": "Metropolitan Police Service",
    "MPS": "Metropolitan Police Service",
    "the Met": "Metropolitan Police Service",
    "Met police": "Metropolitan Police Service",
    "Met Police": "Metropolitan Police Service",
    "the_met": "Metropolitan Police Service",
    "Norfolk Constabulary": "Norfolk Constabulary",
    "North Wales Police": "North Wales Police",
    "North Wales": "North Wales Police",
    "North Yorkshire": "North Yorkshire Police",
    "North Yorkshire Police": "North Yorkshire Police",
    "NYP": "North Yorkshire Police",
    "Northamptonshire Police": "Northamptonshire Police",
    "Northampton police": "Northamptonshire Police",
    "Northumbria Police": "Northumbria Police",
    "Notts Police": "Nottinghamshire Police",
    "Nottinghamshire Police": "Nottinghamshire Police",
    "South Wales police": "South Wales Police",
    "South Wales Police": "South Wales Police",
    "South Yorkshire Police": "South Yorkshire Police",
    "SYP": "South Yorkshire Police",
    "Staffordshire Police": "Staffordshire Police",
    "Suffolk Constabulary": "Suffolk Constabulary",
    "Surrey Police": "Surrey Police",
    "Sussex Police": "Sussex Police",
    "Thames Valley": "Thames Valley Police",
    "Thames Valley Police": "Thames Valley Police",
    "TVP": "Thames Valley Police",
    "Warwickshire Police": "Warwickshire Police",
    "West Mercia": "West Mercia Police",
    "West Mercia Police": "West Mercia Police",
    "West Midlands": "West Midlands Police",
    "West Midlands Police": "West Midlands Police",
    "WMP": "West Midlands Police",
    "wmp": "West Midlands Police",
    "West Yorkshire Police": "West Yorkshire Police",
    "WYP": "West Yorkshire Police",
    "Wiltshire Constabulary": "Wiltshire Police",
    "Wiltshire": "Wiltshire Police",
}

# The Welsh forces' official Welsh names (bilingual letterheads, logos and Welsh-language disclosure pages), and
# where each is seen: Dyfed-Powys's own Welsh disclosure log (dyfed-powys.police.uk/cy-GB/foi-ai/heddlu-dyfed-powys/)
# and the Herald.Wales headline "Heddlu Dyfed-Powys Police apologise over Freedom of Information failures";
# North Wales Police's Welsh FOI review procedure ("Heddlu Gogledd Cymru", whatdotheyknow.com); South Wales Police
# and Gwent Police ("Heddlu De Cymru", "Gwent Police / Heddlu Gwent" on the logo), en.wikipedia.org.
WELSH_NAMES = {
    "Heddlu Dyfed-Powys": "Dyfed-Powys Police",
    "Heddlu Dyfed–Powys": "Dyfed-Powys Police",
    "Heddlu Dyfed-Powys Police": "Dyfed-Powys Police",
    "Heddlu Gogledd Cymru": "North Wales Police",
    "Heddlu De Cymru": "South Wales Police",
    "Heddlu Gwent": "Gwent Police",
    "Gwent Police / Heddlu Gwent": "Gwent Police",
}


def test_welsh_names_resolve_to_the_welsh_forces():
    assert {name: canonical_force(name) for name in WELSH_NAMES} == WELSH_NAMES
    assert {forces.force_code(name)[:3] for name in WELSH_NAMES} == {"W15"}
    with pytest.raises(UnknownForceError):
        canonical_force("Heddlu")  # the word for police alone names no force


# Cells in the research folder's sources that name more than one force; the cleaner must split them first.
MULTI_FORCE_CELLS = {"West Mercia Police (also South Yorkshire Police 'NIL')"}

# Columns that hold a single force, or (pa_foi, workforce) a force or an aggregate area.
FORCE_COLUMNS = ("force", "force_as_written", "force_name_as_written")


def _shared_spellings() -> set[str]:
    """Every value of a force column in every CSV of the research folder's sources and seeds, plus the
    `force:` headers of the FOI raw texts (split on ';', the trailing '(...)' remark dropped), as copied
    into tests/fixtures/research_force_spellings.csv (one row per spelling and research file)."""
    frame = pd.read_csv(SPELLINGS_FILE, dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["spelling", "research_file", "where", "url"]
    assert frame["url"].str.match(r"https?://").all(), "every copied spelling keeps its public url"
    return set(frame["spelling"]) - MULTI_FORCE_CELLS - {""}


@pytest.fixture
def fresh_tables():
    """Clear the load-once caches before and after a test that swaps a recode file."""
    def clear():
        for fn in (forces._registry_rows, forces._force_lookup, forces._area_lookup, forces._registry_frame):
            fn.cache_clear()
    clear()
    yield
    clear()


def test_explicit_spellings_resolve_to_the_right_force():
    assert len(KNOWN_SPELLINGS) >= 60
    wrong = {s: canonical_force(s) for s, want in KNOWN_SPELLINGS.items() if canonical_force(s) != want}
    assert not wrong


def test_every_spelling_in_the_shared_sources_resolves():
    spellings = _shared_spellings()
    assert len(spellings) > 80  # guard against the reader silently finding nothing
    failures = {}
    for text in sorted(spellings):
        try:
            canonical_area(text)
        except UnknownForceError as exc:
            failures[text] = str(exc)
    assert not failures


def test_multi_force_cells_are_refused_not_guessed():
    for text in MULTI_FORCE_CELLS:
        with pytest.raises(UnknownForceError):
            canonical_force(text)


def test_codes_match_the_home_office_file():
    ho = pd.read_csv(HOME_OFFICE_SUMS, dtype=str)
    pairs = ho[["force_code", "force_name_as_written"]].drop_duplicates()
    assert len(pairs) == 43
    mismatched = {name: (code, forces.force_code(name)) for code, name in pairs.itertuples(index=False)
                  if forces.force_code(name) != code}
    assert not mismatched
    assert set(pairs["force_code"]) == set(forces.registry()["force_code"]) - {""}


def test_registry_shape():
    reg = forces.registry()
    assert list(reg.columns) == list(forces.REGISTRY_COLUMNS)
    assert len(reg) == 44 and reg["force"].is_unique
    codes = reg.loc[reg["force_code"] != "", "force_code"]
    assert len(codes) == 43 and codes.is_unique
    assert list(reg["force"]) == sorted(reg["force"])
    assert all(reg[c].map(type).eq(str).all() for c in reg.columns)
    assert set(reg["kind"]) == {"territorial", "special"}
    wales = reg[reg["country"] == "Wales"]
    assert set(wales["region"]) == {"Wales"} and set(wales["force_code"].str[:3]) == {"W15"}


def test_registry_is_a_copy():
    reg = forces.registry()
    reg.loc[0, "force"] = "changed"
    assert forces.registry().loc[0, "force"] != "changed"


def test_btp_has_no_code_and_is_special():
    info = forces.force_info("BTP")
    assert info["force"] == "British Transport Police"
    assert forces.force_code("British Transport Police") == ""
    assert info["kind"] == "special" and info["region"] == "National"
    assert forces.force_code("GMP") == "E23000005"
    assert forces.force_code("Dyfed Powys Police") == "W15000004"


@pytest.mark.parametrize("text", ["Police Scotland", "PSNI", "Police Service of Northern Ireland", "",
                                  "   ", None, "England and Wales", "Greater Manchester Fire",
                                  "random text", "Police", "Ministry of Defence Police", "Manchester"])
def test_non_forces_raise(text):
    with pytest.raises(UnknownForceError):
        canonical_force(text)


def test_unknown_force_error_is_a_value_error():
    assert issubclass(UnknownForceError, ValueError)


@pytest.mark.parametrize("text", ["Police Scotland", "PSNI"])
def test_outside_england_and_wales_message(text):
    with pytest.raises(UnknownForceError, match="outside England and Wales"):
        canonical_force(text)


def test_suggestion_for_a_typo_quotes_the_input():
    with pytest.raises(UnknownForceError) as info:
        canonical_force("Greater Manchster Police")
    assert "'Greater Manchster Police'" in str(info.value)
    assert "did you mean 'Greater Manchester Police'?" in str(info.value)


def test_aggregate_given_to_canonical_force_points_to_canonical_area():
    with pytest.raises(UnknownForceError, match="canonical_area"):
        canonical_force("England and Wales (41 of 43 forces)")


def test_lookalike_forces_stay_distinct():
    assert canonical_force("West Midlands") != canonical_force("West Mercia")
    assert canonical_force("West Midlands Police") == "West Midlands Police"
    assert canonical_force("West Mercia Police") == "West Mercia Police"
    assert canonical_force("North Yorkshire") != canonical_force("North Wales")
    assert canonical_force("South Wales") != canonical_force("South Yorkshire")
    assert canonical_force("Durham") == canonical_force("County Durham") == "Durham Constabulary"


def test_hampshire_rename_has_one_canonical_name():
    assert canonical_force("Hampshire Constabulary") == canonical_force("Hampshire") \
        == "Hampshire and Isle of Wight Constabulary"


@pytest.mark.parametrize("text, expected", [
    ("England and Wales", ("England and Wales", "K04000001", "country_group")),
    ("England and Wales (all responding forces)", ("England and Wales", "K04000001", "country_group")),
    ("England and Wales (41 of 43 forces)", ("England and Wales", "K04000001", "country_group")),
    ("England and Wales (43 forces)", ("England and Wales", "K04000001", "country_group")),
    ("UK", ("United Kingdom", "K02000001", "country_group")),
    ("UK (32 of 44 forces responding)", ("United Kingdom", "K02000001", "country_group")),
    ("UK (36 forces responding)", ("United Kingdom", "K02000001", "country_group")),
    ("UK (responding forces)", ("United Kingdom", "K02000001", "country_group")),
    ("England, Wales and NI", ("England, Wales and Northern Ireland", "", "country_group")),
    ("England, Wales and NI (29 forces)", ("England, Wales and Northern Ireland", "", "country_group")),
    ("28 forces in England and Wales (combined)", ("28 responding forces", "", "ad_hoc_group")),
    ("Yorkshire's four forces (combined)", ("Yorkshire's four forces", "", "ad_hoc_group")),
    ("GMP", ("Greater Manchester Police", "E23000005", "force")),
    ("BTP", ("British Transport Police", "", "force")),
])
def test_canonical_area(text, expected):
    assert canonical_area(text) == expected


@pytest.mark.parametrize("text", ["", "Police Scotland", "Scotland and Wales", "Englund and Wales"])
def test_canonical_area_unknown_raises(text):
    with pytest.raises(UnknownForceError):
        canonical_area(text)


def test_every_registry_name_and_short_name_resolves():
    for row in forces.registry().itertuples(index=False):
        assert canonical_force(row.force) == row.force
        assert canonical_force(row.short_name) == row.force


def test_normalise_examples():
    assert forces.normalise(" The  Dyfed–Powys Police ") == "dyfed powys"
    assert forces.normalise("Avon & Somerset Constabulary") == "avon and somerset"
    assert forces.normalise("Police") == "police"  # never stripped to nothing
    assert forces.normalise("Police Scotland") == "police scotland"  # only trailing words go


with forces.ALIASES_FILE.open(encoding="utf-8", newline="") as _fh:
    aliases = [row["alias"] for row in csv.DictReader(_fh)]


@given(alias=st.sampled_from(aliases), upper=st.booleans(), pad=st.sampled_from(["", " ", "  \t"]))
def test_case_and_whitespace_do_not_matter(alias, upper, pad):
    variant = pad + (alias.upper() if upper else alias.lower()).replace(" ", "  ") + pad
    assert canonical_force(variant) == canonical_force(alias)


@given(st.text(max_size=30))
def test_normalise_is_idempotent(text):
    assert forces.normalise(forces.normalise(text)) == forces.normalise(text)


# --- validation on load: a broken recode table must fail loudly with file and line -------------------

def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_alias_to_unknown_force_names_file_and_line(tmp_path, monkeypatch, fresh_tables):
    bad = _write(tmp_path / "force_aliases.csv", "alias,force,seen_in\n"
                 "GMP,Greater Manchester Police,https://example.org/synthetic\n"
                 "X,Nowhere Police,https://example.org/synthetic\n")
    monkeypatch.setattr(forces, "ALIASES_FILE", bad)
    with pytest.raises(ValueError, match=r"force_aliases\.csv line 3: force 'Nowhere Police'"):
        canonical_force("GMP")


def test_alias_mapping_to_two_forces_is_refused(tmp_path, monkeypatch, fresh_tables):
    bad = _write(tmp_path / "force_aliases.csv",
                 "alias,force,seen_in\nWest Midlands Police,West Midlands Police,https://example.org/synthetic\n"
                 "west-midlands,West Mercia Police,https://example.org/synthetic\n")
    monkeypatch.setattr(forces, "ALIASES_FILE", bad)
    with pytest.raises(ValueError, match=r"force_aliases\.csv line 3.*already"):
        canonical_force("GMP")


def test_registry_with_duplicate_code_is_refused(tmp_path, monkeypatch, fresh_tables):
    text = forces.FORCES_FILE.read_text(encoding="utf-8").replace("E23000036", "E23000026")
    monkeypatch.setattr(forces, "FORCES_FILE", _write(tmp_path / "forces.csv", text))
    with pytest.raises(ValueError, match=r"forces\.csv line \d+: force_code E23000026 already used"):
        forces.registry()


def test_registry_with_missing_force_is_refused(tmp_path, monkeypatch, fresh_tables):
    lines = forces.FORCES_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    monkeypatch.setattr(forces, "FORCES_FILE", _write(tmp_path / "forces.csv", "".join(lines[:-1])))
    with pytest.raises(ValueError, match=r"forces\.csv.*expected 44 forces"):
        forces.registry()


def test_aggregate_alias_that_is_a_force_is_refused(tmp_path, monkeypatch, fresh_tables):
    bad = _write(tmp_path / "aggregates.csv",
                 "alias,area,area_code,kind,seen_in\nKent,Kent group,,ad_hoc_group,https://example.org/synthetic\n")
    monkeypatch.setattr(forces, "AGGREGATES_FILE", bad)
    with pytest.raises(ValueError, match=r"aggregates\.csv line 2: alias 'Kent' is also a spelling"):
        canonical_area("England and Wales")

"""Every recode row says where its spelling was seen (seen_in: a source id or a url), and a new row without it
is refused. analysis.seen_in holds the rules; the recode tables are src/analysis/recode/*.csv."""
import csv

import pytest

from analysis import forces, outcomes, populations, seen_in, sources
from analysis.paths import RECODE_DIR

TABLES = {"force_aliases": "alias", "aggregates": "alias", "outcome_wording": "wording", "populations": "wording"}

# Rows recorded before seen_in existed whose spelling is in no file of data/raw: "research:<file>" names the
# research note it came from, "unattested (<commit>)" says no source or note shows it (to be sourced, or
# removed once no test or data needs it). This list may only shrink: every new row cites a source id or a url.
LEGACY = {
    ('force_aliases', 'avon_and_somerset_police'),
    ('force_aliases', 'A&S'),
    ('force_aliases', 'Beds Police'),
    ('force_aliases', 'Cambs Police'),
    ('force_aliases', 'Cheshire Police'),
    ('force_aliases', 'Durham Police'),
    ('force_aliases', 'Glos Police'),
    ('force_aliases', 'Hampshire and Isle of Wight Constabulary'),
    ('force_aliases', 'Hampshire & Isle of Wight Constabulary'),
    ('force_aliases', 'Hampshire and Isle of Wight'),
    ('force_aliases', 'Lancashire Constabulary'),
    ('force_aliases', 'Leics Police'),
    ('force_aliases', 'Lincolnshire Police'),
    ('force_aliases', 'Lincs Police'),
    ('force_aliases', 'the_met'),
    ('force_aliases', 'Northants Police'),
    ('force_aliases', 'Northampton police'),
    ('force_aliases', 'Staffs Police'),
    ('aggregates', 'England & Wales'),
    ('aggregates', "Yorkshire's 4 forces"),
    ('outcome_wording', 'dismissal with notice'),
    ('outcome_wording', 'would have been dismissed had they not resigned'),
    ('outcome_wording', 'would have been dismissed without notice if he was still serving'),
    ('outcome_wording', 'resigned before hearing'),
    ('outcome_wording', 'resigned ahead of a meeting'),
    ('outcome_wording', 'left the force before the hearing'),
    ('outcome_wording', 'resigned dismissed or retired'),
    ('outcome_wording', 'resigned retired or sacked more than'),
    ('outcome_wording', 'dismissed at least'),
    ('outcome_wording', 'FWW'),
    ('outcome_wording', 'WW'),
    ('outcome_wording', 'practice requiring improvement'),
    ('outcome_wording', 'misconduct meeting and management advice'),
    ('outcome_wording', 'management or informal advice'),
    ('outcome_wording', 'management action taken'),
    ('outcome_wording', 'management action/guidance/advice'),
    ('outcome_wording', 'management action guidance or advice'),
    ('outcome_wording', 'written warning or management advice'),
    ('outcome_wording', 'management advice or written warning'),
    ('outcome_wording', 'reprimand'),
    ('outcome_wording', 'reduction in rank'),
    ('outcome_wording', 'reduced in rank'),
    ('outcome_wording', 'unsatisfactory performance procedures'),
    ('outcome_wording', 'complaints dismissed not upheld'),
    ('outcome_wording', 'misconduct not proven'),
    ('outcome_wording', 'found not misconduct'),
    ('outcome_wording', 'NFA'),
    ('outcome_wording', 'proceedings discontinued'),
    ('outcome_wording', 'still under investigation'),
    ('outcome_wording', 'awaiting hearing'),
    ('outcome_wording', 'not recorded'),
    ('outcome_wording', 'no finding recorded'),
    ('populations', 'civilian police employees'),
    ('populations', 'officers and civilian staff'),
}


def _rows(table):
    with open(RECODE_DIR / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("table", TABLES)
def test_every_row_says_where_it_was_seen(table):
    rows = _rows(table)
    assert rows and all("seen_in" in row for row in rows)
    ids = {e["id"] for e in sources.manifest()}
    for row in rows:
        key, where = row[TABLES[table]], row["seen_in"].strip()
        assert where, f"{table}: {key!r} has no seen_in"
        if seen_in.LEGACY.fullmatch(where):
            assert (table, key) in LEGACY, f"{table}: {key!r}: a new row must cite a source id or a url, not {where!r}"
        elif seen_in.SOURCE_ID.fullmatch(where):
            assert where in ids, f"{table}: {key!r}: seen_in {where!r} is not a source in sources.yml"
        else:
            assert seen_in.URL.fullmatch(where), f"{table}: {key!r}: seen_in {where!r}"


@pytest.mark.parametrize("table", TABLES)
def test_a_source_id_in_seen_in_really_holds_the_spelling(table):
    for row in _rows(table):
        where = row["seen_in"]
        if seen_in.SOURCE_ID.fullmatch(where):
            assert where in seen_in.where_seen(row[TABLES[table]], table), \
                f"{table}: {row[TABLES[table]]!r} is not in the files of {where}"


def test_legacy_rows_still_exist_and_are_not_in_data_raw():
    present = {(t, row[k]): row["seen_in"] for t, k in TABLES.items() for row in _rows(t)}
    for table, key in LEGACY:
        assert (table, key) in present, f"{key!r} left {table}: remove it from LEGACY too"
        if seen_in.LEGACY.fullmatch(present[(table, key)]):
            # were it in data/raw, its seen_in should name that source instead
            assert not seen_in.where_seen(key, table), f"{table}: {key!r} is in data/raw: cite the source id"


def test_where_seen_finds_a_spelling_in_its_column_first():
    assert seen_in.where_seen("Wiltshire Constabulary")[0] == "bbcsdu_iopccasetoanswer_2018-2022_2022-02"
    assert seen_in.where_seen("resignation, dismissal or retirement", "outcome_wording")[0] == \
        "pa_socialmedia_2009-2014_2014-08"
    assert seen_in.where_seen("Wilts Police") == []


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fresh():
    caches = (forces._force_lookup, forces._area_lookup, outcomes._wording_lookup, populations._table)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


def test_an_alias_without_seen_in_is_refused(tmp_path, monkeypatch, fresh):
    good = forces.ALIASES_FILE.read_text(encoding="utf-8")
    monkeypatch.setattr(forces, "ALIASES_FILE", _write(tmp_path, "force_aliases.csv",
                                                       good + "Wilts Police,Wiltshire Police,\n"))
    line = len(good.splitlines()) + 1
    with pytest.raises(seen_in.MissingSeenInError) as err:
        forces.canonical_force("Wilts Police")
    assert str(err.value).startswith(f"force_aliases.csv line {line}: 'Wilts Police' has no seen_in: say where")
    assert "python -m analysis seen-in 'Wilts Police'" in str(err.value)


def test_a_seen_in_that_is_neither_an_id_nor_a_url_is_refused(tmp_path, monkeypatch, fresh):
    good = forces.AGGREGATES_FILE.read_text(encoding="utf-8")
    monkeypatch.setattr(forces, "AGGREGATES_FILE", _write(tmp_path, "aggregates.csv",
                                                          good + "Wales,Wales,,country_group,a newspaper\n"))
    with pytest.raises(seen_in.MissingSeenInError, match="seen_in 'a newspaper' of 'Wales' is neither"):
        forces.canonical_area("Wales")


def test_an_outcome_wording_without_seen_in_is_refused(tmp_path, monkeypatch, fresh):
    path = _write(tmp_path, "outcome_wording.csv", "wording,outcome,note,seen_in\nsacked,dismissed,,\n")
    monkeypatch.setattr(outcomes, "WORDING_FILE", path)
    with pytest.raises(seen_in.MissingSeenInError, match="outcome_wording.csv line 2: 'sacked' has no seen_in"):
        outcomes.categorise_outcome("sacked")


def test_a_population_wording_without_seen_in_is_refused(tmp_path, monkeypatch, fresh):
    path = _write(tmp_path, "populations.csv", "wording,population,seen_in\nconstables,officers,\n")
    monkeypatch.setattr(populations, "RECODE_FILE", path)
    with pytest.raises(seen_in.MissingSeenInError, match="populations.csv line 2: 'constables' has no seen_in"):
        populations.categorise_population("constables")


def test_a_table_without_the_seen_in_column_is_refused(tmp_path, monkeypatch, fresh):
    path = _write(tmp_path, "populations.csv", "wording,population\nconstables,officers\n")
    monkeypatch.setattr(populations, "RECODE_FILE", path)
    with pytest.raises(ValueError, match="populations.csv line 1: expected columns"):
        populations.categorise_population("constables")


def test_the_seen_in_command_lists_sources(capsys):
    from analysis.__main__ import main
    assert main(["seen-in", "Wiltshire Constabulary"]) == 0
    assert "bbcsdu_iopccasetoanswer_2018-2022_2022-02" in capsys.readouterr().out
    assert main(["seen-in", "Wilts Police"]) == 1
    assert "not in any file of data/raw" in capsys.readouterr().err


SYNTHETIC = __import__("pathlib").Path(__file__).parent / "synthetic"


@pytest.fixture
def tables_copy(tmp_path, monkeypatch, fresh):
    for module, attr, name in ((forces, "ALIASES_FILE", "force_aliases.csv"),
                               (forces, "AGGREGATES_FILE", "aggregates.csv"),
                               (outcomes, "WORDING_FILE", "outcome_wording.csv"),
                               (populations, "RECODE_FILE", "populations.csv")):
        copy = tmp_path / name
        copy.write_bytes(getattr(module, attr).read_bytes())
        monkeypatch.setattr(module, attr, copy)
    return tmp_path


@pytest.mark.parametrize("cell, ref", [
    ("hmic_socialmedia_2012_2012-12/figures_newsandstar.csv (News & Star 1.1023221)", "hmic_socialmedia_2012_2012-12"),
    ("btp_socialmedia_2021_2025-05; policeprofessional_socialmedia_2023_2025-11_btp", "btp_socialmedia_2021_2025-05"),
    ("https://example.org/a?b=c (a page)", "https://example.org/a?b=c"),
    ("pa_socialmedia_2009-2014_2014-08", "pa_socialmedia_2009-2014_2014-08"),
])
def test_a_research_helpers_seen_in_cell_gives_its_first_reference(cell, ref):
    assert seen_in.reference(cell) == ref


def test_recode_additions_are_appended_checked_and_read(tables_copy, capsys):
    from analysis.__main__ import main
    before = (tables_copy / "force_aliases.csv").read_text(encoding="utf-8")
    assert main(["recode-add", str(SYNTHETIC / "recode_additions_synthetic.csv")]) == 0
    out = capsys.readouterr().out
    assert "4 row(s) added" in out
    assert "not added, a new measure code: add it to recode/measures.csv by hand after review: 'officers_sworn'" in out
    after = (tables_copy / "force_aliases.csv").read_text(encoding="utf-8")
    assert after == before + "Wilts Police,Wiltshire Police,https://example.org/synthetic-test-only\n"
    assert forces.canonical_force("Wilts Police") == "Wiltshire Police"
    assert outcomes.categorise_outcome("given the boot") == "dismissed"
    assert populations.categorise_population("sworn officers") == "officers"
    assert forces.canonical_area("nationwide (synthetic)") == ("England and Wales", "K04000001", "country_group")
    assert "officers_sworn" not in (tables_copy / "outcome_wording.csv").read_text(encoding="utf-8")


def test_a_bad_recode_addition_refuses_the_whole_file(tables_copy, capsys):
    from analysis.__main__ import main
    before = {p.name: p.read_text(encoding="utf-8") for p in tables_copy.glob("*.csv")}
    assert main(["recode-add", str(SYNTHETIC / "recode_additions_synthetic_bad.csv")]) == 1
    assert "line 3: 'given the boot' has no seen_in" in capsys.readouterr().err
    assert {p.name: p.read_text(encoding="utf-8") for p in tables_copy.glob("*.csv")} == before


@pytest.mark.parametrize("row, message", [
    ("force_aliases,Wilts Police,Wiltshire Police,research:notes.md", "seen_in 'research' of 'Wilts Police' is neither"),
    ("force_aliases,Wilts Police,Wiltshire Police,the Salisbury Journal", "neither a source id nor an http"),
    ("force_aliases,Wiltshire Constabulary,Kent Police,https://example.org/x", "already reads as 'Wiltshire Police'"),
    ("populations,sworn officers,sworn,https://example.org/x", "population 'sworn' is not one of"),
    ("aggregates,Kent and Essex,Kent Police,https://example.org/x", "is one force: the spelling belongs"),
    ("aggregates,Kent,England and Wales,https://example.org/x", "already reads as 'Kent Police'"),
])
def test_recode_additions_are_checked_row_by_row(tables_copy, tmp_path, row, message):
    path = tmp_path / "recode_additions.csv"
    path.write_text("table,key,value,seen_in\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        seen_in.add_recode_rows(path)


def test_refresh_legacy_cites_a_source_once_the_spelling_is_in_data_raw(tables_copy, monkeypatch):
    from analysis.__main__ import main
    # a legacy row whose spelling the data hold ("Wiltshire Constabulary" is in the BBC SDU table)
    text = (tables_copy / "force_aliases.csv").read_text(encoding="utf-8").replace(
        "Wiltshire Constabulary,Wiltshire Police,bbcsdu_iopccasetoanswer_2018-2022_2022-02",
        "Wiltshire Constabulary,Wiltshire Police,unattested (37b8541)")
    (tables_copy / "force_aliases.csv").write_text(text, encoding="utf-8")
    changed = seen_in.refresh_legacy()
    assert changed == [("force_aliases", "Wiltshire Constabulary", "bbcsdu_iopccasetoanswer_2018-2022_2022-02")]
    assert "Wiltshire Constabulary,Wiltshire Police,bbcsdu_iopccasetoanswer_2018-2022_2022-02\n" in \
        (tables_copy / "force_aliases.csv").read_text(encoding="utf-8")
    assert main(["seen-in", "--refresh-legacy"]) == 0  # nothing left to change
    assert seen_in.refresh_legacy() == []

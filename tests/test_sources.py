"""The raw layer: manifest complete, checksums match, every processed row traces to a source and snippet."""
import csv
import re

import pytest
import yaml

import analysis
from analysis import sources
from analysis.paths import RAW_DIR, SOURCES_YML


def test_manifest_entries_are_complete():
    entries = sources.manifest()
    assert len(entries) >= 15
    for entry in entries:
        for field in ("url", "title", "publisher", "obtained"):
            assert str(entry[field]).strip(), f"{entry['id']}: empty {field}"
        assert entry["url"].startswith("http"), entry["id"]
        assert entry["files"], f"{entry['id']} lists no files"
        assert re.fullmatch(r"[a-z0-9]+_[a-z0-9]+_[a-z0-9-]+_[a-z0-9-]+(_[A-Za-z0-9.-]+)?", entry["id"]), entry["id"]
        for key in ("geography", "population", "period", "definition"):
            assert str(entry["covers"].get(key, "")).strip(), f"{entry['id']}: covers.{key} empty"


def test_checksums_match_and_no_raw_file_is_unlisted():
    checked = sources.verify_checksums()
    on_disk = [p for p in RAW_DIR.rglob("*") if p.is_file() and p != SOURCES_YML]
    assert sorted(checked) == sorted(on_disk)


def test_a_changed_raw_file_is_refused(tmp_path):
    raw = tmp_path / "raw"
    (raw / "x_y_2000_2001-01").mkdir(parents=True)
    data = raw / "x_y_2000_2001-01" / "figures.csv"
    data.write_text("a\n1\n")
    manifest = raw / "sources.yml"
    entry = {"id": "x_y_2000_2001-01", "title": "t", "publisher": "p", "url": "https://example.org",
             "published": "2001-01-01", "obtained": "o", "topic": "social_media", "covers": {}, "caveats": [],
             "files": [{"path": "figures.csv", "sha256": sources.sha256(data)}]}
    manifest.write_text(yaml.safe_dump([entry]))
    assert sources.verify_checksums(manifest, raw) == [data]
    data.write_text("a\n2\n")
    with pytest.raises(sources.ChecksumMismatchError, match="figures.csv"):
        sources.verify_checksums(manifest, raw)


def test_every_processed_row_traces_to_a_source_and_its_snippet():
    ids = {s["id"] for s in sources.manifest()}
    for name in ("observations", "cases"):
        frame = analysis.load(name)
        assert set(frame["source_id"]) <= ids
        assert (frame["snippet"].str.len() >= 5).all()  # the shortest real one is "1. 3." (Northumbria 593/20)
        assert frame["url"].str.startswith("http").all()
    obs = analysis.load("observations")
    for row in obs.itertuples():
        # The locator points at a real line of a raw file that holds the same value wording.
        file, line = row.source_locator.rsplit(" line ", 1)
        if ":" in file:  # a cell of an FOI reply table: read it again through analysis.foi
            from analysis.cleaning import foi_tables
            assert foi_tables.trace(row.source_id, row.source_locator) == row.raw_value
            continue
        with open(RAW_DIR / row.source_id / file, encoding="utf-8", newline="") as fh:
            raw_rows = list(csv.DictReader(fh))
        raw = raw_rows[int(line) - 2]
        assert raw["value_as_published"] == row.raw_value
        assert raw["snippet"] == row.snippet


def test_every_value_wording_appears_in_its_snippet():
    obs = analysis.load("observations")
    digits = obs[obs["raw_value"].str.contains(r"\d")]
    for row in digits.itertuples():
        number = re.search(r"\d[\d,.]*", row.raw_value).group(0)
        assert number in row.snippet, f"{row.source_id} {row.source_locator}: {row.raw_value!r} not in snippet"


def test_the_fast_yaml_parser_reads_the_manifest_as_the_python_parser_does():
    text = SOURCES_YML.read_text(encoding="utf-8")
    assert sources._parse(SOURCES_YML, text) == yaml.safe_load(text)

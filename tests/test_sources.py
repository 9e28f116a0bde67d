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


def test_caveats_that_list_missing_forces_agree_with_the_data(obs):
    """A caveat 'Missing forces (...): A, B, ...; C, D refused.' names exactly the forces the study has no
    figure for, and exactly those that refused: a further outlet's figure must also come off the list."""
    from analysis import forces, quality
    checked = 0
    for entry in sources.manifest():
        for caveat in entry["caveats"]:
            if not str(caveat).startswith("Missing forces"):
                continue
            listed, _, refused = caveat.split(":", 1)[1].partition(";")
            refused = refused.split("refused")[0]
            names = lambda text: {forces.canonical_force(re.sub(r"\(.*?\)", "", n).strip())
                                  for n in text.split(",") if n.strip()}
            gaps = quality.with_gaps(quality.force_values(obs, entry["id"]))
            assert names(listed) == set(gaps.loc[gaps["status"] == "no figure found", "force"]), entry["id"]
            assert names(refused) == set(gaps.loc[gaps["status"] == "refused", "force"]), entry["id"]
            checked += 1
    assert checked >= 1


# --- the sources.yml contract (docs/raw_data_format.md) -------------------------------------------------------

def _manifest(tmp_path, **changes):
    """A one-entry manifest in tmp_path with a real file; `changes` set (or, with None, drop) fields."""
    raw = tmp_path / "raw"
    folder = raw / "x_y_2000_2001-01"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "figures.csv").write_text("a\n1\n")
    entry = {"id": "x_y_2000_2001-01", "title": "t", "publisher": "p", "url": "https://example.org",
             "published": "2001-01-01", "obtained": "o", "licence": "l", "topic": "social_media",
             "covers": {}, "caveats": [],
             "files": [{"path": "figures.csv", "sha256": sources.sha256(folder / "figures.csv")}]}
    for key, value in changes.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value
    (raw / "sources.yml").write_text(yaml.safe_dump([entry]))
    sources._read_manifest.cache_clear()
    return raw / "sources.yml", raw


@pytest.mark.parametrize("field", sources.REQUIRED_FIELDS[1:])
def test_a_missing_required_field_is_named_with_the_file_and_the_source(tmp_path, field):
    manifest, _ = _manifest(tmp_path, **{field: None})
    with pytest.raises(sources.ManifestError) as err:
        sources.manifest(manifest)
    message = str(err.value)
    assert str(manifest) in message and "x_y_2000_2001-01" in message
    assert f"missing required field {field}" in message


def test_optional_fields_may_be_left_out(tmp_path):
    manifest, raw = _manifest(tmp_path, licence=None)
    assert sources.manifest(manifest)[0]["id"] == "x_y_2000_2001-01"
    assert set(sources.OPTIONAL_FIELDS) & set(sources.REQUIRED_FIELDS) == set()


@pytest.mark.parametrize("changes, message", [
    ({"licnce": "typo"}, "unknown field(s) licnce"),
    ({"title": "  "}, "field title is empty"),
    ({"url": "www.example.org"}, "not an http(s) address"),
    ({"published": "19 August 2014"}, "is not YYYY-MM-DD"),
    ({"topic": "facebook"}, "topic 'facebook' is not one of"),
    ({"files": []}, "files must list every file"),
    ({"files": [{"sha256": "0" * 64}]}, "files item 1 has no path"),
    ({"files": [{"path": "figures.csv", "sha256": "0" * 64, "outlett": "x"}]}, "unknown field(s) outlett"),
    ({"id": "Bad Id"}, "does not follow"),
])
def test_malformed_entries_are_refused_with_a_clear_message(tmp_path, changes, message):
    manifest, _ = _manifest(tmp_path, **changes)
    with pytest.raises(sources.ManifestError) as err:
        sources.manifest(manifest)
    assert message in str(err.value) and str(manifest) in str(err.value)


def test_a_missing_checksum_is_reported_as_missing_not_as_an_edit(tmp_path):
    manifest, raw = _manifest(tmp_path, files=[{"path": "figures.csv"}])
    with pytest.raises(sources.ManifestError) as err:
        sources.verify_checksums(manifest, raw)
    assert not isinstance(err.value, sources.ChecksumMismatchError)
    message = str(err.value)
    assert message.startswith("no sha256 recorded for figures.csv of x_y_2000_2001-01")
    assert "python -m analysis hash data/raw/x_y_2000_2001-01/figures.csv" in message
    assert "edited" not in message and "None" not in message


def test_a_malformed_checksum_is_reported_as_such(tmp_path):
    manifest, raw = _manifest(tmp_path, files=[{"path": "figures.csv", "sha256": "<hex>"}])
    with pytest.raises(sources.ManifestError, match=r"'<hex>', not 64 lower-case hex digits") as err:
        sources.verify_checksums(manifest, raw)
    assert not isinstance(err.value, sources.ChecksumMismatchError)


def test_a_yaml_syntax_error_names_the_file(tmp_path):
    manifest, _ = _manifest(tmp_path)
    manifest.write_text("- id: x\n  title: 'unclosed\n  - : :\n")
    with pytest.raises(sources.ManifestError, match="not valid YAML") as err:
        sources.manifest(manifest)
    assert str(manifest) in str(err.value)


def test_every_recorded_source_has_a_licence():
    for entry in sources.manifest():
        assert str(entry.get("licence") or "").strip(), f"{entry['id']}: no licence"

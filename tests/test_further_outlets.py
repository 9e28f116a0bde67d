"""A further outlet's report of a study already in the data (data/raw/<id>/figures_<outlet>.csv) counts toward
that study: per-force values, gaps, rates and the "missing" lists. Built in a copy of data/raw with the SYNTHETIC
files of tests/synthetic/ (never published figures)."""
from pathlib import Path

import pytest
import yaml

from analysis import quality, rates, sources, tables
from analysis.cleaning import RawDataError
from analysis.additions import AddOutletError, add_outlet_file, insert_file_item

from conftest import pa_gap_force, synthetic_file

SYNTHETIC = Path(__file__).parent / "synthetic"
PA = rates.PA2014
WILTS = pa_gap_force()  # Wiltshire while PA 2014 has no figure for it


def _processed(project, name):
    return tables.read_csv(project / "data" / "processed" / f"{name}.csv",
                           numeric_columns=("value", "value_low", "value_high", "count", "denominator",
                                            "rate_per_1000"))


def _pa_status(obs):
    gaps = quality.with_gaps(quality.force_values(obs, PA))
    return gaps.set_index("force").loc[WILTS]


def test_a_further_outlet_moves_a_force_from_missing_to_present_in_its_study(project):
    from analysis.pipeline import rebuild
    rebuild(out_dir=project / "data" / "processed")
    before = _processed(project, "observations")
    assert _pa_status(before)["status"] == "no figure found"

    stored = add_outlet_file(PA, synthetic_file("figures_synthetic.csv", project / "staging", WILTS))
    assert stored == project / "data" / "raw" / PA / "figures_synthetic.csv"
    item = sources.source(PA)["files"][-1]
    assert item == {"path": "figures_synthetic.csv", "sha256": sources.sha256(stored),
                    "outlet": "Synthetic Test Outlet", "url": "https://example.org/synthetic-test-only"}
    assert sources.verify_checksums()  # the new file is listed with its own checksum

    obs = _processed(project, "observations")
    row = obs[(obs["source_id"] == PA) & (obs["force"] == WILTS)]
    assert row["source_locator"].tolist() == ["figures_synthetic.csv line 2"]
    assert row["value"].tolist() == [18] and row["raw_value"].tolist() == ["eighteen"]
    after = _pa_status(obs)
    assert (after["status"], after["value"]) == ("figure", 18)
    # Notebook 02's "no published figure" list and the study's rates are computed from the same table.
    missing = quality.with_gaps(quality.force_values(obs, PA))
    assert WILTS not in set(missing.loc[missing["status"] == "no figure found", "force"])
    fr = _processed(project, "force_rates")
    wilts = fr[(fr["source_id"] == PA) & (fr["force"] == WILTS) & (fr["denominator_source"] == "official")].iloc[0]
    assert wilts["count"] == 18 and wilts["count_qualifier"] == "exact" and wilts["rate_per_1000"] > 0
    # Every other row of the study is as it was: the recorded files were not touched.
    keep = before[before["source_id"] == PA]
    assert keep["source_locator"].tolist() == obs.loc[(obs["source_id"] == PA)
                                                      & (obs["source_locator"] != "figures_synthetic.csv line 2"),
                                                      "source_locator"].tolist()


def test_the_manifest_text_is_changed_only_by_the_new_files_item(project):
    manifest = project / "data" / "raw" / "sources.yml"
    text = manifest.read_text(encoding="utf-8")
    item = {"path": "figures_synthetic.csv", "sha256": "0" * 64, "outlet": "Synthetic Test Outlet",
            "url": "https://example.org/synthetic-test-only"}
    new = insert_file_item(text, PA, item)
    old_lines, new_lines = text.splitlines(), new.splitlines()
    assert len(new_lines) == len(old_lines) + 4
    assert [line for line in new_lines if line not in old_lines] == [
        "  - path: figures_synthetic.csv", "    sha256: '" + "0" * 64 + "'", "    outlet: Synthetic Test Outlet",
        "    url: https://example.org/synthetic-test-only"]
    entries = yaml.safe_load(new)
    assert [e for e in entries if e["id"] == PA][0]["files"][-1] == item
    assert [e for e in entries if e["id"] != PA] == [e for e in yaml.safe_load(text) if e["id"] != PA]


def test_a_bad_outlet_file_is_refused_and_nothing_is_written(project):
    manifest = project / "data" / "raw" / "sources.yml"
    text = manifest.read_text(encoding="utf-8")
    folder = project / "data" / "raw" / PA
    listing = sorted(p.name for p in folder.iterdir())
    with pytest.raises(RawDataError, match=r"line 3, column value_as_published: '81'.*snippet's numbers: 18"):
        add_outlet_file(PA, SYNTHETIC / "figures_syntheticmistyped.csv")
    with pytest.raises(AddOutletError, match="lower-case letters"):
        add_outlet_file(PA, SYNTHETIC / "README.md")
    with pytest.raises(AddOutletError, match="not a source"):
        add_outlet_file("nosuch_socialmedia_2014_2014-08", SYNTHETIC / "figures_synthetic.csv")
    with pytest.raises(AddOutletError, match="was recorded for it: the file changed"):
        add_outlet_file(PA, SYNTHETIC / "figures_synthetic.csv", sha256="0" * 64)
    assert manifest.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in folder.iterdir()) == listing


def test_an_unlisted_or_misnamed_figures_file_is_refused(project):
    from analysis import paths
    folder = project / "data" / "raw" / PA
    (folder / "figures_synthetic.csv").write_bytes((SYNTHETIC / "figures_synthetic.csv").read_bytes())
    with pytest.raises(sources.ManifestError, match="does not list"):
        sources.verify_checksums()
    (folder / "figures_synthetic.csv").unlink()
    entries = yaml.safe_load(paths.SOURCES_YML.read_text(encoding="utf-8"))
    pa = [e for e in entries if e["id"] == PA][0]
    pa["files"].append({"path": "figures_Synthetic Outlet.csv", "sha256": "0" * 64})
    paths.SOURCES_YML.write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")
    sources._read_manifest.cache_clear()
    with pytest.raises(sources.ManifestError, match=r"figures_Synthetic Outlet.csv is not a figures file name"):
        sources.manifest()


def test_outlet_cases_and_captures_are_added_and_the_cases_read(project):
    from analysis import paths
    from analysis.additions import add_from_list
    listing = project / "extra_files.yml"
    staging = project / "staging" / PA
    staging.mkdir(parents=True)
    for name in ("cases_synthetic.csv", "capture_synthetic.txt", "figures_synthetic.csv"):
        synthetic_file(name, staging, WILTS)
    items = [{"source_id": PA, "path": name, "sha256": sources.sha256(staging / name), "kind": "x",
              "outlet": "Synthetic Test Outlet", "url": "https://example.org/synthetic-test-only"}
             for name in ("figures_synthetic.csv", "cases_synthetic.csv", "capture_synthetic.txt")]
    listing.write_text(yaml.safe_dump({"extra_files": items}), encoding="utf-8")
    added = add_from_list(listing, project / "staging")
    assert [p.name for p in added] == ["figures_synthetic.csv", "cases_synthetic.csv", "capture_synthetic.txt"]
    cases = _processed(project, "cases")
    mine = cases[cases["source_locator"] == "cases_synthetic.csv line 2"]
    assert (mine["source_id"].tolist(), mine["force"].tolist()) == ([PA], [WILTS])
    assert mine["outcome"].tolist() == ["resigned_or_retired"]
    listed = [item["path"] for item in sources.source(PA)["files"]]
    assert listed[-3:] == ["figures_synthetic.csv", "cases_synthetic.csv", "capture_synthetic.txt"]
    # a second helper's file of the same name is refused, naming the item: recorded files are never replaced
    with pytest.raises(AddOutletError, match="item 1: .*already has a file figures_synthetic.csv"):
        add_from_list(listing, project / "staging", rebuild=False)
    assert sources.verify_checksums() and paths.SOURCES_YML.read_text(encoding="utf-8").count("figures_synthetic") == 1


def _synthetic_source(project, source_id="synthetic_socialmedia_2009-2014_2014-08", **changes):
    staging = project / "staging"
    folder = staging / source_id
    folder.mkdir(parents=True)
    (folder / "figures.csv").write_bytes(synthetic_file("figures_synthetic.csv", staging, WILTS).read_bytes())
    (folder / "cases.csv").write_bytes(synthetic_file("cases_synthetic.csv", staging, WILTS).read_bytes())
    entry = {"id": source_id, "title": "SYNTHETIC study (not a publication)", "publisher": "Synthetic Test Outlet",
             "url": "https://example.org/synthetic-test-only", "published": "2014-08-19",
             "obtained": "SYNTHETIC: written for tests", "licence": "none: synthetic", "topic": "social_media",
             "covers": {"geography": "Wiltshire", "population": "unknown", "period": "2009 to Feb 2014",
                        "definition": "synthetic"}, "caveats": ["SYNTHETIC"],
             "files": [{"path": n, "sha256": sources.sha256(folder / n)} for n in ("figures.csv", "cases.csv")]}
    entry.update(changes)
    listing = staging / "sources_entries.yml"
    listing.write_text(yaml.safe_dump([entry], sort_keys=False), encoding="utf-8")
    return listing, staging


def test_new_sources_are_checked_copied_listed_and_built(project, capsys):
    from analysis.__main__ import main
    listing, staging = _synthetic_source(project)
    assert main(["add-sources", str(listing), "--raw-dir", str(staging)]) == 0
    assert "added synthetic_socialmedia_2009-2014_2014-08" in capsys.readouterr().out
    obs = _processed(project, "observations")
    gaps = quality.with_gaps(quality.force_values(obs, "synthetic_socialmedia_2009-2014_2014-08"))
    assert gaps.set_index("force").loc[WILTS, "value_words"] == "18"
    assert sources.source("synthetic_socialmedia_2009-2014_2014-08")["files"][0]["path"] == "figures.csv"


@pytest.mark.parametrize("change, message", [
    ({"licence": None, "topic": "facebook"}, "topic 'facebook' is not one of"),
    ({"id": PA}, f"source id {PA} exists already"),
    ({"files": [{"path": "figures.csv", "sha256": "0" * 64}]}, "which the entry does not list"),
])
def test_a_bad_new_source_is_refused_and_nothing_is_written(project, change, message):
    from analysis import paths
    from analysis.additions import add_sources
    listing, staging = _synthetic_source(project, **{k: v for k, v in change.items() if v is not None})
    before = paths.SOURCES_YML.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        add_sources(listing, staging)
    assert paths.SOURCES_YML.read_text(encoding="utf-8") == before
    assert not (paths.RAW_DIR / "synthetic_socialmedia_2009-2014_2014-08").exists()


def test_a_new_source_with_a_mistyped_value_is_refused(project):
    from analysis.additions import add_sources
    listing, staging = _synthetic_source(project)
    folder = staging / "synthetic_socialmedia_2009-2014_2014-08"
    (folder / "figures.csv").write_bytes((SYNTHETIC / "figures_syntheticmistyped.csv").read_bytes())
    entries = yaml.safe_load(listing.read_text(encoding="utf-8"))
    entries[0]["files"][0]["sha256"] = sources.sha256(folder / "figures.csv")
    listing.write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")
    with pytest.raises(RawDataError, match="line 3, column value_as_published: '81'"):
        add_sources(listing, staging)

"""Shared fixtures: the processed tables, loaded once per test session; a copy of the project's data."""
import shutil

import pytest

import analysis


@pytest.fixture(scope="session")
def obs():
    return analysis.load("observations")


@pytest.fixture(scope="session")
def wf():
    return analysis.load("workforce")


@pytest.fixture(scope="session")
def fr():
    return analysis.load("force_rates")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """data/raw copied to tmp_path; every path the CLI and the build use points there (patched in one place,
    analysis.paths)."""
    from analysis import paths, sources
    raw = tmp_path / "data" / "raw"
    shutil.copytree(paths.RAW_DIR, raw)
    processed = tmp_path / "data" / "processed"
    processed.mkdir()
    for name, value in (("DATA_DIR", tmp_path / "data"), ("RAW_DIR", raw), ("SOURCES_YML", raw / "sources.yml"),
                        ("PROCESSED_DIR", processed), ("LOCK_FILE", tmp_path / ".analysis.lock"),
                        ("ADD_FOI_DIR", tmp_path / "data" / ".add-foi")):
        monkeypatch.setattr(paths, name, value)
    sources.refresh()
    yield tmp_path
    sources.refresh()

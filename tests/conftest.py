"""Shared fixtures: the processed tables, loaded once per test session; a copy of the raw layer to build in."""
import shutil

import pytest

import analysis
from analysis import sources


@pytest.fixture(scope="session")
def obs():
    return analysis.load("observations")


@pytest.fixture(scope="session")
def wf():
    return analysis.load("workforce")


@pytest.fixture(scope="session")
def fr():
    return analysis.load("force_rates")


def _point_paths_at_a_copy(tmp_path, monkeypatch):
    from analysis import build, paths
    raw = tmp_path / "data" / "raw"
    shutil.copytree(paths.RAW_DIR, raw)
    processed = tmp_path / "data" / "processed"
    processed.mkdir()
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    monkeypatch.setattr(paths, "SOURCES_YML", raw / "sources.yml")
    monkeypatch.setattr(paths, "PROCESSED_DIR", processed)
    monkeypatch.setattr(build, "RAW_DIR", raw)
    monkeypatch.setattr(build, "SOURCES_YML", raw / "sources.yml")
    sources._read_manifest.cache_clear()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """data/raw copied to tmp_path; every path the CLI and the build use points there."""
    _point_paths_at_a_copy(tmp_path, monkeypatch)
    yield tmp_path
    sources._read_manifest.cache_clear()


@pytest.fixture(scope="module")
def module_project(tmp_path_factory):
    """As `project`, shared by the tests of one module (for a build that several tests read)."""
    tmp_path = tmp_path_factory.mktemp("project")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _point_paths_at_a_copy(tmp_path, monkeypatch)
        yield tmp_path
    sources._read_manifest.cache_clear()

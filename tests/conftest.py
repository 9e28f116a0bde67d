"""Shared fixtures: the processed tables, loaded once per test session; a copy of the project's data. And how
`make test` shares the suite among its workers (pytest-xdist, --dist loadgroup)."""
import shutil

import pytest

import analysis
from analysis import paths, sources

# The project's own tables, whatever a module-scoped `module_project` has patched paths to when a session
# fixture is first used (paths are read at call time).
PROCESSED_DIR = paths.PROCESSED_DIR


def _load(name):
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(paths, "PROCESSED_DIR", PROCESSED_DIR)
        return analysis.load(name)


@pytest.fixture(scope="session")
def obs():
    return _load("observations")


@pytest.fixture(scope="session")
def wf():
    return _load("workforce")


@pytest.fixture(scope="session")
def fr():
    return _load("force_rates")


def _point_paths_at_a_copy(tmp_path, monkeypatch):
    """data/raw copied to tmp_path; every path the CLI and the build use points there (patched in one place,
    analysis.paths)."""
    raw = tmp_path / "data" / "raw"
    shutil.copytree(paths.RAW_DIR, raw)
    processed = tmp_path / "data" / "processed"
    processed.mkdir()
    for name, value in (("DATA_DIR", tmp_path / "data"), ("RAW_DIR", raw), ("SOURCES_YML", raw / "sources.yml"),
                        ("PROCESSED_DIR", processed), ("LOCK_FILE", tmp_path / ".analysis.lock"),
                        ("ADD_FOI_DIR", tmp_path / "data" / ".add-foi")):
        monkeypatch.setattr(paths, name, value)
    sources.refresh()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """data/raw copied to tmp_path; every path the CLI and the build use points there."""
    _point_paths_at_a_copy(tmp_path, monkeypatch)
    yield tmp_path
    sources.refresh()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist with --dist loadgroup (`make test`), the tests of one module, and the cells of one
    notebook, run together on one worker, in order (nbval runs a notebook's cells in one kernel; module fixtures
    are built once). A test marked `xdist_group("name")` runs with its group instead, so a long module can be
    shared among workers in parts that build their own fixtures."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            alone = getattr(item, "originalname", None) in SPREAD
            item.add_marker(pytest.mark.xdist_group(item.nodeid if alone else item.nodeid.split("::")[0]))
    # The longest groups first (with --no-loadscope-reorder the workers take groups in this order), so that no
    # long group is left to start last while the other worker idles; the order within a group is kept.
    items.sort(key=lambda item: _rank(item.get_closest_marker("xdist_group").args[0]))


# Notebooks never write figures/ (the build alone does): checked around the run nbval makes of each notebook (its
# cells run in one kernel, in order, on one worker), instead of executing every notebook a second time.
_FIGURES_BEFORE: dict[str, dict[str, str]] = {}


def _figures_digest() -> dict[str, str]:
    import hashlib
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(paths.FIGURES_DIR.iterdir())}


def _notebook_of(item) -> str | None:
    return str(item.path) if item.path.suffix == ".ipynb" and type(item).__name__ == "IPyNbCell" else None


class _NotebooksLeaveFigures:
    """Registered for the whole session: the notebooks are outside tests/, where this file's own hooks do not
    reach."""

    @staticmethod
    def pytest_runtest_setup(item):
        notebook = _notebook_of(item)
        if notebook and notebook not in _FIGURES_BEFORE:  # the notebook's first cell
            _FIGURES_BEFORE[notebook] = _figures_digest()

    @staticmethod
    def pytest_runtest_teardown(item, nextitem):
        notebook = _notebook_of(item)
        if notebook and (nextitem is None or _notebook_of(nextitem) != notebook):  # its last cell has run
            before = _FIGURES_BEFORE.pop(notebook)
            after = _figures_digest()
            changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
            assert not changed, f"running {item.path.name} changed figures/ (only the build writes it): {changed}"


def pytest_configure(config):
    config.pluginmanager.register(_NotebooksLeaveFigures(), "notebooks-leave-figures")


# Long tests that share no module fixture: each may run on any worker, on its own (for an even share).
SPREAD: set[str] = set()
# Groups that take longest (about 10 to 30 s each on 2 cores), longest first; every other group after them.
LONGEST = ("crash_safety:add-foi", "tests/test_figure_build.py", "crash_safety:build", "crash_safety:two-at-once",
           "tests/test_export.py", "tests/test_figure_labels.py")


def _rank(group: str) -> int:
    return next((i for i, name in enumerate(LONGEST) if name in group), len(LONGEST))


@pytest.fixture(scope="module")
def module_project(tmp_path_factory):
    """As `project`, shared by the tests of one module (for a build that several tests read)."""
    tmp_path = tmp_path_factory.mktemp("project")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _point_paths_at_a_copy(tmp_path, monkeypatch)
        yield tmp_path
    sources.refresh()


SYNTHETIC = __import__("pathlib").Path(__file__).parent / "synthetic"


def pa_gap_force() -> str:
    """A force with no figure in the PA 2014 study (Wiltshire while it has none), for the synthetic files to fill:
    computed, so that research adding real figures never collides with a synthetic one."""
    from analysis import quality, rates
    gaps = quality.with_gaps(quality.force_values(analysis.load("observations"), rates.PA2014))
    missing = list(gaps.loc[gaps["status"] == "no figure found", "force"])
    assert missing, "every force has a PA 2014 figure: point the further-outlet tests at another study's gap"
    return "Wiltshire Police" if "Wiltshire Police" in missing else missing[0]


def synthetic_file(name: str, folder, force: str) -> "__import__('pathlib').Path":
    """A copy of tests/synthetic/<name> in `folder` with its force (Wiltshire Police) replaced by `force`."""
    text = (SYNTHETIC / name).read_text(encoding="utf-8").replace("Wiltshire Police", force)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name

"""Nothing lost, whatever happens: real `python -m analysis build` and `add-foi` processes, killed (SIGKILL) at
named points and after varied delays, and two add-foi started at once.

Each test works in a copy of the project (src/ and data/) in a temporary folder; the subprocesses run the copy's
package (PYTHONPATH), so its paths.PROJ_ROOT is the copy. The replies added are made here and named synthetic_*.
After every kill: `analysis.load()` returns complete tables or raises ProcessedDataError, and data/raw and
sources.yml agree (or an unfinished add-foi is reported, and `python -m analysis repair` makes them agree).
"""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths, sources
from analysis.datasets import ProcessedDataError, load
from analysis.paths import PROJ_ROOT
from test_foi_writers import write_csv

TABLES = ("observations", "cases", "forces", "workforce", "force_rates", "build_log")
COMMON = ["--no-notebooks", "--force", "Kent Police", "--title", "Officers and social media (synthetic)",
          "--url", "https://example.org/foi/synthetic", "--published", "2024-05-17"]


def copy_project(dest: Path) -> Path:
    shutil.copytree(PROJ_ROOT / "src", dest / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for part in ("raw", "processed"):
        shutil.copytree(PROJ_ROOT / "data" / part, dest / "data" / part)
    return dest


def reply(folder: Path, name: str, years=("2021", "2022"), values=("3", "4")) -> Path:
    return write_csv(folder / f"synthetic_{name}.csv",
                     [[f"Kent Police FOI reply {name} (synthetic)"], [None, *years], ["Officers investigated", *values]])


def start(project: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(project / "src"), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "analysis", *args], cwd=project, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(project: Path, *args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = start(project, *args, env=env)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def wait_for(proc: subprocess.Popen, text: str, timeout: float = 90) -> str:
    """Read the process's stderr until a line holds `text`; returns what was read."""
    seen, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.2)
        if ready:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            seen += line
            if text in line:
                return seen
        elif proc.poll() is not None:
            break
    raise AssertionError(f"never saw {text!r}; stderr so far: {seen!r}; exit {proc.poll()}")


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def point_paths(mp: pytest.MonkeyPatch, project: Path) -> Path:
    """Point this process's analysis.paths at a project copy (to load and verify what the subprocesses left)."""
    data = project / "data"
    for name, value in (("PROJ_ROOT", project), ("DATA_DIR", data), ("RAW_DIR", data / "raw"),
                        ("SOURCES_YML", data / "raw" / "sources.yml"), ("PROCESSED_DIR", data / "processed"),
                        ("LOCK_FILE", project / ".analysis.lock"), ("ADD_FOI_DIR", data / ".add-foi")):
        mp.setattr(paths, name, value)
    sources.refresh()
    return project


@pytest.fixture
def use(monkeypatch):
    yield lambda project: point_paths(monkeypatch, project)
    sources.refresh()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def check_processed(old: dict[str, bytes], new: dict[str, bytes] | None = None) -> dict[str, str]:
    """Every table loads completely (as the old or the new build wrote it) or is refused clearly."""
    outcome = {}
    for name in TABLES:
        file = f"{name}.csv"
        on_disk = (paths.PROCESSED_DIR / file).read_bytes()
        assert on_disk in (old.get(file), (new or {}).get(file)), f"{file} is neither the old nor the new build"
        try:
            frame = load(name)
        except ProcessedDataError as exc:
            assert file in str(exc) and "make all" in str(exc)
            outcome[name] = "refused"
            continue
        expected = [pd.read_csv(pd.io.common.BytesIO(v)).shape[0] for v in (old.get(file), (new or {}).get(file)) if v]
        assert len(frame) in expected
        outcome[name] = "loaded"
    return outcome


def check_raw_consistent(expect_ids: set[str] = frozenset()) -> None:
    sources.refresh()
    assert not sources.unfinished_additions()
    checked = sources.verify_checksums()  # every listed file exists with its sha256, and no file is unlisted
    ids = [e["id"] for e in sources.manifest()]
    assert len(ids) == len(set(ids))
    assert expect_ids <= set(ids)
    assert checked


# Three parts that share no fixture: `make test` runs them on different workers (tests/conftest.py).
BUILD_PART = pytest.mark.xdist_group("crash_safety:build")
ADD_FOI_PART = pytest.mark.xdist_group("crash_safety:add-foi")
TWO_AT_ONCE_PART = pytest.mark.xdist_group("crash_safety:two-at-once")


# --- build ---------------------------------------------------------------------------------------
def timed_run(project: Path, *args: str) -> float:
    """Seconds one unhindered run takes here, from the start of the process to its exit."""
    t = time.monotonic()
    done = run(project, *args)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - t


@pytest.fixture(scope="module")
def changed_project(tmp_path_factory):
    """A project copy whose raw layer has one more source than its data/processed (so a build changes files),
    with the bytes the old and the new build write and how long that build takes here (see build_time). The new
    bytes are those of an unhindered `python -m analysis build` of a copy, timed."""
    from analysis import add_foi
    root = copy_project(tmp_path_factory.mktemp("changed"))
    mp = pytest.MonkeyPatch()
    data = root / "data"
    point_paths(mp, root)
    try:
        add_foi.add_reply(reply(root, "build_test"), force="Kent Police", title="synthetic", published="2024-05-17",
                          url="https://example.org/foi/synthetic", ref="B1", rebuild_data=False)
        old = snapshot(data / "processed")
    finally:
        mp.undo()
        sources.refresh()
    timed = copy_project(tmp_path_factory.mktemp("timed"))
    shutil.copytree(data / "raw", timed / "data" / "raw", dirs_exist_ok=True)
    seconds = timed_run(timed, "build")
    new = snapshot(timed / "data" / "processed")
    assert old["observations.csv"] != new["observations.csv"]
    return root, old, new, seconds


@BUILD_PART
@pytest.mark.parametrize("point, refused", [
    ("build:staged", set()),                                   # nothing moved in yet: the old tables
    ("build:replacing", {"observations"}),                     # observations.csv new, datapackage.json old
    ("build:before-datapackage", {"observations", "build_log"}),  # every table new, datapackage.json old
])
def test_build_killed_at_a_named_point(changed_project, tmp_path, use, point, refused):
    root, old, new, _ = changed_project
    project = copy_project(tmp_path)
    shutil.copytree(root / "data" / "raw", project / "data" / "raw", dirs_exist_ok=True)
    proc = start(project, "build", env={"ANALYSIS_PAUSE_AT": point})
    wait_for(proc, f"paused at {point}")
    kill(proc)
    use(project)
    outcome = check_processed(old, new)
    assert {n for n, o in outcome.items() if o == "refused"} == refused
    check_raw_consistent()
    if not refused:
        return
    # the fix the error names: build again, and every table is the new one
    done = run(project, "build")
    assert done.returncode == 0, done.stderr
    assert snapshot(project / "data" / "processed") == new
    assert not (project / "data" / ".processed.staging").exists()


@pytest.fixture(scope="module")
def build_time(changed_project):
    """How long a build (with one source more than data/processed) takes on this machine, so that the kills
    after a delay land inside the run whatever the machine's speed (a fixed delay on a faster machine kills a
    process that has already finished)."""
    return changed_project[3]


@pytest.fixture(scope="module")
def add_time(tmp_path_factory):
    """How long an add-foi takes on this machine (as build_time)."""
    project = copy_project(tmp_path_factory.mktemp("timed_add"))
    return timed_run(project, "add-foi", str(reply(project, "timed")), *COMMON, "--ref", "T1")


def killed_mid_run(make_project, args: tuple, seconds: float, tries: int = 5) -> Path:
    """Start `python -m analysis <args>` in a fresh project from `make_project(n)` and kill it `seconds` later.
    A run can go faster than the timed one (another job on the machine stopped meanwhile): if it has already
    finished when the kill comes, start again in a new project with half the delay, so that every kill lands
    inside a run. Returns the project of the run that was killed while running."""
    for attempt in range(tries):
        project = make_project(attempt)
        proc = start(project, *args(project))
        time.sleep(seconds / 2 ** attempt)
        running = proc.poll() is None
        kill(proc)
        if running:
            return project
    raise AssertionError(f"every run of {args} had finished before the kill ({seconds:.2f} s and less)")


@BUILD_PART
@pytest.mark.parametrize("fraction", [0.2, 0.45, 0.6, 0.75])
def test_build_killed_after_a_delay(changed_project, build_time, tmp_path, use, fraction):
    """Killed at a fraction of an unhindered build's time (start-up, cleaning, writing, moving in)."""
    root, old, new, _ = changed_project

    def make(attempt: int) -> Path:
        project = copy_project(tmp_path / f"p{attempt}")
        shutil.copytree(root / "data" / "raw", project / "data" / "raw", dirs_exist_ok=True)
        return project

    project = killed_mid_run(make, lambda project: ("build",), fraction * build_time)
    use(project)
    check_processed(old, new)
    check_raw_consistent()


# --- add-foi -------------------------------------------------------------------------------------
ADD_POINTS = ["add-foi:staged", "add-foi:placed", "add-foi:registered", "build:replacing"]


@ADD_FOI_PART
@pytest.mark.parametrize("point", ADD_POINTS)
def test_add_foi_killed_at_a_named_point_then_repaired(tmp_path, use, point):
    project = copy_project(tmp_path / "p")
    old = snapshot(project / "data" / "processed")
    source_id = "kent_socialmedia_2021-2022_2024-05_k1"
    proc = start(project, "add-foi", str(reply(tmp_path, "kill")), *COMMON, "--ref", "K1",
                 env={"ANALYSIS_PAUSE_AT": point})
    wait_for(proc, f"paused at {point}")
    kill(proc)
    use(project)
    left = snapshot(project / "data" / "processed")
    pending = sources.unfinished_additions()
    if point in ("add-foi:staged", "add-foi:placed", "add-foi:registered"):
        assert [p.stem for p in pending] == [source_id]
        if point == "add-foi:registered":  # raw and sources.yml agree; only the journal is left
            assert sources.verify_checksums()
        # every command that touches data refuses, naming the repair, in one line
        refused = run(project, "build")
        assert refused.returncode == 1
        assert "python -m analysis repair" in refused.stderr and refused.stderr.count("\n") == 1
    else:
        assert not pending  # rebuilding: raw and sources.yml agree already
        check_raw_consistent({source_id})
    if point != "build:replacing":
        assert left == old  # the tables are only rewritten by the rebuild, after registration
    fixed = run(project, "repair")
    assert fixed.returncode == 0, fixed.stderr
    check_raw_consistent({source_id})
    new = snapshot(project / "data" / "processed")
    for name, data in left.items():  # what the kill left: each file whole, from the old build or the new one
        assert data in (old[name], new[name]), name
    check_processed(old, new)
    obs = load("observations")
    assert obs.loc[obs["source_id"] == source_id, "value"].tolist() == [3.0, 4.0]
    assert not (project / "data" / ".add-foi").exists() or not any((project / "data" / ".add-foi").iterdir())


@ADD_FOI_PART
def test_a_stopped_add_foi_can_be_undone(tmp_path, use):
    project = copy_project(tmp_path / "p")
    manifest = (project / "data" / "raw" / "sources.yml").read_bytes()
    raw_before = sorted(p.name for p in (project / "data" / "raw").iterdir())
    proc = start(project, "add-foi", str(reply(tmp_path, "undo")), *COMMON, "--ref", "U1",
                 env={"ANALYSIS_PAUSE_AT": "add-foi:placed"})
    wait_for(proc, "paused at add-foi:placed")
    kill(proc)
    undone = run(project, "repair", "--undo")
    assert undone.returncode == 0, undone.stderr
    assert "removed 1 unfinished addition(s): kent_socialmedia_2021-2022_2024-05_u1" in undone.stdout
    use(project)
    assert (project / "data" / "raw" / "sources.yml").read_bytes() == manifest
    assert sorted(p.name for p in (project / "data" / "raw").iterdir()) == raw_before
    check_raw_consistent()


@ADD_FOI_PART
@pytest.mark.parametrize("fraction", [0.4, 0.6, 0.75])
def test_add_foi_killed_after_a_delay(add_time, tmp_path, use, fraction):
    """Killed at a fraction of an unhindered add-foi's time (reading, staging, placing, registering, rebuilding)."""
    old = snapshot(PROJ_ROOT / "data" / "processed")
    project = killed_mid_run(lambda attempt: copy_project(tmp_path / f"p{attempt}"),
                             lambda project: ("add-foi", str(reply(project, "delay")), *COMMON, "--ref", "D1"),
                             fraction * add_time)
    use(project)
    left = snapshot(project / "data" / "processed")
    for table in TABLES:  # load() returns what datapackage.json records (a whole file), or refuses clearly
        try:
            load(table)
        except ProcessedDataError as exc:
            assert f"{table}.csv" in str(exc) and "make all" in str(exc)
    if sources.unfinished_additions():
        assert run(project, "repair").returncode == 0
    check_raw_consistent()
    assert run(project, "build").returncode == 0
    new = snapshot(project / "data" / "processed")
    for name, data in left.items():
        assert data in (old[name], new[name]), f"{name} was left half-written"
    check_processed(new)


# --- two at once ---------------------------------------------------------------------------------
@TWO_AT_ONCE_PART
def test_two_add_foi_at_once_both_end_up_registered(tmp_path, use):
    project = copy_project(tmp_path / "p")
    a = reply(tmp_path, "first", years=("2019", "2020"), values=("1", "2"))
    b = reply(tmp_path, "second", years=("2021", "2022"), values=("5", "6"))
    # the first holds the lock (paused just after placing its file); the second starts meanwhile
    release = tmp_path / "release"
    first = start(project, "add-foi", str(a), *COMMON, "--ref", "A1",
                  env={"ANALYSIS_PAUSE_AT": "add-foi:placed", "ANALYSIS_PAUSE_SECONDS": "60",
                       "ANALYSIS_PAUSE_RELEASE": str(release)})
    wait_for(first, "paused at add-foi:placed")
    second = start(project, "add-foi", str(b), *COMMON, "--ref", "B2")
    waited = wait_for(second, "waiting for another run to finish")
    assert "pid" in waited
    release.touch()  # the second is waiting for the lock: let the first go on
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    use(project)
    ids = {"kent_socialmedia_2019-2020_2024-05_a1", "kent_socialmedia_2021-2022_2024-05_b2"}
    check_raw_consistent(ids)
    obs = load("observations")
    assert set(obs["source_id"]) >= ids
    assert obs.loc[obs["source_id"].isin(ids), "value"].sort_values().tolist() == [1.0, 2.0, 5.0, 6.0]


@TWO_AT_ONCE_PART
def test_two_add_foi_started_together_without_a_pause(tmp_path, use):
    project = copy_project(tmp_path / "p")
    procs = [start(project, "add-foi", str(reply(tmp_path, name, years=years)), *COMMON, "--ref", ref)
             for name, years, ref in (("left", ("2015", "2016"), "L1"), ("right", ("2017", "2018"), "R1"))]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    use(project)
    check_raw_consistent({"kent_socialmedia_2015-2016_2024-05_l1", "kent_socialmedia_2017-2018_2024-05_r1"})
    check_processed(snapshot(project / "data" / "processed"))


@TWO_AT_ONCE_PART
def test_a_second_run_that_cannot_wait_says_so_and_leaves_nothing(tmp_path, use):
    project = copy_project(tmp_path / "p")
    holder = start(project, "add-foi", str(reply(tmp_path, "holder")), *COMMON, "--ref", "H1",
                   env={"ANALYSIS_PAUSE_AT": "add-foi:staged", "ANALYSIS_PAUSE_SECONDS": "60"})
    wait_for(holder, "paused at add-foi:staged")
    manifest = (project / "data" / "raw" / "sources.yml").read_bytes()
    late = run(project, "add-foi", str(reply(tmp_path, "late", years=("2010", "2011"))), *COMMON, "--ref", "L2",
               env={"ANALYSIS_LOCK_TIMEOUT": "0.3"})
    kill(holder)
    assert late.returncode == 1
    last = late.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "another run" in last and "holds the project lock" in last
    assert "Traceback" not in late.stderr
    assert (project / "data" / "raw" / "sources.yml").read_bytes() == manifest
    assert not (project / "data" / "raw" / "kent_socialmedia_2010-2011_2024-05_l2").exists()
    assert not (project / "data" / ".add-foi" / "kent_socialmedia_2010-2011_2024-05_l2.json").exists()

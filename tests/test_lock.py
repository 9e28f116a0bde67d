"""requirements.lock (exact versions with hashes, made by `make lock`) stays in step with pyproject.toml."""
import re
import tomllib
from importlib import metadata

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from analysis.paths import PROJ_ROOT

LOCK = PROJ_ROOT / "requirements.lock"
PROJECT = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def _entries():
    """(name, version, marker or None, hashes, via) for every pinned package of the lock."""
    out, current = [], None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = ENTRY.match(line)
        if m:
            current = {"name": canonicalize_name(m["name"]), "version": Version(m["version"]),
                       "marker": Marker(m["marker"]) if m["marker"] else None, "hashes": [], "via": []}
            out.append(current)
        elif current is not None and line.strip().startswith("--hash=sha256:"):
            current["hashes"].append(line.strip().split(":", 1)[1].rstrip(" \\"))
        elif current is not None and line.strip().startswith("#"):
            current["via"].append(line.strip("# ").removeprefix("via").strip())
    return out


def _wanted() -> list[Requirement]:
    reqs = PROJECT["project"]["dependencies"] + PROJECT["project"]["optional-dependencies"]["dev"]
    return [Requirement(r) for r in reqs + PROJECT["build-system"]["requires"]]


def test_every_locked_line_is_pinned_and_hashed():
    lines = [l for l in LOCK.read_text(encoding="utf-8").splitlines() if l and not l.startswith((" ", "#"))]
    entries = _entries()
    assert len(entries) == len(lines) > 50, "a line of the lock is not of the form name==version [; marker]"
    for e in entries:
        assert e["hashes"] and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in e["hashes"]), e["name"]


def test_every_dependency_of_pyproject_is_locked_within_its_range():
    locked = {}
    for e in _entries():
        locked.setdefault(e["name"], []).append(e["version"])
    for req in _wanted():
        name = canonicalize_name(req.name)
        assert name in locked, f"{req} is in pyproject.toml but not in requirements.lock: run `make lock`"
        for version in locked[name]:
            assert req.specifier.contains(version, prereleases=True), \
                f"requirements.lock pins {name}=={version}, outside {req} in pyproject.toml: run `make lock`"


def test_the_locks_direct_dependencies_are_exactly_pyprojects():
    """uv marks each package pyproject.toml asks for as `via analysis (pyproject.toml)`: a dependency added to
    or dropped from pyproject.toml without `make lock` shows here."""
    runtime = PROJECT["project"]["dependencies"] + PROJECT["project"]["optional-dependencies"]["dev"]
    wanted = {canonicalize_name(Requirement(r).name) for r in runtime}
    direct = {e["name"] for e in _entries() if "analysis (pyproject.toml)" in e["via"]}
    assert direct == wanted, f"only in the lock: {direct - wanted}; only in pyproject.toml: {wanted - direct}"


def test_the_running_environment_was_installed_from_the_lock():
    """`make all` installs exactly the locked versions (checked for every package this Python needs)."""
    wrong = {}
    for e in _entries():
        if e["marker"] is not None and not e["marker"].evaluate():
            continue
        installed = Version(metadata.version(e["name"]))
        if installed != e["version"]:
            wrong[e["name"]] = (str(installed), str(e["version"]))
    assert not wrong, f"installed != locked (installed, locked): {wrong}; run `make all`"


def test_make_all_installs_from_the_lock_with_hashes():
    makefile = (PROJ_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r $(LOCK)" in makefile
    assert "--no-deps --no-build-isolation -e ." in makefile
    assert re.search(r"^\$\(STAMP\): \$\(LOCK\) pyproject.toml$", makefile, flags=re.M)


def test_make_test_runs_every_timing_test_after_the_parallel_suite():
    """A test marked `timing` is left out of make test's parallel run, so it must be in TIMING_TESTS (the files
    make test then runs alone), or it would never run."""
    makefile = (PROJ_ROOT / "Makefile").read_text(encoding="utf-8")
    listed = set(re.search(r"^TIMING_TESTS := (.+)$", makefile, flags=re.M).group(1).split())
    marked = {p.relative_to(PROJ_ROOT).as_posix() for p in sorted((PROJ_ROOT / "tests").rglob("test_*.py"))
              if re.search(r"^@pytest\.mark\.timing\b", p.read_text(encoding="utf-8"), flags=re.M)}
    assert marked and marked == listed
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert '-m "not timing"' in test_recipe and "$(TIMING_TESTS)" in test_recipe and "-m timing" in test_recipe

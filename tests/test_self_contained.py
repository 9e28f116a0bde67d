"""The repository stands alone: no file under src/ or tests/ reaches outside it.

A user's clone has nothing beside it (no research folder, no team checkout), so a path that climbs out of
the repository, or names an absolute place on one machine, fails on their machine. The patterns are written
so that they do not match their own source text; this file's deliberately bad examples are not scanned.
"""
import re
from pathlib import Path

import pytest

from analysis.paths import PROJ_ROOT

SCANNED = ("src", "tests")
TEXT_SUFFIXES = {".py", ".cfg", ".md", ".csv", ".yml", ".yaml", ".toml", ".txt", ".json", ".ini"}

OUTSIDE = {
    "a relative path that climbs out (..)": re.compile(r"""(?:^|["'/\\\s(])\.\.[/\\]"""),
    "the project root's parent": re.compile(r"PROJ_ROOT\s*\)?\s*\.\s*parent\b|PROJ_ROOT\s*/\s*['\"]\.\."),
    "an absolute folder of one machine": re.compile(r"(?<![\w.:/-])/(?:wor[k]|hom[e]|roo[t]|mn[t]|Users)/"),
    "a temporary folder named by hand": re.compile(r"(?<![\w.:/-])/tm[p]/"),
    "the user's home folder": re.compile(r"Path\s*\.\s*hom[e]\s*\(|expandus[e]r\s*\(|[\"']~/"),
    "the team's research folder": re.compile(r"""["'/]share[d]["'/]"""),
}
# (file, what) -> why a match there reaches nothing outside.
ALLOWED = {
    ("tests/nbval_sanitize.cfg", "a temporary folder named by hand"):
        "a regex that masks temporary paths printed in notebook outputs; it reads no file",
}
FILE_PARENTS = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")


def _files():
    for top in SCANNED:
        for path in sorted((PROJ_ROOT / top).rglob("*")):
            generated = "__pycache__" in path.parts or any(p.endswith(".egg-info") for p in path.parts)
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not generated and path != Path(__file__).resolve():
                yield path


@pytest.mark.parametrize("path", list(_files()), ids=lambda p: str(p.relative_to(PROJ_ROOT)))
def test_no_path_reaches_outside_the_repository(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for what, pattern in OUTSIDE.items():
            if pattern.search(line) and (path.relative_to(PROJ_ROOT).as_posix(), what) not in ALLOWED:
                found.append(f"line {number}: {what}: {line.strip()[:100]}")
        for m in FILE_PARENTS.finditer(line):
            target = path.resolve().parents[int(m.group(1))]
            if not target.is_relative_to(PROJ_ROOT):
                found.append(f"line {number}: Path(__file__).parents[{m.group(1)}] is {target}, outside the repository")
    assert not found, f"{path.relative_to(PROJ_ROOT)} reaches outside the repository:\n" + "\n".join(found)


@pytest.mark.parametrize("line", [
    'SHARED = PROJ_ROOT.parent / "shared"',
    'open("../shared/sources/pa_foi/figures.csv")',
    "SOURCES = Path('/work/shared/sources')",
    'Path.home() / "data"',
    'data = Path("/tmp/x.csv")',
    "root = PROJ_ROOT / '..' / 'other'",
    'ROOT = Path(__file__).resolve().parents[9]',
])
def test_the_scan_can_fail(line):
    assert any(p.search(line) for p in OUTSIDE.values()) or FILE_PARENTS.search(line), line


def test_the_scan_reads_every_module_and_test():
    names = {p.name for p in _files()}
    assert {"paths.py", "test_forces.py", "test_outcomes.py", "research_force_spellings.csv"} <= names
    assert len(names) > 40

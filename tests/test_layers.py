"""The package's layers (DESIGN.md): imports only point down, and no module takes part in an import loop.

Every import is read from the source (including imports inside functions, which still tie the modules together),
relative imports resolved. A module not placed in LAYERS fails the test: place it when you add it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis.paths import PACKAGE_DIR

# Bottom to top, as DESIGN.md draws the house: paths, values, tables (atomic writing; the lock and the step
# stamps beside it),
# readers/ -> vocabularies -> cleaning/ -> build -> analysis -> charts, figures, export, profiles -> commands.
LAYERS = [
    ("paths", {"analysis.paths"}),
    ("values", {"analysis.values", "analysis.snippets", "analysis.provenance"}),
    ("tables", {"analysis.tables", "analysis.locking", "analysis.stamps"}),
    ("readers", {"analysis.readers", "analysis.readers.errors", "analysis.readers.grid", "analysis.readers.shape"}),
    ("vocabularies", {"analysis.forces", "analysis.outcomes", "analysis.periods", "analysis.populations",
                      "analysis.sources", "analysis.schemas"}),
    ("cleaning", {"analysis.cleaning", "analysis.cleaning.figures", "analysis.cleaning.cases",
                  "analysis.cleaning.foi_tables", "analysis.cleaning.workforce"}),
    ("build", {"analysis.build", "analysis.datasets"}),
    ("analysis", {"analysis.stats", "analysis.workforce", "analysis.quality", "analysis.rates", "analysis.years",
                  "analysis.outcomes_compare", "analysis.profile", "analysis.force_profile", "analysis.foi",
                  "analysis.coverage", "analysis.seen_in"}),
    ("output", {"analysis.charts", "analysis.timelines", "analysis.labels", "analysis.figures",
                "analysis.figure_catalogue", "analysis.export", "analysis.profiles"}),
    ("commands", {"analysis.notebooks", "analysis.pipeline", "analysis.add_foi", "analysis.additions",
                  "analysis.__main__", "analysis"}),
]
LAYER_OF = {module: i for i, (_, modules) in enumerate(LAYERS) for module in modules}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py")) if "__pycache__" not in p.parts}


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that `name` imports (anywhere in its file)."""
    is_package = path.name == "__init__.py"
    base = name.split(".") if is_package else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                stem = base[:len(base) - (node.level - 1)]
                origin = ".".join(stem + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # `from . import forces` imports the module analysis.forces; `from .cleaning import RawDataError`
            # imports the package analysis.cleaning
            targets = [f"{origin}.{a.name}" if f"{origin}.{a.name}" in MODULES else origin for a in node.names]
        else:
            continue
        for target in targets:
            if target in MODULES and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_every_module_has_a_layer():
    unplaced = sorted(set(MODULES) - set(LAYER_OF))
    assert not unplaced, f"place these modules in tests/test_layers.py LAYERS (see DESIGN.md): {unplaced}"


def test_imports_only_point_down():
    upward = [f"{a} ({LAYERS[LAYER_OF[a]][0]}) imports {b} ({LAYERS[LAYER_OF[b]][0]})"
              for a, targets in GRAPH.items() for b in sorted(targets)
              if a in LAYER_OF and b in LAYER_OF and LAYER_OF[b] > LAYER_OF[a]]
    assert not upward, "upward imports:\n" + "\n".join(upward)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_loop():
    loop = _cycle(GRAPH)
    assert loop is None, "import loop: " + " -> ".join(loop)


def test_the_checks_can_fail():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    # the old knot: build -> cleaning.foi_tables -> foi -> build
    knot = {"analysis.build": {"analysis.cleaning.foi_tables"}, "analysis.cleaning.foi_tables": {"analysis.foi"},
            "analysis.foi": {"analysis.build"}}
    assert _cycle(knot) is not None
    assert LAYER_OF["analysis.foi"] > LAYER_OF["analysis.cleaning.foi_tables"]  # foi imports cleaning, not back


@pytest.mark.parametrize("reader", ["analysis.foi", "analysis.cleaning.foi_tables", "analysis.cleaning.workforce"])
def test_spreadsheets_are_read_in_one_guarded_place(reader):
    """Only analysis.readers.grid opens spreadsheets (openpyxl, odf, xlrd, pandas' Excel readers)."""
    text = MODULES[reader].read_text(encoding="utf-8")
    for forbidden in ("import openpyxl", "from odf", "import xlrd", "read_excel", "ExcelFile", "load_workbook"):
        assert forbidden not in text, f"{reader} reads spreadsheets itself ({forbidden})"


# Calls that READ a spreadsheet (writing one, e.g. an export with openpyxl.Workbook(), is not reading).
READING_CALLS = ("load_workbook(", "read_excel(", "ExcelFile(", "open_workbook(", "opendocument import load",
                 "opendocument.load(", "ExcelReader(")


def test_no_module_outside_readers_opens_a_spreadsheet():
    for name, path in MODULES.items():
        if name.startswith("analysis.readers"):
            continue
        text = path.read_text(encoding="utf-8")
        for forbidden in READING_CALLS:
            assert forbidden not in text, f"{name} reads spreadsheets itself ({forbidden}): use analysis.readers"

"""The README's layout stays in step with the repository."""
import re

from analysis.paths import NOTEBOOKS_DIR, PACKAGE_DIR, PROJ_ROOT

README = (PROJ_ROOT / "README.md").read_text()
TREE = README.split("## Layout", 1)[1].split("```")[1]


SUBPACKAGES = ("cleaning", "readers")


def test_every_module_and_recode_table_is_in_the_tree():
    modules = sorted(PACKAGE_DIR.glob("*.py")) + [p for sub in SUBPACKAGES for p in sorted((PACKAGE_DIR / sub).glob("*.py"))]
    for sub in SUBPACKAGES:
        assert f"{sub}/" in TREE, f"README layout does not mention src/analysis/{sub}/"
    for path in modules:
        if path.name in ("__init__.py", "__main__.py"):
            continue
        assert path.name in TREE, f"README layout does not mention src/analysis/{path.name}"
    for path in sorted((PACKAGE_DIR / "recode").glob("*.csv")):
        assert path.name in TREE, f"README layout does not mention recode/{path.name}"


def test_every_notebook_is_in_the_tree_and_every_named_notebook_exists():
    on_disk = {p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb")}
    named = set(re.findall(r"\b\d\d_[a-z_]+\b", TREE))
    assert on_disk == named


def test_every_module_named_in_the_tree_exists():
    for name in re.findall(r"^\s+([a-z_]+\.py)\b", TREE, flags=re.M):
        assert (PACKAGE_DIR / name).exists() or any((PACKAGE_DIR / sub / name).exists() for sub in SUBPACKAGES), name


def test_every_figure_file_is_listed_in_the_readme():
    figures = {p.stem for p in (PROJ_ROOT / "figures").glob("*.png")}
    for name in figures:
        assert f"`{name}`" in README, f"figures/{name}.png is not in the README's figure table"


def test_readme_gives_the_two_setup_commands():
    assert "make all" in README and "make test" in README

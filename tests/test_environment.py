"""environment.yml (conda users) must list exactly the dependencies of pyproject.toml."""
import tomllib

import yaml

from analysis.paths import PROJ_ROOT


def _normalise(req: str) -> str:
    return req.replace(" ", "").lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_normalise(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text())
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_lists) == 1, "environment.yml needs one pip: list"
    listed = {_normalise(r) for r in pip_lists[0]}
    assert listed == wanted, f"only in environment.yml: {listed - wanted}; only in pyproject: {wanted - listed}"


def test_every_dependency_has_an_upper_bound():
    # Stored notebook outputs stay comparable only if major versions cannot drift.
    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    for req in project["dependencies"] + project["optional-dependencies"]["dev"]:
        assert "<" in req, f"{req} has no upper bound"

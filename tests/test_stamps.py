"""Content-hash skipping (analysis.stamps), atomic writes (tables.atomic_path) and the step commands."""
import os

import pytest

from analysis import __main__ as cli
from analysis import paths, stamps, tables


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A synthetic step reading in/ and writing out/, with stamps under tmp_path."""
    monkeypatch.setattr(paths, "STAMPS_DIR", tmp_path / ".stamps")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_text("x\n1\n")
    runs = []

    def action():
        runs.append(1)
        out = tmp_path / "out"
        out.mkdir(exist_ok=True)
        (out / "result.txt").write_text((tmp_path / "in" / "a.csv").read_text().upper())

    def step(force=False, echo=print):
        return stamps.run("synthetic", lambda: [tmp_path / "in", ("setting", b"v1")], lambda: [tmp_path / "out"],
                          action, force=force, echo=echo)

    return tmp_path, step, runs


def test_second_run_with_nothing_changed_skips_and_says_so(project, capsys):
    root, step, runs = project
    assert step() is True
    assert step() is False
    assert len(runs) == 1
    assert "synthetic: inputs unchanged, skipped" in capsys.readouterr().out
    assert step(force=True) is True and len(runs) == 2


def test_a_changed_input_or_a_touched_output_reruns(project):
    root, step, runs = project
    step()
    (root / "in" / "a.csv").write_text("x\n2\n")
    assert step() is True
    os.utime(root / "in" / "a.csv", (0, 0))  # a new time alone is not a change
    assert step() is False
    (root / "out" / "result.txt").write_text("edited by hand")
    assert step() is True
    (root / "out" / "result.txt").unlink()
    assert step() is True
    (root / "in" / "b.csv").write_text("new file")
    assert step() is True
    assert len(runs) == 5


def test_a_step_that_fails_is_never_skipped_next_time(project, monkeypatch):
    root, step, runs = project
    step()
    (root / "in" / "a.csv").write_text("changed")

    def boom():
        raise RuntimeError("killed half-way")

    with pytest.raises(RuntimeError):
        stamps.run("synthetic", lambda: [root / "in"], lambda: [root / "out"], boom)
    assert not (paths.STAMPS_DIR / "synthetic.json").exists()
    assert step() is True


def test_digest_ignores_caches_and_notices_missing_paths(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("x = 1\n")
    before = stamps.digest([tmp_path / "pkg"])
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\x00")
    (tmp_path / "pkg" / ".m.py.abc.tmp").write_text("partial")
    assert stamps.digest([tmp_path / "pkg"]) == before
    assert stamps.digest([tmp_path / "nothing"]) != stamps.digest([tmp_path / "pkg"])
    assert stamps.digest([("a", b"1")]) != stamps.digest([("a", b"2")])


def test_inputs_of_each_step_name_what_it_reads():
    assert paths.RAW_DIR in stamps.build_inputs() and paths.PACKAGE_DIR in stamps.build_inputs()
    notebook = sorted(paths.NOTEBOOKS_DIR.glob("0*.ipynb"))[0]
    labels = [i[0] for i in stamps.notebook_inputs(notebook) if isinstance(i, tuple)]
    assert f"notebook {notebook.name}" in labels and "environment" in labels
    assert paths.WORKBOOK in stamps.export_outputs() and paths.PROFILES_DIR in stamps.profiles_outputs()
    # Notebook outputs are not inputs: executing a notebook must not invalidate its own stamp.
    code = stamps.notebook_code(notebook)[1]
    assert b"execution_count" not in code and b"outputs" not in code


def test_environment_lists_the_installed_dependencies():
    label, text = stamps.environment()
    assert label == "environment"
    for name in ("pandas", "matplotlib", "openpyxl"):
        assert f"\n{name} " in text.decode()


def test_export_command_skips_the_second_time(tmp_path, monkeypatch, capsys):
    """The command wiring: run, skip with the visible line, --force reruns (the workbook itself is stubbed
    here; test_export.py builds the real one)."""
    from analysis import export
    monkeypatch.setattr(paths, "STAMPS_DIR", tmp_path / ".stamps")
    monkeypatch.setattr(paths, "WORKBOOK", tmp_path / "wb.xlsx")
    monkeypatch.setattr(export, "build_workbook", lambda progress=None: progress(1, 1, "synthetic") or b"PK synthetic")
    assert cli.main(["export"]) == 0
    first = capsys.readouterr()
    assert "wrote" in first.out and "export: 1/1 synthetic" in first.err
    assert cli.main(["export"]) == 0
    assert "export: inputs unchanged, skipped" in capsys.readouterr().out
    assert cli.main(["export", "--force"]) == 0
    assert "wrote" in capsys.readouterr().out


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for command in ("build", "notebooks", "export", "profiles", "add-foi"):
        assert command in text


def test_atomic_path_replaces_on_success_and_leaves_the_old_file_on_error(tmp_path):
    target = tmp_path / "sub" / "file.txt"
    with tables.atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_text("new")
        assert not target.exists()
    assert target.read_text() == "new"
    with pytest.raises(ValueError):
        with tables.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise ValueError("failed while writing")
    assert target.read_text() == "new"
    assert [p.name for p in target.parent.iterdir()] == ["file.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask

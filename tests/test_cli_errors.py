"""Every failure the command line can meet is ONE line, `error: <file>: <what> <where> <what to do>`, and a
non-zero exit; `--verbose` adds the traceback. The CLI is run on every bad input of the test suite (the FOI
bad-input cases, the wrong-bytes files, bombs, protected and damaged workbooks), on a malformed sources.yml and on
a disk that refuses a write. Files made here are named synthetic_*."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
import zlib

import pytest

from analysis import paths, sources, tables
from analysis.__main__ import main
from test_foi_errors import CASES, _bytes_cases
from test_foi_writers import write, write_xlsx
from test_readers import (
    _deflate,
    _ole2_with_streams,
    _sheet_xml,
    _table_rows,
    _xlsx_with_formats,
    deflated_zeros,
    members_of,
    with_member,
    write_zip,
)

ARGS = ["--no-notebooks", "--force", "Kent Police", "--title", "Synthetic reply", "--url",
        "https://example.org/foi/synthetic", "--published", "2024-05-17"]
OPTION = {"period": "--period", "period_start": "--period-start", "period_end": "--period-end", "sheet": "--sheet",
          "force": "--force"}


def one_error_line(capsys, name: str | None = None) -> str:
    err = capsys.readouterr().err
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err, err
    if name is not None:
        assert name in lines[0], lines[0]
    return lines[0]


def add_foi_argv(path, kwargs=None) -> list[str]:
    argv = ["add-foi", str(path), *ARGS]
    for key, value in (kwargs or {}).items():
        argv += [OPTION[key], str(value)]
    return argv


def bad_files(folder):
    """Every bad input of the test suite: (path, extra add-foi options)."""
    out = []
    for name, suffix, rows, _error, _cell, kwargs in CASES:
        out.append((write(folder / f"synthetic_{name}{suffix}", rows), kwargs))
    out += [(path, {}) for path, _error in _bytes_cases(folder)]
    good = write_xlsx(folder / "synthetic_base.xlsx", [[None, 2018], ["Officers", 1]])
    stream, crc = deflated_zeros(64)
    out.append((with_member(good, folder / "synthetic_bomb.xlsx", "xl/sharedStrings.xml", (stream, crc, 64 << 20)),
                {}))
    out.append((with_member(good, folder / "synthetic_liar.xlsx", "xl/worksheets/sheet1.xml", (stream, crc, 1000)),
                {}))
    xml = _sheet_xml(_table_rows() + "".join(f'<row r="{r}" s="1"/>' for r in range(3, 20_000)))
    out.append((with_member(good, folder / "synthetic_styled_rows.xlsx", "xl/worksheets/sheet1.xml",
                            (_deflate(xml), zlib.crc32(xml), len(xml))), {}))
    out.append((write_zip(folder / "synthetic_no_sheet_part.xlsx",
                          [m for m in members_of(good) if m[0] != "xl/worksheets/sheet1.xml"]), {}))
    out.append((_ole2_with_streams(folder / "synthetic_encrypted.xlsx", "EncryptionInfo", "EncryptedPackage"), {}))
    out.append((_xlsx_with_formats(folder / "synthetic_percent.xlsx", ["2019", "2020"], "General", [1, 2], "0%"), {}))
    return out


def test_every_bad_input_gives_one_line_and_no_traceback(project, capsys):
    cases = bad_files(project)
    assert len(cases) >= 60
    raw_before = sorted(p.name for p in paths.RAW_DIR.iterdir())
    manifest = paths.SOURCES_YML.read_bytes()
    for path, kwargs in cases:
        assert main(add_foi_argv(path, kwargs)) == 1, path.name
        one_error_line(capsys, path.name)
    assert sorted(p.name for p in paths.RAW_DIR.iterdir()) == raw_before
    assert paths.SOURCES_YML.read_bytes() == manifest
    assert not paths.ADD_FOI_DIR.exists() or not any(paths.ADD_FOI_DIR.iterdir())


def test_verbose_shows_the_traceback_then_the_line(project, capsys):
    path = write(project / "synthetic_verbose.csv", [[None, "2021"], ["Officers", "lots"]])
    assert main(["--verbose", *add_foi_argv(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.strip().splitlines()[-1].startswith("error: ") and "line 2, column 2" in err


@pytest.mark.parametrize("argv, expected", [
    (["--published", "17/05/2024"], "--published '17/05/2024': expected the reply's date as YYYY-MM-DD"),
    (["--published", "2024-02-30"], "--published '2024-02-30'"),
    (["--url", "example.org"], "--url 'example.org'"),
    (["--measure", "nonsense"], "--measure 'nonsense' is not a code"),
    (["--force", "Gotham City Police"], "force 'Gotham City Police'"),
])
def test_bad_options_are_one_line(project, capsys, argv, expected):
    path = write(project / "synthetic_good.csv", [[None, "2021"], ["Officers", "1"]])
    assert main(["add-foi", str(path), *ARGS, *argv]) == 1
    line = one_error_line(capsys, "synthetic_good.csv")
    assert expected in line


@pytest.mark.parametrize("text, line", [
    ("- id: x\n  title: [unclosed\n", 2),  # the line that opened the bracket, not the end of the file
    ("- id: a\n  title: b\n - id: c\n", 3),
    ("- id: a\n\tbad: tab\n", 2),
])
def test_a_malformed_sources_yml_names_the_file_and_line(project, capsys, text, line):
    paths.SOURCES_YML.write_text(text, encoding="utf-8")
    sources.refresh()
    assert main(["build"]) == 1
    message = one_error_line(capsys, "sources.yml")
    assert f"line {line}" in message and "not valid YAML" in message and "fix that line" in message


def test_a_missing_sources_yml_is_one_line(project, capsys):
    paths.SOURCES_YML.unlink()
    sources.refresh()
    assert main(["build"]) == 1
    assert "sources.yml: the source manifest is missing" in one_error_line(capsys)


def test_a_disk_that_refuses_a_write_is_one_line_and_changes_nothing(project, capsys, monkeypatch):
    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))
    monkeypatch.setattr(tables.os, "replace", full)
    assert main(["build"]) == 1
    line = one_error_line(capsys, "No space left on device")
    assert "free some disk space" in line
    assert not any(paths.PROCESSED_DIR.iterdir())  # nothing written where the tables live
    manifest = paths.SOURCES_YML.read_bytes()
    path = write(project / "synthetic_full_disk.csv", [[None, "2021"], ["Officers", "1"]])
    assert main(add_foi_argv(path, {})) == 1
    assert "No space left on device" in one_error_line(capsys)
    assert paths.SOURCES_YML.read_bytes() == manifest
    assert not (paths.RAW_DIR / "kent_socialmedia_2021_2024-05").exists()
    assert not paths.ADD_FOI_DIR.exists() or not any(paths.ADD_FOI_DIR.iterdir())


def test_a_read_only_output_is_one_line(project, capsys, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(paths.PROCESSED_DIR / "observations.csv"))
    monkeypatch.setattr(tables, "write_bytes", denied)
    assert main(["build"]) == 1
    line = one_error_line(capsys, "observations.csv")
    assert "Permission denied" in line and "permissions" in line


def test_a_processed_file_from_another_build_is_one_line_in_a_command(project, capsys):
    """load() inside a command: the clear error is the one line."""
    from analysis.pipeline import rebuild
    rebuild()
    target = paths.PROCESSED_DIR / "cases.csv"
    target.write_bytes(target.read_bytes()[:-40])  # as a kill mid-write would have left it without atomic writes
    from analysis.datasets import ProcessedDataError, load
    with pytest.raises(ProcessedDataError, match=r"cases.csv: its sha256 .* Run `make all`"):
        load("cases")


def test_the_real_process_prints_one_line(tmp_path):
    """End to end: a real `python -m analysis add-foi` on a bad file, nothing written, one line on stderr."""
    path = write(tmp_path / "synthetic_process.csv", [[None, "2021"], ["Officers", "lots"]])
    done = subprocess.run([sys.executable, "-m", "analysis", "add-foi", str(path), *ARGS], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "ANALYSIS_LOCK_TIMEOUT": "5"})
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    assert "synthetic_process.csv: cell line 2, column 2 holds 'lots'" in done.stderr

"""`python -m analysis figures`: every format, the data drawn, an index with alt text, identical bytes on
every rebuild. That notebooks never write figures/ is checked around nbval's run of each notebook
(tests/conftest.py)."""
import hashlib
import struct

import pandas as pd
import pytest

from analysis import figure_catalogue, figures, sources, tables
from analysis.paths import FIGURES_DIR, NOTEBOOKS_DIR


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    figure_catalogue.write_all(out)
    return out


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_two_independent_builds_give_identical_bytes_and_figures_is_what_the_build_writes(build, tmp_path):
    """The committed figures/ (written by `python -m analysis figures` in a process of its own, at another time)
    and this build give identical bytes: the build is deterministic across processes and runs, and figures/ is up
    to date. Where they differ, a second build here says which of the two failed."""
    fresh, committed = _digests(build), _digests(FIGURES_DIR)
    if fresh != committed:
        figure_catalogue.write_all(tmp_path)
        assert _digests(tmp_path) == fresh, "two builds in a row differ: the figure build is not deterministic"
    assert fresh == committed, "figures/ is not what the build writes: run `make all` and commit figures/"


def test_every_figure_in_every_format_with_its_data_and_an_index(build):
    out = build
    index = tables.read_csv(out / "index.csv")
    assert list(index.columns) == list(figure_catalogue.INDEX_COLUMNS)
    assert list(index["file"]) == [f"{n}.png" for n in figure_catalogue.NAMES]
    for row in index.itertuples():
        name = row.file[:-4]
        for fmt in ("png", "svg", "pdf", "csv"):
            assert (out / f"{name}.{fmt}").stat().st_size > 0, f"{name}.{fmt}"
        # one sentence of alt text, a headline, a notebook that exists, sources that exist
        assert row.alt_text.endswith(".") and row.alt_text.count(". ") == 0, row.alt_text
        assert row.title and "\n" not in row.title
        assert (NOTEBOOKS_DIR.parent / row.notebook).exists()
        for source_id in row.sources.split("; "):
            sources.source(source_id)
        data = pd.read_csv(out / f"{name}.csv")
        assert len(data) and "source_id" in data.columns and data["source_id"].notna().all()


def _png_size(path):
    head = path.read_bytes()[:24]
    return struct.unpack(">II", head[16:24])


def test_png_is_at_least_200_dpi(build):
    for name in figure_catalogue.NAMES:
        width_px, _ = _png_size(build / f"{name}.png")
        assert width_px >= 200 * figures.FIG_WIDTH - 1, name


def test_the_data_file_has_one_row_per_mark(build, fr):
    funnel = pd.read_csv(build / "pa2014_funnel.csv")
    pa = fr[(fr["source_id"] == "pa_socialmedia_2009-2014_2014-08") & (fr["denominator_source"] == "official")]
    assert len(funnel) == pa["rate_per_1000"].notna().sum()
    assert not funnel.duplicated("force").any()


def test_a_failed_figure_check_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(figure_catalogue, "problems", lambda built: ["overlap: synthetic"])
    with pytest.raises(figure_catalogue.FigureCheckError):
        figure_catalogue.write_all(tmp_path, names=("pa2014_funnel",))
    assert list(tmp_path.iterdir()) == []

import matplotlib.pyplot as plt

from analysis import figures, sources


def _figure():
    figures.set_theme()
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    ax.set_title("B is twice A")
    return fig


def test_saving_twice_gives_identical_bytes(tmp_path):
    source_id = sources.manifest()[0]["id"]
    first = figures.save(_figure(), "demo", [source_id], out_dir=tmp_path / "1")
    second = figures.save(_figure(), "demo", [source_id], out_dir=tmp_path / "2")
    assert [p.suffix for p in first] == [".png", ".svg", ".pdf"]  # PDF added deliberately (issue 8)
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_every_figure_carries_a_source_line(tmp_path):
    source_id = sources.manifest()[0]["id"]
    paths = figures.save(_figure(), "demo", [source_id], out_dir=tmp_path)
    svg = paths[1].read_text()
    assert "Source:" in svg and sources.source(source_id)["publisher"].split()[0] in svg

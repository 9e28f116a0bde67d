"""The force pages as files: one per registry force plus an index, self-contained, accessible, linked."""
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis import coverage, force_profile, forces, profiles


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, text: str):
        super().__init__()
        self.tags, self.links, self.images, self.ids, self.tables = [], [], [], set(), []
        self._table = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a":
            self.links.append(a)
        if tag == "img":
            self.images.append(a)
        if tag == "table":
            self._table = {"id": a.get("id"), "caption": False, "th": [], "body_rows": 0, "in_body": False}
            self.tables.append(self._table)
        if self._table is not None:
            if tag == "caption":
                self._table["caption"] = True
            if tag == "th":
                self._table["th"].append(a.get("scope"))
            if tag == "tbody":
                self._table["in_body"] = True
            if tag == "tr" and self._table["in_body"]:
                self._table["body_rows"] += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None


@pytest.fixture(scope="module")
def tiny_png():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(1, 1))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=20)
    plt.close(fig)
    return buf.getvalue()


@pytest.fixture(scope="module")
def written(tmp_path_factory, tiny_png):
    """Every page written by write_all, with a tiny stand-in image (the real funnels are drawn in the
    browser test and by `make all`); a stale page left from a renamed force must be removed."""
    out = tmp_path_factory.mktemp("profiles")
    (out / "no-such-force.html").write_text("stale")
    mp = pytest.MonkeyPatch()
    mp.setattr(profiles, "funnel_png", lambda funnel, force: tiny_png)
    try:
        files = profiles.write_all(out)
    finally:
        mp.undo()
    return out, files


def test_one_page_per_registry_force_and_an_index(written):
    out, files = written
    expected = {force_profile.slug(f) + ".html" for f in forces.registry()["force"]} | {"index.html"}
    assert {p.name for p in out.glob("*.html")} == expected
    assert len(files) == forces.N_FORCES + 1
    assert not list(out.glob(".*.tmp"))


def test_index_lists_every_force_with_its_number_of_figures(written, obs):
    out, _ = written
    page = (out / "index.html").read_text()
    parsed = Page(page)
    table = next(t for t in parsed.tables if t["id"] == "forces")
    assert table["body_rows"] == forces.N_FORCES
    for force in forces.registry()["force"]:
        n = int(((obs["force"] == force) & ~obs["qualifier"].isin(force_profile.NO_FIGURE)).sum())
        href = force_profile.slug(force) + ".html"
        row = re.search(rf'<a href="{re.escape(href)}">[^<]+</a></th><td>[^<]*</td><td class="num">(\d+)</td>', page)
        assert row, f"{force} is not linked from the index"
        assert int(row.group(1)) == n


def test_index_counts_social_media_figures_as_the_coverage_grid_does(written, obs):
    """The index and the coverage grid must not give two counts of forces with a social-media figure."""
    out, _ = written
    page = (out / "index.html").read_text()
    grid = coverage.coverage_grid(obs)
    per_force = (grid == "figure").sum(axis=1)
    assert f"; {int((per_force > 0).sum())} have a figure from a study of social-media misconduct" in page
    for force, n in per_force.items():
        href = force_profile.slug(force) + ".html"
        row = re.search(rf'<a href="{re.escape(href)}">[^<]+</a></th><td>[^<]*</td>'
                        rf'(?:<td class="num">\d+</td>){{2}}<td class="num">(\d+)</td>', page)
        assert row and int(row.group(1)) == n, force


def test_index_says_where_each_force_stands_once_size_is_allowed_for(written, fr):
    """The index's last column, recomputed from the widened limits in force_rates (official headcounts where a
    study has both denominators): only a force outside them is said to stand out."""
    from analysis import rates
    out, _ = written
    page = (out / "index.html").read_text()
    for force in forces.registry()["force"]:
        href = force_profile.slug(force) + ".html"
        row = page.split(f'<a href="{href}">')[1].split("</tr>")[0]
        last = re.findall(r"<td>([^<]*)</td>", row)[-1]
        mine = fr[(fr["force"] == force) & fr["rate_per_1000"].notna()]
        if mine.empty:
            assert last == "no rate", (force, last)
            continue
        mine = mine.sort_values("denominator_source", key=lambda d: d != rates.OFFICIAL, kind="stable")
        for r in mine.drop_duplicates("source_id").itertuples():
            if r.lower_95_adjusted <= r.rate_per_1000 <= r.upper_95_adjusted:
                verdict = "does not stand out"
            else:
                verdict = f"stands out as {'low' if r.rate_per_1000 < r.lower_95_adjusted else 'high'}"
            assert f"{verdict} in {rates.study_label(r.source_id)}" in last, (force, last)


def test_pages_are_self_contained_and_accessible(written):
    out, _ = written
    for path in sorted(out.glob("*.html")):
        text = path.read_text()
        parsed = Page(text)
        assert '<html lang="en-GB">' in text
        assert not any(t == "script" or t == "link" or t == "iframe" for t, _ in parsed.tags), path.name
        assert not re.search(r'\b(src|href)="//', text) and "@import" not in text and "url(" not in text
        for img in parsed.images:
            assert img["src"].startswith("data:image/png;base64,"), path.name
            assert len(img.get("alt", "")) > 40, path.name
        for table in parsed.tables:
            assert table["caption"], f"{path.name}: table {table['id']} has no caption"
            assert table["th"] and all(s in ("col", "row") for s in table["th"]), path.name
        for a in parsed.links:
            href = a["href"]
            if a.get("class") == "source":
                assert re.match(r"^https?://[^\s/]+\.[^\s]+$", href), f"{path.name}: {href}"
            elif href.startswith("#"):
                assert href[1:] in parsed.ids, f"{path.name}: broken anchor {href}"
            else:
                assert re.fullmatch(r"[a-z0-9-]+\.html", href) and (out / href).exists(), f"{path.name}: {href}"


def test_every_page_has_summary_caveats_and_citation(written):
    out, _ = written
    for force in forces.registry()["force"]:
        text = (out / (force_profile.slug(force) + ".html")).read_text()
        for heading in ("What is known", "How it compares once size is accounted for", "What is missing and why",
                        "Caveats that apply", "How to cite"):
            assert heading in text, f"{force}: no '{heading}'"


def test_the_figures_table_has_one_row_per_published_figure(written, obs):
    out, _ = written
    for force in forces.registry()["force"]:
        parsed = Page((out / (force_profile.slug(force) + ".html")).read_text())
        n = int((obs["force"] == force).sum())
        tables = {t["id"]: t for t in parsed.tables}
        if n:
            assert tables["figures"]["body_rows"] == n
        else:
            assert "figures" not in tables and "no-figures" in parsed.ids


def test_page_text_is_escaped():
    assert profiles.esc('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert profiles.link("javascript:alert(1)", "x") == "x"
    assert profiles.link("https://example.org/a?b=1&c=2", "t") == \
        '<a href="https://example.org/a?b=1&amp;c=2" class="source">t</a>'


def test_funnel_png_marks_the_force_and_is_deterministic():
    p = force_profile.profile("Kent")
    funnel = p.funnels[0]
    a = profiles.funnel_png(funnel, p.force)
    other = force_profile.profile("Metropolitan Police Service")
    between = profiles.funnel_png(other.funnels[0], other.force)  # nothing of one force stays on the next
    b = profiles.funnel_png(funnel, p.force)
    assert a == b and a != between and a[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = profiles.png_size(a)
    assert width >= 800 and height >= 500
    assert "Kent" in profiles.funnel_alt(funnel, p.force)


def test_funnel_png_is_the_chart_function_with_the_force_highlighted(monkeypatch):
    """The page draws the published chart (charts.funnel_plot), with the force highlighted and named, and
    titled with the force's position against the widened limits; every check of the published figures holds."""
    from analysis import charts, figure_catalogue, figures
    original, seen = charts.funnel_plot, {}

    def spy(rates, **kw):
        fig = original(rates, **kw)
        seen.update(kw, fig=fig, problems=figure_catalogue.problems(
            figure_catalogue.Built(fig, None, "", point_axes=((0, charts.funnel_data(rates, kw["highlight"])),))))
        return fig

    monkeypatch.setattr(charts, "funnel_plot", spy)
    monkeypatch.setattr(figures, "close", lambda fig: None)  # keep the figure to look at it
    p = force_profile.profile("kent")
    for funnel in p.funnels:
        png = profiles.funnel_png(funnel, p.force)
        assert seen["highlight"] == "Kent Police"
        row = funnel.rates[funnel.rates["force"] == "Kent Police"].iloc[0]
        inside = row["lower_95_adjusted"] <= row["rate_per_1000"] <= row["upper_95_adjusted"]
        low = row["rate_per_1000"] < row["lower_95_adjusted"]
        verdict = "does not stand out" if inside else f"stands out as {'low' if low else 'high'}"
        assert seen["title"] == (f"Kent {verdict}: {row['rate_per_1000']:.1f} per 1,000, pooled rate "
                                 f"{row['centre_rate_per_1000']:.1f}")
        fig = seen["fig"]
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert any(t.startswith("Kent (") for t in texts), texts  # the force is named beside its marker
        assert not seen["problems"], seen["problems"]  # no overlap, nothing off the canvas, labels on their dots
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and profiles.png_size(png)[0] >= 800
        original_close(fig)


def original_close(fig):
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_written_page_is_atomic(tmp_path, monkeypatch):
    """A failure while rendering leaves the old page, not a half-written one."""
    (tmp_path / "index.html").write_text("old index")

    def boom(profiles_):
        raise RuntimeError("render failed")

    monkeypatch.setattr(force_profile, "all_forces", lambda: ["Kent Police"])
    monkeypatch.setattr(profiles, "funnel_png", lambda f, force: b"")
    monkeypatch.setattr(profiles, "render_page", lambda p, images=None: "page")
    monkeypatch.setattr(profiles, "render_index", boom)
    with pytest.raises(RuntimeError):
        profiles.write_all(tmp_path)
    assert (tmp_path / "index.html").read_text() == "old index"
    assert not list(Path(tmp_path).glob(".*.tmp"))

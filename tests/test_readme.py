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


def test_readme_opens_with_key_findings_and_thumbnails_of_built_figures():
    head = README.split("## ", 2)
    assert README.index("## Key findings") < README.index("## What it answers")
    findings = README.split("## Key findings", 1)[1].split("\n## ", 1)[0]
    thumbs = re.findall(r'<img src="(figures/[a-z0-9_]+\.png)"', findings)
    assert 4 <= len(set(thumbs)) <= 5
    for thumb in thumbs:
        assert (PROJ_ROOT / thumb).exists(), thumb
    assert findings.count("*Caveat:*") == len(re.findall(r"^\d\. \*\*", findings, flags=re.M)) >= 4
    assert head


def test_glossary_explains_the_terms_readers_meet():
    glossary = README.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    for term in ("IOPC", "PCSO", "Case to answer", "FTE vs headcount", "Funnel limits", "regimes"):
        assert term in glossary, term


def test_the_count_of_sources_and_studies_matches_the_manifest():
    from collections import Counter

    import analysis
    from analysis import sources

    manifest = sources.manifest()
    topics = Counter(e["topic"] for e in manifest)
    studies = [e for e in manifest if e["topic"] != "workforce"]
    with_figures = set(analysis.load("observations")["source_id"])
    assert f"**{len(manifest)} sources**" in README
    assert f"**{len(studies)} studies**" in README
    assert f"{topics['social_media']} on social media, {topics['all_misconduct']} on all misconduct" in README
    assert f"**{len(with_figures)} of the {len(studies)} studies**" in README


def test_every_catalogue_figure_is_in_the_figure_table():
    from analysis.figure_catalogue import CATALOGUE

    table = README.split("## Where every figure comes from", 1)[1].split("\n## ", 1)[0]
    for spec in CATALOGUE:
        assert f"| `{spec.name}` | {spec.notebook} |" in table


def test_key_findings_agree_with_the_built_figures():
    import analysis
    from analysis import tables

    findings = README.split("## Key findings", 1)[1].split("\n## ", 1)[0]
    titles = dict(zip(*(lambda t: (t["file"], t["title"]))(tables.read_csv(PROJ_ROOT / "figures" / "index.csv"))))
    covered, total = re.search(r"(\d+) of (\d+) forces", titles["coverage_grid.png"]).groups()
    assert f"{covered} of {total} forces" in findings
    # Added (figures-2): the grid's headline also says how many forces have a figure for 2022 onwards, and the
    # README says the same number, computed here from the data (notebook 01's coverage by period).
    from analysis import coverage
    by = coverage.coverage_by_period(analysis.load("observations")).set_index("period")
    recent, early = by.loc["2022 onwards", "forces_with_a_figure"], by.loc["before 2014", "forces_with_a_figure"]
    assert re.search(rf"\b{recent} since 2022$", titles["coverage_grid.png"]), titles["coverage_grid.png"]
    assert f"only {recent} for 2022 onwards ({early} before 2014)" in findings
    assert by.loc["any period", "forces_with_a_figure"] == int(covered)
    studies, spans = re.search(r"(\d+) studies in (\d+) different spans", titles["study_spans.png"]).groups()
    assert f"{studies} studies cover" in findings and f"{spans} different spans" in findings
    low, high = re.search(r"Between (\d+)% and (\d+)%", titles["outcomes_on_one_scale.png"]).groups()
    assert f"Between {low}% and {high}%" in findings
    rank, of = re.search(r"ranks (\d+) of (\d+)", titles["pa2014_rates_ranked.png"]).groups()
    assert f"ranks {rank} of {of}" in findings
    fr = analysis.load("force_rates")
    pa = fr[(fr["source_id"] == "pa_socialmedia_2009-2014_2014-08") & (fr["denominator_source"] == "official")]
    flagged = pa[pa["funnel_position_adjusted"].isin(("beyond_998_above", "between_95_998_above",
                                                       "between_95_998_below", "beyond_998_below"))]
    first = findings.split("2. **", 1)[0]
    for name in flagged["short_name"]:
        assert name in first
    for name in pa.loc[pa["funnel_position_adjusted"] == "inside_95", "short_name"]:
        assert f"{name} (" not in first

"""The published figures: one registry, one builder per figure, one command that writes them.

Each entry names the figure, the notebook that shows it, and a builder that returns the framed Figure and the
data it draws (tidy, one row per mark, with source ids). `python -m analysis figures` calls `write_all()`,
which checks every figure (no overlapping text, nothing outside the canvas, text at least 7 pt and the whole
figure at most 24 cm tall when placed 16 cm wide, every point label tied to its own marker) and then writes,
each file atomically:

    figures/<name>.png (200 dpi), .svg, .pdf   the figure
    figures/<name>.csv                          exactly the data drawn
    figures/index.csv                           file, title, alt text, notebook, sources (one row per figure)

Only this command writes figures/. Notebooks call `show(name)` to display the same figure from memory.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from . import charts, coverage, figures, labels, outcomes_compare, rates, tables, timelines
from .datasets import load
from .paths import FIGURES_DIR

INDEX_COLUMNS = ("file", "title", "alt_text", "notebook", "sources", "formats", "data")


class FigureCheckError(ValueError):
    """A figure failed its checks and was not written."""


@dataclass(frozen=True)
class Built:
    fig: object
    data: pd.DataFrame
    alt_text: str
    point_axes: tuple = ()  # (axes index, data frame of label/x/y) pairs to check point labels against
    row_axes: tuple = ()    # (axes index, data frame of label/y) pairs whose tick labels name rows


@dataclass(frozen=True)
class Spec:
    name: str
    notebook: str
    build: Callable[["Inputs"], Built]


class Inputs:
    """The processed tables, loaded once per build."""

    @functools.cached_property
    def obs(self) -> pd.DataFrame:
        return load("observations")

    @functools.cached_property
    def fr(self) -> pd.DataFrame:
        return load("force_rates")

    @functools.cached_property
    def wf(self) -> pd.DataFrame:
        return load("workforce")

    def study(self, source_id: str, denominators: str = rates.OFFICIAL) -> pd.DataFrame:
        return self.fr[(self.fr["source_id"] == source_id) & (self.fr["denominator_source"] == denominators)]


def _sources_of(data: pd.DataFrame) -> list[str]:
    ids = []
    for cell in data["source_id"]:
        ids.extend(part.strip() for part in str(cell).split(";") if part.strip())
    return list(dict.fromkeys(ids))


# --------------------------------------------------------------------------------------------------
# Builders


def _funnel(source_id: str, denominators: str, what: str):
    def build(inp: Inputs) -> Built:
        sub = inp.study(source_id, denominators)
        where = ("the ranked chart of the same figures and in this figure's data file" if denominators == rates.OFFICIAL
                 else "this figure's data file (the ranked chart of this study uses Home Office headcounts)")
        fig = charts.funnel_plot(sub, what=what, findable_in=where)
        data = charts.funnel_data(sub)
        flagged = charts.funnel_finding(sub)
        alt = (f"Funnel plot of {what} per 1,000 against force size for {len(data)} forces "
               f"({rates.study_label(source_id)}), with limits widened for over-dispersion: {flagged}.")
        return Built(fig, data, alt, ((0, data),))
    return build


def _ranked(source_id: str, what: str):
    def build(inp: Inputs) -> Built:
        sub = inp.study(source_id)
        fig = charts.ranked_dot_plot(sub, what=what)
        data = charts.ranked_data(sub)
        alt = (f"Dot plot ranking {len(data)} forces by {what} per 1,000 ({rates.study_label(source_id)}) with exact "
               f"95% intervals: {charts.ranked_finding(sub, what)}.")
        return Built(fig, data, alt, ((0, data),), ((0, data),))
    return build


def _coverage(inp: Inputs) -> Built:
    fig = charts.coverage_grid(inp.obs)
    data = charts.coverage_table(inp.obs)
    by = coverage.coverage_by_period(inp.obs).set_index("period")
    alt = (f"Grid of {by.loc['any period', 'of_forces']} forces by period, each cell the number of social-media "
           f"studies giving the force a figure for that period: {by.loc['any period', 'forces_with_a_figure']} "
           f"forces have a figure in some period, {by.loc['before 2014', 'forces_with_a_figure']} before 2014 and "
           f"{by.loc['2022 onwards', 'forces_with_a_figure']} for 2022 onwards; refusals are marked and gaps pale.")
    return Built(fig, data, alt)


def _cases_by_force(inp: Inputs) -> Built:
    fig = charts.cases_by_force_chart(inp.obs)
    data = charts.cases_by_force_data(inp.obs)
    shown = data[data["status"] == "figure"].sort_values("count", ascending=False)
    alt = (f"Bar chart of PA 2014 social-media cases by force: {shown.iloc[0]['short_name']} reported the most "
           f"({shown.iloc[0]['count']:.0f}); {len(shown)} forces have a figure, "
           f"{int((data['status'] == 'refused').sum())} refused and {int((data['status'] == 'no figure found').sum())} "
           f"have no published figure.")
    return Built(fig, data, alt)


def _pa_outcomes(inp: Inputs) -> Built:
    fig = charts.pa_outcome_chart(inp.obs)
    data = charts.pa_outcome_data(inp.obs)
    alt = (f"Bar chart of PA 2014 outcomes: {data['percent'][0]:.0f}% of cases ended with the person leaving the "
           f"force, {data['percent'][1]:.0f}% with no further action, and {data['percent'][2]:.0f}% were not broken "
           f"down.")
    return Built(fig, data, alt)


def _outcomes(inp: Inputs) -> Built:
    shares = outcomes_compare.outcome_shares(inp.obs)
    context = outcomes_compare.proceedings_context(inp.obs)
    fig = charts.outcome_shares_chart(shares, context)
    data = charts.outcome_chart_data(shares)
    ctx = context.assign(bar="Home Office context: " + context["year"], outcome=context["measure"],
                         outcome_label=context["what"], share_percent=context["percent"], published_as="percent",
                         value=context["count"], group="proceedings (context)")
    data = pd.concat([data, ctx[[c for c in data.columns if c in ctx.columns]]], ignore_index=True)
    alt = f"Stacked bars of outcome shares for {shares.loc[shares['shown'], 'bar'].nunique()} study bases: " \
          f"{charts.outcome_finding(shares)}."
    return Built(fig, data, alt)


def _spans(inp: Inputs) -> Built:
    spans = rates.study_spans(inp.obs)
    fig = timelines.spans_chart(spans)
    data = timelines.spans_data(spans)
    national = data[data["panel"] == timelines.NATIONAL]
    alt = (f"Timeline of every study's period, {len(national)} national or multi-force studies named with their "
           f"headline count and {len(data) - len(national)} single-force reports grouped by force: "
           f"{timelines.spans_finding(spans)}.")
    return Built(fig, data, alt)


def _met(inp: Inputs) -> Built:
    series = rates.force_series(inp.obs, inp.wf)
    fig = timelines.series_chart(series, force_name="the Met")
    data = timelines.series_data(series)
    data["source_id"] = data["source_id"] + "; " + charts.workforce.SOURCE_ID
    alt = (f"One row per figure for the Met in each study, its period and its yearly rate per 1,000 with a 95% "
           f"interval: {timelines.series_finding(series)}.")
    return Built(fig, data, alt, row_axes=((0, data),))


CATALOGUE = (
    Spec("coverage_grid", "01_sources_and_quality", _coverage),
    Spec("pa2014_cases_by_force", "02_forces", _cases_by_force),
    Spec("pa2014_outcome_shares", "02_forces", _pa_outcomes),
    Spec("pa2014_funnel", "02_forces", _funnel(rates.PA2014, rates.OFFICIAL, "cases")),
    Spec("pa2014_rates_ranked", "02_forces", _ranked(rates.PA2014, "cases")),
    Spec("bbcsdu_funnel_own_denominators", "02_forces",
         _funnel(rates.BBC_SDU, rates.STUDY_OWN, "people with a case to answer")),
    Spec("bbcsdu_funnel_official_denominators", "02_forces",
         _funnel(rates.BBC_SDU, rates.OFFICIAL, "people with a case to answer")),
    Spec("bbcsdu_rates_ranked", "02_forces", _ranked(rates.BBC_SDU, "people with a case to answer")),
    Spec("outcomes_on_one_scale", "03_outcomes", _outcomes),
    Spec("study_spans", "04_years", _spans),
    Spec("met_across_studies", "04_years", _met),
)
NAMES = tuple(spec.name for spec in CATALOGUE)


def spec(name: str) -> Spec:
    for entry in CATALOGUE:
        if entry.name == name:
            return entry
    raise KeyError(f"no figure named {name!r}; the catalogue has {', '.join(NAMES)}")


def build(name: str, inputs: Inputs | None = None) -> Built:
    figures.set_theme()
    return spec(name).build(inputs or Inputs())


def problems(built: Built) -> list[str]:
    """Everything the checks find wrong with a built figure (empty when it may be published)."""
    texts = labels.visible_texts(built.fig)  # draws the figure once for every check below
    found = (labels.text_problems(built.fig, texts=texts) + labels.small_text(built.fig, texts=texts)
             + labels.page_problems(built.fig))
    for index, points in built.point_axes:
        found += labels.label_problems(built.fig.axes[index], points, drawn=True)
    for index, rows in built.row_axes:
        found += labels.row_label_problems(built.fig.axes[index], rows, drawn=True)
    return found


def show(name: str, inputs: Inputs | None = None):
    """For notebooks: the published figure, rendered in memory (writes nothing)."""
    return figures.show(build(name, inputs).fig)


def data(name: str, inputs: Inputs | None = None) -> pd.DataFrame:
    built = build(name, inputs)
    figures.close(built.fig)
    return built.data


def write_all(out_dir: Path = FIGURES_DIR, names=NAMES, progress=None) -> list[Path]:
    """Build, check and write every figure and figures/index.csv; raises FigureCheckError (writing nothing
    for that figure) when a check fails. Files of figures no longer in the catalogue are removed.
    `progress(i, n, what)`, when given, is called before each figure."""
    out_dir = Path(out_dir)
    inputs = Inputs()
    rows, written = [], []
    for i, name in enumerate(names, start=1):
        if progress is not None:
            progress(i, len(names), name)
        entry = spec(name)
        built = build(name, inputs)
        found = problems(built)
        if found:
            figures.close(built.fig)
            raise FigureCheckError(f"figures/{name}: " + "; ".join(found[:5]))
        written += figures.save(built.fig, name, out_dir=out_dir)
        csv = out_dir / f"{name}.csv"
        with tables.atomic_path(csv) as tmp:
            tables.write_csv(built.data, tmp)
        written.append(csv)
        rows.append({"file": f"{name}.png", "title": built.fig._frame_title, "alt_text": built.alt_text,
                     "notebook": f"notebooks/{entry.notebook}.ipynb", "sources": "; ".join(_sources_of(built.data)),
                     "formats": ", ".join(figures.FORMATS), "data": f"{name}.csv"})
        figures.close(built.fig)
    if tuple(names) == NAMES:
        index = out_dir / "index.csv"
        with tables.atomic_path(index) as tmp:
            tables.write_csv(pd.DataFrame(rows, columns=list(INDEX_COLUMNS)), tmp)
        written.append(index)
        keep = set(written)
        for stale in out_dir.glob("*"):
            if stale.is_file() and stale.suffix in (".png", ".svg", ".pdf", ".csv") and stale not in keep:
                stale.unlink()
    return written

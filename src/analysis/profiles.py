"""One self-contained HTML page per force, and an index: reports/profiles/<force-slug>.html + index.html.

The pages say what `analysis.profile(name)` returns (the same profile the notebook 05_force_profile shows)
and draw each funnel on which the force has a rate with the force marked, through `funnel_png`, the one
place that calls the chart function. Everything is rendered in one process (no notebook kernel per force).

A page needs nothing beside itself: images are embedded as data: URIs, the style sheet is inline, there is
no script and no web font, so it works offline and prints. Every table has a caption and header cells with
scope; every image has alt text that states what it shows; every source link is the source's own absolute
http(s) url.
"""
from __future__ import annotations

import base64
import html
import re
import struct
from pathlib import Path

import pandas as pd

from . import coverage, force_profile, forces, paths, rates, sources, tables
from .force_profile import ForceProfile, Funnel

TITLE = "Police misconduct on social media in England and Wales"
FUNNEL_DPI = 120  # page images 900 px wide: sharp on screen, small enough to embed three per page
_URL = re.compile(r"^https?://\S+$")

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #0b0c0c;
       max-width: 70rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; line-height: 1.5; font-size: 1rem; }
a { color: #1d4f91; } a:visited { color: #4c2c92; } a:focus { outline: 3px solid #f4a000; }
h1 { font-size: 2rem; margin: .5rem 0; } h2 { font-size: 1.5rem; margin-top: 2.2rem; border-top: 2px solid #12436d;
     padding-top: .6rem; } h3 { font-size: 1.15rem; }
.lede { font-size: 1.2rem; } .muted { color: #505a5f; } .small { font-size: .875rem; }
.summary { background: #f3f2f1; border-left: 6px solid #12436d; padding: .6rem 1.2rem; }
.summary p { margin: .5rem 0; }
table { border-collapse: collapse; margin: .8rem 0 1.5rem; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; font-size: 1rem; }
th, td { border-bottom: 1px solid #b1b4b6; padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #0b0c0c; background: #f3f2f1; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } td.num { white-space: nowrap; }
figure { margin: 1.2rem 0 2rem; } figure img { max-width: 100%; height: auto; border: 1px solid #b1b4b6; }
figcaption { font-size: .9rem; color: #0b0c0c; margin-top: .4rem; }
.tag { display: inline-block; font-size: .8rem; padding: 0 .4rem; border: 1px solid #505a5f; border-radius: 3px; }
blockquote { margin: 0; font-style: italic; }
nav ul { padding-left: 1.2rem; columns: 2; } .cite { background: #f3f2f1; padding: .6rem 1rem; }
@media print { a { color: #0b0c0c; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } }
"""


# --------------------------------------------------------------------------------------------------
# The one place a chart is drawn for a page (and for the notebook): the funnel with the force marked.


def funnel_png(funnel: Funnel, force: str) -> bytes:
    """PNG bytes of the study's funnel plot with `force` highlighted, headed with the force's own position.

    Drawn by `charts.funnel_plot(..., highlight=force)`, the same chart function as figures/ (the same limits
    widened for over-dispersion, the same flags, frame and source line). On a page only the force itself and
    the forces outside the widened limits are named (`label_all=False`): the force stands out, and the page's
    own rate table and data/processed/force_rates.csv name every other force. The same bytes every time."""
    from . import charts, figures

    figures.set_theme()
    fig = charts.funnel_plot(funnel.rates, what=funnel.what, highlight=force, title=funnel_title(funnel, force),
                             findable_in="data/processed/force_rates.csv", label_all=False)
    try:
        return figures.png_bytes(fig, dpi=FUNNEL_DPI)
    finally:
        figures.close(fig)


def funnel_title(funnel: Funnel, force: str) -> str:
    """The headline of a page's funnel: whether the force stands out once over-dispersion is allowed for."""
    row = funnel.rates[funnel.rates["force"] == force].iloc[0]
    short = forces.force_info(force)["short_name"]
    code = row[force_profile.ADJUSTED_POSITION_COLUMN]
    verdict = (f"stands out as {'high' if code.endswith('_above') else 'low'}" if code in force_profile.STANDS_OUT
               else "does not stand out")
    return (f"{short} {verdict}: {row['rate_per_1000']:.1f} per 1,000, pooled rate "
            f"{row['centre_rate_per_1000']:.1f}")


def _denominator_words(source: str) -> str:
    return "official headcounts" if source == rates.OFFICIAL else "the study's own denominators"


def funnel_alt(funnel: Funnel, force: str) -> str:
    """One-sentence text alternative of the funnel image, computed from the same rows."""
    row = funnel.rates[funnel.rates["force"] == force].iloc[0]
    rated = funnel.rates[funnel.rates["rate_per_1000"].notna()]
    short = forces.force_info(force)["short_name"]
    standing_out = rated[rated[force_profile.ADJUSTED_POSITION_COLUMN].isin(force_profile.STANDS_OUT)]
    return (f"Funnel plot of {funnel.study} with {_denominator_words(funnel.denominator_source)}: "
            f"{funnel.what} per 1,000 workers against force size for the {len(rated)} forces with a rate, "
            f"pooled rate {row['centre_rate_per_1000']:.1f} per 1,000, with 95% and 99.8% limits widened for "
            f"over-dispersion (dispersion ratio {row['dispersion_ratio']:.1f}). {short} is highlighted at "
            f"{row['rate_per_1000']:.1f} per 1,000 ({row['count']:,.0f} {funnel.what}) and is "
            f"{force_profile.adjusted_position_words(row[force_profile.ADJUSTED_POSITION_COLUMN])}; "
            f"{len(standing_out)} of the {len(rated)} forces are outside the widened limits.")


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


# --------------------------------------------------------------------------------------------------
# HTML helpers


def esc(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def link(url: str, text: str) -> str:
    """A link to a source: only absolute http(s) urls become links; anything else stays text."""
    if isinstance(url, str) and _URL.match(url):
        return f'<a href="{esc(url)}" class="source">{esc(text)}</a>'
    return esc(text)


def _table(table_id: str, caption: str, header: list[str], rows: list[list[str]], numeric=(), note: str = "") -> str:
    """A table whose first cell in each row is a row header; cells are HTML already escaped."""
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if i in numeric else ""}>{esc(h)}</th>' for i, h in enumerate(header))
    body = []
    for cells in rows:
        tds = [f'<th scope="row">{cells[0]}</th>'] + [
            f'<td{num if i in numeric else ""}>{c}</td>' for i, c in enumerate(cells[1:], start=1)]
        body.append("<tr>" + "".join(tds) + "</tr>")
    extra = f'<p class="small muted">{note}</p>' if note else ""
    return (f'<table id="{table_id}"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{extra}')


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n"
            f'<html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>\n"
            f"<body>{body}</body></html>\n")


def _num(value, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{value:,.{digits}f}"


def _unit(row) -> str:
    value = force_profile.value_words(row.value, row.qualifier, row.raw_value)
    if row.unit == "percent" and row.qualifier not in force_profile.NO_FIGURE:
        return value + "%"
    if row.unit == "rate_per_1000":
        return value + " per 1,000"
    if row.unit == "rank":
        return "rank " + value
    return value


def _what_counted(row) -> str:
    parts = [force_profile.measure_words(row.measure)]
    if row.outcome:
        parts.append(" or ".join(force_profile.outcomes.outcome_label(o) for o in
                                 force_profile.outcomes.split_outcomes(row.outcome)).lower())
    if row.category:
        parts.append(row.category)
    return ": ".join(parts)


# --------------------------------------------------------------------------------------------------
# A force's page


def render_page(p: ForceProfile, images: dict | None = None) -> str:
    """The HTML of one force's page. `images` maps (source_id, denominator_source) to PNG bytes; by default
    each funnel is drawn with `funnel_png`."""
    images = images if images is not None else {(f.source_id, f.denominator_source): funnel_png(f, p.force)
                                                for f in p.funnels}
    sections = [
        ("summary", "In brief", _summary_section(p)),
        ("compare", "Compared once size is accounted for", _compare_section(p, images)),
        ("figures-section", "Every published figure", _figures_section(p)),
        ("outcomes-section", "Outcomes and case examples", _outcomes_section(p)),
        ("missing", "What is missing, and why", _missing_section(p)),
        ("caveats", "Caveats that apply", _caveats_section(p)),
        ("sources-section", "Sources", _sources_section(p)),
        ("cite", "How to cite", _cite_section(p)),
    ]
    toc = "".join(f'<li><a href="#{sid}">{esc(title)}</a></li>' for sid, title, _ in sections)
    body = [
        '<header><p><a href="index.html">All forces</a></p>',
        f"<h1>{esc(p.force)}</h1>",
        '<p class="lede">Police misconduct on social media: every published figure for this force, with its '
        'source, its rate where a study gives a denominator, and what is missing.</p>',
        f'<p class="muted small">{esc(p.region)}, {esc(p.country)}'
        f'{" · police force area code " + esc(p.force_code) if p.force_code else ""}. {esc(p.size)}</p>',
        f'<nav aria-label="On this page"><h2 class="small">On this page</h2><ul>{toc}</ul></nav></header><main>',
    ]
    for sid, title, content in sections:
        body.append(f'<section aria-labelledby="{sid}"><h2 id="{sid}">{esc(title)}</h2>{content}</section>')
    body.append("</main>" + _footer(p.data_version))
    return _page(f"{p.force}: {TITLE}", "".join(body))


def _summary_section(p: ForceProfile) -> str:
    parts = [("What is known", p.known), ("How it compares once size is accounted for", p.compared),
             ("What is missing and why", p.missing)]
    out = ['<div class="summary">', f'<p class="lede"><strong>{esc(p.in_short)}</strong></p>']
    for heading, sentences in parts:
        out.append(f"<h3>{esc(heading)}</h3>" + "".join(f"<p>{esc(s)}</p>" for s in sentences))
    out.append("</div>")
    return "".join(out)


def _compare_section(p: ForceProfile, images: dict) -> str:
    rows = p.rates[p.rates["count_qualifier"] != "missing"]
    if rows.empty:
        return (f"<p>No study with a denominator has a figure for {esc(p.short_name)}, so this page has no rate "
                f"and no funnel plot. Raw counts alone are not compared across forces: they rank forces by size as "
                f"much as by conduct.</p>")
    out = ["<p>A rate divides the force's count by the size of its workforce over the study's period. The "
           "interval shows how much the rate could vary by chance alone (exact Poisson 95% interval). On a funnel "
           "plot, limits are wider for small forces, because a few cases move a small force's rate a lot. Forces' "
           "rates vary more than chance alone allows (they searched and counted differently), so the limits are "
           "widened for that over-dispersion, and only a force outside the widened limits is said to stand "
           "out.</p>"]
    body = []
    for r in rows.itertuples():
        topic = force_profile.TOPIC_WORDS[sources.source(r.source_id)["topic"]]
        interval = f"{_num(r.ci_low, 2)} to {_num(r.ci_high, 2)}" if pd.notna(r.ci_low) else ""
        body.append([f'{esc(r.study)}<br><span class="small muted">{esc(topic)}</span>',
                     esc(_denominator_words(r.denominator_source)),
                     esc(force_profile.value_words(r.count, r.count_qualifier)) + " " + esc(r.what),
                     _num(r.denominator, 0), _num(r.rate_per_1000, 2), interval, _num(r.centre_rate_per_1000, 2),
                     esc(r.position_words) + (f'<br><span class="small muted">chance alone: '
                                              f'{esc(r.position_words_exact)}</span>'
                                              if r.funnel_position != getattr(r, force_profile.ADJUSTED_POSITION_COLUMN)
                                              else ""),
                     f'<span class="small">{esc(r.note)}</span>'])
    out.append(_table("rates", f"{p.short_name}: rates per 1,000 workers, with exact 95% intervals and funnel "
                      f"positions", ["Study", "Denominator", "Count", "Workforce (people)", "Rate per 1,000",
                                     "95% interval", "Pooled rate", "Position (widened limits)", "Note"], body,
                      numeric=(3, 4, 5, 6)))
    for f in p.funnels:
        data = images[(f.source_id, f.denominator_source)]
        width, height = png_size(data)
        uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        out.append(f'<figure><img src="{uri}" width="{width}" height="{height}" alt="{esc(funnel_alt(f, p.force))}">'
                   f"<figcaption>{esc(f.study)}, {esc(_denominator_words(f.denominator_source))}. Each marker is "
                   f"a force with a rate; {esc(p.short_name)} is the purple diamond, named on the chart. Dark "
                   f"dashed and dotted lines: 95% and 99.8% limits widened for over-dispersion, which decide who "
                   f"stands out; thin grey lines: limits for chance alone; solid line: the pooled rate of the "
                   f"forces plotted, not a national rate. The data are in the table above and in "
                   f"data/processed/force_rates.csv.</figcaption></figure>")
    return "".join(out)


def _figures_section(p: ForceProfile) -> str:
    if p.figures.empty:
        return (f'<p id="no-figures">No published figure for {esc(p.force)} was found in any study compiled here. '
                f"That is a gap in the published record, not a zero: see what is missing below.</p>")
    body = []
    for r in p.figures.itertuples():
        period = esc(force_profile.period_words(r.period_start, r.period_end, r.period_label))
        if r.period_label:
            period += f'<br><span class="small muted">as published: {esc(r.period_label)}</span>'
        body.append([esc(r.study), period, esc(force_profile.POPULATION_WORDS.get(r.population, r.population)),
                     esc(_what_counted(r)), esc(_unit(r)), f"<blockquote>{esc(r.snippet)}</blockquote>",
                     link(r.url, r.outlet), f'<span class="small">{esc(r.source_locator)}</span>'])
    return _table("figures", f"Every published figure for {p.force} ({len(p.figures)} rows; refusals included)",
                  ["Study", "Period", "Who was counted", "What was counted", "Figure", "As published (snippet)",
                   "Outlet", "Where in data/raw"], body,
                  note="Each row is one figure as one outlet published it; where outlets disagree, each version is "
                       "its own row. Qualifiers ('more than', 'about') are kept; refusals have no number.")


def _outcomes_section(p: ForceProfile) -> str:
    out = []
    if len(p.outcomes):
        body = [[esc(r.study), esc(r.outcome_label), esc(_unit(r)),
                 esc(force_profile.POPULATION_WORDS.get(r.population, r.population)), link(r.url, r.outlet)]
                for r in p.outcomes.itertuples()]
        out.append(_table("outcomes", f"Outcomes published for {p.short_name}", ["Study", "Outcome", "Figure",
                                                                                   "Who", "Outlet"], body))
    else:
        out.append(f"<p>No study broke down the outcomes of {esc(p.short_name)}'s cases.</p>")
    if len(p.cases):
        body = [[esc(r.date or "undated"), esc(r.role), esc(r.platform), esc(r.behaviour),
                 esc(" or ".join(force_profile.outcomes.outcome_label(o) for o in
                                 force_profile.outcomes.split_outcomes(r.outcome)) or "not stated"),
                 link(r.url, r.outlet)] for r in p.cases.itertuples()]
        out.append(_table("cases", f"Case examples from {p.short_name} (no names are recorded)",
                          ["Date", "Role", "Platform", "What happened", "Outcome", "Source"], body))
    return "".join(out)


def _missing_section(p: ForceProfile) -> str:
    out = []
    if len(p.refusals):
        items = "".join(f"<li>{esc(r.study)}: {esc(r.qualifier.replace('_', ' '))} "
                        f"({link(r.url, r.outlet)}: <q>{esc(r.snippet)}</q>)</li>" for r in p.refusals.itertuples())
        out.append(f"<h3>Asked, and no figure given</h3><ul>{items}</ul>")
    body = [[link(r.url, r.study), esc(force_profile.TOPIC_WORDS[r.topic]), esc(r.why), esc(r.coverage)]
            for r in p.not_covered.itertuples()]
    out.append(_table("not-covered", f"Studies with no figure for {p.short_name}",
                      ["Study", "Topic", "Why there is no figure", "What the study covered"], body))
    return "".join(out)


def _caveats_section(p: ForceProfile) -> str:
    out = ["<p>Read these before quoting a figure from this page. Caveats that name this force come first in "
           "each study.</p><ul>",
           "<li>Counts from different studies count different things (cases or people, officers or all staff, "
           "social media or all misconduct) over different periods: they are never added together, and a "
           "change between studies is not a trend.</li>",
           "<li>Rates divide a count by the official average headcount over the 31 March dates inside the study's "
           "period (Home Office workforce statistics), or by the study's own published denominator where it gave "
           "one; both are shown where they differ.</li>",
           "<li>A force with no figure in a study is a gap, never a zero.</li></ul>"]
    tag = '<span class="tag">names this force</span> '
    for sid, rows in p.caveats.groupby("source_id", sort=False):
        items = "".join(f"<li>{tag if r.mentions_force else ''}{esc(r.caveat)}</li>" for r in rows.itertuples())
        out.append(f"<h3>{esc(rows['study'].iloc[0])}</h3><ul>{items}</ul>")
    return "".join(out)


def _sources_section(p: ForceProfile) -> str:
    if p.sources.empty:
        return "<p>No source has a figure for this force.</p>"
    body = [[esc(r.study), link(r.url, r.title), esc(r.publisher), esc(r.published or "undated"), esc(r.licence),
             f'<span class="small">{esc(r.source_id)}</span>'] for r in p.sources.itertuples()]
    return _table("sources", f"Sources of the figures for {p.short_name}", ["Study", "Title (link to the source)",
                  "Publisher", "Published", "Licence", "Source id in data/raw/sources.yml"], body)


def _cite_section(p: ForceProfile) -> str:
    return (f'<p class="cite">{esc(p.citation)}</p><p>Quote a figure with its own source and period, e.g. '
            f"“{esc(_example_quote(p))}”. The data are in data/processed/ of the project's repository "
            f"(observations.csv and force_rates.csv), under each source's own licence; the compilation is "
            f"ODC-By 1.0 and the code MIT.</p>")


def _example_quote(p: ForceProfile) -> str:
    if p.headlines.empty:
        return f"No published figure for {p.force} was found (data version {p.data_version})"
    r = p.headlines.iloc[0]
    return (f"{force_profile.value_words(r['value'], r['qualifier'])} {force_profile.measure_words(r['measure'])}, "
            f"{force_profile.period_words(r['period_start'], r['period_end'], r['period_label'])} "
            f"({r['study']}, reported by {r['outlet']})")


def _footer(version: str) -> str:
    return (f'<footer class="small muted"><p>Built by <code>python -m analysis profiles</code> from the project\'s '
            f"processed data (data version {esc(version)}). This page has no scripts and loads nothing from the "
            f"network: it works offline and prints.</p></footer>")


# --------------------------------------------------------------------------------------------------
# The index and the whole set


def render_index(profiles: list[ForceProfile]) -> str:
    body, with_social = [], 0
    for p in profiles:
        positions = "; ".join(f"{verdict} in {study}" for _, study, verdict in force_profile.study_verdicts(p.rates))
        studies = p.figures.loc[~p.figures["qualifier"].isin(force_profile.NO_FIGURE), "study"].nunique()
        # the coverage grid's definition of a social-media figure, so that the index and the grid agree
        social = coverage.force_figures(p.figures)["source_id"].nunique()
        with_social += social > 0
        body.append([f'<a href="{esc(p.slug)}.html">{esc(p.force)}</a>', esc(p.region), str(p.n_figures),
                     str(studies), str(social), str(p.refusals["source_id"].nunique()),
                     esc(positions or "no rate")])
    with_figures = sum(p.has_figures for p in profiles)
    version = profiles[0].data_version if profiles else ""
    content = (
        f"<header><h1>{esc(TITLE)}: force profiles</h1>"
        f'<p class="lede">One page per police force of England and Wales ({len(profiles)} forces, British '
        f"Transport Police included): every published figure on officers and staff investigated over social "
        f"media, its source, the force's rate where a study gives a denominator, and what is missing.</p></header>"
        f"<main><p>{with_figures} of {len(profiles)} forces have at least one published figure; {with_social} "
        f"have a figure from a study of social-media misconduct (the coverage grid's count), the others only "
        f"from studies of all misconduct. A force with no figure has a page too, saying what was asked and why "
        f"nothing is known.</p>"
        + _table("forces", "Forces, with how many published figures each has",
                 ["Force", "Region", "Published figures", "Studies with a figure", "Social-media studies with a "
                  "figure", "Studies refused", "Once its size is allowed for (limits widened for over-dispersion)"],
                 body, numeric=(2, 3, 4, 5),
                 note="Published figures count every figure with a number (refusals not counted), including "
                      "breakdowns and each outlet's version. Funnel positions compare a force with the pooled rate "
                      "of the forces with a figure in that study, against limits widened for over-dispersion "
                      "(forces counted differently, so rates vary more than chance allows); only a force outside "
                      "them stands out. PA 2014 counts social-media misconduct cases; "
                      "BBC SDU 2022 counts people with a misconduct case to answer in IOPC reports (all "
                      "misconduct, not only social media). Read the force's page for the caveats.")
        + "</main>" + _footer(version))
    return _page(f"Force profiles: {TITLE}", content)


def write_all(out_dir: Path | None = None, progress=None) -> list[Path]:
    """Write one page per force of the registry and index.html (each file atomically); remove pages of
    forces no longer in the registry. `progress(i, n, force)` is called before each force."""
    out_dir = Path(out_dir or paths.PROFILES_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    t = force_profile.load_tables()
    names = force_profile.all_forces()
    written, profiles = [], []
    for i, name in enumerate(names, start=1):
        if progress:
            progress(i, len(names), name)
        p = force_profile.profile(name, t)
        profiles.append(p)
        path = out_dir / f"{p.slug}.html"
        with tables.atomic_path(path) as tmp:
            tmp.write_text(render_page(p), encoding="utf-8")
        written.append(path)
    index = out_dir / "index.html"
    with tables.atomic_path(index) as tmp:
        tmp.write_text(render_index(profiles), encoding="utf-8")
    written.append(index)
    for stale in set(out_dir.glob("*.html")) - set(written):
        stale.unlink()
    return written

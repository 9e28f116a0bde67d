"""Charts on a time axis: every study's span (`spans_chart`) and one force's figures across studies
(`series_chart`). Tidy tables in, a framed Figure out; `*_data` gives the data each draws (one row per mark, with
source ids). Both fit one page: a study is named once, with a name no other row shares (rates.study_names), and
no count over a span shorter than about a year is turned into a yearly figure (stats.MIN_YEARS_TO_ANNUALISE).
"""
from __future__ import annotations

import matplotlib.dates as matplotlib_dates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from . import charts, figures, forces, rates, stats, values, workforce
from .figures import DARK_BLUE, DARK_GREY, MID_GREY, ORANGE, TEXT_GREY

REGULATIONS_2020 = pd.Timestamp("2020-02-01")  # Police (Conduct) Regulations 2020 in force
NO_COUNT = "no dated total"  # the study gives no total with a stated period (its parts may have one)
_LINE_IN = figures.MIN_FONT * 1.3 / 72  # one line of the smallest text, in inches


def _num(date) -> float:
    return matplotlib_dates.date2num(pd.Timestamp(date))


def year_ticks(ax, start, end, step: int = 4) -> None:
    first = (pd.Timestamp(start).year // step + 1) * step
    years = list(range(first, pd.Timestamp(end).year + 1, step))
    ax.xaxis.set_major_locator(FixedLocator([_num(f"{y}-01-01") for y in years]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: str(matplotlib_dates.num2date(v).year)))
    ax.xaxis.set_minor_locator(NullLocator())


# --------------------------------------------------------------------------------------------------
# Every study's span

def span_words(row) -> str:
    """A study's headline count with its span in words: "828 cases investigated (officers, staff and PCSOs),
    about 161 a year"; "3 officers investigated in 3 days" (a span under a year: the count, never a yearly
    figure); "at least 921 officers investigated, no end stated"."""
    if pd.isna(row["count"]):
        return NO_COUNT
    qualifier = row.get("count_qualifier") or "exact"
    what = charts.count_words(row["count"], row["measure"], row["population"], qualifier)
    years = row["period_years"]
    if pd.isna(years):  # a count over a period with no stated end: printed, never annualised
        return f"{what}, no end stated"
    if years <= rates.MAX_YEAR_WORDS:  # a year or less: the count as published
        return f"{what} in {rates.period_words(years)}"
    annual = row["annual_count"]
    if annual < 1:
        return f"{what}, under 1 a year"
    if qualifier in ("exact", "approximately"):
        return f"{what}, about {annual:,.0f} a year"
    return f"{what}, {values.qualified_words(annual, qualifier)} a year"


NATIONAL, SINGLE = "national or multi-force", "single force"
ROW_IN = 0.18    # a national or multi-force study's row (one line of words; two lines add _LINE_IN)
FORCE_ROW_IN = 0.16  # a force's row of single-force reports (at least one line of its label)
BAR_IN = 0.11
LANE_IN = 0.07   # one lane of a force's row (overlapping reports stack in lanes)
LANE_GAP_DAYS = 45
_PAD_IN = 0.05   # between a bar and its words


def _xlim(data: pd.DataFrame) -> tuple:
    return (pd.Timestamp(min(data["start"])) - pd.Timedelta(days=120),
            pd.Timestamp(max(data["drawn_to"])) + pd.Timedelta(days=60))


def _axes_inches(labels_) -> tuple:
    """Where the time axis will sit across the canvas, in inches: right of the widest row label (as the frame's
    constrained layout places it), to the right margin."""
    probe = plt.figure(figsize=(figures.FIG_WIDTH, 1))
    tick_w = max(figures.text_width_in(probe, t, figures.MIN_FONT) for t in labels_)
    plt.close(probe)
    return (figures.MARGIN_IN + 0.1 + tick_w + 3.5 / 72, figures.FIG_WIDTH - 0.1)


def _words_layout(row, x_in, x0_in: float, x1_in: float) -> tuple[str, str]:
    """The words of one national row and the side of its bar they go on: one line after the bar, else one line
    before it, else two lines on the roomier side (the row grows by a line). Raises when even that fails."""
    fig = plt.figure(figsize=(figures.FIG_WIDTH, 1))
    try:
        right = x1_in - x_in(row["drawn_to"]) - _PAD_IN - (0.05 if row["end_kind"] == "to publication" else 0)
        left = x_in(row["start"]) - x0_in - _PAD_IN
        width = figures.text_width_in(fig, row["words"], figures.MIN_FONT)
        if width <= right * 0.97:
            return row["words"], "right"
        if width <= left * 0.97:
            return row["words"], "left"
        side, room = ("right", right) if right >= left else ("left", left)
        lines = figures.wrap_to_width(fig, row["words"], room * 0.97, figures.MIN_FONT)
    finally:
        plt.close(fig)
    if len(lines) > 2:
        raise ValueError(f"the words of {row['name']!r} need {len(lines)} lines beside its bar: {row['words']!r}")
    return "\n".join(lines), side


def spans_data(spans: pd.DataFrame) -> pd.DataFrame:
    """One row per study: its panel (national or multi-force studies one row each, with their words beside the
    bar; single-force reports in their force's row, in lanes where their spans overlap), its y (inches from the
    top of its panel), its name, the words of its headline count and the source it comes from."""
    spans = spans.reset_index(drop=True)
    reg = forces.registry()
    short = dict(zip(reg["force"], reg["short_name"]))
    end_max = max(e for e in spans["end"] if e)
    single = spans["area"].isin(short)
    data = pd.DataFrame({
        "name": spans["name"], "panel": np.where(single, SINGLE, NATIONAL),
        "force": [short[a] if s else "" for a, s in zip(spans["area"], single)],
        "area": [short.get(a, a) for a in spans["area"]],
        "start": spans["start"], "end": spans["end"], "drawn_to": [e or end_max for e in spans["end"]],
        "end_kind": spans["end_kind"], "topic": spans["topic"], "measure": spans["measure"],
        "population": spans["population"], "count": spans["count"], "count_qualifier": spans["count_qualifier"],
        "period_years": spans["period_years"],
        "annual_count": [round(a) if pd.notna(a) and y > rates.MAX_YEAR_WORDS else np.nan
                         for a, y in zip(spans["annual_count"], spans["period_years"])],
        "words": [span_words(r) for _, r in spans.iterrows()], "source_id": spans["source_id"],
        "source_locator": spans["source_locator"]})
    data["row"], data["lane"], data["y"], data["text"], data["side"] = "", 0, np.nan, "", ""
    # Single-force reports: one row per force, registry order; a report starts a new lane only where it
    # overlaps the ones before it.
    top = 0.0
    for force in [short[f] for f in reg["force"] if short[f] in set(data["force"])]:
        reports = data[data["force"] == force].sort_values(["start", "name"], kind="stable")
        lanes_end: list[pd.Timestamp] = []
        for idx, row in reports.iterrows():
            start = pd.Timestamp(row["start"])
            lane = next((k for k, e in enumerate(lanes_end) if e + pd.Timedelta(days=LANE_GAP_DAYS) < start),
                        len(lanes_end))
            end = pd.Timestamp(row["drawn_to"])
            if lane < len(lanes_end):
                lanes_end[lane] = end
            else:
                lanes_end.append(end)
            data.loc[idx, "lane"] = lane
        height = max(FORCE_ROW_IN, len(lanes_end) * LANE_IN + 0.05)
        label = f"{force}: {len(reports)} report{'s' if len(reports) > 1 else ''}"
        for idx in reports.index:
            lane = data.loc[idx, "lane"]
            data.loc[idx, ["row", "y"]] = label, top + height / 2 + (lane - (len(lanes_end) - 1) / 2) * LANE_IN
        top += height
    # National and multi-force studies: one row each, oldest first, words beside the bar.
    national = data[data["panel"] == NATIONAL].sort_values(["start", "name"], kind="stable")
    lo, hi = _xlim(data)
    x0_in, x1_in = _axes_inches(list(national["name"]) + list(data.loc[data["panel"] == SINGLE, "row"]))

    def x_in(date) -> float:
        return x0_in + (_num(date) - _num(lo)) / (_num(hi) - _num(lo)) * (x1_in - x0_in)

    top = 0.0
    for idx, row in national.iterrows():
        text, side = _words_layout(row, x_in, x0_in, x1_in)
        height = ROW_IN + text.count("\n") * _LINE_IN
        data.loc[idx, ["row", "y", "text", "side"]] = row["name"], top + height / 2, text, side
        top += height
    return data


def _bar_style(row) -> dict:
    if row.topic != "social_media":
        return dict(color="white", edgecolor=ORANGE, hatch="////")
    if pd.isna(row.count):
        return dict(color="white", edgecolor=DARK_BLUE, hatch="")
    return dict(color=DARK_BLUE, edgecolor=DARK_BLUE, hatch="")


def _draw_spans(ax, part: pd.DataFrame, height: float) -> None:
    for row in part.itertuples():
        s, e = pd.Timestamp(row.start), pd.Timestamp(row.drawn_to)
        if row.end:
            ax.barh(row.y, max((e - s).days, 12), left=s, height=height, linewidth=1, **_bar_style(row))
            if row.end_kind == "to publication":
                ax.plot([e], [row.y], marker="|", color="black", ms=height * 72 * 1.4, mew=1.3)
        else:
            colour = ORANGE if row.topic != "social_media" else DARK_BLUE
            ax.annotate("", xy=(e, row.y), xytext=(s, row.y),
                        arrowprops=dict(arrowstyle="->", color=colour, lw=1.4, ls="--", shrinkA=0, shrinkB=0))


def _words_beside(ax, part: pd.DataFrame) -> None:
    """Each national study's words on its own row, on the side spans_data chose (a row holds one bar, so the
    words can only be read as that bar's)."""
    fig = ax.figure
    pad = _PAD_IN * fig.dpi
    for row in part.itertuples():
        if row.side == "right":
            x = ax.transData.transform((_num(row.drawn_to), 0))[0] + pad + (4 if row.end_kind == "to publication" else 0)
        else:
            x = ax.transData.transform((_num(row.start), 0))[0] - pad
        ax.text(ax.transData.inverted().transform((x, 0))[0], row.y, row.text, ha="left" if row.side == "right"
                else "right", va="center", multialignment="left", fontsize=figures.MIN_FONT, color=TEXT_GREY,
                linespacing=1.15)


def spans_chart(spans: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Every study's span on one time axis, on one page. Top: national and multi-force studies, one row each,
    named (rates.study_names) and with their headline count in words beside the bar. Bottom: single-force
    reports, one row per force saying how many, each report a bar in the row (lanes where spans overlap); their
    counts are in spans_data. Social media solid (outline: no dated total); all misconduct hatched; open ends
    dashed arrows; "since X" periods end at publication with a tick."""
    data = spans_data(spans)
    national, single = data[data["panel"] == NATIONAL], data[data["panel"] == SINGLE]
    h1 = float(sum(ROW_IN + t.count("\n") * _LINE_IN for t in national["text"]))
    h2 = _panel_height(single)
    fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(figures.FIG_WIDTH, h1 + h2 + 1.2),
                                   gridspec_kw={"height_ratios": [h1, h2]})
    lo, hi = _xlim(data)
    _draw_spans(ax1, national, BAR_IN)
    _draw_spans(ax2, single, LANE_IN * 0.7)
    ax1.set_yticks(national["y"], national["row"])
    ax1.set_ylim(h1, 0)
    centres = _row_centres(single)
    ax2.set_yticks(list(centres.values()), list(centres.keys()))
    ax2.set_ylim(h2, 0)
    for ax in (ax1, ax2):
        ax.axvline(REGULATIONS_2020, color=DARK_GREY, lw=0.8, ls=":")
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.tick_params(axis="y", length=0)
    ax2.set_xlim(lo, hi)
    year_ticks(ax2, lo, hi)
    n_forces = single["force"].nunique()
    ax1.set_title(f"National and multi-force studies ({len(national)}), with their headline count",
                  loc="left", fontsize=figures.BASE_FONT)
    ax2.set_title(f"Single-force reports ({len(single)}, for {n_forces} forces): one bar per report",
                  loc="left", fontsize=figures.BASE_FONT)
    figures.legend_above(fig, [Patch(facecolor=DARK_BLUE, edgecolor=DARK_BLUE, label="Social media"),
                               Patch(facecolor="white", edgecolor=DARK_BLUE, label="Social media, no dated total"),
                               Patch(facecolor="white", edgecolor=ORANGE, hatch="////", label="All misconduct"),
                               Line2D([], [], color="black", marker="|", ls="", ms=8, mew=1.3,
                                      label="Period ends at publication"),
                               Line2D([], [], color=DARK_BLUE, ls="--", label="No end stated"),
                               Line2D([], [], color=DARK_GREY, ls=":", lw=0.8, label="Conduct Regulations 2020")],
                         ncol=3)
    n_social = int((data["topic"] == "social_media").sum())
    figures.finish(fig, title=title or spans_headline(spans),
                   subtitle=f"Period of each study's headline figure, {min(data['start'])[:4]} to "
                            f"{max(data['drawn_to'])[:4]}: {n_social} social-media and {len(data) - n_social} "
                            f"all-misconduct studies",
                   note="A yearly figure is the count divided by the years, rounded; a span of a year or less "
                        "keeps its count. Single-force reports' counts are in the data file. The studies count "
                        "different things: not one series.",
                   source_ids=list(data["source_id"]))
    _words_beside(ax1, national)
    return fig


def _row_centres(single: pd.DataFrame) -> dict:
    """Each force row's label and the middle of its lanes."""
    out = {}
    for row, part in single.groupby("row", sort=False):
        out[row] = float((part["y"].min() + part["y"].max()) / 2)
    return out


def _panel_height(single: pd.DataFrame) -> float:
    if single.empty:
        return ROW_IN
    lanes = single.groupby("row", sort=False)["lane"].max() + 1
    return float(sum(max(FORCE_ROW_IN, n * LANE_IN + 0.05) for n in lanes))


def spans_headline(spans: pd.DataFrame) -> str:
    distinct = spans[["start", "end"]].drop_duplicates()
    return f"{len(spans)} studies in {len(distinct)} different spans: they are not one series"


def spans_finding(spans: pd.DataFrame) -> str:
    distinct = spans[["start", "end"]].drop_duplicates()
    first, last = min(spans["start"]), max(s for s in spans["end"] if s)
    return (f"{len(spans)} studies cover {first[:4]} to {last[:4]} in {len(distinct)} different spans, with "
            f"different populations and definitions: they are not one series")


# --------------------------------------------------------------------------------------------------
# One force across studies

RATE, NO_RATE, SHORT = "rate", "no rate", "under a year"
SERIES_LABEL_IN = 3.2  # the widest a row label of series_chart may be before it wraps


def _why_no_rate(row) -> str:
    if row["period_years"] < stats.MIN_YEARS_TO_ANNUALISE:
        return f"{rates.period_words(row['period_years'])}: not annualised"
    if row["population"] == "unknown":
        return f"no rate: {charts.NOT_STATED}"
    if "approximate" in str(row["note"]):
        return "no rate: an approximate figure"
    return "no rate: no workforce figure"


def series_data(series: pd.DataFrame) -> pd.DataFrame:
    """One row per figure (a study's count for the force over its own period), top to bottom by start: its row
    label (study and count in words, with the years where one study gives several), its kind (rate / no rate /
    under a year), the yearly rate and interval where there is one, else the reason in words."""
    out = series.reset_index(drop=True).copy()
    out["kind"] = np.where(out["annual_rate_per_1000"].notna(), RATE,
                           np.where(out["period_years"] < stats.MIN_YEARS_TO_ANNUALISE, SHORT, NO_RATE))
    words = [charts.count_words(r["count"], r["measure"], r["population"],
                                "approximately" if "approximate" in str(r["note"]) else "exact")
             for _, r in out.iterrows()]
    out["label"] = [f"{r.study}: {w}" for r, w in zip(out.itertuples(), words)]
    several = (out["study"] + "|" + out["measure"] + "|" + out["population"]).duplicated(keep=False)  # LondonWorld
    out.loc[several, "label"] = [f"{lab}, {_years(r)}" for lab, r in
                                 zip(out.loc[several, "label"], out[several].itertuples())]
    out["reason"] = ["" if k == RATE else _why_no_rate(r) for k, (_, r) in zip(out["kind"], out.iterrows())]
    out["x"] = [_num(e) for e in out["end"]]  # the end of each span on the time panel (a dot marks it)
    # Rows in inches from the top: a label wraps onto two lines where it must, and its row grows with it.
    probe = plt.figure(figsize=(figures.FIG_WIDTH, 1))
    out["row_text"] = ["\n".join(figures.wrap_to_width(probe, lab, SERIES_LABEL_IN, figures.MIN_FONT))
                       for lab in out["label"]]
    plt.close(probe)
    heights = np.array([max(0.26, t.count("\n") * _LINE_IN + _LINE_IN + 0.08) for t in out["row_text"]])
    out["row_height"], out["y"] = heights, np.cumsum(heights) - heights / 2
    return out


def series_chart(series: pd.DataFrame, *, title: str | None = None, force_name: str = "the Met") -> plt.Figure:
    """A force's figures across studies, one row per figure, rows named on the left (never a label that floats
    near a point). Middle: the span each figure covers. Right: its yearly rate per 1,000 of the workforce its
    population implies, with the exact 95% interval; a figure with no rate says why there (population not
    stated, an approximate figure, or a span under a year, which is never turned into a yearly rate)."""
    data = series_data(series)
    total = float(data["row_height"].sum())
    fig, (ax_t, ax_r) = plt.subplots(1, 2, sharey=True, figsize=(figures.FIG_WIDTH, total + 1.3),
                                     gridspec_kw={"width_ratios": [1, 1.25]})
    for row in data.itertuples():
        colour = DARK_BLUE if row.kind == RATE else DARK_GREY
        ax_t.plot([pd.Timestamp(row.start), pd.Timestamp(row.end)], [row.y, row.y], color=colour, lw=3,
                  solid_capstyle="butt")
    ax_t.scatter([pd.Timestamp(e) for e in data["end"]], data["y"],
                 c=[DARK_BLUE if k == RATE else DARK_GREY for k in data["kind"]], s=14, zorder=4)
    ax_t.set_yticks(data["y"], data["row_text"])
    ax_t.set_ylim(total, 0)
    start = pd.Timestamp(min(data["start"])) - pd.Timedelta(days=200)
    end = pd.Timestamp(max(data["end"])) + pd.Timedelta(days=200)
    ax_t.set_xlim(start, end)
    year_ticks(ax_t, start, end, step=4)
    ax_t.axvline(REGULATIONS_2020, color=DARK_GREY, lw=0.8, ls=":")
    ax_t.set_xlabel("Period each figure covers")
    rated = data[data["kind"] == RATE]
    top = float(rated["annual_ci_high"].max()) * 1.08 if len(rated) else 1.0
    ax_r.hlines(rated["y"], rated["annual_ci_low"], rated["annual_ci_high"], color=MID_GREY, lw=1.4, zorder=2)
    ax_r.scatter(rated["annual_rate_per_1000"], rated["y"], color=DARK_BLUE, s=30, zorder=4)
    for row in data[data["kind"] != RATE].itertuples():
        ax_r.text(top * 0.01, row.y, row.reason, va="center", ha="left", fontsize=figures.MIN_FONT,
                  color=TEXT_GREY, fontstyle="italic")
    ax_r.set_xlim(0, top)
    ax_r.set_xlabel("Per 1,000 a year (95% interval)")
    for a in (ax_t, ax_r):
        a.grid(axis="y", visible=False)
        a.grid(axis="x", visible=True)
        a.tick_params(axis="y", length=0)
    short = data[data["kind"] == SHORT]
    figures.finish(fig, title=title or series_headline(series, force_name),
                   subtitle=f"{force_name[:1].upper()}{force_name[1:]}'s figures in {data['study'].nunique()} "
                            f"studies, {min(data['start'])[:4]} to {max(data['end'])[:4]}, each as a yearly rate "
                            f"per 1,000 of the workforce it counts",
                   note="Each row is one study's count over its own period, divided by the workforce its population "
                        "implies (Home Office headcount, mean of the 31 March dates inside the period) and by the "
                        "years it spans"
                        + (f"; a span under a year ({len(short)} here) keeps its count and is never turned into a "
                           f"yearly rate" if len(short) else "")
                        + ". The studies count different things: the rows are not one trend. Dotted line: Police "
                          "(Conduct) Regulations 2020.",
                   source_ids=list(dict.fromkeys(data["source_id"])) + [workforce.SOURCE_ID])
    return fig


def series_headline(series: pd.DataFrame, force_name: str = "the Met") -> str:
    rated = series[series["annual_rate_per_1000"].notna()]
    if rated.empty:
        return f"Figures for {force_name} across studies"
    ratio = rated["annual_rate_per_1000"].max() / rated["annual_rate_per_1000"].min()
    return f"{force_name[:1].upper()}{force_name[1:]}'s figures differ {ratio:.0f}-fold: the studies count different things"


def series_finding(series: pd.DataFrame, force_name: str = "the Met") -> str:
    rated = series[series["annual_rate_per_1000"].notna()].sort_values("start")
    if rated.empty:
        return f"Figures for {force_name} across studies"
    low = rated.sort_values("annual_rate_per_1000").iloc[0]
    high = rated.sort_values("annual_rate_per_1000").iloc[-1]
    return (f"{force_name[:1].upper()}{force_name[1:]}'s figures range from {low.annual_rate_per_1000:.2f} per "
            f"1,000 a year ({low.study}, {_years(low)}) to {high.annual_rate_per_1000:.2f} ({high.study}, "
            f"{_years(high)}); the studies count different things, so the rows are not one trend")


def _years(row) -> str:
    return row.start[:4] if row.start[:4] == row.end[:4] else f"{row.start[:4]}-{row.end[:4]}"

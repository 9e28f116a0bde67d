"""Chart functions: tidy tables in, a framed matplotlib Figure out; `*_data` functions give the data each chart
draws (one row per mark, with source ids), which the figure build writes beside the picture.

Every chart is deterministic (no jitter, no bootstrap), drawn in the Analysis Function style
(`figures.set_theme`), with a one-sentence headline computed from the data, a statistical subtitle, a caption
and a source line (`figures.finish`). Colour never carries meaning alone: marker shape, fill, hatching or a
direct label carries it too. Point labels are placed by `labels.place_labels` and checked by `labels`.
"""
from __future__ import annotations

import matplotlib.dates as matplotlib_dates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from . import coverage, figures, forces, labels, outcomes, quality, rates, sources, stats, values, workforce
from .figures import DARK_BLUE, DARK_GREY, LIGHT_GREY, LIGHT_PURPLE, MID_GREY, ORANGE, TEXT_GREY
from .outcomes_compare import NOT_BROKEN_DOWN

# --------------------------------------------------------------------------------------------------
# Words

POPULATION_WORDS = {"officers": "officers", "staff": "police staff", "pcso": "PCSOs",
                    "special_constables": "special constables", "all_personnel": "officers, staff and PCSOs",
                    "unknown": "who was counted not stated"}
SHORT_POPULATION_WORDS = dict(POPULATION_WORDS, unknown="who not stated")
# Short wording of each headline measure (rates.HEADLINE_MEASURES) for chart text; a measure missing here
# raises rather than printing a code.
MEASURE_WORDS = {"cases_investigated": "cases investigated", "people_investigated": "people investigated",
                 "people_with_case_to_answer": "people with a case to answer", "complaints": "complaints",
                 "conduct_cases": "conduct cases", "cases_to_answer": "cases to answer",
                 "misconduct_proceedings": "individuals referred to proceedings",
                 "disciplined": "people disciplined", "allegations": "allegations",
                 "people_subject_to_complaint": "people subject to a complaint",
                 "barred_list_entries": "barred-list entries"}
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def measure_words(measure: str) -> str:
    if measure not in MEASURE_WORDS:
        raise KeyError(f"no chart wording for measure {measure!r}: add it to charts.MEASURE_WORDS")
    return MEASURE_WORDS[measure]


def date_words(iso: str) -> str:
    t = pd.Timestamp(iso)
    return f"{t.day} {_MONTHS[t.month - 1]} {t.year}"


def names(items) -> str:
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _number(x: float) -> str:
    """Whole numbers as whole numbers ("1,300"), others to one decimal."""
    return f"{x:,.0f}" if float(x) == round(float(x)) else f"{x:,.1f}"


def _rated(rates_frame: pd.DataFrame) -> pd.DataFrame:
    rated = rates_frame[rates_frame["rate_per_1000"].notna()]
    if rated.empty:
        raise ValueError("no force has a rate to plot")
    if rated[["source_id", "denominator_source"]].drop_duplicates().shape[0] != 1:
        raise ValueError("pass the rows of one study and one denominator choice")
    return rated


def _highlight_force(rated: pd.DataFrame, highlight: str | None) -> str | None:
    """The canonical name of the force to highlight if it has a rate in this table, else None (no error)."""
    if not highlight:
        return None
    try:
        name = forces.canonical_force(highlight)
    except ValueError:
        return None
    return name if name in set(rated["force"]) else None


def rate_source_ids(rates_frame: pd.DataFrame) -> list[str]:
    ids = list(dict.fromkeys(rates_frame["source_id"]))
    if (rates_frame["denominator_source"] == rates.OFFICIAL).any():
        ids.append(workforce.SOURCE_ID)
    return ids


def _denominator_words(rated: pd.DataFrame) -> str:
    if (rated["denominator_source"] == rates.OFFICIAL).all():
        return "paid workers (officers, staff, PCSOs and designated officers; Home Office average headcount)"
    return "workers, using the study's own published workforce figures"


def study_words(rated: pd.DataFrame, what: str) -> str:
    first = rated.iloc[0]
    return (f"{rates.study_label(first['source_id'])}: {what} per 1,000 {_denominator_words(rated)}, "
            f"{date_words(first['period_start'])} to {date_words(first['period_end'])}; "
            f"{len(rated)} forces with a figure")


# --------------------------------------------------------------------------------------------------
# Funnel plots and ranked dot plots

# Adjusted funnel position -> marker, face, edge, legend words. Shape carries the direction, fill the level,
# colour both again: readable in grey print and under colour-vision deficiency.
POSITION_STYLE = {
    "beyond_998_above": ("^", ORANGE, DARK_GREY, "above the widened 99.8% limit"),
    "between_95_998_above": ("^", "white", ORANGE, "above the widened 95% limit"),
    "inside_95": ("o", MID_GREY, "white", "inside the widened limits"),
    "between_95_998_below": ("v", "white", DARK_BLUE, "below the widened 95% limit"),
    "beyond_998_below": ("v", DARK_BLUE, "white", "below the widened 99.8% limit"),
}
HIGHLIGHT_STYLE = ("D", LIGHT_PURPLE, "black")
OUTSIDE = ("beyond_998_above", "between_95_998_above", "between_95_998_below", "beyond_998_below")
MARKER_AREA = 42  # points^2
_WORDS = {"beyond_998_above": "above the 99.8% limit", "between_95_998_above": "above the 95% limit",
          "between_95_998_below": "below the 95% limit", "beyond_998_below": "below the 99.8% limit"}


def point_label(row) -> str:
    return f"{row.short_name} ({row.count:.0f})"


def funnel_data(rates_frame: pd.DataFrame, highlight: str | None = None) -> pd.DataFrame:
    """One row per force drawn on the funnel: where it sits and against which limits."""
    rated = _rated(rates_frame).sort_values(["denominator", "force"], kind="stable")
    chosen = _highlight_force(rated, highlight)
    out = pd.DataFrame({
        "force": rated["force"], "short_name": rated["short_name"],
        "label": [point_label(r) for r in rated.itertuples()],
        "x": rated["denominator"], "y": rated["rate_per_1000"], "count": rated["count"],
        "denominator": rated["denominator"], "denominator_source": rated["denominator_source"],
        "rate_per_1000": rated["rate_per_1000"], "centre_rate_per_1000": rated["centre_rate_per_1000"],
        "dispersion_ratio": rated["dispersion_ratio"],
        "lower_95_adjusted": rated["lower_95_adjusted"], "upper_95_adjusted": rated["upper_95_adjusted"],
        "lower_998_adjusted": rated["lower_998_adjusted"], "upper_998_adjusted": rated["upper_998_adjusted"],
        "funnel_position_exact": rated["funnel_position"],
        "funnel_position_adjusted": rated["funnel_position_adjusted"],
        "highlighted": rated["force"] == chosen,
        "source_id": rated["source_id"] + np.where(rated["denominator_source"] == rates.OFFICIAL,
                                                   "; " + workforce.SOURCE_ID, ""),
    })
    return out.reset_index(drop=True)


def _flagged(rated: pd.DataFrame) -> pd.DataFrame:
    out = rated[rated["funnel_position_adjusted"].isin(OUTSIDE)]
    return out.sort_values(["rate_per_1000", "short_name"], ascending=[False, True])


def funnel_headline(rates_frame: pd.DataFrame) -> str:
    """One sentence: which forces stand out once over-dispersion is allowed for (at most two named)."""
    rated = _rated(rates_frame)
    out = _flagged(rated)
    if out.empty:
        return "No force stands out once over-dispersion is allowed for"
    if len(out) > 2:
        return f"{len(out)} of {len(rated)} forces stand out even once over-dispersion is allowed for"
    parts = [f"{r.short_name} ({'high' if r.funnel_position_adjusted.endswith('above') else 'low'})"
             for r in out.itertuples()]
    return f"Only {names(parts)} stand{'s' if len(out) == 1 else ''} out once over-dispersion is allowed for"


def funnel_finding(rates_frame: pd.DataFrame) -> str:
    """The forces outside the limits widened for over-dispersion, by position, and the number inside: for
    captions and notebooks (lower case, to follow a colon)."""
    rated = _rated(rates_frame)
    out = _flagged(rated)
    if out.empty:
        return f"all {len(rated)} forces lie inside the limits widened for over-dispersion"
    parts = []
    for code in OUTSIDE:
        sel = out[out["funnel_position_adjusted"] == code]
        if len(sel):
            parts.append(f"{names(sel['short_name'])} {_WORDS[code]}")
    return (f"outside the limits widened for over-dispersion, {'; '.join(parts)}; the other "
            f"{len(rated) - len(out)} forces are inside them")


def dispersion_words(phi: float) -> str:
    if phi <= 1:
        return (f"The dispersion ratio is {phi:.1f}: forces vary no more than chance allows, so the limits are "
                f"not widened.")
    return (f"The dispersion ratio is {phi:.1f}: forces' rates vary {phi:.1f} times as much as chance alone "
            f"allows. Large dispersion points to differences in recording (what each force searched for and "
            f"counted), not only in conduct, so the limits are widened for it (Spiegelhalter 2005) and only "
            f"forces outside the widened limits are named as outliers.")


def funnel_caption(rates_frame: pd.DataFrame, *, findable_in: str = "") -> str:
    rated = _rated(rates_frame)
    phi = float(rated["dispersion_ratio"].iloc[0])
    exact_only = rated[rated["funnel_position"].isin(OUTSIDE) & ~rated["funnel_position_adjusted"].isin(OUTSIDE)]
    text = (f"{dispersion_words(phi)} {funnel_finding(rated)[:1].upper()}{funnel_finding(rated)[1:]}. "
            f"Limits narrow as forces get larger: a small force's rate varies more by chance, so it needs a bigger "
            f"departure from the centre line to stand out. Thin grey lines: limits for chance alone"
            + (f", which {len(exact_only)} more force{'s' if len(exact_only) > 1 else ''} "
               f"cross{'' if len(exact_only) > 1 else 'es'}" if len(exact_only) else "") + ". "
            f"Centre line: the pooled rate of the {len(rated)} forces with a figure "
            f"({float(rated['centre_rate_per_1000'].iloc[0]):.2f} per 1,000), not a national rate.")
    if findable_in:
        text += f" Forces not named on the chart are named in {findable_in}."
    return text


def _log_ticks(ax, lo: float, hi: float) -> None:
    candidates = [500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000]
    ticks = [t for t in candidates if lo <= t <= hi]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_locator(NullLocator())


def _legend_above(ax, handles, ncol: int = 2) -> None:
    figures.legend_above(ax.figure, handles, ncol)


def _style_handles(codes, highlight_name: str | None) -> list:
    handles = []
    for code in POSITION_STYLE:
        if code in codes:
            marker, face, edge, words = POSITION_STYLE[code]
            handles.append(Line2D([], [], ls="", marker=marker, markerfacecolor=face, markeredgecolor=edge,
                                  markeredgewidth=1.4, markersize=7, label=words.capitalize()))
    if highlight_name:
        marker, face, edge = HIGHLIGHT_STYLE
        handles.append(Line2D([], [], ls="", marker=marker, markerfacecolor=face, markeredgecolor=edge,
                              markeredgewidth=1.2, markersize=8, label=highlight_name))
    return handles


def _scatter(ax, data: pd.DataFrame, x: str, y: str) -> None:
    for code, (marker, face, edge, _) in POSITION_STYLE.items():
        sel = data[(data["funnel_position_adjusted"] == code) & ~data["highlighted"]]
        if len(sel):
            ax.scatter(sel[x], sel[y], s=MARKER_AREA, marker=marker, facecolor=face, edgecolor=edge,
                       linewidth=1.4 if face == "white" else 0.8, zorder=4)
    hi = data[data["highlighted"]]
    if len(hi):
        marker, face, edge = HIGHLIGHT_STYLE
        ax.scatter(hi[x], hi[y], s=MARKER_AREA * 1.6, marker=marker, facecolor=face, edgecolor=edge, linewidth=1.2,
                   zorder=6)


def funnel_plot(rates_frame: pd.DataFrame, *, what: str = "cases", highlight: str | None = None,
                title: str | None = None, subtitle: str | None = None, note: str | None = None,
                source_ids=None, findable_in: str = "", label_all: bool = True) -> plt.Figure:
    """Funnel plot of one study and one denominator choice (rows of force_rates).

    x: the denominator (log scale); y: rate per 1,000 over the study period; centre line: pooled rate of the
    forces plotted; thin grey: exact Poisson 95% and 99.8% limits (chance alone); dark: the limits widened for
    over-dispersion, which decide the flags. Every flagged force and the `highlight` force (a canonical name;
    ignored if it has no rate here) are labelled, with a leader line where needed; the others are labelled
    where a label fits beside its own marker (label_all), and are all in funnel_data().
    """
    rated = _rated(rates_frame)
    data = funnel_data(rated, highlight)
    chosen = data.loc[data["highlighted"], "short_name"]
    highlight_name = chosen.iloc[0] if len(chosen) else None
    centre = float(rated["centre_rate_per_1000"].iloc[0]) / stats.PER
    phi = float(rated["dispersion_ratio"].iloc[0])
    lo, hi = float(data["x"].min()), float(data["x"].max())
    grid = np.geomspace(lo * 0.8, hi * 1.25, 160)
    exact = stats.funnel_limits(grid, centre)
    adjusted = stats.adjusted_limits(grid, centre, phi)

    fig, ax = plt.subplots(figsize=(figures.FIG_WIDTH, 4.6))
    ax.plot(grid, exact["centre_per_1000"], color=DARK_GREY, lw=1.4, zorder=2)
    for level, style in (("95", "--"), ("998", ":")):
        ax.plot(grid, exact[f"upper_{level}"], color=LIGHT_GREY, ls=style, lw=0.9, zorder=1)
        ax.plot(grid, exact[f"lower_{level}"], color=LIGHT_GREY, ls=style, lw=0.9, zorder=1)
        ax.plot(grid, adjusted[f"upper_{level}_adjusted"], color=DARK_GREY, ls=style, lw=1.3, zorder=2)
        ax.plot(grid, adjusted[f"lower_{level}_adjusted"], color=DARK_GREY, ls=style, lw=1.3, zorder=2)
    _scatter(ax, data, "x", "y")
    ax.set_xscale("log")
    ax.set_xlim(grid[0], grid[-1])
    _log_ticks(ax, grid[0], grid[-1])
    top = float(data["y"].max()) * 1.12
    ax.set_ylim(0, top)
    ax.set_xlabel(f"Size of force: {'average headcount' if (rated['denominator_source'] == rates.OFFICIAL).all() else 'workforce as the study published it'} (log scale)")
    ax.set_ylabel(f"{what[:1].upper()}{what[1:]} per 1,000")
    ax.grid(axis="x", visible=False)
    handles = [Line2D([], [], color=DARK_GREY, lw=1.4, label=f"Pooled rate, {len(rated)} forces ({centre * 1000:.2f})"),
               Line2D([], [], color=DARK_GREY, lw=1.3, ls="--", label="95% limits, widened"),
               Line2D([], [], color=DARK_GREY, lw=1.3, ls=":", label="99.8% limits, widened"),
               Line2D([], [], color=LIGHT_GREY, lw=1.1, ls="--", label="Limits for chance alone")]
    _legend_above(ax, handles + _style_handles(set(data["funnel_position_adjusted"]), highlight_name), ncol=2)
    figures.finish(fig, title=title or funnel_headline(rated), subtitle=subtitle or study_words(rated, what),
                   note=note if note is not None else funnel_caption(rated, findable_in=findable_in),
                   source_ids=source_ids or rate_source_ids(rated))
    _label_points(ax, data, label_all)
    return fig


def _label_points(ax, data: pd.DataFrame, label_all: bool) -> None:
    flagged = data["funnel_position_adjusted"].isin(OUTSIDE) | data["highlighted"]
    keep = data[flagged | label_all] if label_all else data[flagged]
    priority = (~keep["highlighted"]).astype(int) * 2 + (~keep["funnel_position_adjusted"].isin(OUTSIDE)).astype(int)
    # Highlight first, then flagged forces, then the rest from the largest force down (they have the least room).
    keep = keep.assign(_p=priority).sort_values(["_p", "x"], ascending=[True, False], kind="stable")
    mandatory = list(keep["funnel_position_adjusted"].isin(OUTSIDE) | keep["highlighted"])
    labels.place_labels(ax, keep["x"].to_numpy(), keep["y"].to_numpy(), list(keep["label"]), mandatory=mandatory,
                        all_x=data["x"].to_numpy(), all_y=data["y"].to_numpy(), fontsize=figures.MIN_FONT,
                        marker_radius_pt=np.sqrt(MARKER_AREA) / 2 + 0.5, optional_rings=2)


def ranked_data(rates_frame: pd.DataFrame, highlight: str | None = None) -> pd.DataFrame:
    """One row per force on the ranked dot plot (y = its row, highest rate at the top)."""
    rated = _rated(rates_frame).sort_values(["rate_per_1000", "short_name"], ascending=[True, False])
    data = funnel_data(rated, highlight).set_index("force").loc[rated["force"]].reset_index()
    data["y"] = np.arange(len(data), dtype=float)
    data["x"] = data["rate_per_1000"]
    data["ci_low"], data["ci_high"] = rated["ci_low"].to_numpy(), rated["ci_high"].to_numpy()
    data["label"] = [f"{s} ({c:.0f})" for s, c in zip(data["short_name"], data["count"])]
    return data


def ranked_headline(rates_frame: pd.DataFrame, what: str = "cases") -> str:
    rated = _rated(rates_frame)
    by_rate = rated.sort_values(["rate_per_1000", "short_name"], ascending=[False, True]).iloc[0]
    by_count = rated.sort_values(["count", "short_name"], ascending=[False, True]).iloc[0]
    if by_rate.force == by_count.force:
        return f"{by_rate.short_name} has both the most {what} and the highest rate"
    rank = int((rated["rate_per_1000"] > by_count.rate_per_1000).sum() + 1)
    return f"The most {what} ({by_count.short_name}) is not the highest rate: it ranks {rank} of {len(rated)}"


def ranked_finding(rates_frame: pd.DataFrame, what: str = "cases") -> str:
    """Which force has the highest rate and which the highest count, and whether they are the same."""
    rated = _rated(rates_frame)
    by_rate = rated.sort_values(["rate_per_1000", "short_name"], ascending=[False, True]).iloc[0]
    by_count = rated.sort_values(["count", "short_name"], ascending=[False, True]).iloc[0]
    text = (f"Highest rate: {by_rate.short_name}, {by_rate.rate_per_1000:.1f} {what} per 1,000 "
            f"(95% CI {by_rate.ci_low:.1f} to {by_rate.ci_high:.1f})")
    if by_rate.force != by_count.force:
        rank = int((rated["rate_per_1000"] > by_count.rate_per_1000).sum() + 1)
        text += f"; the highest count ({by_count.short_name}, {by_count['count']:.0f}) ranks {rank} of {len(rated)} by rate"
    return text


def ranked_dot_plot(rates_frame: pd.DataFrame, *, what: str = "cases", highlight: str | None = None,
                    title: str | None = None, subtitle: str | None = None, note: str | None = None,
                    source_ids=None) -> plt.Figure:
    """Forces ranked by rate per 1,000 with the exact 95% interval; each row named with its raw count; markers
    by position against the funnel's widened limits (the flags); `highlight` drawn distinct and labelled."""
    rated = _rated(rates_frame)
    data = ranked_data(rated, highlight)
    fig, ax = plt.subplots(figsize=(figures.FIG_WIDTH, 0.24 * len(data) + 1.0))
    ax.hlines(data["y"], data["ci_low"], data["ci_high"], color=MID_GREY, lw=1.4, zorder=2)
    _scatter(ax, data, "x", "y")
    centre = float(rated["centre_rate_per_1000"].iloc[0])
    ax.axvline(centre, color=DARK_GREY, lw=1, ls="--", zorder=1)
    ax.set_yticks(data["y"], list(data["label"]))
    for tick, hl in zip(ax.get_yticklabels(), data["highlighted"]):
        if hl:
            tick.set_fontweight("bold")
    ax.set_ylim(-0.7, len(data) - 0.3)
    x_max = float(data["ci_high"].max())
    ax.set_xlim(0, x_max * 1.08)
    ax.set_xlabel(f"{what[:1].upper()}{what[1:]} per 1,000, with exact 95% interval")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    hl_name = data.loc[data["highlighted"], "short_name"]
    handles = [Line2D([], [], color=DARK_GREY, ls="--", lw=1, label=f"Pooled rate ({centre:.2f})"),
               Line2D([], [], color=MID_GREY, lw=1.4, label="95% interval")]
    _legend_above(ax, handles + _style_handles(set(data["funnel_position_adjusted"]),
                                               hl_name.iloc[0] if len(hl_name) else None), ncol=2)
    phi = float(rated["dispersion_ratio"].iloc[0])
    caption = note if note is not None else (
        f"Row names give the raw count in brackets. Markers show each force's place on the funnel plot of the "
        f"same figures, against limits widened for over-dispersion (dispersion ratio {phi:.1f}). A flag and an "
        f"interval answer different questions: the limits depend on force size and allow for over-dispersion, "
        f"so a force can be flagged while its interval crosses the pooled rate, or not flagged at a higher rate.")
    figures.finish(fig, title=title or ranked_headline(rated, what), subtitle=subtitle or study_words(rated, what),
                   note=caption, source_ids=source_ids or rate_source_ids(rated))
    hi = data[data["highlighted"]]
    for row in hi.itertuples():
        ax.annotate(row.label, (row.x, row.y), xytext=(max(row.ci_high, row.x) + x_max * 0.02, row.y + 0.0),
                    textcoords="data", va="center", ha="left", fontsize=figures.MIN_FONT, fontweight="bold",
                    color="black", gid=labels.LABEL_GID,
                    arrowprops=dict(arrowstyle="-", color="black", lw=0.8, shrinkA=2, shrinkB=6, relpos=(0, 0.5)))
    return fig


# --------------------------------------------------------------------------------------------------
# PA 2014: counts by force, and its two published outcome shares

def cases_by_force_data(obs: pd.DataFrame, source_id: str = rates.PA2014) -> pd.DataFrame:
    values = quality.with_gaps(quality.force_values(obs, source_id))
    order = values.assign(sort_value=values["value"].fillna(-1)).sort_values(["sort_value", "short_name"],
                                                                            ascending=[True, False])
    return pd.DataFrame({"force": order["force"], "short_name": order["short_name"], "y": np.arange(len(order)),
                         "count": order["value"], "status": order["status"],
                         "other_wordings": order["other_wordings"].fillna(""),
                         "source_locator": order["source_locator"].fillna(""), "source_id": source_id}
                        ).reset_index(drop=True)


def cases_by_force_chart(obs: pd.DataFrame, source_id: str = rates.PA2014) -> plt.Figure:
    data = cases_by_force_data(obs, source_id)
    total = quality.national_value(obs, source_id, "cases_investigated")
    fig, ax = plt.subplots(figsize=(figures.FIG_WIDTH, 0.2 * len(data) + 0.9))
    shown = data[data["status"] == "figure"]
    ax.barh(shown["y"], shown["count"], color=DARK_BLUE, height=0.7)
    refused = data[data["status"] == "refused"]
    for row in data.itertuples():
        if row.status == "figure":
            text = f"{row.count:.0f}" + (f" (also reported as '{row.other_wordings}')" if row.other_wordings else "")
            ax.text(row.count + 1, row.y, text, va="center", fontsize=figures.MIN_FONT, color=TEXT_GREY)
        else:
            ax.text(1, row.y, "refused to answer" if row.status == "refused" else "no figure found (a gap, not zero)",
                    va="center", fontsize=figures.MIN_FONT, color=TEXT_GREY,
                    fontstyle="italic" if row.status != "refused" else "normal")
    for row in refused.itertuples():
        ax.add_patch(Rectangle((0, row.y - 0.35), 0.6, 0.7, facecolor=ORANGE, edgecolor=ORANGE))
    ax.set_yticks(data["y"], data["short_name"])
    ax.set_ylim(-0.6, len(data) - 0.4)
    ax.set_xlim(0, float(shown["count"].max()) * 1.6)
    ax.set_xlabel("Cases investigated (raw count: compare rates before comparing forces)")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    top = shown.sort_values("count", ascending=False).head(3)
    n_gap, n_ref = int((data["status"] == "no figure found").sum()), int((data["status"] == "refused").sum())
    title = f"{names(list(top['short_name']))} reported the most cases, but {n_gap + n_ref} forces gave no figure"
    first = obs[(obs["source_id"] == source_id) & (obs["area_kind"] == "force") & (obs["period_start"] != "")].iloc[0]
    subtitle = (f"{rates.study_label(source_id)}: cases investigated, {date_words(first['period_start'])} to "
                f"{date_words(first['period_end'])}, by force (raw counts)")
    note = (f"Per-force figures found for {len(shown)} forces add up to {shown['count'].sum():.0f} of the "
            f"{total:.0f} cases reported nationally; {n_gap} forces have no published figure and {n_ref} refused. "
            f"Forces differ tenfold in size: see the rates per 1,000 before comparing them.")
    figures.finish(fig, title=title, subtitle=subtitle, note=note, source_ids=[source_id])
    return fig


def pa_outcome_data(obs: pd.DataFrame, source_id: str = rates.PA2014) -> pd.DataFrame:
    left = quality.national_value(obs, source_id, "outcome", outcome="dismissed+resigned_or_retired", unit="percent")
    nfa = quality.national_value(obs, source_id, "outcome", outcome="no_further_action", unit="percent")
    return pd.DataFrame({
        "outcome": ["dismissed+resigned_or_retired", "no_further_action", NOT_BROKEN_DOWN],
        "label": ["Resigned, dismissed\nor retired", "No further action\n(or no case to answer)",
                  "Not broken down\n(mostly advice, per PA)"],
        "x": [0, 1, 2], "percent": [left, nfa, 100 - left - nfa],
        "published": ["yes", "yes", "no: 100 minus the two published shares"], "source_id": source_id})


def pa_outcome_chart(obs: pd.DataFrame, source_id: str = rates.PA2014) -> plt.Figure:
    data = pa_outcome_data(obs, source_id)
    total = quality.national_value(obs, source_id, "cases_investigated")
    fig, ax = plt.subplots(figsize=(figures.FIG_WIDTH, 3.4))
    colours = [OUTCOME_GROUPS["left"][1], OUTCOME_GROUPS["no_action"][1], "white"]
    ax.bar(data["x"], data["percent"], color=colours, edgecolor=[colours[0], colours[1], DARK_GREY],
           hatch=["", "", "...."], width=0.62)
    for row in data.itertuples():
        ax.text(row.x, row.percent + 2, f"{row.percent:.0f}%", ha="center", va="bottom", fontsize=figures.BASE_FONT)
    ax.set_xticks(data["x"], data["label"])
    ax.set_ylim(0, 100)
    ax.set_ylabel(f"Share of the {total:.0f} cases (%)")
    ax.grid(axis="x", visible=False)
    ax.tick_params(axis="x", length=0)
    first = obs[(obs["source_id"] == source_id) & (obs["measure"] == "outcome")].iloc[0]
    figures.finish(fig, title=f"{data['percent'][0]:.0f}% of cases ended with the person leaving the force",
                   subtitle=f"{rates.study_label(source_id)}: outcome of {total:.0f} social-media cases, officers, "
                            f"staff and PCSOs, {date_words(first['period_start'])} to {date_words(first['period_end'])}",
                   note="PA published two shares; the dotted bar is derived here (100 minus the two published "
                        "shares) and was not broken down by PA.", source_ids=[source_id])
    return fig


# --------------------------------------------------------------------------------------------------
# Outcomes of every study on one scale

# Outcome categories are grouped for colour (five groups stay distinct under deuteranopia and protanopia);
# each segment is also labelled, and the data file keeps every category.
OUTCOME_GROUPS = {
    "left": ("Left the force", DARK_BLUE,
             ("dismissed", "would_have_been_dismissed", "resigned_or_retired")),
    "warning": ("Written or final warning", ORANGE, ("final_written_warning", "written_warning")),
    "advice": ("Advice, action or other sanction", LIGHT_PURPLE,
               ("reflective_practice", "management_advice", "management_action", "other_sanction")),
    "no_action": ("No case to answer or no further action", MID_GREY, ("no_case_to_answer", "no_further_action")),
    "open": ("Ongoing or unknown", LIGHT_GREY, ("ongoing", "unknown")),
}
_GROUP_OF = {c: g for g, (_, _, cats) in OUTCOME_GROUPS.items() for c in cats}


def outcome_group(category: str) -> str:
    if category == NOT_BROKEN_DOWN:
        return NOT_BROKEN_DOWN
    groups = {_GROUP_OF[c] for c in outcomes.split_outcomes(category)}
    return groups.pop() if len(groups) == 1 else "+".join(g for g in OUTCOME_GROUPS if g in groups)


def _group_colour(group: str) -> str:
    if group == NOT_BROKEN_DOWN:
        return "white"
    return OUTCOME_GROUPS[group.split("+")[0]][1]


def _text_colour(background) -> str:
    """Dark text on light fills, white on dark ones (relative luminance)."""
    import matplotlib.colors as mcolors
    r, g, b = mcolors.to_rgb(background)
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def outcome_chart_data(shares: pd.DataFrame) -> pd.DataFrame:
    shown = shares[shares["shown"]].copy()
    bars = list(dict.fromkeys(shown["bar"]))
    shown["y"] = shown["bar"].map({b: i for i, b in enumerate(bars)})
    shown["left"] = shown.groupby("bar", sort=False)["share_percent"].transform(lambda s: s.cumsum() - s)
    shown["group"] = [outcome_group(o) for o in shown["outcome"]]
    return shown[["bar", "y", "outcome", "outcome_label", "group", "regime", "left", "share_percent", "published_as",
                  "value", "base", "definition", "source_id", "source_locator"]].reset_index(drop=True)


def _short_outcome(label: str) -> str:
    return label.replace("Would have been dismissed", "Would have been dism.").replace(" or ", "/")


def outcome_shares_chart(shares: pd.DataFrame, context: pd.DataFrame | None = None, *,
                         title: str | None = None) -> plt.Figure:
    """100% bars, one per study base, segments in order of severity, coloured by outcome group and labelled
    with their share; combined figures hatched; the part not broken down dotted white. `context` adds a panel
    of Home Office proceedings shares in a neutral colour (proceedings, not sanctions)."""
    data = outcome_chart_data(shares)
    bars = list(dict.fromkeys(data["bar"]))
    heights = [len(bars) * 0.42 + 0.4] + ([len(context) * 0.26 + 0.3] if context is not None else [])
    fig, axes = plt.subplots(len(heights), 1, figsize=(figures.FIG_WIDTH, sum(heights) + 2.2), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    ax = axes[0, 0]
    for row in data.itertuples():
        colour = _group_colour(row.group)
        combined = "+" in row.outcome
        ax.barh(row.y, row.share_percent, left=row.left, color=colour, height=0.6,
                hatch="////" if combined else ("...." if row.outcome == NOT_BROKEN_DOWN else ""),
                edgecolor=DARK_GREY if colour == "white" or combined else "white", linewidth=0.8)
        if row.share_percent >= 8:
            ax.text(row.left + row.share_percent / 2, row.y, f"{row.share_percent:.0f}%", ha="center", va="center",
                    fontsize=figures.MIN_FONT, color=_text_colour(colour) if not combined else "black",
                    bbox=dict(facecolor="white", edgecolor="none", pad=0.6) if combined or colour == "white" else None)
    firsts = data.drop_duplicates("bar")
    ax.set_yticks(range(len(bars)), [f"{b} (base {int(base):,})" for b, base in zip(firsts["bar"], firsts["base"])])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of the study's own base (%)")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    used = [g for g in OUTCOME_GROUPS if any(g in grp.split("+") for grp in data["group"])]
    handles = [Patch(facecolor=OUTCOME_GROUPS[g][1], edgecolor=DARK_GREY if g == "open" else "none",
                     label=OUTCOME_GROUPS[g][0]) for g in used]
    handles.append(Patch(facecolor="white", edgecolor=DARK_GREY, hatch="////", label="Combined figure, never split"))
    handles.append(Patch(facecolor="white", edgecolor=DARK_GREY, hatch="....", label="Not broken down"))
    figures.legend_above(fig, handles, ncol=2)
    if context is not None:
        _context_panel(axes[1, 0], context)
    regimes = sorted({r for r in data["regime"] if r in ("pre_2020", "from_2020")})
    note = ("Each bar is one study's own base, named with its size; percents as published, counts divided by that "
            "base. Colours group outcomes; every category is in the data file. Dotted: the part the study did not "
            "break down (100% minus the shares shown). ")
    note += ("Left the force: dismissed, would have been dismissed, resigned or retired. Advice, action or other "
             "sanction: management advice, management action, reflective practice or another sanction. ")
    if regimes:
        note += ("Management advice and management action exist only before February 2020, reflective practice "
                 "only after (Police (Conduct) Regulations 2020). ")
    if context is not None:
        note += "Lower panel: Home Office figures for all misconduct are referrals to proceedings, not sanctions."
    figures.finish(fig, title=title or outcome_headline(shares),
                   subtitle=f"Outcomes of {len(bars)} study bases (social media, and IOPC all-misconduct context), "
                            f"share of each study's own base",
                   note=note, source_ids=list(dict.fromkeys(list(data["source_id"]) + (
                       list(context["source_id"]) if context is not None else []))))
    return fig


def _context_panel(ax, context: pd.DataFrame) -> None:
    context = context.reset_index(drop=True)
    y = np.arange(len(context))
    ax.barh(y, context["percent"].fillna(0), color="white", edgecolor=DARK_GREY, linewidth=1.2, height=0.6)
    for yi, p in zip(y, context["percent"]):
        ax.text((0 if np.isnan(p) else p) + 1, yi, "not published" if np.isnan(p) else f"{p:.0f}%",
                va="center", fontsize=figures.MIN_FONT, color=TEXT_GREY)
    short = {w: w.replace("referred to ", "") for w in context["what"]}
    ax.set_yticks(y, [f"{r.year.replace('year ending ', 'YE ')}: {short[r.what]}" for r in context.itertuples()])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of officers referred to proceedings in the year")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_title("Context, all misconduct (Home Office): referrals", loc="left",
                 fontsize=figures.BASE_FONT)


def outcome_headline(shares: pd.DataFrame) -> str:
    shown = shares[shares["shown"]]
    parts = _leaving_shares(shown)
    if not parts:
        return f"Outcomes of {shown['bar'].nunique()} study bases on one scale"
    return f"Between {min(parts):.0f}% and {max(parts):.0f}% of cases ended with the person leaving the force"


def _leaving_shares(shown: pd.DataFrame) -> list[float]:
    leaving = set(OUTCOME_GROUPS["left"][2])
    parts = []
    for _, rows in shown.groupby("bar", sort=False):
        left = rows[[o != NOT_BROKEN_DOWN and set(outcomes.split_outcomes(o)) <= leaving for o in rows["outcome"]]]
        if len(left):
            parts.append(float(left["share_percent"].sum()))
    return parts


def outcome_finding(shares: pd.DataFrame) -> str:
    """The share ending with the person leaving, study by study, from the bars (computed, not typed)."""
    shown = shares[shares["shown"]]
    parts, n_bars = _leaving_shares(shown), shown["bar"].nunique()
    if not parts:
        return f"Outcomes of {n_bars} study bases on one scale"
    return (f"Across {n_bars} study bases, dismissal, resignation or retirement ends between {min(parts):.0f}% "
            f"and {max(parts):.0f}% of cases where a study says so; most of each base is warnings, advice, "
            f"no action or not broken down")


# --------------------------------------------------------------------------------------------------
# Coverage: which force has a figure in which social-media study

def coverage_table(obs: pd.DataFrame) -> pd.DataFrame:
    """One row per force x social-media study with per-force figures: state figure / refused / withheld / none.

    The states come from analysis.coverage.coverage_grid, so the chart, notebook 01's coverage by period and the
    stated targets count the same figures. A force that only refused has no figure: it does not count as
    appearing. Studies come from the data, so a new source adds a column with no edit here."""
    grid = coverage.coverage_grid(obs)
    studies = sorted(grid.columns, key=lambda s: (str(sources.source(s).get("published") or "9999"), s))
    reg = forces.registry()
    labels_ = study_labels(studies)
    out = []
    for xi, sid in enumerate(studies):
        for yi, (force, short) in enumerate(zip(reg["force"], reg["short_name"])):
            state = grid.at[force, sid]
            out.append({"force": force, "short_name": short, "source_id": sid, "study": labels_[sid], "x": xi,
                        "y": yi, "state": state if isinstance(state, str) else "none"})
    return pd.DataFrame(out)


def study_labels(source_ids) -> dict:
    """Chart names of studies (rates.study_label), made unique with the source id's period where two clash."""
    base = {s: rates.study_label(s) for s in source_ids}
    counts = pd.Series(list(base.values())).value_counts()
    return {s: (f"{b} ({s.split('_')[2]})" if counts[b] > 1 else b) for s, b in base.items()}


def _grid_columns_that_fit(fig, force_names) -> int:
    """How many study columns fit side by side with their labels (turned upright, one text line each) not
    touching, beside the force names, at the smallest text size the house style allows."""
    names_w = max(figures.text_width_in(fig, n, figures.MIN_FONT) for n in force_names)
    room = figures.FIG_WIDTH - 2 * figures.MARGIN_IN - names_w - 0.3
    return max(1, int(room // (figures.MIN_FONT * 1.6 / 72)))


def coverage_grid(obs: pd.DataFrame) -> plt.Figure:
    """Force x social-media study. When the studies are more than one row of columns can hold with readable
    labels, the grid is wrapped into panels stacked one above the other (same forces, the next studies)."""
    data = coverage_table(obs)
    studies = list(dict.fromkeys(data["source_id"]))
    names_ = data.drop_duplicates("source_id").set_index("source_id")["study"]
    reg = data.drop_duplicates("force")
    probe = plt.figure(figsize=(figures.FIG_WIDTH, 1))
    fit = _grid_columns_that_fit(probe, reg["short_name"])
    label_h = max(figures.text_width_in(probe, names_[s], figures.MIN_FONT) for s in studies) + 0.15
    plt.close(probe)
    n_panels = -(-len(studies) // fit)
    per_panel = -(-len(studies) // n_panels)
    fig, axes = plt.subplots(n_panels, 1, figsize=(figures.FIG_WIDTH, n_panels * (0.2 * len(reg) + label_h) + 0.5),
                             squeeze=False)
    for p, ax in enumerate(axes[:, 0]):
        first = p * per_panel
        shown = studies[first:first + per_panel]
        for row in data[data["source_id"].isin(shown)].itertuples():
            x = row.x - first
            if row.state == "figure":
                ax.add_patch(Rectangle((x - 0.5, row.y - 0.5), 1, 1, facecolor=DARK_BLUE, edgecolor="white", lw=0.8))
            elif row.state == "refused":
                ax.add_patch(Rectangle((x - 0.5, row.y - 0.5), 1, 1, facecolor="white", edgecolor=ORANGE, lw=0,
                                       hatch="xxxx"))
            else:  # no figure found; a withheld cell (suppressed, redacted, not held) is no figure either
                ax.add_patch(Rectangle((x - 0.5, row.y - 0.5), 1, 1, facecolor="#F2F2F2", edgecolor="white", lw=0.8))
        ax.set_xlim(-0.5, per_panel - 0.5)
        ax.set_ylim(len(reg) - 0.5, -0.5)
        ax.set_yticks(range(len(reg)), reg["short_name"], fontsize=figures.MIN_FONT)
        ax.set_xticks(range(len(shown)), [names_[s] for s in shown], rotation=90, fontsize=figures.MIN_FONT)
        ax.grid(False)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
    appear = data[data["state"] == "figure"].groupby("force").size()
    only_refused = set(data.loc[data["state"] == "refused", "force"]) - set(appear.index)
    figures.legend_above(fig, [Patch(facecolor=DARK_BLUE, label="Figure published"),
                               Patch(facecolor="white", edgecolor=ORANGE, hatch="xxxx", label="Refused"),
                               Patch(facecolor="#F2F2F2", edgecolor=MID_GREY, label="No figure found (a gap, not zero)")],
                         ncol=3)
    n_forces = len(reg)
    title = f"{len(appear)} of {n_forces} forces have a published social-media figure in any study"
    subtitle = (f"{len(studies)} social-media studies with per-force figures, by force; "
                f"{max(len(only_refused), 0)} more forces refused and published nothing")
    note = ("A cell is filled where the study published a figure for the force (a count, percent or rate, exact, "
            "approximate or a bound; any measure), hatched where the force refused, and left pale where no figure "
            "was found: a gap, not a zero." + (" Studies run on across the panels, oldest first." if n_panels > 1
                                                else ""))
    src = "Sources: " + "; ".join(f"{names_[s]}: {sources.citation(s, short=True)}" for s in studies) + \
        ". Full references in data/raw/sources.yml. Compiled by this project."
    figures.finish(fig, title=title, subtitle=subtitle, note=note, source_text=src)
    return fig


# --------------------------------------------------------------------------------------------------
# Years

def _span_words(row) -> str:
    if pd.isna(row["count"]):
        return "no dated count"
    who = SHORT_POPULATION_WORDS[row["population"]]
    qualifier = row.get("count_qualifier") or "exact"
    # "about 18", "at least 921": an approximate or bounded count keeps its words (values.qualified_words)
    what = f"{values.qualified_words(row['count'], qualifier)} {measure_words(row['measure'])} ({who})"
    years = row["period_years"]
    if pd.isna(years):  # a count over a period with no stated end: printed, never annualised
        return f"{what}, no end stated"
    if years <= 1.05:  # a year or less: the count as published, never scaled to a year
        months = round(years * 12)
        return f"{what} in {'one year' if months == 12 else f'{months} months' if months != 1 else 'one month'}"
    if row["annual_count"] < 1:
        return f"{what}, under 1 a year"
    if qualifier in ("exact", "approximately"):
        return f"{what}, about {row['annual_count']:,.0f} a year"
    return f"{what}, {values.qualified_words(row['annual_count'], qualifier)} a year"


def spans_data(spans: pd.DataFrame) -> pd.DataFrame:
    spans = spans.reset_index(drop=True)
    short = dict(zip(forces.registry()["force"], forces.registry()["short_name"]))
    end_max = max(s for s in spans["end"] if s)
    return pd.DataFrame({
        "study": spans["study"], "area": [short.get(a, a) for a in spans["area"]], "y": np.arange(len(spans)),
        "start": spans["start"], "end": spans["end"], "drawn_to": [e or end_max for e in spans["end"]],
        "end_kind": spans["end_kind"], "topic": spans["topic"], "measure": spans["measure"],
        "population": spans["population"], "count": spans["count"], "count_qualifier": spans["count_qualifier"],
        "period_years": spans["period_years"],
        "annual_count": [round(a) if pd.notna(a) and y > 1.05 else np.nan
                         for a, y in zip(spans["annual_count"], spans["period_years"])],
        "label": [_span_words(r) for _, r in spans.iterrows()], "source_id": spans["source_id"],
        "source_locator": spans["source_locator"]})


def _year_ticks(ax, start, end, step: int = 4) -> None:
    first = (start.year // step + 1) * step
    years = [y for y in range(first, end.year + 1, step)]
    ax.xaxis.set_major_locator(FixedLocator([matplotlib_dates.date2num(pd.Timestamp(f"{y}-01-01")) for y in years]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: str(matplotlib_dates.num2date(v).year)))
    ax.xaxis.set_minor_locator(NullLocator())


_LINE_IN = figures.MIN_FONT * 1.3 / 72
_BAR_IN = 0.14


def spans_chart(spans: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Every study's span on one time axis; social media solid, all misconduct hatched; open ends as dashed
    arrows; above each span, its area and headline count with its population (wrapped to the chart's width),
    with a whole-number yearly figure only for spans of a year or more. The y axis is in inches, so rows
    with two lines of words get the room they need."""
    data = spans_data(spans)
    fig, ax = plt.subplots(figsize=(figures.FIG_WIDTH, 4))
    ticks = [st.replace(" (all misconduct)", "") for st in data["study"]]
    tick_w = max(figures.text_width_in(fig, t, figures.MIN_FONT) for t in ticks)
    avail = figures.FIG_WIDTH - 2 * figures.MARGIN_IN - tick_w - 0.45
    words = [row.label if row.area == "England and Wales" else f"{row.area}: {row.label}" for row in data.itertuples()]
    wrapped = [figures.wrap_to_width(fig, w, avail, figures.MIN_FONT) for w in words]
    tops, y = [], 0.06
    for lines in wrapped:
        tops.append(y)
        y += len(lines) * _LINE_IN + _BAR_IN + 0.1
    data = data.assign(y_text=tops)
    data["text"] = ["\n".join(lines) for lines in wrapped]
    data["y_bar"] = [t + len(lines) * _LINE_IN + _BAR_IN / 2 + 0.01 for t, lines in zip(tops, wrapped)]
    fig.set_figheight(y + 0.55)
    start_min = pd.Timestamp(min(data["start"])) - pd.Timedelta(days=120)
    end_max = pd.Timestamp(max(data["drawn_to"]))
    for row in data.itertuples():
        s, e = pd.Timestamp(row.start), pd.Timestamp(row.drawn_to)
        social = row.topic == "social_media"
        if row.end:
            ax.barh(row.y_bar, (e - s).days, left=s, height=_BAR_IN, color=DARK_BLUE if social else "white",
                    edgecolor=DARK_BLUE if social else ORANGE, hatch="" if social else "////", linewidth=1)
            if row.end_kind == "to publication":
                ax.plot([e], [row.y_bar], marker="|", color="black", ms=8, mew=1.5)
        else:
            ax.annotate("", xy=(e, row.y_bar), xytext=(s, row.y_bar),
                        arrowprops=dict(arrowstyle="->", color=DARK_BLUE if social else ORANGE, lw=1.5, ls="--"))
    ax.set_yticks(data["y_bar"], ticks)
    ax.set_ylim(y, 0)
    ax.set_xlim(start_min, end_max + pd.Timedelta(days=60))
    ax.axvline(pd.Timestamp("2020-02-01"), color=DARK_GREY, lw=0.8, ls=":")
    _year_ticks(ax, start_min, end_max)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.tick_params(axis="y", length=0)
    figures.legend_above(fig, [Patch(facecolor=DARK_BLUE, edgecolor=DARK_BLUE, label="Social media"),
                               Patch(facecolor="white", edgecolor=ORANGE, hatch="////", label="All misconduct"),
                               Line2D([], [], color="black", marker="|", ls="", ms=8, mew=1.5,
                                      label="Ends at publication ('since X')"),
                               Line2D([], [], color=DARK_BLUE, ls="--", label="No end stated"),
                               Line2D([], [], color=DARK_GREY, ls=":", lw=0.8, label="Conduct Regulations 2020")],
                         ncol=3)
    figures.finish(fig, title=title or spans_headline(spans),
                   subtitle=f"Period of each study's headline figure, {min(data['start'])[:4]} to "
                            f"{max(data['drawn_to'])[:4]}: {int((data['topic'] == 'social_media').sum())} social-media "
                            f"and {int((data['topic'] != 'social_media').sum())} all-misconduct studies",
                   note="Above each span: the area and the headline count, with who was counted. Yearly figures are "
                        "count / years, rounded, and assume cases spread evenly; spans under a year are not "
                        "annualised. The studies count different things in different areas: not one series.",
                   source_ids=list(data["source_id"]))
    _row_texts(ax, data)
    return fig


def _row_texts(ax, data: pd.DataFrame) -> None:
    """Each span's words just above its bar: from the bar's start if they fit, else ending at its end, else
    ending at the right edge of the axes (always inside the axes)."""
    fig = ax.figure
    box = ax.get_window_extent(fig.canvas.get_renderer())
    for row in data.itertuples():
        width = max(figures.text_width_in(fig, line, figures.MIN_FONT) for line in row.text.split("\n")) * fig.dpi
        x0 = ax.transData.transform((matplotlib_dates.date2num(pd.Timestamp(row.start)), 0))[0]
        x1 = ax.transData.transform((matplotlib_dates.date2num(pd.Timestamp(row.drawn_to)), 0))[0]
        if x0 + width <= box.x1 - 2:
            x, ha = x0, "left"
        elif box.x0 + 2 <= x1 - width and x1 <= box.x1 - 2:
            x, ha = x1, "right"
        else:
            x, ha = box.x1 - 2, "right"
        xd = ax.transData.inverted().transform((x, 0))[0]
        ax.text(xd, row.y_text, row.text, ha=ha, va="top", multialignment=ha, fontsize=figures.MIN_FONT,
                color=TEXT_GREY, linespacing=1.15)


def spans_headline(spans: pd.DataFrame) -> str:
    distinct = spans[["start", "end"]].drop_duplicates()
    return f"{len(spans)} studies in {len(distinct)} different spans: they are not one series"


def spans_finding(spans: pd.DataFrame) -> str:
    distinct = spans[["start", "end"]].drop_duplicates()
    first, last = min(spans["start"]), max(s for s in spans["end"] if s)
    return (f"{len(spans)} studies cover {first[:4]} to {last[:4]} in {len(distinct)} different spans, with "
            f"different populations and definitions: they are not one series")


def series_data(series: pd.DataFrame) -> pd.DataFrame:
    out = series.copy()
    out["panel"] = np.where(out["annual_rate_per_1000"].notna(), "rate", "count")
    out["x"] = [matplotlib_dates.date2num(pd.Timestamp(e)) for e in out["end"]]  # matplotlib date number
    out["y"] = np.where(out["panel"] == "rate", out["annual_rate_per_1000"], out["annual_count"])
    out["label"] = [f"{r.study}: {r['count']:.0f} {measure_words(r.measure)}"
                    + (f" ({POPULATION_WORDS[r.population]})" if r.panel == "rate" else "")
                    for _, r in out.iterrows()]
    dup = out["label"].duplicated(keep=False)
    out.loc[dup, "label"] = [f"{lab}, {s[:4]}" for lab, s in zip(out.loc[dup, "label"], out.loc[dup, "start"])]
    return out


def series_chart(series: pd.DataFrame, *, title: str | None = None, force_name: str = "the Met") -> plt.Figure:
    """A force's figures across studies: each study's count over its own period as a horizontal segment at its
    yearly rate per 1,000 with the exact 95% interval as a band; never joined across studies; every segment
    labelled directly at its end. Rows without a rate sit in a lower panel as yearly counts."""
    data = series_data(series)
    rated, unrated = data[data["panel"] == "rate"], data[data["panel"] == "count"]
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(figures.FIG_WIDTH, 6.2), sharex=True,
                                  gridspec_kw={"height_ratios": [3, 1.2]})
    for row in rated.itertuples():
        s, e = pd.Timestamp(row.start), pd.Timestamp(row.end)
        ax.fill_between([s, e], row.annual_ci_low, row.annual_ci_high, color=DARK_BLUE, alpha=0.15, lw=0)
        ax.plot([s, e], [row.annual_rate_per_1000] * 2, color=DARK_BLUE, lw=2.5, solid_capstyle="butt")
    ax.scatter(rated["x"], rated["y"], s=16, color=DARK_BLUE, zorder=4)
    for row in unrated.itertuples():
        s, e = pd.Timestamp(row.start), pd.Timestamp(row.end)
        ax2.plot([s, e], [row.annual_count] * 2, color=DARK_GREY, lw=2.5, solid_capstyle="butt")
    ax2.scatter(unrated["x"], unrated["y"], s=16, color=DARK_GREY, zorder=4)
    ax.set_ylabel("Per 1,000 a year")
    ax.set_ylim(0, float(rated["annual_ci_high"].max()) * 1.4 if len(rated) else 1)
    ax2.set_ylabel("Count a year")
    ax2.set_ylim(0, max(float(unrated["annual_count"].max()) * 1.6, 1) if len(unrated) else 1)
    start = pd.Timestamp(min(data["start"])) - pd.Timedelta(days=200)
    end = pd.Timestamp(max(data["end"])) + pd.Timedelta(days=200)
    ax.set_xlim(start, end)
    for a in (ax, ax2):
        a.axvline(pd.Timestamp("2020-02-01"), color=DARK_GREY, lw=0.8, ls=":")
        a.grid(axis="x", visible=False)
    _year_ticks(ax2, start, end, step=2)
    ax.set_title("With a rate (band: exact 95% interval)", loc="left", fontsize=figures.BASE_FONT)
    ax2.set_title("No rate: who was counted not stated", loc="left", fontsize=figures.BASE_FONT)
    figures.finish(fig, title=title or series_headline(series, force_name),
                   subtitle=f"{force_name[:1].upper()}{force_name[1:]}'s figures in {data['study'].nunique()} studies, "
                            f"per 1,000 of the workforce each counts, a year; {min(data['start'])[:4]} to "
                            f"{max(data['end'])[:4]}",
                   note="Each segment is one study's count over its own period, divided by the workforce its "
                        "population implies (Home Office headcount, mean of the 31 March dates inside the period) "
                        "and by the years it spans. Segments are not joined: the studies count different things. "
                        "Dotted line: Police (Conduct) Regulations 2020.",
                   source_ids=list(dict.fromkeys(data["source_id"])) + [workforce.SOURCE_ID])
    for a, part in ((ax, rated), (ax2, unrated)):
        if len(part):
            segments = [(matplotlib_dates.date2num(pd.Timestamp(r.start)), r.y, r.x, r.y) for r in part.itertuples()]
            labels.place_labels(a, part["x"].to_numpy(), part["y"].to_numpy(), list(part["label"]),
                                mandatory=[True] * len(part), fontsize=figures.MIN_FONT, marker_radius_pt=2.5,
                                avoid=segments)
    return fig


def series_headline(series: pd.DataFrame, force_name: str = "the Met") -> str:
    rated = series[series["annual_rate_per_1000"].notna()]
    if rated.empty:
        return f"Figures for {force_name} across studies"
    return (f"{force_name[:1].upper()}{force_name[1:]}'s figures differ {rated['annual_rate_per_1000'].max() / rated['annual_rate_per_1000'].min():.0f}-fold "
            f"across studies that count different things")


def series_finding(series: pd.DataFrame, force_name: str = "the Met") -> str:
    rated = series[series["annual_rate_per_1000"].notna()].sort_values("start")
    if rated.empty:
        return f"Figures for {force_name} across studies"
    low = rated.sort_values("annual_rate_per_1000").iloc[0]
    high = rated.sort_values("annual_rate_per_1000").iloc[-1]
    return (f"{force_name[:1].upper()}{force_name[1:]}'s figures range from {low.annual_rate_per_1000:.2f} per "
            f"1,000 a year ({low.study}, {_years(low)}) to {high.annual_rate_per_1000:.2f} ({high.study}, "
            f"{_years(high)}); the studies count different things, so the segments are not one trend")


def _years(row) -> str:
    return row.start[:4] if row.start[:4] == row.end[:4] else f"{row.start[:4]}-{row.end[:4]}"

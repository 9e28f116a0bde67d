"""Chart functions: tidy tables in, a framed matplotlib Figure out; `*_data` functions give the data each chart
draws (one row per mark, with source ids), which the figure build writes beside the picture.

Every chart is deterministic (no jitter, no bootstrap), drawn in the Analysis Function style
(`figures.set_theme`), with a one-sentence headline computed from the data, a statistical subtitle, a caption
and a source line (`figures.finish`). Colour never carries meaning alone: marker shape, fill, hatching or a
direct label carries it too. Point labels are placed by `labels.place_labels` and checked by `labels`.
"""
from __future__ import annotations

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

# count_words: measures that count people say who they were ("75 officers investigated"); the others count
# things and say whose they were in brackets ("828 cases investigated (officers, staff and PCSOs)").
PEOPLE_MEASURES = {"people_investigated": "investigated", "people_with_case_to_answer": "with a case to answer",
                   "disciplined": "disciplined", "misconduct_proceedings": "referred to proceedings",
                   "people_subject_to_complaint": "subject to a complaint"}
PEOPLE = {"officers": ("officer", "officers"), "staff": ("member of police staff", "police staff"),
          "pcso": ("PCSO", "PCSOs"), "special_constables": ("special constable", "special constables"),
          "all_personnel": ("officer or member of staff", "officers and staff"),
          "unknown": ("person", "people")}
THINGS = {"cases_investigated": ("case investigated", "cases investigated"), "complaints": ("complaint", "complaints"),
          "conduct_cases": ("conduct case", "conduct cases"), "cases_to_answer": ("case to answer", "cases to answer"),
          "allegations": ("allegation", "allegations"), "barred_list_entries": ("barred-list entry", "barred-list entries")}
NOT_STATED = "role not stated"  # whether officers, staff or both were counted
SHORT_WHO = {"all_personnel": "officers and staff"}  # PCSOs are police staff; the data file keeps the population


def measure_words(measure: str) -> str:
    if measure not in MEASURE_WORDS:
        raise KeyError(f"no chart wording for measure {measure!r}: add it to charts.MEASURE_WORDS")
    return MEASURE_WORDS[measure]


def count_words(count, measure: str, population: str, qualifier: str = "exact") -> str:
    """A headline count in plain words: "75 officers investigated", "1 officer referred to proceedings",
    "about 18 cases investigated (officers or staff not stated)". A measure or population with no wording raises."""
    number = values.qualified_words(count, qualifier or "exact")
    form = 0 if float(count) == 1 and (qualifier or "exact") == "exact" else 1  # singular or plural
    if measure in PEOPLE_MEASURES:
        who = PEOPLE[population][form]
        return f"{number} {who} {PEOPLE_MEASURES[measure]}" + (f" ({NOT_STATED})" if population == "unknown" else "")
    if measure not in THINGS:
        raise KeyError(f"no chart wording for measure {measure!r}: add it to charts.THINGS or charts.PEOPLE_MEASURES")
    whose = NOT_STATED if population == "unknown" else SHORT_WHO.get(population, POPULATION_WORDS[population])
    return f"{number} {THINGS[measure][form]} ({whose})"


def date_words(iso: str) -> str:
    t = pd.Timestamp(iso)
    return f"{t.day} {_MONTHS[t.month - 1]} {t.year}"


def in_text(short_name: str) -> str:
    """A force's short name as it reads inside a sentence: "the Met" (the registry's short name is "Met")."""
    return "the Met" if short_name == "Met" else short_name


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def names(items) -> str:
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]



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
        return "officers and staff (Home Office average headcount)"
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
    parts = [f"{in_text(r.short_name)} ({'high' if r.funnel_position_adjusted.endswith('above') else 'low'})"
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
            parts.append(f"{names([in_text(n) for n in sel['short_name']])} {_WORDS[code]}")
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
    centre = float(data["centre_rate_per_1000"].iloc[0])
    x0, x1 = ax.get_xlim()
    labels.place_labels(ax, keep["x"].to_numpy(), keep["y"].to_numpy(), list(keep["label"]), mandatory=mandatory,
                        all_x=data["x"].to_numpy(), all_y=data["y"].to_numpy(), fontsize=figures.MIN_FONT,
                        marker_radius_pt=np.sqrt(MARKER_AREA) / 2 + 0.5, optional_rings=2,
                        avoid=[(x0, centre, x1, centre)])  # no name printed over the pooled-rate line


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
        return sentence(f"{in_text(by_rate.short_name)} has both the most {what} and the highest rate")
    rank = int((rated["rate_per_1000"] > by_count.rate_per_1000).sum() + 1)
    return sentence(f"{in_text(by_count.short_name)} has the most {what} but ranks {rank} of {len(rated)} by rate")


def ranked_finding(rates_frame: pd.DataFrame, what: str = "cases") -> str:
    """Which force has the highest rate and which the highest count, and whether they are the same."""
    rated = _rated(rates_frame)
    by_rate = rated.sort_values(["rate_per_1000", "short_name"], ascending=[False, True]).iloc[0]
    by_count = rated.sort_values(["count", "short_name"], ascending=[False, True]).iloc[0]
    text = (f"Highest rate: {in_text(by_rate.short_name)}, {by_rate.rate_per_1000:.1f} {what} per 1,000 "
            f"(95% CI {by_rate.ci_low:.1f} to {by_rate.ci_high:.1f})")
    if by_rate.force != by_count.force:
        rank = int((rated["rate_per_1000"] > by_count.rate_per_1000).sum() + 1)
        text += (f"; the highest count ({in_text(by_count.short_name)}, {by_count['count']:.0f}) ranks {rank} of "
                 f"{len(rated)} by rate")
    return text


RANKED_ROW_IN = 0.19  # one force's row: 38 forces and the frame fit an A4 page at 16 cm wide


def ranked_dot_plot(rates_frame: pd.DataFrame, *, what: str = "cases", highlight: str | None = None,
                    title: str | None = None, subtitle: str | None = None, note: str | None = None,
                    source_ids=None) -> plt.Figure:
    """Forces ranked by rate per 1,000 with the exact 95% interval; each row named with its raw count; markers
    by position against the funnel's widened limits (the flags); `highlight` drawn distinct and labelled."""
    rated = _rated(rates_frame)
    data = ranked_data(rated, highlight)
    fig, ax = plt.subplots(figsize=(figures.FIG_WIDTH, RANKED_ROW_IN * len(data) + 1.0))
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
    for row in data[data["highlighted"]].itertuples():
        _label_highlight_row(ax, data, row, x_max)
    return fig


def _label_highlight_row(ax, data: pd.DataFrame, row, x_max: float) -> None:
    """The highlighted force's name on its own row, with a leader line back to its marker: after its interval and
    clear of the markers of the rows above and below (a name beside a neighbour's dot would read as its), else,
    where that runs off the axes, before them."""
    near = data[(data["y"] - row.y).abs() == 1]
    gap = x_max * 0.03
    after = max([row.ci_high, row.x] + [x + gap for x in near["x"] if x > row.x]) + gap
    width = figures.text_width_in(ax.figure, row.label, figures.MIN_FONT, "bold")
    per_inch = (ax.get_xlim()[1] - ax.get_xlim()[0]) / (ax.get_window_extent().width / ax.figure.dpi)
    if after + width * per_inch <= ax.get_xlim()[1]:
        at, ha, relpos = after, "left", (0, 0.5)
    else:
        at = min([row.ci_low, row.x] + [x - gap for x in near["x"] if x < row.x]) - gap
        ha, relpos = "right", (1, 0.5)
    ax.annotate(row.label, (row.x, row.y), xytext=(at, row.y), textcoords="data", va="center", ha=ha,
                fontsize=figures.MIN_FONT, fontweight="bold", color="black", gid=labels.LABEL_GID,
                arrowprops=dict(arrowstyle="-", color="black", lw=0.8, shrinkA=2, shrinkB=6, relpos=relpos))


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
    title = sentence(f"{names([in_text(n) for n in top['short_name']])} reported the most cases, but {n_gap + n_ref} "
                     f"forces gave no figure")
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


def _year_ending(year: str) -> str:
    """"year ending 31 March 2023" -> "Year to March 2023" (no abbreviation a reader has to decode)."""
    return sentence(year.replace("year ending 31 ", "year to "))


def _context_panel(ax, context: pd.DataFrame) -> None:
    context = context.reset_index(drop=True)
    y = np.arange(len(context))
    ax.barh(y, context["percent"].fillna(0), color="white", edgecolor=DARK_GREY, linewidth=1.2, height=0.6)
    for yi, p in zip(y, context["percent"]):
        ax.text((0 if np.isnan(p) else p) + 1, yi, "not published" if np.isnan(p) else f"{p:.0f}%",
                va="center", fontsize=figures.MIN_FONT, color=TEXT_GREY)
    short = {w: w.replace("referred to ", "") for w in context["what"]}
    ax.set_yticks(y, [f"{_year_ending(r.year)}: {short[r.what]}" for r in context.itertuples()])
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
# Coverage: which force has a figure for which period

# Cells by how many studies give the force a figure for the period: the Analysis Function's sequential blues,
# each with a dark edge (the lightest fill alone has under 3:1 contrast on white) and the number printed.
COVERAGE_FILLS = {1: "#6BACE6", 2: "#2073BC", 3: DARK_BLUE}
GAP_FILL = "#F2F2F2"
PERIOD_HEADINGS = {"before 2014": "Before\n2014", "2014-2017": "2014 to\n2017", "2018-2021": "2018 to\n2021",
                   "2022 onwards": "2022\nonwards", "period not stated": "Period\nnot stated"}
ANY_PERIOD = "Any period"


def coverage_table(obs: pd.DataFrame) -> pd.DataFrame:
    """The coverage grid's data, one row per force x period x study behind a cell (the per-study detail): the
    study's chart name and source id, whether it gave a figure or the force refused, the period its figures
    for the force cover, and the cell it counts toward (x: period column, y: force row; cell_studies: how many
    studies give the force a figure there; cell_state: figure / refused / none). Counts come from
    analysis.coverage.period_studies, as in notebook 01, so chart and notebook count the same figures."""
    studies = coverage.period_studies(obs)
    counts = coverage.period_counts(obs)
    reg = forces.registry()
    names_ = rates.study_names(studies["source_id"].unique(), obs) if len(studies) else {}
    col = {p: i for i, p in enumerate(coverage.PERIOD_LABELS)}
    row = {f: i for i, f in enumerate(reg["force"])}
    short = dict(zip(reg["force"], reg["short_name"]))
    out = studies.assign(short_name=studies["force"].map(short), study=studies["source_id"].map(names_),
                         x=studies["period"].map(col), y=studies["force"].map(row))
    out["cell_studies"] = [int(counts.at[f, p]) for f, p in zip(out["force"], out["period"])]
    out["cell_state"] = np.where(out["cell_studies"] > 0, "figure", "refused")
    return out[["force", "short_name", "period", "x", "y", "cell_studies", "cell_state", "study", "state",
                "period_start", "period_end", "source_id"]].reset_index(drop=True)


def coverage_headline(obs: pd.DataFrame) -> str:
    by = coverage.coverage_by_period(obs).set_index("period")
    anyp, recent = by.loc["any period"], by.loc[coverage.PERIODS[-1][0]]
    few = "but only" if recent["forces_with_a_figure"] < anyp["forces_with_a_figure"] / 2 else "and"
    return (f"{anyp['forces_with_a_figure']} of {anyp['of_forces']} forces have a social-media figure, "
            f"{few} {recent['forces_with_a_figure']} since {coverage.PERIODS[-1][1][:4]}")


def coverage_grid(obs: pd.DataFrame) -> plt.Figure:
    """Forces (rows, short names) x coverage periods (columns): each cell the number of social-media studies that
    give the force a figure for that period; "refused" where the force only refused; pale where no figure was
    found (a gap, not a zero). A last column counts the studies giving the force any figure, and a last row the
    forces with a figure in each period (notebook 01's coverage by period). Fits one page at any number of
    studies: the studies behind each cell are in coverage_table."""
    detail = coverage_table(obs)
    counts = coverage.period_counts(obs)
    by = coverage.coverage_by_period(obs).set_index("period")
    reg = forces.registry()
    periods = list(coverage.PERIOD_LABELS)
    refused = set(zip(detail.loc[detail["cell_state"] == "refused", "force"],
                      detail.loc[detail["cell_state"] == "refused", "period"]))
    figs = detail[detail["state"] == "figure"]
    any_studies = figs.groupby("force")["source_id"].nunique()
    n_rows = len(reg) + 1
    fig, ax = plt.subplots(figsize=(figures.FIG_WIDTH, 0.18 * n_rows + 0.7))
    total_x = len(periods) + 0.25  # the "any period" column, set a little apart
    for yi, force in enumerate(reg["force"]):
        for xi, period in enumerate(periods):
            n = int(counts.at[force, period])
            if n:
                fill = COVERAGE_FILLS[min(n, 3)]
                ax.add_patch(Rectangle((xi - 0.46, yi - 0.42), 0.92, 0.84, facecolor=fill, edgecolor=DARK_BLUE, lw=0.6))
                ax.text(xi, yi, f"{n}", ha="center", va="center", fontsize=figures.MIN_FONT,
                        color=_text_colour(fill))
            elif (force, period) in refused:
                ax.add_patch(Rectangle((xi - 0.46, yi - 0.42), 0.92, 0.84, facecolor="white", edgecolor=ORANGE,
                                       lw=1.2))
                ax.text(xi, yi, "refused", ha="center", va="center", fontsize=figures.MIN_FONT, color=TEXT_GREY)
            else:
                ax.add_patch(Rectangle((xi - 0.46, yi - 0.42), 0.92, 0.84, facecolor=GAP_FILL, edgecolor="none"))
        total = int(any_studies.get(force, 0))
        ax.text(total_x, yi, f"{total}" if total else "none", ha="center", va="center", fontsize=figures.MIN_FONT,
                color="black" if total else TEXT_GREY, fontweight="bold" if total else "normal")
    yi = len(reg)
    for xi, period in enumerate(periods):
        ax.text(xi, yi + 0.15, f"{by.loc[period, 'forces_with_a_figure']}", ha="center", va="center",
                fontsize=figures.MIN_FONT, fontweight="bold")
    ax.text(total_x, yi + 0.15, f"{by.loc['any period', 'forces_with_a_figure']}", ha="center", va="center",
            fontsize=figures.MIN_FONT, fontweight="bold")
    ax.axhline(yi - 0.5, color=DARK_GREY, lw=0.8)
    ax.set_xlim(-0.55, total_x + 0.55)
    ax.set_ylim(n_rows - 0.35, -0.6)
    ax.set_yticks(range(n_rows), list(reg["short_name"]) + ["Forces with a figure"], fontsize=figures.MIN_FONT)
    ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.xaxis.tick_top()
    ax.set_xticks(list(range(len(periods))) + [total_x],
                  [PERIOD_HEADINGS[p] for p in periods] + ["Any\nperiod"], fontsize=figures.MIN_FONT)
    ax.grid(False)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    figures.legend_above(fig, [Patch(facecolor=COVERAGE_FILLS[1], edgecolor=DARK_BLUE, label="1 study"),
                               Patch(facecolor=COVERAGE_FILLS[2], edgecolor=DARK_BLUE, label="2 studies"),
                               Patch(facecolor=COVERAGE_FILLS[3], edgecolor=DARK_BLUE, label="3 or more"),
                               Patch(facecolor="white", edgecolor=ORANGE, lw=1.2, label="Refused, no figure"),
                               Patch(facecolor=GAP_FILL, edgecolor="none", label="No figure found")], ncol=5)
    n_studies = figs["source_id"].nunique()
    only_refused = {f for f, _ in refused} - set(any_studies.index)
    subtitle = (f"Social-media studies giving each force a figure, by the period the figure covers: "
                f"{n_studies} studies, {by.loc['2022 onwards', 'studies']} of them for 2022 onwards")
    note = ("Each cell counts studies, not cases. A figure counts toward a period its own period overlaps by six "
            "months or more. Refused: the force refused the study and gave no figure for that period. A pale cell is "
            "a gap (no figure found), not a zero. The studies behind each cell are in this figure's data file."
            + (f" {len(only_refused)} force{'s' if len(only_refused) > 1 else ''} only refused." if only_refused
               else ""))
    figures.finish(fig, title=coverage_headline(obs), subtitle=subtitle, note=note,
                   source_ids=list(dict.fromkeys(figs["source_id"])))
    return fig

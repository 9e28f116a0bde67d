"""Chart functions: tidy tables in, a matplotlib Figure out (the notebooks save it with figures.save/publish).

Every chart is deterministic (no random jitter, no bootstrap), uses the colour-blind palette of
`figures.set_theme()`, and gets a title that states the finding, computed from the table it draws.
Labels are placed with fixed rules (no label-repelling dependency): small offsets that alternate by rank.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import figures, forces, outcomes, stats, values
from .outcomes_compare import NOT_BROKEN_DOWN

# Funnel positions -> colour and legend words (stats.FUNNEL_POSITIONS codes).
_POSITION_COLOURS = {
    "inside_95": "0.45",
    "between_95_998_above": figures.PALETTE[1],
    "between_95_998_below": figures.PALETTE[0],
    "beyond_998_above": figures.PALETTE[3],
    "beyond_998_below": figures.PALETTE[2],
}
_OUTSIDE_95 = ("between_95_998_above", "beyond_998_above", "between_95_998_below", "beyond_998_below")


def _names(frame: pd.DataFrame) -> str:
    names = list(frame["short_name"])
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def funnel_finding(rates: pd.DataFrame) -> str:
    """One sentence on which forces stand out once size is accounted for, from the funnel positions."""
    rated = rates[rates["rate_per_1000"].notna()]
    out = rated[rated["funnel_position"].isin(_OUTSIDE_95)].sort_values(["rate_per_1000", "short_name"],
                                                                         ascending=[False, True])
    if out.empty:
        return (f"All {len(rated)} forces lie inside the 95% limits: no force stands out once size is "
                f"accounted for")
    parts = []
    for code, words in (("beyond_998_above", "above the 99.8% limit"),
                        ("between_95_998_above", "above the 95% limit"),
                        ("between_95_998_below", "below the 95% limit"),
                        ("beyond_998_below", "below the 99.8% limit")):
        sel = out[out["funnel_position"] == code]
        if len(sel):
            parts.append(f"{_names(sel)} {'is' if len(sel) == 1 else 'are'} {words}")
    return "; ".join(parts) + f"; the other {len(rated) - len(out)} forces are inside the 95% limits"


def funnel_plot(rates: pd.DataFrame, *, title: str | None = None, what: str = "cases",
                n_largest: int = 6) -> plt.Figure:
    """Funnel plot of one study and one denominator choice (rows of force_rates with a rate).

    x: the denominator (log scale); y: rate per 1,000 over the study period; centre line = pooled rate;
    95% and 99.8% exact Poisson limits (stats.funnel_limits). Labelled: every force outside the 95% limits
    and the `n_largest` largest forces; the rest are listed in the notebook's table.
    """
    rated = rates[rates["rate_per_1000"].notna()].sort_values("denominator", kind="stable").reset_index(drop=True)
    if rated.empty:
        raise ValueError("no force has a rate to plot")
    if rated[["source_id", "denominator_source"]].drop_duplicates().shape[0] != 1:
        raise ValueError("pass the rows of one study and one denominator choice")
    centre = float(rated["centre_rate_per_1000"].iloc[0]) / stats.PER
    lo, hi = rated["denominator"].min(), rated["denominator"].max()
    grid = np.geomspace(lo * 0.7, hi * 1.4, 400)
    limits = stats.funnel_limits(grid, centre)
    fig, ax = plt.subplots(figsize=(8.5, 6))
    ax.plot(grid, limits["centre_per_1000"], color="0.2", lw=1.2, label=f"National rate {centre * 1000:.2f}")
    for level, style, words in (("95", "--", "95% limits"), ("998", ":", "99.8% limits")):
        ax.plot(grid, limits[f"upper_{level}"], color="0.35", ls=style, lw=1, label=words)
        ax.plot(grid, limits[f"lower_{level}"], color="0.35", ls=style, lw=1)
    for code, group in rated.groupby("funnel_position", sort=True):
        ax.scatter(group["denominator"], group["rate_per_1000"], s=36, color=_POSITION_COLOURS[code],
                   edgecolor="white", linewidth=0.5, zorder=3, label=stats.FUNNEL_POSITIONS[code].capitalize())
    largest = set(rated.nlargest(n_largest, "denominator")["force"])
    to_label = rated[rated["funnel_position"].isin(_OUTSIDE_95) | rated["force"].isin(largest)]
    # Fixed offsets (points) cycling right-above, right-below, left-above, left-below by position along x,
    # so neighbours of similar size get labels on different sides: deterministic, no label repelling.
    offsets = ((5, 6, "left"), (5, -11, "left"), (-5, 6, "right"), (-5, -11, "right"))
    for i, row in enumerate(to_label.itertuples()):
        dx, dy, ha = offsets[i % 4]
        ax.annotate(f"{row.short_name} ({row.count:.0f})", (row.denominator, row.rate_per_1000),
                    xytext=(dx, dy), textcoords="offset points", fontsize=7, color="0.15", ha=ha)
    ax.set_xscale("log")
    ax.set_xlabel(f"Denominator: {_denominator_words(rated)} (log scale)")
    ax.set_ylabel(f"{what.capitalize()} per 1,000 over the study period")
    ax.set_ylim(bottom=0)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, labels, fontsize=7, loc="upper right", frameon=True)
    ax.set_title(title or _wrap(funnel_finding(rates)), fontsize=10)
    return fig


def _denominator_words(rated: pd.DataFrame) -> str:
    if (rated["denominator_source"] == "official").all():
        return "average official headcount of the workforce counted"
    return "the study's own denominator, as published"


def _wrap(text: str, width: int = 95) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(text, width))


def ranked_dot_plot(rates: pd.DataFrame, *, title: str | None = None, what: str = "cases") -> plt.Figure:
    """Forces ranked by rate per 1,000 with the exact 95% interval; the raw count printed beside each."""
    rated = rates[rates["rate_per_1000"].notna()].sort_values(["rate_per_1000", "short_name"],
                                                              ascending=[True, False]).reset_index(drop=True)
    if rated.empty:
        raise ValueError("no force has a rate to plot")
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(rated) + 1.8))
    y = np.arange(len(rated))
    colours = [_POSITION_COLOURS[c] for c in rated["funnel_position"]]
    ax.hlines(y, rated["ci_low"], rated["ci_high"], color=colours, lw=1.6)
    ax.scatter(rated["rate_per_1000"], y, color=colours, s=28, zorder=3)
    centre = float(rated["centre_rate_per_1000"].iloc[0])
    ax.axvline(centre, color="0.2", lw=1, ls="--")
    x_text = rated["ci_high"].max() * 1.04
    for yi, row in zip(y, rated.itertuples()):
        ax.text(x_text, yi, f"n = {row.count:.0f}", va="center", fontsize=7, color="0.25")
    ax.set_yticks(y, rated["short_name"], fontsize=7)
    ax.set_xlim(0, x_text * 1.12)
    ax.set_xlabel(f"{what.capitalize()} per 1,000 over the study period, with exact 95% interval "
                  f"(dashed: national rate {centre:.2f})")
    ax.grid(axis="y", visible=False)
    handles = [Line2D([], [], color=_POSITION_COLOURS[c], marker="o", lw=1.6, label=stats.FUNNEL_POSITIONS[c])
               for c in stats.FUNNEL_POSITIONS if c in set(rated["funnel_position"])]
    ax.legend(handles=handles, fontsize=7, loc="lower right")
    ax.set_title(title or _wrap(ranked_finding(rates, what)), fontsize=10)
    return fig


def ranked_finding(rates: pd.DataFrame, what: str = "cases") -> str:
    """Which force has the highest rate and which the highest count, and whether they are the same."""
    rated = rates[rates["rate_per_1000"].notna()]
    by_rate = rated.sort_values(["rate_per_1000", "short_name"], ascending=[False, True]).iloc[0]
    by_count = rated.sort_values(["count", "short_name"], ascending=[False, True]).iloc[0]
    text = (f"Highest rate: {by_rate.short_name}, {by_rate.rate_per_1000:.1f} {what} per 1,000 "
            f"(95% CI {by_rate.ci_low:.1f} to {by_rate.ci_high:.1f})")
    if by_rate.force != by_count.force:
        rank = int((rated["rate_per_1000"] > by_count.rate_per_1000).sum() + 1)
        text += f"; the highest count ({by_count.short_name}, {by_count['count']:.0f}) ranks {rank} of {len(rated)} by rate"
    return text


# --------------------------------------------------------------------------------------------------
# Outcomes

_OUTCOME_COLOURS = {  # colour-blind palette indices, or greys; neighbours in severity differ
    "dismissed": 3, "would_have_been_dismissed": 1, "resigned_or_retired": 5, "final_written_warning": 4,
    "written_warning": 6, "reflective_practice": 9, "management_advice": 8, "management_action": 2,
    "other_sanction": "0.3", "no_case_to_answer": 0, "no_further_action": 7, "ongoing": "0.75", "unknown": "0.9",
}


def _outcome_colour(category: str):
    if category == NOT_BROKEN_DOWN:
        return "white"
    colour = _OUTCOME_COLOURS[outcomes.split_outcomes(category)[0]]
    return figures.PALETTE[colour] if isinstance(colour, int) else colour


def _text_colour(background) -> str:
    """Dark text on light fills, white on dark ones (relative luminance)."""
    import matplotlib.colors as mcolors
    r, g, b = mcolors.to_rgb(background)
    return "0.1" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def _outcome_hatch(category: str) -> str:
    if category == NOT_BROKEN_DOWN:
        return "...."
    return "////" if "+" in category else ""


def _regime_words(regime: str) -> str:
    return {"pre_2020": " [before Feb 2020 only]", "from_2020": " [from Feb 2020 only]"}.get(regime, "")


def outcome_shares_chart(shares: pd.DataFrame, context: pd.DataFrame | None = None, *,
                         title: str | None = None) -> plt.Figure:
    """100% bars, one per study base (rows of outcomes_compare.outcome_shares with shown=True), segments in
    order of severity; groups hatched; the part not broken down dotted. The base and definition are printed
    under each bar's name. `context` (outcomes_compare.proceedings_context) adds a panel of Home Office
    proceedings shares, which are not sanctions."""
    import textwrap

    shown = shares[shares["shown"]]
    bars = list(dict.fromkeys(shown["bar"]))
    heights = [len(bars) * 0.75 + 0.6] + ([len(context) * 0.28 + 0.6] if context is not None else [])
    fig, axes = plt.subplots(len(heights), 1, figsize=(11, sum(heights) + 2.2), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    ax = axes[0, 0]
    seen = {}
    labels = []
    for yi, bar in enumerate(bars):
        rows = shown[shown["bar"] == bar]
        left = 0.0
        for row in rows.itertuples():
            width = row.share_percent
            grouped = row.outcome == NOT_BROKEN_DOWN or "+" in row.outcome
            ax.barh(yi, width, left=left, color=_outcome_colour(row.outcome), hatch=_outcome_hatch(row.outcome),
                    edgecolor="0.4" if grouped else "white", linewidth=0.6, height=0.62)
            if width >= 7:
                ax.text(left + width / 2, yi, f"{width:.0f}%", ha="center", va="center", fontsize=6.5,
                        color="0.1" if grouped else _text_colour(_outcome_colour(row.outcome)),
                        bbox=dict(facecolor="white", edgecolor="none", pad=0.5) if grouped else None)
            left += width
            seen.setdefault(row.outcome, row.outcome_label + _regime_words(row.regime))
        first = rows.iloc[0]
        labels.append(bar + "\n" + "\n".join(textwrap.wrap(f"base {first.base:,.0f}: {first.definition}", 62)))
    ax.set_yticks(range(len(bars)), labels, fontsize=6.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of the study's own base (%): percents as published; counts divided by the base named",
                  fontsize=7.5)
    ax.grid(axis="y", visible=False)
    order = sorted(seen, key=lambda c: (c == NOT_BROKEN_DOWN, outcomes.severity(outcomes.split_outcomes(c)[0])
                                        if c != NOT_BROKEN_DOWN else 99, c))
    handles = [Patch(facecolor=_outcome_colour(c), hatch=_outcome_hatch(c), edgecolor="0.4", label=seen[c])
               for c in order]
    ax.legend(handles=handles, fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              title="Outcome (hatched: a combined figure,\nnever split)", title_fontsize=6.5)
    ax.set_title(title or _wrap(outcome_finding(shares), 80), fontsize=10)
    if context is not None:
        _context_panel(axes[1, 0], context)
    return fig


def _context_panel(ax, context: pd.DataFrame) -> None:
    context = context.reset_index(drop=True)
    kinds = list(dict.fromkeys(context["what"]))
    colours = {k: figures.PALETTE[4 + j] for j, k in enumerate(kinds)}
    y = np.arange(len(context))
    ax.barh(y, context["percent"].fillna(0), color=[colours[k] for k in context["what"]], height=0.7)
    for yi, p in zip(y, context["percent"]):
        ax.text((0 if np.isnan(p) else p) + 1, yi, "not published" if np.isnan(p) else f"{p:.0f}%",
                va="center", fontsize=6.5, color="0.25")
    ax.set_yticks(y, [f"{r.year} (of {r.base:,.0f}): {r.what}" for r in context.itertuples()], fontsize=6.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of officers referred to misconduct proceedings in the year", fontsize=7.5)
    ax.grid(axis="y", visible=False)
    ax.set_title("Context, all misconduct (Home Office): the proceedings officers were referred to.\n"
                 "Proceedings, not sanctions, so not on the scale above", fontsize=8, loc="left")


def outcome_finding(shares: pd.DataFrame) -> str:
    """The share ending with the person leaving, study by study, from the bars (computed, not typed)."""
    shown = shares[shares["shown"]]
    leaving = {"dismissed", "would_have_been_dismissed", "resigned_or_retired"}
    parts, n_bars = [], shown["bar"].nunique()
    for bar, rows in shown.groupby("bar", sort=False):
        left = rows[[set(outcomes.split_outcomes(o)) <= leaving if o != NOT_BROKEN_DOWN else False
                     for o in rows["outcome"]]]
        if len(left):
            parts.append(left["share_percent"].sum())
    if not parts:
        return f"Outcomes of {n_bars} study bases on one scale"
    return (f"Across {n_bars} study bases, dismissal, resignation or retirement ends between {min(parts):.0f}% "
            f"and {max(parts):.0f}% of cases where a study says so; most of each base is warnings, advice, "
            f"no action or not broken down")


# --------------------------------------------------------------------------------------------------
# Years

def spans_chart(spans: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Every study's span on one time axis; open ends drawn as an arrow; the annualised headline count and
    its population printed beside each span. Colour: social media vs all misconduct."""
    spans = spans.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(11, 0.3 * len(spans) + 1.8))
    colours = {"social_media": figures.PALETTE[0], "all_misconduct": figures.PALETTE[1]}
    end_max = pd.Timestamp(max(s for s in spans["end"] if s))
    for yi, row in spans.iterrows():
        start = pd.Timestamp(row["start"])
        colour = colours.get(row["topic"], "0.5")
        if row["end"]:
            end = pd.Timestamp(row["end"])
            ax.plot([start, end], [yi, yi], color=colour, lw=5, solid_capstyle="butt")
            if row["end_kind"] == "to publication":
                ax.plot([end], [yi], marker="|", color="0.2", ms=9)
        else:
            end = end_max
            ax.annotate("", xy=(end, yi), xytext=(start, yi),
                        arrowprops=dict(arrowstyle="->", color=colour, lw=1.5, ls="--"))
        if pd.notna(row["annual_count"]):  # "about 18 ...": an approximate or bounded count keeps its words
            text = f"{values.qualified_words(row['count'], row['count_qualifier'])} " \
                   f"{row['measure'].replace('_', ' ')} ({row['population'].replace('_', ' ')})" \
                   f" = {values.qualified_words(row['annual_count'], row['count_qualifier'], ',.1f')} a year"
        elif pd.notna(row["count"]):  # a count over a period with no stated end: shown, not annualised
            text = f"{values.qualified_words(row['count'], row['count_qualifier'])} " \
                   f"{row['measure'].replace('_', ' ')} ({row['population'].replace('_', ' ')}); no end stated"
        else:
            text = "no dated count"
        ax.text(end + pd.Timedelta(days=40), yi, text, va="center", fontsize=6.5, color="0.25")
    short = dict(zip(forces.registry()["force"], forces.registry()["short_name"]))  # keeps labels inside the figure
    ax.set_yticks(range(len(spans)), [f"{s} · {short.get(a, a)}" for s, a in zip(spans["study"], spans["area"])],
                  fontsize=7)
    ax.invert_yaxis()
    ax.axvline(pd.Timestamp("2020-02-01"), color="0.3", lw=0.8, ls=":")
    ax.text(pd.Timestamp("2020-02-01"), -0.9, " Conduct Regulations 2020", fontsize=6.5, color="0.3")
    ax.set_xlim(pd.Timestamp("2007-06-01"), end_max + pd.Timedelta(days=8 * 365))
    # The space right of the last span holds the labels: no year ticks there.
    years = range(2008, end_max.year + 2, 2)
    ax.set_xticks([pd.Timestamp(f"{y}-01-01") for y in years], [str(y) for y in years])
    ax.grid(axis="y", visible=False)
    ax.legend(handles=[Line2D([], [], color=c, lw=5, label=t.replace("_", " ")) for t, c in colours.items()]
              + [Line2D([], [], color="0.2", marker="|", ls="", ms=9, label="ends at publication ('since X')"),
                 Line2D([], [], color="0.5", ls="--", label="no end stated (open)")],
              fontsize=6.5, loc="lower left")
    ax.set_title(title or _wrap(spans_finding(spans), 90), fontsize=10)
    return fig


def spans_finding(spans: pd.DataFrame) -> str:
    distinct = spans[["start", "end"]].drop_duplicates()
    first, last = min(spans["start"]), max(s for s in spans["end"] if s)
    return (f"{len(spans)} studies cover {first[:4]} to {last[:4]} in {len(distinct)} different spans, with "
            f"different populations and definitions: they are not one series")


def series_chart(series: pd.DataFrame, *, title: str | None = None, force_name: str = "the Met") -> plt.Figure:
    """A force's figures across studies: each study a separate series of horizontal segments (start to end)
    at its annual rate per 1,000 with the exact 95% interval as a band; never joined across studies.
    Rows without a rate are drawn in a lower panel as annual counts."""
    rated = series[series["annual_rate_per_1000"].notna()]
    unrated = series[series["annual_rate_per_1000"].isna()]
    studies = list(dict.fromkeys(series["study"]))
    colours = {s: figures.PALETTE[i % len(figures.PALETTE)] for i, s in enumerate(studies)}
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(10, 7.5), sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    for row in rated.itertuples():
        s, e = pd.Timestamp(row.start), pd.Timestamp(row.end)
        ax.fill_between([s, e], row.annual_ci_low, row.annual_ci_high, color=colours[row.study], alpha=0.18, lw=0)
        ax.plot([s, e], [row.annual_rate_per_1000] * 2, color=colours[row.study], lw=2.5, solid_capstyle="butt")
        who = {"officers": "officers", "staff": "staff", "all_personnel": "all paid workers"}[row.population]
        ax.annotate(f"{row.count:.0f} {row.measure.replace('_', ' ')} ({who})", (e, row.annual_rate_per_1000),
                    xytext=(3, 3), textcoords="offset points", fontsize=6.5, color="0.2")
    for row in unrated.itertuples():
        s, e = pd.Timestamp(row.start), pd.Timestamp(row.end)
        ax2.plot([s, e], [row.annual_count] * 2, color=colours[row.study], lw=2.5, solid_capstyle="butt")
        ax2.annotate(f"{row.count:.0f} {row.measure.replace('_', ' ')}", (e, row.annual_count), xytext=(3, 2),
                     textcoords="offset points", fontsize=6.5, color="0.2")
    ax.set_ylabel("Per 1,000 a year (95% CI band)")
    ax.set_ylim(bottom=0)
    ax2.set_ylabel("Count a year\n(no rate: who is\ncounted not stated)", fontsize=7)
    ax2.set_ylim(bottom=0, top=max(unrated["annual_count"].max() * 1.3, 1) if len(unrated) else 1)
    ax.axvline(pd.Timestamp("2020-02-01"), color="0.3", lw=0.8, ls=":")
    ax2.axvline(pd.Timestamp("2020-02-01"), color="0.3", lw=0.8, ls=":")
    ax.legend(handles=[Line2D([], [], color=colours[s], lw=2.5, label=s) for s in studies], fontsize=7,
              loc="upper left")
    ax.set_title(title or _wrap(series_finding(series, force_name), 95), fontsize=10)
    return fig


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

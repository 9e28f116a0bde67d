"""Command line: `python -m analysis build` rebuilds data/processed/ from data/raw/."""
from __future__ import annotations

import argparse
import sys

from . import sources


def _build(args) -> int:
    from .build import build
    outputs = build()
    for name, frame in outputs.items():
        print(f"{name}: {len(frame)} rows")
    return 0


def _notebooks(args) -> int:
    from .notebooks import execute_all
    for path in execute_all():
        print(f"executed {path.name}")
    return 0


def _figures(args) -> int:
    from .figure_catalogue import write_all
    written = write_all()
    print(f"wrote {len(written)} files to figures/ (PNG, SVG, PDF and CSV per figure, and index.csv)")
    return 0


def _hash(args) -> int:
    """Print the sha256 of raw files, to paste into sources.yml when a source is first added."""
    for path in args.paths:
        print(f"{sources.sha256(path)}  {path}")
    return 0


def _add_foi(args) -> int:
    """Read an FOI reply table (failing before anything is written), copy it into data/raw/, register, rebuild."""
    from .foi import add_reply
    source_id = add_reply(args.path, force=args.force, title=args.title, url=args.url, published=args.published,
                          measure=args.measure, population=args.population, topic=args.topic,
                          publisher=args.publisher, sheet=args.sheet, period=args.period,
                          period_start=args.period_start, period_end=args.period_end, ref=args.ref)
    print(f"added {source_id}: data/raw/{source_id}/, its sources.yml entry, and rebuilt data/processed/")
    if not args.no_notebooks:
        # The notebooks' stored outputs count sources and figures, so they are re-executed (as `make all`
        # does) and `make test` then checks them against the new data.
        from .notebooks import execute_all
        for path in execute_all():
            print(f"executed {path.name}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="verify checksums, clean raw data, write data/processed/").set_defaults(func=_build)
    sub.add_parser("figures", help="check and write every published figure to figures/").set_defaults(func=_figures)
    sub.add_parser("notebooks", help="execute notebooks/ in place").set_defaults(func=_notebooks)
    h = sub.add_parser("hash", help="print sha256 of files")
    h.add_argument("paths", nargs="+")
    h.set_defaults(func=_hash)
    a = sub.add_parser("add-foi", help="add an FOI reply table (.xlsx, .ods, .csv, .xls) as a new source")
    a.add_argument("path", help="the reply's table as received")
    a.add_argument("--force", required=True, help="the force that replied, e.g. 'Avon and Somerset'")
    a.add_argument("--title", required=True, help="the reply's title as published")
    a.add_argument("--url", required=True, help="where the reply is published (disclosure log page)")
    a.add_argument("--published", required=True, help="the reply's date, YYYY-MM-DD")
    a.add_argument("--measure", default="cases_investigated", help="a code of src/analysis/recode/measures.csv")
    a.add_argument("--population", default="officers", help="officers, staff, pcso, all_personnel, ...")
    a.add_argument("--topic", default="social_media", choices=("social_media", "all_misconduct"))
    a.add_argument("--publisher", default=None, help="default: the force's canonical name")
    a.add_argument("--sheet", default=None, help="the sheet holding the table (needed if several have content)")
    a.add_argument("--period", default=None, help="period wording, for a table without periods of its own")
    a.add_argument("--period-start", default=None, help="ISO start, where --period is not a date")
    a.add_argument("--period-end", default=None, help="ISO end, where --period is not a date")
    a.add_argument("--ref", default=None, help="the FOI reference (ends the source id), e.g. 221/21")
    a.add_argument("--no-notebooks", action="store_true",
                   help="rebuild data/processed/ only; run `make all` before `make test`")
    a.set_defaults(func=_add_foi)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # every data problem is a ValueError subclass with file and cell in its message
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

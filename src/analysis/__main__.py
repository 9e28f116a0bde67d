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


def _add_outlet(args) -> int:
    """A further outlet's report of a study already in the data: checked, copied, listed, rebuilt."""
    from .additions import add_from_list, add_outlet_file
    if args.list:
        added = add_from_list(args.list, args.raw_dir, rebuild=not args.no_build)
    elif args.source_id and args.path:
        added = [add_outlet_file(args.source_id, args.path, outlet=args.outlet, url=args.url,
                                 rebuild=not args.no_build)]
    else:
        raise ValueError("give SOURCE_ID and PATH, or --list extra_files.yml --raw-dir DIR")
    for path in added:
        print(f"added {path} with its sha256 under files: in sources.yml")
    if not args.no_build:
        print("rebuilt data/processed/; run `make all` to re-execute the notebooks, then `make test`")
    return 0


def _seen_in(args) -> int:
    """Which sources hold a spelling: to fill seen_in when a new spelling is added to a recode table."""
    from .seen_in import refresh_legacy, where_seen
    if args.refresh_legacy:
        for table, spelling, source_id in refresh_legacy():
            print(f"{table}: {spelling!r} now cites {source_id}")
        return 0
    if not args.text:
        raise ValueError("give the spelling to look for, or --refresh-legacy")
    found = where_seen(args.text, args.table)
    if not found:
        print(f"{args.text!r} is not in any file of data/raw: cite the url of the page it was seen on",
              file=sys.stderr)
        return 1
    for source_id in found:
        print(source_id)
    return 0


def _recode_add(args) -> int:
    """Append reviewed spellings (recode_additions.csv: table,key,value,seen_in) to the recode tables."""
    from .seen_in import add_recode_rows
    added, review = add_recode_rows(args.path)
    for row in added:
        print(f"{row['table']}: {row['key']!r} -> {row['value']!r} (seen in {row['seen_in']})")
    print(f"{len(added)} row(s) added; spellings the tables already read the same way were skipped")
    for row in review:
        print(f"not added, {row['why']}: {row['key']!r} ({row['value']}; seen in {row['seen_in']})")
    return 0


def _coverage_log(args) -> int:
    """Check docs/coverage_log.csv and regenerate the summary in docs/coverage_log.md."""
    from .coverage import append_logs, write_summary
    if args.append:
        print(f"appended {append_logs(args.append)} rows to docs/coverage_log.csv")
    print(f"wrote {write_summary()}")
    return 0


def _add_sources(args) -> int:
    """New sources from a research helper's sources_entries.yml and raw/<id>/ folders: checked, copied, listed."""
    from .additions import add_sources
    for source_id in add_sources(args.entries, args.raw_dir, rebuild=not args.no_build):
        print(f"added {source_id}: data/raw/{source_id}/ and its sources.yml entry")
    if not args.no_build:
        print("rebuilt data/processed/; run `make all` to re-execute the notebooks, then `make test`")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="verify checksums, clean raw data, write data/processed/").set_defaults(func=_build)
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
    n = sub.add_parser("add-sources", help="add new sources: a YAML list of sources.yml entries and their folders")
    n.add_argument("entries", help="a sources_entries.yml (a YAML list of entries with files: and sha256)")
    n.add_argument("--raw-dir", required=True, help="the folder holding <source_id>/ for every entry")
    n.add_argument("--no-build", action="store_true", help="do not rebuild data/processed/")
    n.set_defaults(func=_add_sources)
    o = sub.add_parser("add-outlet", help="add a further outlet's report of an existing study "
                                          "(data/raw/<source_id>/figures_<outlet>.csv, cases_<outlet>.csv, "
                                          "capture_<outlet>.txt)")
    o.add_argument("source_id", nargs="?", help="the study's source id in sources.yml")
    o.add_argument("path", nargs="?", help="the file: figures_<outlet>.csv, cases_<outlet>.csv or capture_<outlet>.txt")
    o.add_argument("--outlet", default=None, help="the outlet's name (default: the file's outlet column)")
    o.add_argument("--url", default=None, help="the outlet's url (default: the file's url column)")
    o.add_argument("--list", default=None, help="a research extra_files.yml (source_id, path, sha256, outlet, url)")
    o.add_argument("--raw-dir", default=".", help="with --list: the folder holding <source_id>/<path>")
    o.add_argument("--no-build", action="store_true", help="do not rebuild data/processed/")
    o.set_defaults(func=_add_outlet)
    w = sub.add_parser("seen-in", help="list the sources whose raw files hold a spelling (for a recode row's seen_in)")
    w.add_argument("text", nargs="?", help="the spelling, e.g. 'Wilts Police'")
    w.add_argument("--refresh-legacy", action="store_true",
                   help="rows citing a research note or 'unattested' whose spelling is now in data/raw: cite the source")
    w.add_argument("--table", default="force_aliases",
                   choices=("force_aliases", "aggregates", "outcome_wording", "populations"))
    w.set_defaults(func=_seen_in)
    r = sub.add_parser("recode-add", help="append reviewed spellings (table,key,value,seen_in) to the recode tables")
    r.add_argument("path", help="a recode_additions.csv with header table,key,value,seen_in")
    r.set_defaults(func=_recode_add)
    c = sub.add_parser("coverage-log", help="check docs/coverage_log.csv and regenerate docs/coverage_log.md's summary")
    c.add_argument("--append", nargs="+", default=None,
                   help="research coverage_log.csv files to append first (same header; all rows checked)")
    c.set_defaults(func=_coverage_log)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # every data problem is a ValueError subclass with file and cell in its message
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

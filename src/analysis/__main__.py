"""Command line: `python -m analysis build` rebuilds data/processed/ from data/raw/.

The long steps (build, notebooks, export, profiles) skip their work when their inputs and outputs are
unchanged (content hashes in .stamps/, see analysis.stamps) and say so; --force reruns them.
"""
from __future__ import annotations

import argparse
import sys

from . import paths, sources


def _progress(step: str):
    """`report(i, n, what)` for a long step: every item on a terminal (one line, rewritten), about ten lines
    in a log (make's output), always the last."""
    tty = sys.stderr.isatty()

    def report(i: int, n: int, what: str) -> None:
        if tty:
            print(f"\r\033[K{step}: {i}/{n} {what}", end="\n" if i == n else "", file=sys.stderr, flush=True)
        elif i == 1 or i == n or i % max(1, -(-n // 10)) == 0:
            print(f"{step}: {i}/{n} {what}", file=sys.stderr, flush=True)

    return report


def _shown(path) -> str:
    """A path as the user will recognise it: relative to the project where it lies inside it."""
    try:
        return str(path.resolve().relative_to(paths.PROJ_ROOT.resolve()))
    except ValueError:
        return str(path)


def _step(args, step: str, inputs, outputs, action) -> int:
    """Run a long step unless its stamp says nothing changed (analysis.stamps); --force reruns it."""
    from . import stamps
    stamps.run(step, inputs, outputs, action, force=args.force)
    return 0


def _build(args) -> int:
    from . import stamps

    def action():
        print("build: checking raw files and cleaning every source ...", file=sys.stderr, flush=True)
        from .build import build
        for name, frame in build().items():
            print(f"{name}: {len(frame)} rows")

    return _step(args, "build", stamps.build_inputs, stamps.build_outputs, action)


def _notebooks(args) -> int:
    from . import stamps
    from .notebooks import execute, notebook_paths

    paths_ = notebook_paths()
    for i, path in enumerate(paths_, start=1):
        def action(i=i, path=path):
            _progress("notebooks")(i, len(paths_), f"executing {path.name} ...")
            execute(path)
            print(f"executed {path.name}")

        _step(args, f"notebook {path.stem}", lambda p=path: stamps.notebook_inputs(p),
              lambda p=path: stamps.notebook_outputs(p), action)
    return 0


def _export(args) -> int:
    from . import stamps

    def action():
        from .export import export  # imported only when the step runs: a skip stays fast
        print(f"wrote {_shown(export(progress=_progress('export')))}")

    return _step(args, "export", stamps.export_inputs, stamps.export_outputs, action)


def _profiles(args) -> int:
    from . import stamps

    def action():
        from .profiles import write_all
        written = write_all(progress=_progress("profiles"))
        print(f"wrote {len(written) - 1} force pages and index.html in {_shown(written[-1].parent)}/")

    return _step(args, "profiles", stamps.profiles_inputs, stamps.profiles_outputs, action)


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
    rerun = "rerun even when inputs and outputs are unchanged"
    for name, func, words in (
            ("build", _build, "verify checksums, clean raw data, write data/processed/"),
            ("notebooks", _notebooks, "execute notebooks/ in place"),
            ("export", _export, "write the Excel workbook reports/police-social-media-misconduct.xlsx"),
            ("profiles", _profiles, "write one page per force in reports/profiles/ and index.html")):
        step = sub.add_parser(name, help=words)
        step.add_argument("--force", action="store_true", help=rerun)
        step.set_defaults(func=func)
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

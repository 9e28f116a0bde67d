"""Command line: `python -m analysis [--verbose] COMMAND ...` (the commands are listed below).

Commands: build, figures, notebooks, export, profiles, hash, add-foi, repair, add-sources, add-outlet, seen-in,
recode-add, coverage-log.

The long steps (build, figures, notebooks, export, profiles) skip their work when their inputs and outputs are
unchanged (content hashes in .stamps/, see analysis.stamps) and say so in one line; `--force` reruns them. Each takes
the project lock (analysis.locking) for the check, the work and the new stamp, so a step never skips on a stamp
that another run is about to make stale. Long steps show progress on stderr.

Every error a command meets ends in ONE line on stderr, `error: <file>: <what> <where> <what to do>`, and a
non-zero exit (1; 130 when interrupted); `--verbose` prints the traceback above that line. Subcommands are
registered in one place, `COMMANDS` at the foot of this file: add a `Command(name, help, run, arguments)`.
"""
from __future__ import annotations

import argparse
import errno
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


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
    from . import paths
    try:
        return str(Path(path).resolve().relative_to(paths.PROJ_ROOT.resolve()))
    except ValueError:
        return str(path)


def _stamped(args, steps) -> int:
    """Run each (step, inputs, outputs, action) under the project lock unless its stamp says nothing changed."""
    from . import locking, stamps
    with locking.project_lock():
        for step, inputs, outputs, action in steps:
            stamps.run(step, inputs, outputs, action, force=args.force)
    return 0


def _one_step(args, step: str, action) -> int:
    """A step whose inputs and outputs are listed in analysis.stamps as <step>_inputs and <step>_outputs."""
    from . import stamps
    return _stamped(args, [(step, getattr(stamps, f"{step}_inputs"), getattr(stamps, f"{step}_outputs"), action)])


def _step_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true", help="rerun even when inputs and outputs are unchanged")


def _build(args) -> int:
    def action():
        print("build: checking raw files and cleaning every source ...", flush=True)
        from .pipeline import rebuild
        for name, frame in rebuild().items():
            print(f"{name}: {len(frame)} rows")

    return _one_step(args, "build", action)


def _figures(args) -> int:
    def action():
        from .figure_catalogue import write_all  # imported only when the step runs: a skip stays fast
        written = write_all(progress=_progress("figures"))
        print(f"wrote {len(written)} files to figures/ (PNG, SVG, PDF and CSV per figure, and index.csv)")

    return _one_step(args, "figures", action)


def _notebooks(args) -> int:
    from . import stamps
    from .notebooks import notebook_paths

    found = notebook_paths()
    steps = []
    for i, path in enumerate(found, start=1):
        def action(i=i, path=path):
            from .notebooks import execute
            _progress("notebooks")(i, len(found), f"executing {path.name} ...")
            execute(path)
            print(f"executed {path.name}")

        steps.append((f"notebook {path.stem}", lambda p=path: stamps.notebook_inputs(p),
                      lambda p=path: stamps.notebook_outputs(p), action))
    return _stamped(args, steps)


def _export(args) -> int:
    def action():
        from .export import export
        print(f"wrote {_shown(export(progress=_progress('export')))}")

    return _one_step(args, "export", action)


def _profiles(args) -> int:
    def action():
        from .profiles import write_all
        written = write_all(progress=_progress("profiles"))
        print(f"wrote {len(written) - 1} force pages and index.html in {_shown(written[-1].parent)}/")

    return _one_step(args, "profiles", action)


def _hash_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+")


def _hash(args) -> int:
    """Print the sha256 of raw files, to paste into sources.yml when a source is first added."""
    from . import sources
    for path in args.paths:
        print(f"{sources.sha256(path)}  {path}")
    return 0


def _add_foi_arguments(a: argparse.ArgumentParser) -> None:
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
    a.add_argument("--period", default=None,
                   help="period wording, for a table without periods of its own (overrides a period in a title)")
    a.add_argument("--period-start", default=None, help="ISO start, where --period is not a date")
    a.add_argument("--period-end", default=None, help="ISO end, where --period is not a date")
    a.add_argument("--ref", default=None, help="the FOI reference (ends the source id), e.g. 221/21")
    a.add_argument("--no-notebooks", action="store_true",
                   help="rebuild data/processed/ only; run `make all` before `make test`")


def _add_foi(args) -> int:
    """Read an FOI reply table (failing before anything is written), copy it into data/raw/, register, rebuild."""
    from . import locking
    from .add_foi import add_reply
    with locking.project_lock():
        source_id = add_reply(args.path, force=args.force, title=args.title, url=args.url,
                              published=args.published, measure=args.measure, population=args.population,
                              topic=args.topic, publisher=args.publisher, sheet=args.sheet, period=args.period,
                              period_start=args.period_start, period_end=args.period_end, ref=args.ref)
        print(f"added {source_id}: data/raw/{source_id}/, its sources.yml entry, and rebuilt data/processed/",
              flush=True)
        if not args.no_notebooks:
            # The notebooks' stored outputs count sources and figures, so they are re-executed (as `make all`
            # does) and `make test` then checks them against the new data.
            from .pipeline import execute_notebooks
            for path in execute_notebooks():
                print(f"executed {path.name}")
    return 0


def _repair_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--undo", action="store_true",
                   help="remove the unfinished additions instead of finishing them")


def _repair(args) -> int:
    """Finish (or undo) every add-foi that was stopped half-way, then rebuild data/processed/."""
    from .add_foi import repair
    done = repair(undo=args.undo)
    verb = "removed" if args.undo else "finished"
    print(f"{verb} {len(done)} unfinished addition(s){': ' + ', '.join(done) if done else ''}; "
          f"data/processed/ rebuilt")
    return 0


def _add_sources_arguments(n: argparse.ArgumentParser) -> None:
    n.add_argument("entries", help="a sources_entries.yml (a YAML list of entries with files: and sha256)")
    n.add_argument("--raw-dir", required=True, help="the folder holding <source_id>/ for every entry")
    n.add_argument("--no-build", action="store_true", help="do not rebuild data/processed/")


def _add_sources(args) -> int:
    """New sources from a research helper's sources_entries.yml and raw/<id>/ folders: checked, copied, listed."""
    from . import locking
    from .additions import add_sources
    with locking.project_lock():
        added = add_sources(args.entries, args.raw_dir, rebuild=not args.no_build)
    return _report_added([f"added {i}: data/raw/{i}/ and its sources.yml entry" for i in added], args.no_build)


def _report_added(lines: list[str], no_build: bool) -> int:
    for line in lines:
        print(line)
    if not no_build:
        print("rebuilt data/processed/; run `make all` to re-execute the notebooks, then `make test`")
    return 0


def _add_outlet_arguments(o: argparse.ArgumentParser) -> None:
    o.add_argument("source_id", nargs="?", help="the study's source id in sources.yml")
    o.add_argument("path", nargs="?", help="the file: figures_<outlet>.csv, cases_<outlet>.csv or capture_<outlet>.txt")
    o.add_argument("--outlet", default=None, help="the outlet's name (default: the file's outlet column)")
    o.add_argument("--url", default=None, help="the outlet's url (default: the file's url column)")
    o.add_argument("--list", default=None, help="a research extra_files.yml (source_id, path, sha256, outlet, url)")
    o.add_argument("--raw-dir", default=".", help="with --list: the folder holding <source_id>/<path>")
    o.add_argument("--no-build", action="store_true", help="do not rebuild data/processed/")


def _add_outlet(args) -> int:
    """A further outlet's report of a study already in the data: checked, copied, listed, rebuilt."""
    from . import locking
    from .additions import add_from_list, add_outlet_file
    if not args.list and not (args.source_id and args.path):
        raise ValueError("add-outlet: give SOURCE_ID and PATH, or --list extra_files.yml --raw-dir DIR")
    with locking.project_lock():
        if args.list:
            added = add_from_list(args.list, args.raw_dir, rebuild=not args.no_build)
        else:
            added = [add_outlet_file(args.source_id, args.path, outlet=args.outlet, url=args.url,
                                     rebuild=not args.no_build)]
    return _report_added([f"added {path} with its sha256 under files: in sources.yml" for path in added],
                         args.no_build)


def _seen_in_arguments(w: argparse.ArgumentParser) -> None:
    w.add_argument("text", nargs="?", help="the spelling, e.g. 'Wilts Police'")
    w.add_argument("--refresh-legacy", action="store_true",
                   help="rows citing a research note or 'unattested' whose spelling is now in data/raw: cite the source")
    w.add_argument("--table", default="force_aliases",
                   choices=("force_aliases", "aggregates", "outcome_wording", "populations"))


def _seen_in(args) -> int:
    """Which sources hold a spelling: to fill seen_in when a new spelling is added to a recode table."""
    from . import locking
    from .seen_in import refresh_legacy, where_seen
    if args.refresh_legacy:
        with locking.project_lock():  # rewrites recode tables the build reads
            changed = refresh_legacy()
        for table, spelling, source_id in changed:
            print(f"{table}: {spelling!r} now cites {source_id}")
        return 0
    if not args.text:
        raise ValueError("seen-in: give the spelling to look for, or --refresh-legacy")
    found = where_seen(args.text, args.table)
    if not found:
        print(f"{args.text!r} is not in any file of data/raw: cite the url of the page it was seen on",
              file=sys.stderr)
        return 1
    for source_id in found:
        print(source_id)
    return 0


def _recode_add_arguments(r: argparse.ArgumentParser) -> None:
    r.add_argument("path", help="a recode_additions.csv with header table,key,value,seen_in")


def _recode_add(args) -> int:
    """Append reviewed spellings (recode_additions.csv: table,key,value,seen_in) to the recode tables."""
    from . import locking
    from .seen_in import add_recode_rows
    with locking.project_lock():  # the recode tables are read by every build
        added, review = add_recode_rows(args.path)
    for row in added:
        print(f"{row['table']}: {row['key']!r} -> {row['value']!r} (seen in {row['seen_in']})")
    print(f"{len(added)} row(s) added; spellings the tables already read the same way were skipped")
    for row in review:
        print(f"not added, {row['why']}: {row['key']!r} ({row['value']}; seen in {row['seen_in']})")
    return 0


def _coverage_log_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("--append", nargs="+", default=None,
                   help="research coverage_log.csv files to append first (same header; all rows checked)")


def _coverage_log(args) -> int:
    """Check docs/coverage_log.csv and regenerate the summary in docs/coverage_log.md."""
    from . import locking
    from .coverage import append_logs, write_summary
    with locking.project_lock():
        if args.append:
            print(f"appended {append_logs(args.append)} rows to docs/coverage_log.csv")
        written = write_summary()
    print(f"wrote {written}")
    return 0


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    arguments: Callable[[argparse.ArgumentParser], None] | None = None


# The one place subcommands are registered.
COMMANDS = (
    Command("build", "verify checksums, clean raw data, write data/processed/", _build, _step_arguments),
    Command("figures", "check and write every published figure to figures/", _figures, _step_arguments),
    Command("notebooks", "execute notebooks/ in place", _notebooks, _step_arguments),
    Command("export", "write the Excel workbook reports/police-social-media-misconduct.xlsx", _export,
            _step_arguments),
    Command("profiles", "write one page per force in reports/profiles/ and index.html", _profiles,
            _step_arguments),
    Command("hash", "print sha256 of files", _hash, _hash_arguments),
    Command("add-foi", "add an FOI reply table (.xlsx, .ods, .csv, .xls) as a new source", _add_foi,
            _add_foi_arguments),
    Command("repair", "finish (or --undo) an add-foi that was stopped half-way", _repair, _repair_arguments),
    Command("add-sources", "add new sources: a YAML list of sources.yml entries and their folders", _add_sources,
            _add_sources_arguments),
    Command("add-outlet", "add a further outlet's report of an existing study (data/raw/<source_id>/"
            "figures_<outlet>.csv, cases_<outlet>.csv, capture_<outlet>.txt)", _add_outlet, _add_outlet_arguments),
    Command("seen-in", "list the sources whose raw files hold a spelling (for a recode row's seen_in)", _seen_in,
            _seen_in_arguments),
    Command("recode-add", "append reviewed spellings (table,key,value,seen_in) to the recode tables", _recode_add,
            _recode_add_arguments),
    Command("coverage-log", "check docs/coverage_log.csv and regenerate docs/coverage_log.md's summary",
            _coverage_log, _coverage_log_arguments),
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    p.add_argument("--verbose", action="store_true", help="on an error, print the traceback too")
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        c = sub.add_parser(command.name, help=command.help)
        if command.arguments is not None:
            command.arguments(c)
        c.set_defaults(func=command.run)
    return p


def _what_to_do(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some disk space and run the command again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "check that you may write there (permissions, read-only disk) and run the command again"
    if exc.errno == errno.ENOENT:
        return "check the path and run the command again"
    return "check the file and the disk, and run the command again"


def error_line(exc: BaseException) -> str:
    """The one line an error prints: `error: <file>: <what> <where> <what to do>`."""
    if isinstance(exc, OSError) and not isinstance(exc, ValueError):
        target = exc.filename if exc.filename is not None else "(no file)"
        return f"error: {target}: {exc.strerror or exc}; {_what_to_do(exc)}"
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    elif isinstance(exc, (ValueError, KeyError)):
        text = str(exc)
    else:
        text = (f"internal error ({type(exc).__name__}: {exc}); run the command again with --verbose and report "
                f"the traceback")
    text = " ".join(text.split())  # one line, whatever the message held
    if len(text) > 1200:
        text = text[:1200] + " ..."
    return f"error: {text}"


def main(argv=None) -> int:
    p = parser()
    args = p.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("error: interrupted; run the command again (every file is written whole or not at all)",
              file=sys.stderr)
        return 130
    except Exception as exc:  # every error ends in one line; --verbose adds the traceback
        if args.verbose:
            traceback.print_exc()
        print(error_line(exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

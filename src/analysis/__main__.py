"""Command line: `python -m analysis [--verbose] COMMAND ...` (the commands are listed below).

Commands: build, figures, notebooks, export, profiles, hash, add-foi, repair.

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

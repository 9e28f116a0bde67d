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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="verify checksums, clean raw data, write data/processed/").set_defaults(func=_build)
    sub.add_parser("notebooks", help="execute notebooks/ in place").set_defaults(func=_notebooks)
    h = sub.add_parser("hash", help="print sha256 of files")
    h.add_argument("paths", nargs="+")
    h.set_defaults(func=_hash)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # every data problem is a ValueError subclass with file and cell in its message
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Time what users wait for, on this machine, in one run: `python benchmarks/run.py` (see benchmarks/README.md).

Each measurement is the median of several runs. The script changes no committed file: it removes the build's
outputs only to time a full rebuild, which writes them back byte for byte (it checks `git status` before and
after and says if anything differs). `--write-readme` puts the table in README.md between the benchmark markers.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"


def _run(cmd: list[str], **kw) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def _median(times: list[float]) -> float:
    return statistics.median(times)


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout


def remove_outputs() -> None:
    """Everything `make all` writes (the stamps too, so every step runs)."""
    for folder in (ROOT / ".stamps", ROOT / "reports"):
        shutil.rmtree(folder, ignore_errors=True)
    for pattern in ("data/processed/*", "figures/*"):
        for path in ROOT.glob(pattern):
            if path.is_file():
                path.unlink()


def import_time(runs: int) -> tuple[float, str]:
    code = ("import sys, time; t = time.perf_counter(); import analysis; d = time.perf_counter() - t; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'seaborn')); "
            "print(d, ','.join(bad))")
    times, loaded = [], ""
    for _ in range(runs):
        out = subprocess.run([str(PY), "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
        times.append(float(out[0]))
        loaded = out[1] if len(out) > 1 else ""
    return _median(times), loaded


def foi_at_row_cap(runs: int) -> tuple[float, float]:
    """analysis.foi.read_foi_table on a synthetic reply at the row cap, against pandas.read_csv of the file."""
    code = f"""
import statistics, sys, tempfile, time
from pathlib import Path
import pandas as pd
from analysis import foi
folder = Path(tempfile.mkdtemp())
path = folder / "synthetic_reply_at_row_cap.csv"
rows = ["Category,2018,2019,2020"] + [f"Synthetic category {{i}},{{i % 7}},{{i % 5}},{{i % 3}}"
                                       for i in range(1, foi.MAX_ROWS)]
path.write_text("\\n".join(rows) + "\\n")
ours, plain = [], []
for _ in range({runs}):
    t = time.perf_counter(); table = foi.read_foi_table(path, force="Kent"); ours.append(time.perf_counter() - t)
    t = time.perf_counter(); frame = pd.read_csv(path); plain.append(time.perf_counter() - t)
assert len(table) == 3 * (foi.MAX_ROWS - 1) and len(frame) == foi.MAX_ROWS - 1
print(statistics.median(ours), statistics.median(plain))
"""
    out = subprocess.run([str(PY), "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def measure(runs: int, heavy_runs: int) -> list[dict]:
    rows = []

    def add(what, seconds, n, target="", met=""):
        rows.append({"what": what, "seconds": seconds, "runs": n, "target": target, "met": met})
        print(f"{what}: {seconds:.3f} s (median of {n})", flush=True)

    subprocess.run(["make", "install"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    before = _git_status()
    t, loaded = import_time(max(runs, 5))
    add("`import analysis` (loads no matplotlib or seaborn)", t, max(runs, 5), "no plotting library loaded",
        "yes" if not loaded else f"no: {loaded}")
    full = []
    for _ in range(heavy_runs):
        remove_outputs()
        full.append(_run(["make", "all"]))
    full_median = _median(full)
    add("`make all`, every output removed first", full_median, heavy_runs)
    noop = _median([_run(["make", "all"]) for _ in range(max(runs, 5))])
    add("`make all` again, nothing changed (every step skips)", noop, max(runs, 5),
        "under 10% of the full `make all`", f"{'yes' if noop < 0.1 * full_median else 'no'} ({noop / full_median:.1%})")
    add("all notebooks (`python -m analysis notebooks --force`)",
        _median([_run([str(PY), "-m", "analysis", "notebooks", "--force"]) for _ in range(heavy_runs)]), heavy_runs)
    prof = _median([_run([str(PY), "-m", "analysis", "profiles", "--force"]) for _ in range(runs)])
    add("all force pages and the index (`python -m analysis profiles --force`)", prof, runs, "under 30 s",
        "yes" if prof < 30 else "no")
    add("the workbook (`python -m analysis export --force`)",
        _median([_run([str(PY), "-m", "analysis", "export", "--force"]) for _ in range(runs)]), runs)
    test = _median([_run(["make", "test"]) for _ in range(heavy_runs)])
    add("`make test` (installed)", test, heavy_runs, "under 90 s", "yes" if test < 90 else "no")
    ours, plain = foi_at_row_cap(max(runs, 5))
    add("an FOI reply at the row cap, `foi.read_foi_table`", ours, max(runs, 5), "within 3x `pandas.read_csv`",
        f"{'yes' if ours <= 3 * plain else 'no'} ({ours / plain:.0f}x)")
    add("the same file, plain `pandas.read_csv`", plain, max(runs, 5))
    after = _git_status()
    if after != before:
        print("WARNING: the run changed files in the working tree:\n" + after, file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    cores = os.cpu_count()
    lines = [f"Measured by `python benchmarks/run.py` on {time.strftime('%Y-%m-%d')}: {cores} cores, "
             f"Python {platform.python_version()}, {platform.system()} {platform.machine()}. Medians in seconds.",
             "", "| what | median (s) | runs | target | met |", "|---|---:|---:|---|---|"]
    for r in rows:
        seconds = f"{r['seconds']:.2f}" if r["seconds"] >= 1 else f"{r['seconds']:.3f}"
        lines.append(f"| {r['what']} | {seconds} | {r['runs']} | {r['target']} | {r['met']} |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = ROOT / "README.md"
    content = readme.read_text(encoding="utf-8")
    if START not in content or END not in content:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    head, rest = content.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of each quick measurement (default 3)")
    parser.add_argument("--heavy-runs", type=int, default=3,
                        help="runs of full `make all`, notebooks and `make test` (default 3)")
    parser.add_argument("--write-readme", action="store_true", help="put the table in README.md")
    args = parser.parse_args(argv)
    if not PY.exists():
        raise SystemExit("run `make all` first: benchmarks use the project's .venv")
    text = table(measure(args.runs, args.heavy_runs))
    print("\n" + text)
    if args.write_readme:
        write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

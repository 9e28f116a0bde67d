"""The project lock: one command at a time changes data/raw, data/processed, notebooks and figures.

`project_lock()` takes an exclusive `fcntl.flock` on `.analysis.lock` at the project root (git-ignored).
The kernel releases it when its holder exits, however it exits (a kill included), so a lock is never left
stale. It is re-entrant within one process: `add-foi` holds it and calls `build`, which takes it again.

A second command that finds the lock taken WAITS for the first to finish, saying so once on stderr
("waiting for another run ... to finish"), and gives up after `ANALYSIS_LOCK_TIMEOUT` seconds (default 900)
with a one-line error naming the holder. So two `add-foi` started at once both add their reply, one after
the other; neither reads sources.yml until the other has finished writing it.

`pause_point(name)` is a test hook: when the environment variable `ANALYSIS_PAUSE_AT` names the point, the
process says "paused at <name>" on stderr and sleeps, so a test can kill it at exactly that point.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import sys
import threading
import time

from . import paths

DEFAULT_TIMEOUT = 900.0
POLL_SECONDS = 0.1

_guard = threading.RLock()  # threads of one process share one flock: they queue here
_depth = 0
_handle = None


class LockTimeoutError(ValueError):
    """Another run held the project lock for longer than the timeout."""


def _timeout() -> float:
    try:
        return float(os.environ.get("ANALYSIS_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def _command() -> str:
    args = [a for a in sys.argv[1:] if a]
    return "python -m analysis " + " ".join(args[:2]) if args else "python"


def _holder(path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "pid unknown"


@contextlib.contextmanager
def project_lock(timeout: float | None = None):
    """Hold the project lock for the block (re-entrant; waits for another holder up to `timeout` seconds)."""
    global _depth, _handle
    with _guard:
        if _depth == 0:
            _handle = _acquire(_timeout() if timeout is None else timeout)
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if _depth == 0:
                handle, _handle = _handle, None
                with contextlib.suppress(OSError):
                    handle.seek(0)
                    handle.truncate()
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                handle.close()


def _acquire(timeout: float):
    path = paths.LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    deadline = time.monotonic() + timeout
    said = False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            holder = _holder(path)
            if time.monotonic() >= deadline:
                handle.close()
                raise LockTimeoutError(
                    f"{path}: another run ({holder}) still holds the project lock after {timeout:g} s; wait for it "
                    f"to finish and run this command again (ANALYSIS_LOCK_TIMEOUT sets how long to wait)") from None
            if not said:
                print(f"waiting for another run to finish ({holder}; lock {path}); giving up after {timeout:g} s",
                      file=sys.stderr, flush=True)
                said = True
            time.sleep(POLL_SECONDS)
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}, `{_command()}`, since {dt.datetime.now().isoformat(timespec='seconds')}\n")
    handle.flush()
    return handle


def held() -> bool:
    """True while this process holds the project lock."""
    return _depth > 0


def pause_point(name: str) -> None:
    """Test hook: pause here when ANALYSIS_PAUSE_AT (comma-separated) names this point (see module docstring)."""
    wanted = os.environ.get("ANALYSIS_PAUSE_AT", "")
    if wanted and name in wanted.split(","):
        print(f"paused at {name}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("ANALYSIS_PAUSE_SECONDS", "60")))

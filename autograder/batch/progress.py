"""A one-line progress bar with an ETA and the count per status, for long batch runs."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class Progress:
    """`update(status)` once per finished submission; redraws in place on a terminal."""

    def __init__(self, total: int, *, done: int = 0, stream: TextIO | None = None) -> None:
        self.total, self.done = total, done
        self._resumed = done
        self._stream = stream or sys.stderr
        self._start = time.monotonic()
        self._counts: Counter[str] = Counter()
        self._tty = self._stream.isatty()
        self._last_line_at = -1

    def line(self) -> str:
        fraction = self.done / self.total if self.total else 1.0
        bar = "#" * int(30 * fraction) + "." * (30 - int(30 * fraction))
        graded_now = self.done - self._resumed
        elapsed = time.monotonic() - self._start
        remaining = self.total - self.done
        eta = _duration(elapsed / graded_now * remaining) if graded_now else "?"
        counts = " ".join(f"{k} {v}" for k, v in sorted(self._counts.items()))
        return f"[{bar}] {self.done}/{self.total} {fraction:4.0%} ETA {eta} | {counts}"

    def update(self, status: str) -> None:
        self.done += 1
        self._counts[status] += 1
        tenth = int(10 * self.done / self.total) if self.total else 10
        if self._tty:
            self._stream.write("\r" + self.line())
        elif tenth != self._last_line_at or self.done == self.total:
            self._stream.write(self.line() + "\n")
            self._last_line_at = tenth
        self._stream.flush()

    def close(self) -> None:
        if self._tty:
            self._stream.write("\n")
            self._stream.flush()

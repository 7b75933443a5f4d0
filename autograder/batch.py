"""Grade many submissions: a pool of workers, results written as they come, resume on restart.

Every submission yields exactly one `GradeRecord`, appended to `results.jsonl` the moment it is
known; a restarted run reuses the records of unchanged submissions (same content hash and same
autograder hash) and grades only the rest.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from autograder.bundle import Bundle
from autograder.engine import GradingLimits, grade_submission
from autograder.records import GradeRecord, Submission
from autograder.referee.process import Referee
from autograder.sandbox.launcher import Zygote
from autograder.sandbox.slots import Slot, acquire_slot

RESULTS_FILE = "results.jsonl"


class ResultStore:
    """`results.jsonl`: one JSON record per line; the last line for a key wins."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def load(self) -> dict[tuple[str, str], GradeRecord]:
        """Earlier records by (content hash, autograder hash); unreadable lines are ignored."""
        known: dict[tuple[str, str], GradeRecord] = {}
        if not self.path.is_file():
            return known
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                record = GradeRecord.from_json(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a kill
            known[(record.content_hash, record.autograder_hash)] = record
        return known

    def append(self, record: GradeRecord) -> None:
        line = json.dumps(record.to_json(), ensure_ascii=False) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line)
            out.flush()


def _as_submitted(record: GradeRecord, sub: Submission) -> GradeRecord:
    """A reused record, relabelled with this submission's identity."""
    return replace(
        record,
        file=sub.file,
        student_id=sub.student_id,
        name=sub.name,
        email=sub.email,
        extra=dict(sub.extra),
    )


class LocalGrader:
    """A zygote and a uid slot per worker thread: grades one submission at a time per thread."""

    def __init__(
        self,
        bundle: Bundle,
        limits: GradingLimits,
        hidden: list[str],
        log: Path,
        *,
        use_referee: bool,
    ) -> None:
        """`use_referee`: run the tests in a trusted referee process per thread (else in the
        sandboxed student process)."""
        self.bundle, self.limits, self.hidden = bundle, limits, hidden
        self._use_referee = use_referee
        self._zygote = Zygote(log)
        self._local = threading.local()
        self._slots: list[Slot] = []
        self._referees: list[Referee] = []
        self._slots_lock = threading.Lock()
        self._warned = False

    def _slot(self) -> Slot:
        if not hasattr(self._local, "slot"):
            self._local.slot = acquire_slot()
            with self._slots_lock:
                self._slots.append(self._local.slot)
        return self._local.slot

    def _referee(self) -> Referee | None:
        if not self._use_referee:
            return None
        if not hasattr(self._local, "referee"):
            self._local.referee = Referee(self.bundle.files_dir)
            with self._slots_lock:
                self._referees.append(self._local.referee)
        return self._local.referee

    def grade(self, sub: Submission) -> GradeRecord:
        outcome = grade_submission(
            sub,
            self.bundle,
            zygote=self._zygote,
            slot=self._slot(),
            limits=self.limits,
            hidden=self.hidden,
            referee=self._referee(),
        )
        if outcome.isolation_missing and not self._warned:
            self._warned = True
            missing = "; ".join(outcome.isolation_missing)
            print(f"\nsandbox: limited on this machine: {missing}", file=sys.stderr, flush=True)
        return outcome.record

    def close(self) -> None:
        self._zygote.close()
        for referee in self._referees:
            referee.close()
        for slot in self._slots:
            slot.release()


def plan(
    submissions: list[Submission], store: ResultStore, autograder_hash: str
) -> tuple[dict[int, GradeRecord], list[int]]:
    """Records already in `store` by input index, and the indices still to grade."""
    known = store.load()
    done: dict[int, GradeRecord] = {}
    pending: list[int] = []
    for i, sub in enumerate(submissions):
        record = known.get((sub.content_hash, autograder_hash))
        if record is None:
            pending.append(i)
        else:
            done[i] = _as_submitted(record, sub)
    return done, pending


def grade_all(
    submissions: list[Submission],
    grade_one: Callable[[Submission], GradeRecord],
    *,
    workers: int,
    store: ResultStore,
    autograder_hash: str,
    on_record: Callable[[GradeRecord], None] = lambda _record: None,
) -> list[GradeRecord]:
    """Grade what `store` does not know yet with `workers` threads; records in input order."""
    results, pending = plan(submissions, store, autograder_hash)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="grade") as pool:
        futures = {pool.submit(grade_one, submissions[i]): i for i in pending}
        try:
            for future in as_completed(futures):
                record = future.result()
                store.append(record)
                results[futures[future]] = record
                on_record(record)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return [results[i] for i in range(len(submissions))]

"""Grade many submissions: results written as they come, resume on restart.

Every submission yields exactly one `GradeRecord`, appended to `results.jsonl` the moment it is
known; a restarted run reuses the records of unchanged submissions (same content hash and same
autograder hash) and grades only the rest. Where the grading runs is a `Graders`: threads on this
machine (`local_grading`) or a Dask cluster (`autograder.batch.cluster.cluster_grading`).
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from autograder.errors import AutograderError
from autograder.grading.bundle import Bundle
from autograder.grading.engine import GradingLimits, grade_submission
from autograder.grading.records import GradeRecord, Submission
from autograder.grading.referee.client import Referee
from autograder.grading.sandbox.launcher import Zygote
from autograder.grading.sandbox.slots import Slot, acquire_slot
from autograder.reports.escape import for_terminal

RESULTS_FILE = "results.jsonl"

Completions = Callable[[dict[int, Submission]], Iterator[tuple[int, GradeRecord]]]
"""Grades the submissions it is given (by input index) and yields `(index, record)` for each, as
each finishes."""


class GradersUnavailable(AutograderError, RuntimeError):
    """The graders could not be reached or were lost (the Dask scheduler); records already
    written stay, so the same command resumes."""


@dataclass(frozen=True)
class Graders:
    """Where submissions are graded: `completions` grades; `description` says where, for the line
    announcing the run (`with 2 workers`)."""

    completions: Completions
    description: str


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


def isolation_warning(missing: Iterable[str]) -> str:
    """The terminal line for the isolation a child reported missing. The report comes over the
    child's event socket, which student code can also write to: each item is escaped
    (`escape.for_terminal`), so a forged report shows as text and cannot drive the terminal."""
    return f"sandbox: limited on this machine: {'; '.join(for_terminal(m) for m in missing)}"


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
            self._local.referee = Referee(self.bundle.files_dir, self._zygote)
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
            print(f"\n{isolation_warning(outcome.isolation_missing)}", file=sys.stderr, flush=True)
        return outcome.record

    def close(self) -> None:
        for referee in self._referees:  # before the zygote, which forked them
            referee.close()
        self._zygote.close()
        for slot in self._slots:
            slot.release()


@dataclass(frozen=True)
class Plan:
    """Records already in the store by input index (`done`), and the indices still to grade."""

    done: dict[int, GradeRecord]
    pending: list[int]


def plan(submissions: list[Submission], store: ResultStore, autograder_hash: str) -> Plan:
    """What `store` already holds for `submissions`, and what is still to grade.

    A record with status `error` (the grading itself failed: a dead worker, a lost process) is
    graded again, so a rerun retries what went wrong.
    """
    known = store.load()
    done: dict[int, GradeRecord] = {}
    pending: list[int] = []
    for i, sub in enumerate(submissions):
        record = known.get((sub.content_hash, autograder_hash))
        if record is None or record.status == "error":
            pending.append(i)
        else:
            done[i] = _as_submitted(record, sub)
    return Plan(done, pending)


def in_threads(grade_one: Callable[[Submission], GradeRecord], workers: int) -> Completions:
    """Completions from `grade_one` called in a pool of `workers` threads."""

    def completions(pending: dict[int, Submission]) -> Iterator[tuple[int, GradeRecord]]:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="grade") as pool:
            futures = {pool.submit(grade_one, sub): i for i, sub in pending.items()}
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            finally:
                for future in futures:
                    future.cancel()

    return completions


@contextmanager
def local_grading(
    bundle: Bundle, limits: GradingLimits, hidden: list[str], log: Path, workers: int
) -> Iterator[Graders]:
    """A `LocalGrader` (zygote log at `log`) in `workers` threads on this machine; closed on
    exit."""
    grader = LocalGrader(bundle, limits, hidden, log, use_referee=bundle.uses_referee)
    try:
        yield Graders(in_threads(grader.grade, workers), f"with {workers} workers")
    finally:
        grader.close()


def record_all(
    submissions: list[Submission],
    planned: Plan,
    grade_pending: Completions,
    *,
    store: ResultStore,
    on_record: Callable[[GradeRecord], None] = lambda _record: None,
) -> list[GradeRecord]:
    """Grade what `planned` left pending, append each record to `store` the moment it comes;
    return every submission's record in input order."""
    results = dict(planned.done)
    with closing(grade_pending({i: submissions[i] for i in planned.pending})) as finished:
        for i, record in finished:
            store.append(record)
            results[i] = record
            on_record(record)
    return [results[i] for i in range(len(submissions))]


def grade_all(
    submissions: list[Submission],
    grade_one: Callable[[Submission], GradeRecord],
    *,
    workers: int,
    store: ResultStore,
    autograder_hash: str,
    on_record: Callable[[GradeRecord], None] = lambda _record: None,
) -> list[GradeRecord]:
    """`record_all` of what `store` does not know yet, with `grade_one` called in `workers`
    threads."""
    return record_all(
        submissions,
        plan(submissions, store, autograder_hash),
        in_threads(grade_one, workers),
        store=store,
        on_record=on_record,
    )

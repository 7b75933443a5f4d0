"""Grade on a Dask cluster: `autograder grade ... --scheduler tcp://HOST:8786`.

One Dask task per submission (`grade_on_worker`), retried elsewhere when its worker dies. The
autograder zip is scattered to every worker once; each worker process unpacks it once per run
setting (`Job`) into a private folder of its own and grades with the same engine as local grading
(`LocalGrader`: one zygote per worker process, a uid slot per worker thread). A task returns the
record as plain data (`GradeRecord.to_json()`); the client turns it back into a `GradeRecord` and
writes results.jsonl as local grading does. A submission whose task still fails after its
retries, or whose workers all died while grading it (`KilledWorker`), gets an `error` record.

Only `batch.command` imports this module, and only for `--scheduler`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import Client, Future, KilledWorker, as_completed, get_worker
from distributed.comm import resolve_address

import autograder
from autograder.batch.runner import Graders, GradersUnavailable, LocalGrader
from autograder.grading.bundle import Bundle, GradingLimits, unpack_bundle
from autograder.grading.engine import ungraded
from autograder.grading.records import GradeRecord, Submission

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for the scheduler to answer."""
WORKER_WAIT = 60.0
"""Seconds to wait for a first worker to join a cluster that has none."""
RETRIES = 2
"""Extra tries of a task that raised; a task whose worker died is moved by the scheduler itself
(up to `distributed.scheduler.allowed-failures` deaths, then `KilledWorker`)."""


@dataclass(frozen=True)
class Job:
    """What every task of one run shares, as plain data: the autograder zip's hash, its question
    order, the limits and the folders student code must not see (the client's)."""

    autograder_hash: str
    question_order: tuple[str, ...]
    limits: GradingLimits
    hidden: tuple[str, ...]


@dataclass
class _WorkerGrader:
    """A job's grader in one worker process: its private folder and how many tasks use it."""

    folder: Path
    grader: LocalGrader
    busy: int = 0

    def close(self) -> None:
        self.grader.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_graders: dict[Job, _WorkerGrader] = {}
_graders_lock = threading.Lock()


def _start_grader(zip_data: bytes, job: Job) -> _WorkerGrader:
    """Unpack the zip into a private folder in the worker's local directory and start a grader.

    Student code also may not see this worker's project checkout and local directory.
    """
    local_directory = get_worker().local_directory
    folder = Path(tempfile.mkdtemp(prefix="autograder-", dir=local_directory))
    try:
        zip_path = folder / "autograder.zip"
        zip_path.write_bytes(zip_data)
        bundle = unpack_bundle(zip_path, folder / "bundle", list(job.question_order))
        if bundle.hash != job.autograder_hash:
            raise RuntimeError(
                "this worker's autograder package grades differently from the client's "
                "(engine version): install the same version of the project on every machine"
            )
        hidden = sorted({*job.hidden, str(autograder.PACKAGE_PARENT), local_directory})
        grader = LocalGrader(
            bundle, job.limits, hidden, folder / "zygote.log", use_referee=bundle.uses_referee
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _WorkerGrader(folder, grader)


def _close_graders(keep: Job | None = None) -> None:
    """Close the graders no task is using, except `keep`'s (call with the lock held)."""
    for job in [j for j, g in _graders.items() if j != keep and g.busy == 0]:
        _graders.pop(job).close()


def _close_all_graders() -> None:
    with _graders_lock:
        _close_graders()


atexit.register(_close_all_graders)


def grade_on_worker(zip_data: bytes, job: Job, sub: Submission) -> dict[str, Any]:
    """The Dask task: grade `sub` with this worker process's grader for `job` (started by the
    first task of the job; an idle grader of another job is closed then); the record as plain
    data."""
    with _graders_lock:
        worker_grader = _graders.get(job)
        if worker_grader is None:
            _close_graders(keep=job)
            worker_grader = _graders[job] = _start_grader(zip_data, job)
        worker_grader.busy += 1
    try:
        return worker_grader.grader.grade(sub).to_json()
    finally:
        with _graders_lock:
            worker_grader.busy -= 1


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Client:
    """A client of the scheduler at `address`; raise `GradersUnavailable` if it does not answer
    within `timeout` seconds."""
    try:
        return Client(resolve_address(address), timeout=timeout, set_as_default=False)
    except (OSError, ValueError) as err:  # OSError includes TimeoutError and unknown hosts
        raise GradersUnavailable(f"no Dask scheduler answers at {address}: {err}") from None


def describe(client: Client, address: str) -> str:
    """`on the Dask cluster at ADDRESS (2 workers, 4 threads)`, noting workers not run as root."""
    workers = client.scheduler_info(n_workers=-1)["workers"]
    threads = sum(int(w.get("nthreads", 0)) for w in workers.values())
    text = f"on the Dask cluster at {address} ({len(workers)} workers, {threads} threads"
    uids = client.run(os.geteuid, on_error="ignore")
    not_root = [addr for addr, uid in uids.items() if uid != 0]
    if not_root:
        text += (
            f"; {len(not_root)} not root: student code there has resource limits only, and "
            "network access (to the scheduler too)"
        )
    return text + ")"


def _record_of(future: Future, client: Client, sub: Submission, bundle: Bundle) -> GradeRecord:
    """The task's record; an `error` record when it failed for good; raise `GradersUnavailable`
    when the scheduler is lost (nothing is known about the submission then)."""
    try:
        return GradeRecord.from_json(future.result())
    except KilledWorker as err:
        reason = (
            f"grading failed: the cluster worker grading this notebook died, each of the "
            f"{err.allowed_failures + 1} times it was tried"
        )
    except Exception as err:  # noqa: BLE001 - the task's own error, after its retries
        if client.status != "running":
            raise GradersUnavailable(
                f"lost the Dask scheduler ({type(err).__name__}); run the same command again "
                "to grade the rest"
            ) from err
        reason = f"grading failed on the cluster: {type(err).__name__}: {str(err)[:300]}"
    return ungraded(sub, bundle, "error", reason).record


@contextmanager
def cluster_grading(
    address: str, bundle: Bundle, limits: GradingLimits, hidden: list[str]
) -> Iterator[Graders]:
    """Graders on the Dask cluster whose scheduler is at `address` (raise `GradersUnavailable`
    if it does not answer); `bundle` must come from a zip (`unpack_bundle`)."""
    if bundle.zip_path is None:
        raise ValueError("cluster grading ships the autograder zip: unpack_bundle the zip")
    client = connect(address)
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError:
            raise GradersUnavailable(
                f"the Dask cluster at {address} has had no worker for {WORKER_WAIT:g} s: "
                f"start some with `dask worker {address}`"
            ) from None
        job = Job(bundle.hash, tuple(p.stem for p in bundle.test_paths), limits, tuple(hidden))
        zip_data = client.scatter(bundle.zip_path.read_bytes(), broadcast=True)
        run = uuid.uuid4().hex[:12]

        def completions(pending: dict[int, Submission]) -> Iterator[tuple[int, GradeRecord]]:
            futures = {
                client.submit(
                    grade_on_worker,
                    zip_data,
                    job,
                    sub,
                    key=f"grade-{run}-{i}",
                    pure=False,
                    retries=RETRIES,
                ): i
                for i, sub in pending.items()
            }
            try:
                for future in as_completed(futures, loop=client.loop):
                    i = futures[future]
                    yield i, _record_of(future, client, pending[i], bundle)
            finally:
                unfinished = [f for f in futures if not f.done()]
                if unfinished:
                    client.cancel(unfinished)

        yield Graders(completions, describe(client, address))
    finally:
        client.close()

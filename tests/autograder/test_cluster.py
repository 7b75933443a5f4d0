"""`autograder grade --scheduler`: grading on a Dask cluster (a LocalCluster of worker processes).

Uses the built assignment 01 (dist/ and assignments/); the notebooks are variants made in tmp_path.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dask
import distributed
import nbformat
import pytest

from autograder import cli
from autograder.batch.command import GradeOptions, run_grade
from autograder.batch.runner import RESULTS_FILE
from autograder.config import load_config
from tests.build_once import built, built_root

pytestmark = pytest.mark.slow

ASSIGNMENT = "01_nn_from_scratch"
SLEEP_SECONDS = 8


@pytest.fixture(scope="module")
def course():
    return load_config(built(ASSIGNMENT).config_file)


def _solution() -> nbformat.NotebookNode:
    return nbformat.read(built(ASSIGNMENT).solution_notebook(ASSIGNMENT), as_version=4)


def _write(folder: Path, name: str, notebook: nbformat.NotebookNode) -> str:
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return str(path)


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory, course) -> dict[str, str]:
    """Paths by name: solution, student (the variant handed out), broken (not JSON), wrong
    (dense_forward forgets the bias) and sleepy (the solution with a cell that sleeps first)."""
    folder = tmp_path_factory.mktemp("submissions")
    wrong = _solution()
    cell = next(c for c in wrong.cells if c.source.startswith("def dense_forward"))
    cell.source = cell.source.replace("return X @ W + b", "return X @ W")
    sleepy = _solution()
    sleepy.cells.insert(0, nbformat.v4.new_code_cell(f"import time\ntime.sleep({SLEEP_SECONDS})"))
    broken = folder / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    return {
        "solution": _write(folder, "solution", _solution()),
        "student": _write(
            folder,
            "student",
            nbformat.read(
                built(ASSIGNMENT).student_dir(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb", as_version=4
            ),
        ),
        "broken": str(broken),
        "wrong": _write(folder, "wrong", wrong),
        "sleepy": _write(folder, "sleepy", sleepy),
    }


def _cluster(**config):
    with dask.config.set(config):
        return distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        )


@pytest.fixture(scope="module")
def cluster():
    with _cluster() as local_cluster:
        yield local_cluster


def _grade(course, inputs: list[str], out: Path, scheduler: str | None = None) -> list:
    options = GradeOptions(ASSIGNMENT, inputs, out, workers=2, scheduler=scheduler)
    return run_grade(options, built(ASSIGNMENT), course).records


def _records(out: Path) -> dict[str, dict]:
    """results.jsonl's records by student id, without their seconds."""
    records = {}
    for line in (out / RESULTS_FILE).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record.pop("seconds")
        records[record["student_id"]] = record
    return records


def _kill_worker_running(cluster, key_suffix: str) -> None:
    """SIGKILL the worker process that is executing the task whose key ends with `key_suffix`."""
    with distributed.Client(cluster, set_as_default=False) as client:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            executing = client.run(  # a worker that is just dying or restarting is skipped
                lambda dask_worker: [str(ts.key) for ts in dask_worker.state.executing],
                on_error="ignore",
            )
            for address, keys in executing.items():
                if any(key.endswith(key_suffix) for key in keys):
                    pid = client.run(os.getpid, workers=[address])[address]
                    os.kill(pid, signal.SIGKILL)
                    return
            time.sleep(0.2)
    raise AssertionError(f"no task *{key_suffix} started")


def test_cluster_records_equal_local_records(course, notebooks, cluster, tmp_path):
    inputs = [notebooks[name] for name in ("solution", "student", "broken", "wrong")]
    assert len(_grade(course, inputs, tmp_path / "local")) == len(inputs)
    assert len(_grade(course, inputs, tmp_path / "cluster", cluster.scheduler_address)) == len(
        inputs
    )

    local, on_cluster = _records(tmp_path / "local"), _records(tmp_path / "cluster")
    assert on_cluster == local
    statuses = {sid: record["status"] for sid, record in on_cluster.items()}
    assert statuses == {
        "solution": "graded",
        "student": "graded",
        "broken": "invalid",
        "wrong": "graded",
    }
    for output in ("grades.csv", "summary.md", "feedback/index.html"):
        assert (tmp_path / "cluster" / output).is_file()


def test_a_killed_worker_loses_no_submission(course, notebooks, cluster, tmp_path):
    inputs = [notebooks[name] for name in ("sleepy", "solution", "broken")]
    with ThreadPoolExecutor(1) as pool:
        status = pool.submit(_grade, course, inputs, tmp_path, cluster.scheduler_address)
        _kill_worker_running(cluster, "-0")  # the sleepy notebook, first of the inputs
        assert len(status.result()) == len(inputs)

    records = _records(tmp_path)
    assert sorted(records) == ["broken", "sleepy", "solution"]
    sleepy, solution = records["sleepy"], records["solution"]
    assert sleepy["status"] == "graded"
    assert sleepy["questions"] == solution["questions"]


def test_a_submission_whose_worker_always_dies_gets_an_error_record(course, notebooks, tmp_path):
    inputs = [notebooks[name] for name in ("sleepy", "solution")]
    with _cluster(**{"distributed.scheduler.allowed-failures": 0}) as one_try:
        with ThreadPoolExecutor(1) as pool:
            status = pool.submit(_grade, course, inputs, tmp_path, one_try.scheduler_address)
            _kill_worker_running(one_try, "-0")
            assert len(status.result()) == len(inputs)

    records = _records(tmp_path)
    sleepy = records["sleepy"]
    assert sleepy["status"] == "error"
    assert "worker grading this notebook died" in sleepy["message"]
    assert [q["score"] for q in sleepy["questions"]] == [0.0] * len(sleepy["questions"])
    solution_questions = records["solution"]["questions"]
    assert [q["name"] for q in sleepy["questions"]] == [q["name"] for q in solution_questions]
    assert records["solution"]["status"] == "graded"


def test_a_scheduler_that_does_not_answer_is_a_clear_error(course, notebooks, tmp_path, capsys):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{sock.getsockname()[1]}"
    root = str(built_root(ASSIGNMENT))
    argv = ["--root", root, "grade", ASSIGNMENT, notebooks["solution"], "--out", str(tmp_path)]
    assert cli.main([*argv, "--scheduler", address]) == 2  # connect() gives up after 5 s
    assert f"no Dask scheduler answers at {address}" in capsys.readouterr().err
    assert not (tmp_path / RESULTS_FILE).exists()


def test_local_grading_does_not_import_dask(course, notebooks, tmp_path):
    script = (
        "import sys\n"
        "from autograder.cli import main\n"
        f"status = main(['--root', {str(built_root(ASSIGNMENT))!r}, 'grade', {ASSIGNMENT!r}, "
        f"{notebooks['broken']!r}, "
        f"'--out', {str(tmp_path)!r}])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
        "sys.exit(status)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_hostile_notebooks_on_the_cluster_score_as_their_twin(course, notebooks, tmp_path):
    """Issue 18 on `--scheduler`: the pid walker, the environment hunt and the process table of
    the attack corpus, graded on worker processes whose environment holds a secret, beside the
    solution and a wrong notebook: each attack scores as its honest twin, the others as ever, and
    no feedback carries the secret, the workers' command lines or the grader's."""
    from tests.integrity.attacks import CATALOGUE
    from tests.integrity.corpus import render

    secret = ("GRADER_SECRET_TOKEN", f"secret-{os.urandom(8).hex()}")
    base = CATALOGUE.bases["dense_zeros"]
    folder = tmp_path / "hostile"
    folder.mkdir()
    inputs = [_write(folder, "twin", render(_solution(), base, None))]
    for attack in CATALOGUE.attacks:
        if attack.name in ("pid_walker", "read_grader_environment", "process_table"):
            inputs.append(_write(folder, attack.name, render(_solution(), base, attack)))
    inputs += [notebooks["solution"], notebooks["wrong"]]
    with pytest.MonkeyPatch.context() as env:
        env.setenv(*secret)
        with _cluster() as hostile_cluster:  # its workers inherit the secret
            records = _grade(course, inputs, tmp_path / "out", hostile_cluster.scheduler_address)
    by_id = {record.student_id: record for record in records}
    twin = by_id["twin"].total
    assert {sid: r.total for sid, r in by_id.items() if sid not in ("solution", "wrong")} == {
        sid: twin for sid in ("twin", "pid_walker", "read_grader_environment", "process_table")
    }, {sid: r.message for sid, r in by_id.items()}
    solution = by_id["solution"]
    assert solution.total == solution.max_score, (solution.status, solution.message)
    assert by_id["wrong"].status == "graded" and by_id["wrong"].total < by_id["wrong"].max_score
    for record in records:
        texts = [record.message, *(t.message for q in record.questions for t in q.tests)]
        for marker in (secret[1], "distributed", "pytest"):
            assert not any(marker in text for text in texts), (record.student_id, record.message)

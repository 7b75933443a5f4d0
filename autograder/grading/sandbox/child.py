"""The sandboxed grading process: run a submission's code cells, then the tests, report events.

Runs in a process forked by the zygote (into a PID namespace of its own, as root), reads its
configuration from its channel (handover.py), then calls `isolate()`. It reports over that
socket, one event
per line in grading's one event format (grading/events.py: sandbox, cell, cell_error,
cells_done, and test_start, test, done when the tests run here; fatal). Everything it sends is
untrusted data to the receiver, which checks it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from typing import Any

from autograder import ONE_THREAD
from autograder.grading.events import event
from autograder.grading.sandbox.cases import run_case
from autograder.grading.sandbox.handover import receive_config
from autograder.grading.sandbox.isolation import RLimits, isolate
from autograder.grading.wire.student_side import serve

MESSAGE_CHARS = 4000


class _Discard:
    """A text stream that drops everything: student output can be gigabytes."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Reporter:
    """Sends events; copies of the process made by `os.fork` in student code stay silent."""

    def __init__(self, channel: socket.socket) -> None:
        self._channel = channel
        self._pid = os.getpid()

    def exit_if_copy(self) -> None:
        if os.getpid() != self._pid:
            os._exit(0)

    def send(self, kind: str, **fields: Any) -> None:
        self.exit_if_copy()
        self._channel.sendall(event(kind, **fields))


def _short(text: str) -> str:
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + " ..."


_KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "MPLBACKEND", "PYTHONDONTWRITEBYTECODE")


def _clean_environment() -> None:
    """Only what Python needs, and a home in the working folder. (The grader's own variables
    never reached this process: the zygote was started without them, launcher.zygote_env.)"""
    kept = {k: os.environ[k] for k in (*_KEPT_VARIABLES, *ONE_THREAD) if k in os.environ}
    os.environ.clear()
    os.environ.update(kept, HOME=os.getcwd(), IPYTHONDIR=os.path.join(os.getcwd(), ".ipython"))


def _quiet_otter() -> None:
    """`grader.check`/`export` calls in the notebook do nothing while grading (tests run later)."""
    import otter

    def nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    for method in ("check", "check_all", "export", "run_plugin", "to_pdf"):
        setattr(otter.Notebook, method, nothing)
    otter.Notebook.__init__ = lambda self, *args, **kwargs: None
    otter.Notebook._grading_mode = True  # as under `otter run`: e.g. nncheck.notebook_in_use


def _shell() -> Any:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    # the output is discarded: do not format tracebacks (pygments and stack_data cost about
    # 0.1 s of CPU per failing cell) nor keep a copy of everything printed (IPython 9's `_tee`)
    shell.showtraceback = shell.showsyntaxerror = lambda *_args, **_kwargs: None
    shell._tee = lambda channel: contextlib.nullcontext()
    return shell


def _end_other_processes() -> None:
    """Kill every other process of our own (sandbox-only) uid: what a cell left running."""
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass


def _run_cells(shell: Any, config: dict[str, Any], report: _Reporter, stop: dict) -> int | None:
    """Run the code cells in order (errors do not stop the run); return the interrupted cell."""
    skip = set(config["skip_cells"])
    end = config["stop_before"]
    for index, source in enumerate(config["cells"]):
        if index in skip or (end is not None and index >= end):
            continue
        report.send("cell", index=index)
        result = shell.run_cell(source, store_history=False)
        report.exit_if_copy()
        if config["uid"] is not None:
            _end_other_processes()
        if stop["requested"]:
            return index
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            report.send(
                "cell_error",
                index=index,
                type=type(error).__name__,
                message=_short(str(error)),
            )
    return None


def _run_tests(namespace: dict, config: dict[str, Any], report: _Reporter, stop: dict) -> bool:
    """Run every test case not in skip_tests; return False if stopped by the time limit."""
    from otter.test_files import ExceptionTestFile

    skip = {tuple(key) for key in config["skip_tests"]}
    for path in config["test_files"]:
        test_file = ExceptionTestFile.from_file(path)
        for case, test_case in enumerate(test_file.test_cases):
            if (test_file.name, case) in skip:
                continue
            report.send("test_start", file=test_file.name, case=case)
            try:
                passed, message, _ = run_case(test_file, test_case, namespace)  # codes: referee's
            except KeyboardInterrupt:
                return False
            if stop["requested"]:
                return False
            report.send(
                "test", file=test_file.name, case=case, passed=passed, message=_short(message)
            )
    return True


def main(channel_fd: int, pid_namespace: str) -> None:
    """Entry point in the forked child; never returns (exits the process). `pid_namespace`: ""
    if this process was forked into a PID namespace of its own, else why not."""
    channel = socket.socket(fileno=channel_fd)
    report = _Reporter(channel)
    stop = {"requested": False}

    def on_interrupt(_signum: int, _frame: Any) -> None:
        stop["requested"] = True
        raise KeyboardInterrupt

    try:
        config = receive_config(channel)
        limits = RLimits(**config["limits"])
        isolation = isolate(
            config["workdir"], config["uid"], config["hidden"], limits, pid_namespace
        )
        _clean_environment()
        report.send("sandbox", applied=isolation.applied, missing=isolation.missing)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        sys.stdout = sys.stderr = _Discard()
        sys.path.insert(0, os.getcwd())
        _quiet_otter()
        shell = _shell()
        signal.signal(signal.SIGINT, on_interrupt)
        try:
            interrupted_at = _run_cells(shell, config, report, stop)
        except KeyboardInterrupt:
            interrupted_at = -1
        report.send("cells_done", interrupted_at=interrupted_at)
        stop["requested"] = False
        if config["serve"]:
            serve(channel, shell.user_ns)
            return
        try:
            finished = _run_tests(shell.user_ns, config, report, stop)
        except KeyboardInterrupt:
            finished = False
        report.send("done", interrupted=not finished)
    except BaseException as err:  # noqa: BLE001 - report any failure of the harness itself
        try:
            report.send("fatal", type=type(err).__name__, message=_short(str(err)))
        except OSError:
            pass
    finally:
        os._exit(0)

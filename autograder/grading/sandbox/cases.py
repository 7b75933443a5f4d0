"""One otter test case run against a namespace, with otter's own pass/fail messages.

Shared by the two places tests run: the sandboxed child (`tests_in_student_process`) and the
trusted referee; the grader recognises a pass by `PASSED`.
"""

from __future__ import annotations

from functools import lru_cache
from types import CodeType
from typing import Any

PASSED = "✅ Test case passed"
FAILED = "❌ Test case failed\n"


def load_test_file(path: str) -> Any:
    """otter's `ExceptionTestFile.from_file(path)`, compiled once per source text: a fresh object
    (its own test functions and results) each time, as from_file gives."""
    from otter.test_files import ExceptionTestFile

    with open(path) as file:
        source = file.read()
    test_file = ExceptionTestFile._from_compiled_code(_compiled(source, path), path=path)
    test_file.source = source
    return test_file


@lru_cache(maxsize=256)
def _compiled(source: str, path: str) -> CodeType:
    return compile(source, path, "exec")


def run_case(test_file: Any, test_case: Any, namespace: Any) -> tuple[bool, str]:
    """(passed, message) of `test_case` of otter's `test_file` with `namespace` as globals.

    Any exception fails the case (message as otter words it); KeyboardInterrupt propagates.
    """
    try:
        test_case.body.call_func(namespace)
    except Exception as err:  # noqa: BLE001 - a failing test is any exception
        return False, FAILED + test_file._generate_error_message(err)
    return True, PASSED

"""One otter test case run against a namespace, with otter's own pass/fail messages.

Shared by the two places tests run: the sandboxed child (`tests_in_student_process`) and the
trusted referee; the grader recognises a pass by `PASSED`. A failure that names a mistake
(nncheck's `Mistake`) carries its code in the exception's own `mistake_code` attribute, which
`run_case` returns beside the message: the code is read from the object the test raised, never
from any text (a student's message saying `[transposed]` names nothing).
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import CodeType
from typing import Any

PASSED = "✅ Test case passed"
FAILED = "❌ Test case failed\n"
MISTAKE_CODE = re.compile(r"[a-z][a-z0-9_]{1,47}")
"""What a mistake code looks like (nncheck.mistakes.CODE; anything else is no code)."""


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


def mistake_code(error: BaseException) -> str:
    """The mistake code `error` carries as its own attribute `mistake_code` ("" for none).

    Read from the instance's `__dict__` (no property, no `__getattr__` of anyone's runs) and
    kept only when it is a plain str that looks like a code."""
    code = getattr(error, "__dict__", {}).get("mistake_code", "")
    return code if type(code) is str and MISTAKE_CODE.fullmatch(code) else ""


def run_case(test_file: Any, test_case: Any, namespace: Any) -> tuple[bool, str, str]:
    """(passed, message, mistake code) of `test_case` of otter's `test_file` with `namespace` as
    globals.

    Any exception fails the case (message as otter words it; the code as `mistake_code` reads
    it); KeyboardInterrupt propagates.
    """
    try:
        test_case.body.call_func(namespace)
    except Exception as err:  # noqa: BLE001 - a failing test is any exception
        return False, FAILED + test_file._generate_error_message(err), mistake_code(err)
    return True, PASSED, ""

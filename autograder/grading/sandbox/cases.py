"""One otter test case run against a namespace, with otter's own pass/fail messages.

Shared by the two places tests run: the sandboxed child (`tests_in_student_process`) and the
trusted referee; the grader recognises a pass by `PASSED`.
"""

from __future__ import annotations

from typing import Any

PASSED = "✅ Test case passed"
FAILED = "❌ Test case failed\n"


def run_case(test_file: Any, test_case: Any, namespace: Any) -> tuple[bool, str]:
    """(passed, message) of `test_case` of otter's `test_file` with `namespace` as globals.

    Any exception fails the case (message as otter words it); KeyboardInterrupt propagates.
    """
    try:
        test_case.body.call_func(namespace)
    except Exception as err:  # noqa: BLE001 - a failing test is any exception
        return False, FAILED + test_file._generate_error_message(err)
    return True, PASSED

"""Stable codes for the mistakes a check can name, and the failure that carries one.

Every mistake the checks name has a code: a short snake_case word such as `transposed`,
`batch_mean_missing` or `modified_input` (the generic diagnoses of `nncheck.diagnose`), or one a
test names itself (`leaky_relu`, `dropout_unscaled`). A failing check raises `Mistake`, an
`AssertionError` whose `mistake_code` attribute holds the code and whose message, the one a
student sees under `grader.check` and `otter run`, shows it as a short tag:

    Likely mistake [transposed]: Your dW has shape (3, 4) but should have shape (4, 3) ...
    Hint [wrong_defaults]: only the run with the defaults fails? ...
    Mistake: [modified_input] Your function modified its input X in place ...

The autograder records the code from the exception's attribute, in its trusted process, never
from the text: a student's printout or exception message saying `[transposed]` names nothing.
How a test names a mistake:

- `assert_close(..., mistakes={"code": ("message", wrong_result), ...})`: a known wrong formula;
- `assert_close(..., hint=("code", "text"))`: the hint names the mistake when nothing more
  precise is recognised (a plain string hint names none);
- `raise Mistake("code", "message")` (or `require(condition, "code", "message")`) for any other
  check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

CODE = re.compile(r"[a-z][a-z0-9_]{1,47}")
"""What a mistake code looks like: lower case, digits and underscores, 2 to 48 characters."""


def checked_code(code: str) -> str:
    """`code` if it is a valid mistake code (`CODE`); raise ValueError (a test's bug) otherwise."""
    if type(code) is not str or not CODE.fullmatch(code):
        raise ValueError(f"{code!r} is not a mistake code: use lower_case_with_underscores")
    return code


class Diagnosis(str):
    """A message for a student that names a mistake; `code` is its stable code."""

    code: str

    def __new__(cls, code: str, message: str) -> Diagnosis:
        text = super().__new__(cls, message)
        text.code = checked_code(code)
        return text


def tagged(label: str, diagnosis: Diagnosis) -> str:
    """`Label [code]: message`, the line a student reads."""
    return f"{label} [{diagnosis.code}]: {diagnosis}"


class Mistake(AssertionError):
    """A failed check that names the mistake: `mistake_code` is its code, the message shows it.

    `tag`: False when the message already shows the code (`tagged`).
    """

    def __init__(self, code: str, message: str, *, tag: bool = True) -> None:
        code = checked_code(code)
        super().__init__(f"[{code}] {message}" if tag else message)
        self.mistake_code = code
        self.message = message


def require(condition: Any, code: str, message: str) -> None:
    """Raise `Mistake(code, message)` unless `condition` is true."""
    if not condition:
        raise Mistake(code, message)


def named_mistakes(table: Mapping[str, Any] | None) -> dict[str, tuple[str, Any]]:
    """A test's `mistakes` table checked: {code: (message, wrong_result)}."""
    checked = {}
    for code, entry in (table or {}).items():
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str)):
            raise ValueError(
                f"mistakes[{code!r}] must be a pair (message, wrong_result), "
                f"got a {type(entry).__name__}"
            )
        checked[checked_code(code)] = entry
    return checked

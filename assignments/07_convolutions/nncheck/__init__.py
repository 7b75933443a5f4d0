"""Student-facing checks: compare results with expected ones and name the likely mistake.

Shipped with every assignment; contains no reference implementations and needs only NumPy
(`nncheck.torch_models`, for assignment 2's tests, also PyTorch). `in_student` lets a test run
the part that drives the student's code where that code lives (see `nncheck.scenario`);
`assert_close_given_parts` grades a function built on earlier ones (see `nncheck.upstream`);
`Mistake` and `require` name a mistake by a stable code (see `nncheck.mistakes`).
"""

from nncheck.compare import assert_close, assert_not_mutated, assert_shape, relative_error
from nncheck.convert import as_float_array, unpack_result
from nncheck.diagnose import diagnose
from nncheck.environment import OtterTooOld, require_otter
from nncheck.export import HIDDEN_TESTS_NOTE, notebook_in_use
from nncheck.fixtures import load_fixtures
from nncheck.mistakes import Mistake, require
from nncheck.scenario import in_student
from nncheck.tolerances import get_tolerance, gradcheck_threshold, load_tolerances
from nncheck.upstream import (
    assert_close_given_parts,
    assert_fails_like_parts,
    attempt,
    fix_first,
    holds,
    matches,
)

__all__ = [
    "HIDDEN_TESTS_NOTE",
    "OtterTooOld",
    "as_float_array",
    "assert_close",
    "assert_close_given_parts",
    "assert_fails_like_parts",
    "attempt",
    "assert_not_mutated",
    "assert_shape",
    "diagnose",
    "fix_first",
    "get_tolerance",
    "gradcheck_threshold",
    "holds",
    "in_student",
    "load_fixtures",
    "load_tolerances",
    "matches",
    "Mistake",
    "notebook_in_use",
    "relative_error",
    "require",
    "require_otter",
    "unpack_result",
]

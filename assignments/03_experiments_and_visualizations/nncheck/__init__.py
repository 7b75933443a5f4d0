"""Student-facing checks: compare results with expected ones and name the likely mistake.

Shipped with every assignment; contains no reference implementations and needs only NumPy
(`nncheck.torch_models`, for assignment 2's tests, also PyTorch). `in_student` lets a test run
the part that drives the student's code where that code lives (see `nncheck.scenario`).
"""

from nncheck.compare import assert_close, assert_not_mutated, assert_shape, relative_error
from nncheck.convert import as_float_array, unpack_result
from nncheck.diagnose import diagnose
from nncheck.export import HIDDEN_TESTS_NOTE, notebook_in_use
from nncheck.fixtures import load_fixtures
from nncheck.scenario import in_student
from nncheck.tolerances import get_tolerance, gradcheck_threshold, load_tolerances

__all__ = [
    "HIDDEN_TESTS_NOTE",
    "as_float_array",
    "assert_close",
    "assert_not_mutated",
    "assert_shape",
    "diagnose",
    "get_tolerance",
    "gradcheck_threshold",
    "in_student",
    "load_fixtures",
    "load_tolerances",
    "notebook_in_use",
    "relative_error",
    "unpack_result",
]

"""Student-facing checks: compare results with expected ones and name the likely mistake.

Shipped with every assignment; needs only NumPy and contains no reference implementations.
"""

from nncheck.compare import assert_close, assert_not_mutated, assert_shape, relative_error
from nncheck.convert import as_float_array, unpack_result
from nncheck.diagnose import diagnose
from nncheck.fixtures import load_fixtures
from nncheck.tolerances import get_tolerance, gradcheck_threshold, load_tolerances

__all__ = [
    "as_float_array",
    "assert_close",
    "assert_not_mutated",
    "assert_shape",
    "diagnose",
    "get_tolerance",
    "gradcheck_threshold",
    "load_fixtures",
    "load_tolerances",
    "relative_error",
    "unpack_result",
]

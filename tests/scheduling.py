"""One test class per assignment, for pytest-xdist's `--dist loadscope` (what `make test` runs).

loadscope hands each class (and each module's functions) to one worker as a whole, so an
assignment's expensive setup (a kernel holding its solution, a graded batch) is made once, by the
worker that runs the class, and the two workers share the assignments between them.
"""

from __future__ import annotations

from collections.abc import Iterable


def classes_per_assignment(base: type, names: Iterable[str]) -> dict[str, type]:
    """`Test_NAME` subclasses of `base` (whose tests read `self.assignment`), one per name: put
    them in a test module's globals for pytest to collect."""
    return {f"Test_{name}": type(f"Test_{name}", (base,), {"assignment": name}) for name in names}

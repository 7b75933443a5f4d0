"""The one error base of the tooling, and the exit codes of the `autograder` command.

Every error the tooling raises on purpose derives from `AutograderError` (and, where callers
expect it, from the builtin it refines, e.g. `ValueError`). `cli.main` is the one place that turns
them into exit codes and messages.
"""

from __future__ import annotations

EXIT_OK = 0
"""Everything asked for was done."""
EXIT_FAILED = 1
"""The command ran, and an assignment failed its build or its checks."""
EXIT_USAGE = 2
"""Bad usage, configuration or input: nothing, or not everything, could be done."""


class AutograderError(Exception):
    """Base of the tooling's own errors; the message says what is wrong and what to do."""

"""Library functions (numpy's, math's, torch's) travel by name, never as the referee's object.

A test may hand the student's code `np.tanh` as an activation: the student's process gets its
own `numpy.tanh`, looked up by name there, so no object of the referee's reaches it.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

LIBRARIES = ("numpy", "math", "torch", "torch.nn.functional")


def library_name(value: Any) -> str | None:
    """`"numpy.tanh"` for `np.tanh` (a public attribute of a library module), else None."""
    name = getattr(value, "__name__", None)
    if not isinstance(name, str) or name.startswith("_") or not callable(value):
        return None
    for module_name in LIBRARIES:
        module = sys.modules.get(module_name)
        if module is not None and getattr(module, name, None) is value:
            return f"{module_name}.{name}"
    return None


def library_object(qualified: Any) -> Any:
    """The function `library_name` named, looked up in this process's own library."""
    module_name, _, name = str(qualified).rpartition(".")
    if module_name not in LIBRARIES or not name or name.startswith("_"):
        raise ValueError(f"{qualified!r} is not a library function")
    value = getattr(importlib.import_module(module_name), name, None)
    if value is None or not callable(value):
        raise ValueError(f"{qualified!r} is not a library function")
    return value

"""What the notebook needs from the Python running it, said before otter fails in its own words.

The notebook's first cell calls `require_otter` with the otter-grader version the assignment was
built with (the student file's pin): an older otter reads tests and exports in other ways (otter 4
looks for a tests/ folder only), so the student is told to install the pinned one instead.
"""

from __future__ import annotations

import re


class OtterTooOld(RuntimeError):
    """The kernel's otter-grader is older than the assignment needs."""


def _release(version: str) -> tuple[int, ...]:
    """The leading numeric release of `version` ("7.0.0rc1" -> (7, 0, 0)), () if none."""
    match = re.match(r"\d+(\.\d+)*", version.strip())
    return tuple(int(part) for part in match[0].split(".")) if match else ()


def require_otter(version: str) -> None:
    """Raise `OtterTooOld`, saying what to install, when the imported otter's version is older
    than `version` (e.g. "7.0.0") or unknown."""
    import otter

    found = str(getattr(otter, "__version__", "unknown"))
    have, need = _release(found), _release(version)
    if have and have + (0,) * (len(need) - len(have)) >= need:
        return
    raise OtterTooOld(
        f"this assignment needs otter-grader {version} and this kernel has {found}: run "
        f"`pip install otter-grader=={version}` in the course environment (in a notebook cell: "
        f"%pip install otter-grader=={version}), then restart the kernel and run this cell again"
    )

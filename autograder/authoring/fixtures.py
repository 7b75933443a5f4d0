"""fixtures.npz: run solutions/NAME/fixtures.py's `make_fixtures()` and save it reproducibly.

`np.savez` writes the current time into each zip entry, so two builds of the same arrays differ.
`write_npz` writes the same layout (`KEY.npy` entries that `np.load` reads, no pickles) with fixed
timestamps and sorted keys, so the file depends only on the arrays.
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from autograder.authoring.zipfiles import write_reproducible_zip
from autograder.errors import AutograderError

_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class FixturesError(AutograderError, ValueError):
    """fixtures.py is missing, fails, or returns something that is not a dict of arrays."""


def write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write `arrays` (name -> array) to `path` as an uncompressed `.npz`, byte-reproducibly.

    Keys must be identifiers (they become `KEY.npy` entries and attribute-like names); arrays must
    not need pickling (no object dtype), so `np.load(path, allow_pickle=False)` reads them back.
    """
    entries: dict[str, bytes] = {}
    for key, value in arrays.items():
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise FixturesError(f"fixture names must be identifiers, got {key!r}")
        array = np.asanyarray(value)
        if type(array) is not np.ndarray or array.dtype.hasobject:
            raise FixturesError(
                f"fixture {key!r} must be a plain numeric/bool/str ndarray, got "
                f"{type(value).__name__} with dtype {getattr(array, 'dtype', None)}"
            )
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, array, allow_pickle=False)
        entries[f"{key}.npy"] = buffer.getvalue()
    write_reproducible_zip(Path(path), entries)


@contextmanager
def _importable(folder: Path) -> Iterator[None]:
    """Put `folder` first on sys.path for the duration (so fixtures.py can import nnref)."""
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))


def make_fixtures(fixtures_py: Path, import_root: Path) -> dict[str, np.ndarray]:
    """Import `fixtures_py` (with `import_root` importable) and return its `make_fixtures()`.

    Raises `FixturesError` naming the file when it is missing, has no `make_fixtures`, or returns
    something other than a non-empty dict of str -> ndarray.
    """
    fixtures_py = Path(fixtures_py)
    if not fixtures_py.is_file():
        raise FixturesError(f"{fixtures_py}: not found (it must define make_fixtures())")
    module_name = f"_autograder_fixtures_{fixtures_py.parent.name}"
    spec = importlib.util.spec_from_file_location(module_name, fixtures_py)
    module = importlib.util.module_from_spec(spec)
    with _importable(Path(import_root)):
        spec.loader.exec_module(module)
        if not callable(getattr(module, "make_fixtures", None)):
            raise FixturesError(f"{fixtures_py}: defines no make_fixtures() function")
        fixtures = module.make_fixtures()
    if not isinstance(fixtures, dict) or not fixtures:
        raise FixturesError(
            f"{fixtures_py}: make_fixtures() must return a non-empty dict[str, np.ndarray], "
            f"got {type(fixtures).__name__}"
        )
    return fixtures

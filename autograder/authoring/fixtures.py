"""fixtures.npz: run solutions/NAME/fixtures.py's `make_fixtures()` and save it reproducibly.

`np.savez` writes the current time into each zip entry, so two builds of the same arrays differ.
`write_npz` writes the same layout (`KEY.npy` entries that `np.load` reads, no pickles) with fixed
timestamps and sorted keys, so the file depends only on the arrays.

The arrays themselves depend on the CPU in their last bits: BLAS kernels (OpenBLAS picks one per
CPU) and NumPy's SIMD loops round differently. `array_differences` therefore compares floats
with a tolerance far below any grading tolerance, and `write_npz(..., previous=...)` keeps an
earlier build's bytes when the arrays are equal by it, so a build on another CPU leaves the
committed file unchanged.
"""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import sys
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from autograder.authoring.zipfiles import write_reproducible_zip
from autograder.errors import AutograderError

_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

FLOAT_TOLERANCE = 1e-12
"""Float fixtures are equal when |a - b| <= FLOAT_TOLERANCE * max(1, |a|, |b|) elementwise.

Other CPUs' BLAS kernels change the assignments' fixtures by up to 4e-16 on that scale; the
tightest grading tolerance (nncheck's forward rtol, 1e-9) is 1000 times looser than this."""
MIN_TOLERANCE_EPS = 64
"""Floats narrower than float64 may differ by this many epsilons of their dtype (float32: 8e-6)."""


class FixturesError(AutograderError, ValueError):
    """fixtures.py is missing, fails, or returns something that is not a dict of arrays."""


def write_npz(
    path: Path, arrays: Mapping[str, np.ndarray], *, previous: Path | None = None
) -> None:
    """Write `arrays` (name -> array) to `path` as an uncompressed `.npz`, byte-reproducibly.

    Keys must be identifiers (they become `KEY.npy` entries and attribute-like names); arrays must
    not need pickling (no object dtype), so `np.load(path, allow_pickle=False)` reads them back.
    `previous` (an earlier build's file, e.g. the committed one) is copied to `path` instead when
    it holds the same arrays up to rounding (`npz_differences` finds none).
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
    if previous is not None and Path(previous).is_file() and not npz_differences(previous, path):
        shutil.copyfile(previous, path)


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """The arrays of the `.npz` at `path`, name -> array (pickles refused).

    Raises `FixturesError` naming the file when it is not a readable `.npz`.
    """
    if not zipfile.is_zipfile(path):
        raise FixturesError(f"{path}: not an .npz (zip) file")
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise FixturesError(f"{path}: cannot read its arrays ({err})") from err


def float_tolerance(dtype: np.dtype) -> float:
    """The relative tolerance of `array_differences` for a float or complex `dtype`."""
    return max(FLOAT_TOLERANCE, MIN_TOLERANCE_EPS * float(np.finfo(dtype).eps))


def _relative_differences(committed: np.ndarray, fresh: np.ndarray) -> np.ndarray:
    """|committed - fresh| / max(1, |committed|, |fresh|) elementwise, for two float arrays of one
    shape (any); 0 where both hold the same NaN or infinity, inf where only one does."""
    finite = np.isfinite(committed) & np.isfinite(fresh)
    same_special = (committed == fresh) | (np.isnan(committed) & np.isnan(fresh))
    with np.errstate(invalid="ignore", over="ignore"):
        scale = np.maximum(1.0, np.maximum(np.abs(committed), np.abs(fresh)))
        relative = np.abs(committed - fresh) / scale
    return np.where(finite, relative, np.where(same_special, 0.0, np.inf))


def _value_difference(key: str, committed: np.ndarray, fresh: np.ndarray) -> str | None:
    """How the values of two arrays of one shape and dtype differ, or None if they do not.

    Floats (and complex) may differ by `float_tolerance`; other dtypes must be equal.
    """
    if committed.dtype.kind in "fc":
        tolerance = float_tolerance(committed.dtype)
        relative = _relative_differences(committed, fresh)
        differs = relative > tolerance
        rule, which, worst = f" by more than {tolerance:g} x max(1, |value|)", "most", relative
    else:
        differs = np.asarray(committed != fresh)
        rule, which, worst = "", "first", differs
    count = int(np.count_nonzero(differs))
    if not count:
        return None
    index = tuple(int(i) for i in np.unravel_index(np.argmax(worst), committed.shape))
    return (
        f"{key}: {count} of {differs.size} values differ{rule}; {which} at index {index}: "
        f"committed {committed[index].item()!r}, fresh {fresh[index].item()!r}"
    )


def array_differences(
    committed: Mapping[str, np.ndarray], fresh: Mapping[str, np.ndarray]
) -> list[str]:
    """What differs between two sets of fixtures (name -> array), one line each; [] if equal.

    Names, shapes, dtypes and non-float values must be equal; floats may differ in their last bits
    (`float_tolerance`), with NaN and infinities in the same places.
    """
    diffs = [f"{key}: only in the committed file" for key in sorted(committed.keys() - fresh)]
    diffs += [f"{key}: only in the fresh build" for key in sorted(fresh.keys() - committed)]
    for key in sorted(committed.keys() & fresh.keys()):
        old, new = np.asarray(committed[key]), np.asarray(fresh[key])
        if old.dtype != new.dtype:
            diffs.append(f"{key}: dtype {old.dtype} committed, {new.dtype} fresh")
        elif old.shape != new.shape:
            diffs.append(f"{key}: shape {old.shape} committed, {new.shape} fresh")
        elif difference := _value_difference(key, old, new):
            diffs.append(difference)
    return diffs


def npz_differences(committed: Path, fresh: Path) -> list[str]:
    """`array_differences` of two `.npz` files; a `committed` file that cannot be read differs."""
    try:
        old = read_npz(committed)
    except FixturesError as err:
        return [str(err)]
    return array_differences(old, read_npz(fresh))


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

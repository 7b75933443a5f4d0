"""Byte-reproducible zip files: fixed timestamps, sorted entries, fixed permissions.

`zipfile` stamps every entry with the current time (and `np.savez` inherits that), so two builds of
the same content differ. Here every entry gets `FIXED_DATE_TIME` and the same mode.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
_MODE_FILE = 0o644
_MODE_EXECUTABLE = 0o755


def write_reproducible_zip(
    path: Path,
    entries: Mapping[str, bytes],
    *,
    executables: frozenset[str] = frozenset(),
    compression: int = zipfile.ZIP_STORED,
) -> None:
    """Write `entries` (archive name -> bytes) to `path`, sorted by name, with fixed metadata.

    Names in `executables` get mode 0o755 (e.g. Gradescope's `run_autograder`), others 0o644.
    """
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = compression
            info.create_system = 3  # Unix, so the mode below is honoured
            mode = _MODE_EXECUTABLE if name in executables else _MODE_FILE
            info.external_attr = (0o100000 | mode) << 16  # regular file + permission bits
            archive.writestr(info, entries[name])


def normalize_zip(
    path: Path,
    *,
    executables: frozenset[str] = frozenset(),
    changes: Mapping[str, bytes | None] | None = None,
) -> None:
    """Rewrite the zip at `path` in place as a reproducible zip with the same file contents.

    `changes` (archive name -> bytes, or None to drop the entry) edits the contents on the way.
    """
    with zipfile.ZipFile(path) as archive:
        entries = {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
    for name, content in (changes or {}).items():
        if content is None:
            entries.pop(name, None)
        else:
            entries[name] = content
    write_reproducible_zip(path, entries, executables=executables, compression=zipfile.ZIP_DEFLATED)

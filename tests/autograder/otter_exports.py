"""Zips as otter's `grader.export()` writes them, for tests of what the grade command accepts."""

import io
import zipfile

from autograder.grading.submissions import OTTER_ZIP_MARKER

STAMP = "2026_12_01T10_00_00_123456"
"""A timestamp as `grader.export()` puts it in the zip's name: `<notebook stem>_<STAMP>.zip`."""


def otter_export(notebook: bytes, stem: str) -> bytes:
    """The zip `grader.export()` writes for `<stem>.ipynb`: the notebook, otter's log and the
    marker file holding the zip's own name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{stem}.ipynb", notebook)
        archive.writestr(".OTTER_LOG", b"")
        archive.writestr(OTTER_ZIP_MARKER, f"{stem}_{STAMP}.zip")
    return buffer.getvalue()

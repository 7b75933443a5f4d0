"""An autograder zip unpacked for grading: its tests, support files and otter configuration.

The zip is the one `autograder build` writes (dist/NAME/NAME-autograder.zip), the same file
Gradescope runs. Unpacked once per batch into a folder only the grading process can read.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from otter.test_files import ExceptionTestFile

ENGINE_VERSION = "1"
"""Bumped when grading semantics change, so resumed runs regrade everything."""


class BundleError(ValueError):
    """The file is not an autograder zip this tool can grade with."""


@dataclass(frozen=True)
class Bundle:
    """`root/tests/*.py`, `root/files/` (copied beside each submission), otter_config.json."""

    zip_path: Path
    root: Path
    hash: str
    assignment: str
    test_paths: tuple[Path, ...]

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    def load_test_files(self) -> list[ExceptionTestFile]:
        """Fresh otter test-file objects (trusted copies), in question order."""
        return [ExceptionTestFile.from_file(str(path)) for path in self.test_paths]

    def question_points(self) -> dict[str, float]:
        return {tf.name: float(tf.possible) for tf in self.load_test_files()}

    @property
    def otter_config(self) -> dict:
        return json.loads((self.root / "otter_config.json").read_text(encoding="utf-8"))


def _question_order(names: list[str], notebook_order: list[str]) -> list[str]:
    ordered = [n for n in notebook_order if n in names]
    return ordered + sorted(n for n in names if n not in ordered)


def unpack_bundle(zip_path: Path, into: Path, question_order: list[str] | None = None) -> Bundle:
    """Unpack `zip_path` into the empty folder `into` (made private) and describe it."""
    zip_path = Path(zip_path)
    data = zip_path.read_bytes()
    try:
        with zipfile.ZipFile(zip_path) as archive:
            names = archive.namelist()
            if "otter_config.json" not in names or not any(n.startswith("tests/") for n in names):
                raise BundleError(f"{zip_path}: not an otter autograder zip (no tests/)")
            archive.extractall(into)
    except zipfile.BadZipFile as err:
        raise BundleError(f"{zip_path}: not a zip file ({err})") from err
    into.chmod(0o700)
    tests = {p.stem: p for p in sorted((into / "tests").glob("*.py"))}
    order = _question_order(list(tests), question_order or [])
    config = json.loads((into / "otter_config.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(data + ENGINE_VERSION.encode()).hexdigest()
    (into / "files").mkdir(exist_ok=True)
    return Bundle(
        zip_path=zip_path,
        root=into,
        hash=digest,
        assignment=str(config.get("assignment_name", zip_path.stem)),
        test_paths=tuple(tests[name] for name in order),
    )


def copy_support_files(bundle: Bundle, workdir: Path) -> None:
    """Lay out a submission's folder as otter does: files/ beside it, tests/ for the tests."""
    shutil.copytree(bundle.files_dir, workdir, dirs_exist_ok=True)
    shutil.copytree(bundle.root / "tests", workdir / "tests")

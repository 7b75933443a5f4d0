"""An autograder zip unpacked for grading: its tests, support files and otter configuration.

The zip is the one `autograder build` writes (dist/NAME/NAME-autograder.zip), the same file
Gradescope runs. `unpack_bundle` unpacks it once per batch into a folder only the grading process
can read; `describe_bundle` takes a folder that already holds it (Gradescope's /autograder/source).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from otter.test_files import ExceptionTestFile

from autograder.errors import AutograderError
from autograder.grading.sandbox.cases import load_test_file

CONFIG_FILE = "otter_config.json"
SETTINGS_FILE = "autograder_settings.json"
ENGINE_VERSION = "1"
"""Bumped when grading semantics change, so resumed runs regrade everything."""


class BundleError(AutograderError, ValueError):
    """The file is not an autograder zip this tool can grade with."""


@dataclass(frozen=True)
class GradingLimits:
    """Per-submission limits (from grading.yml)."""

    time_seconds: float
    memory_mb: int


@dataclass(frozen=True)
class Settings:
    """What the build records from grading.yml and the master in the zip, as SETTINGS_FILE.

    limits and question order; `autograder_only`: entries of files/ students never receive (the
    answer key), kept out of the student's process; `tests_in_student_process`: run the tests
    there (as otter does) rather than in the trusted referee.
    """

    limits: GradingLimits
    questions: tuple[str, ...]
    autograder_only: tuple[str, ...] = ()
    tests_in_student_process: bool = False

    def to_json(self) -> str:
        data = {
            "limits": asdict(self.limits),
            "questions": list(self.questions),
            "autograder_only": list(self.autograder_only),
            "tests_in_student_process": self.tests_in_student_process,
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, source: Path) -> Settings | None:
        """The settings in folder `source`, None for a zip not built by `autograder build`."""
        path = source / SETTINGS_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            GradingLimits(**data["limits"]),
            tuple(data["questions"]),
            tuple(data.get("autograder_only", ())),
            bool(data.get("tests_in_student_process", False)),
        )


@dataclass(frozen=True)
class Bundle:
    """`root/tests/*.py`, `root/files/` (copied beside each submission), otter_config.json.

    `zip_path` is the zip it was unpacked from, None when described in place; `settings` what
    the build recorded (None for a zip not built by `autograder build`).
    """

    zip_path: Path | None
    root: Path
    hash: str
    assignment: str
    test_paths: tuple[Path, ...]
    settings: Settings | None = None

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    def load_test_files(self) -> list[ExceptionTestFile]:
        """Fresh otter test-file objects (trusted copies), in question order."""
        return [load_test_file(str(path)) for path in self.test_paths]

    @property
    def uses_referee(self) -> bool:
        """Whether the tests run in the trusted referee: the build recorded the answer key's
        files (so the student's process can do without them) and did not ask otherwise."""
        return self.settings is not None and not self.settings.tests_in_student_process

    def question_points(self) -> dict[str, float]:
        return {tf.name: float(tf.possible) for tf in self.load_test_files()}

    @property
    def otter_config(self) -> dict:
        return json.loads((self.root / CONFIG_FILE).read_text(encoding="utf-8"))


def _question_order(names: list[str], notebook_order: list[str]) -> list[str]:
    ordered = [n for n in notebook_order if n in names]
    return ordered + sorted(n for n in names if n not in ordered)


def _describe(
    root: Path, zip_path: Path | None, digest: str, question_order: list[str] | None
) -> Bundle:
    tests = {p.stem: p for p in sorted((root / "tests").glob("*.py"))}
    order = _question_order(list(tests), question_order or [])
    config = json.loads((root / CONFIG_FILE).read_text(encoding="utf-8"))
    (root / "files").mkdir(exist_ok=True)
    return Bundle(
        zip_path=zip_path,
        root=root,
        hash=digest,
        assignment=str(config.get("assignment_name", (zip_path or root).stem)),
        test_paths=tuple(tests[name] for name in order),
        settings=Settings.read(root),
    )


def unpack_bundle(zip_path: Path, into: Path, question_order: list[str] | None = None) -> Bundle:
    """Unpack `zip_path` into the empty folder `into` (made private) and describe it."""
    zip_path = Path(zip_path)
    data = zip_path.read_bytes()
    try:
        with zipfile.ZipFile(zip_path) as archive:
            names = archive.namelist()
            if CONFIG_FILE not in names or not any(n.startswith("tests/") for n in names):
                raise BundleError(f"{zip_path}: not an otter autograder zip (no tests/)")
            archive.extractall(into)
    except zipfile.BadZipFile as err:
        raise BundleError(f"{zip_path}: not a zip file ({err})") from err
    into.chmod(0o700)
    digest = hashlib.sha256(data + ENGINE_VERSION.encode()).hexdigest()
    return _describe(into, zip_path, digest, question_order)


def describe_bundle(root: Path, question_order: list[str] | None = None) -> Bundle:
    """Describe the autograder zip's contents already unpacked in `root`, in place.

    The hash covers what grading reads (otter_config.json, tests/, files/), so it changes when
    they do and not when Python writes `__pycache__` beside the engine's modules.
    """
    root = Path(root)
    if not (root / CONFIG_FILE).is_file() or not any((root / "tests").glob("*.py")):
        raise BundleError(f"{root}: not an unpacked otter autograder (no {CONFIG_FILE} or tests/)")
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    graded = [root / CONFIG_FILE, *(root / "tests").rglob("*"), *(root / "files").rglob("*")]
    for path in sorted(p for p in graded if p.is_file()):
        digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode() + path.read_bytes())
    return _describe(root, None, digest.hexdigest(), question_order)


def copy_support_files(bundle: Bundle, workdir: Path, *, with_tests: bool) -> None:
    """Lay out a submission's folder: the files students have beside it.

    `with_tests` (tests run beside the notebook, as otter does): also tests/ and the
    autograder-only files; otherwise the folder holds nothing a student did not receive.
    """
    settings = bundle.settings
    leave_out = [] if with_tests or settings is None else list(settings.autograder_only)
    shutil.copytree(
        bundle.files_dir,
        workdir,
        dirs_exist_ok=True,
        ignore=_top_level(bundle.files_dir, leave_out),
    )
    if with_tests:
        shutil.copytree(bundle.root / "tests", workdir / "tests")


def _top_level(root: Path, names: list[str]):
    """A copytree ignore function leaving out `names` directly under `root`."""

    def ignore(folder: str, entries: list[str]) -> list[str]:
        return [e for e in entries if Path(folder) == root and e in names]

    return ignore

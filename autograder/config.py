"""grading.yml: load and validate the course configuration into dataclasses.

Every error is a `ConfigError` naming the file and the key, e.g.
`grading.yml: assignments.01_nn.questions.dense_forward: expected a positive number, got 'two'`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from autograder.errors import AutograderError
from autograder.grading.bundle import GradingLimits
from autograder.paths import project_paths
from autograder.policy.late import LatePolicy, parse_late_policy

HIDDEN_TEST_OUTPUT_CHOICES = ("never", "after_published", "always")
_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_PYTHON_VERSION_RE = re.compile(r"^3\.\d+$")
DEFAULT_OTTER_CPU_SECONDS = 600


class ConfigError(AutograderError, ValueError):
    """grading.yml is missing, unreadable or malformed."""


@dataclass(frozen=True)
class Feedback:
    """How much hidden-test detail a student sees: never | after_published | always."""

    hidden_test_output: str


@dataclass(frozen=True)
class AssignmentConfig:
    """One assignment: its title and question name -> points (in course order)."""

    name: str
    title: str
    questions: dict[str, float]
    tests_in_student_process: bool = False
    """True: the tests run inside the sandboxed student process, as otter runs them, instead of
    in the trusted referee (for tests the referee cannot run yet; weaker against tampering)."""
    late: LatePolicy | None = None
    """The late policy (due time, grace, penalty, extensions); None: no due time set."""

    @property
    def total_points(self) -> float:
        """Sum of the question points."""
        return float(sum(self.questions.values()))


@dataclass(frozen=True)
class CourseConfig:
    """The whole of grading.yml; `source` is the file it came from."""

    source: Path
    course: str
    python_version: str
    tolerances: dict[str, dict[str, float]]
    limits: GradingLimits
    """Per submission: CPU seconds for the notebook (and again for its tests) and memory."""
    otter_cpu_seconds: int
    """Per otter run of the instructor tooling (otter assign in build, otter run in verify): CPU
    seconds of otter and its kernels, wall clock capped at 3x. Not the students' limit."""
    feedback: Feedback
    assignments: dict[str, AssignmentConfig]

    def assignment(self, name: str) -> AssignmentConfig:
        """Return the assignment called `name`, or raise `ConfigError` listing the known ones."""
        if name not in self.assignments:
            raise ConfigError(
                f"{self.source.name}: no assignment {name!r} under 'assignments'; "
                f"known: {', '.join(self.assignments) or 'none'}"
            )
        return self.assignments[name]

    def check_known(self, names: list[str]) -> None:
        """Raise `ConfigError` naming every one of `names` that grading.yml does not have."""
        unknown = [name for name in names if name not in self.assignments]
        if unknown:
            raise ConfigError(
                f"unknown assignment(s) {unknown}; {self.source.name} has {list(self.assignments)}"
            )


class _Reader:
    """Typed access to a parsed YAML tree; errors name the file and the dotted key."""

    def __init__(self, source: Path) -> None:
        self.source = source

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key}: {message}")

    def mapping(self, value: Any, key: str, keys: set[str] | None = None) -> dict[Any, Any]:
        """A mapping; with `keys`, exactly those keys (missing and unknown ones are errors)."""
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping, got {type(value).__name__} {value!r}")
        if keys is not None:
            missing, unknown = sorted(keys - set(value)), sorted(map(str, set(value) - keys))
            if missing:
                raise self.fail(key, f"missing key(s) {missing}")
            if unknown:
                raise self.fail(key, f"unknown key(s) {unknown}; expected {sorted(keys)}")
        return value

    def text(self, value: Any, key: str, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {value!r}")
        if pattern is not None and not pattern.match(value):
            raise self.fail(key, f"{value!r} does not match {pattern.pattern}")
        return value

    def number(self, value: Any, key: str, *, positive: bool) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"expected a number, got {value!r}")
        if value < 0 or (positive and value == 0):
            raise self.fail(
                key,
                f"expected a {'positive' if positive else 'non-negative'} number, got {value!r}",
            )
        return value

    def count(self, value: Any, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(key, f"expected a positive integer, got {value!r}")
        return value


def _tolerances(r: _Reader, raw: Any) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for kind, values in r.mapping(raw, "tolerances").items():
        key = f"tolerances.{kind}"
        if not r.mapping(values, key):
            raise r.fail(key, "expected at least one tolerance, e.g. {rtol: 1e-7, atol: 1e-10}")
        out[str(kind)] = {
            str(k): float(r.number(v, f"{key}.{k}", positive=False)) for k, v in values.items()
        }
    return out


def _assignment(r: _Reader, name: Any, raw: Any, late: Any) -> AssignmentConfig:
    key = f"assignments.{name}"
    r.text(str(name), key, _NAME_RE)
    optional = {"tests_in_student_process": False, "late": None}
    entry = r.mapping({**optional, **r.mapping(raw, key)}, key, {"title", "questions", *optional})
    raw_questions = {} if entry["questions"] is None else entry["questions"]
    questions: dict[str, float] = {}
    for question, points in r.mapping(raw_questions, f"{key}.questions").items():
        qkey = f"{key}.questions.{question}"
        if not isinstance(question, str) or not question.isidentifier():
            raise r.fail(qkey, f"question names must be Python identifiers, got {question!r}")
        questions[question] = r.number(points, qkey, positive=True)
    in_process = entry["tests_in_student_process"]
    if not isinstance(in_process, bool):
        raise r.fail(
            f"{key}.tests_in_student_process", f"expected true or false, got {in_process!r}"
        )
    return AssignmentConfig(
        str(name),
        r.text(entry["title"], f"{key}.title"),
        questions,
        in_process,
        parse_late_policy(late, entry["late"], f"{key}.late", r.fail),
    )


def parse_config(raw: Any, source: Path) -> CourseConfig:
    """Validate a parsed grading.yml tree (`raw`, read from `source`) into a `CourseConfig`."""
    r = _Reader(source)
    fields = set(CourseConfig.__dataclass_fields__) - {"source", "otter_cpu_seconds"}
    raw = {"late": None, **r.mapping(raw, "(top level)")}
    top = r.mapping(raw, "(top level)", fields | {"late"})
    version = top["python_version"]
    if isinstance(version, float):
        raise r.fail(
            "python_version",
            f'quote the version ("{version}"): YAML reads it as a number, and 3.10 becomes 3.1',
        )
    limits = r.mapping(
        {"otter_cpu_seconds": DEFAULT_OTTER_CPU_SECONDS, **r.mapping(top["limits"], "limits")},
        "limits",
        {"time_seconds", "memory_mb", "otter_cpu_seconds"},
    )
    hidden = r.mapping(top["feedback"], "feedback", {"hidden_test_output"})["hidden_test_output"]
    if hidden not in HIDDEN_TEST_OUTPUT_CHOICES:
        raise r.fail(
            "feedback.hidden_test_output",
            f"expected one of {list(HIDDEN_TEST_OUTPUT_CHOICES)}, got {hidden!r}",
        )
    assignments = r.mapping(top["assignments"], "assignments")
    if not assignments:
        raise r.fail("assignments", "expected at least one assignment")
    return CourseConfig(
        source=source,
        course=r.text(top["course"], "course"),
        python_version=r.text(version, "python_version", _PYTHON_VERSION_RE),
        tolerances=_tolerances(r, top["tolerances"]),
        limits=GradingLimits(
            time_seconds=r.count(limits["time_seconds"], "limits.time_seconds"),
            memory_mb=r.count(limits["memory_mb"], "limits.memory_mb"),
        ),
        otter_cpu_seconds=r.count(limits["otter_cpu_seconds"], "limits.otter_cpu_seconds"),
        feedback=Feedback(hidden),
        assignments={str(n): _assignment(r, n, a, top["late"]) for n, a in assignments.items()},
    )


def load_config(path: Path | str | None = None) -> CourseConfig:
    """Load and validate grading.yml (default: the one at the project root)."""
    source = Path(path) if path is not None else project_paths().config_file
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{source}: cannot read ({err.strerror})") from err
    except yaml.YAMLError as err:
        raise ConfigError(f"{source}: not valid YAML ({err})") from err
    return parse_config(raw, source)

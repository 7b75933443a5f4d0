"""grading.yml loading and validation (autograder.config); project locations (autograder.paths)."""

import copy
from pathlib import Path

import pytest
import yaml

from autograder.config import ConfigError, load_config, parse_config
from autograder.paths import ROOT_ENV_VAR, project_paths

CHECKOUT = Path(__file__).resolve().parents[2]
VALID = {
    "course": "C",
    "python_version": "3.11",
    "tolerances": {
        "forward": {"rtol": 1e-9, "atol": 1e-12},
        "gradcheck": {"max_relative_error": 1e-7},
    },
    "limits": {"time_seconds": 600, "memory_mb": 4096},
    "feedback": {"hidden_test_output": "after_published"},
    "assignments": {
        "01_a": {"title": "A", "questions": {"q1": 1, "q2": 2.5}},
        "02_b": {"title": "B", "questions": {}},
    },
}


def test_the_project_grading_yml_is_valid():
    course = load_config(CHECKOUT / "grading.yml")
    assert course.python_version == "3.11"
    assert list(course.assignments)[0] == "00_introduction"
    assert course.tolerances["gradcheck"] == {"max_relative_error": 1e-7}


def test_load_config_defaults_to_the_project_root():
    assert load_config().source == CHECKOUT / "grading.yml"


def test_valid_config_parses_into_dataclasses(tmp_path):
    path = tmp_path / "grading.yml"
    path.write_text(yaml.safe_dump(VALID))
    course = load_config(path)
    assert course.source == path
    assert course.limits.time_seconds == 600 and course.limits.memory_mb == 4096
    assert course.feedback.hidden_test_output == "after_published"
    assert list(course.assignments) == ["01_a", "02_b"]
    assert course.assignment("01_a").questions == {"q1": 1, "q2": 2.5}
    assert course.assignment("01_a").total_points == 3.5
    assert course.assignment("02_b").questions == {}
    assert course.tolerances["forward"] == {"rtol": 1e-9, "atol": 1e-12}


def _set(path: list[str], value):
    def mutate(raw):
        node = raw
        for key in path[:-1]:
            node = node[key]
        if value is DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return mutate


DELETE = object()


@pytest.mark.parametrize(
    ("mutate", "key", "message"),
    [
        (_set(["course"], DELETE), "(top level)", "missing key(s) ['course']"),
        (_set(["extra"], 1), "(top level)", "unknown key(s) ['extra']"),
        (_set(["python_version"], 3.11), "python_version", "quote the version"),
        (_set(["python_version"], "python3"), "python_version", "does not match"),
        (_set(["tolerances", "forward", "rtol"], -1), "tolerances.forward.rtol", "non-negative"),
        (_set(["tolerances", "forward"], {}), "tolerances.forward", "at least one tolerance"),
        (_set(["tolerances", "forward"], [1, 2]), "tolerances.forward", "expected a mapping"),
        (_set(["limits", "time_seconds"], 0), "limits.time_seconds", "positive integer"),
        (_set(["limits", "memory_mb"], 1.5), "limits.memory_mb", "positive integer"),
        (_set(["limits", "cpus"], 2), "limits", "unknown key(s) ['cpus']"),
        (_set(["feedback", "hidden_test_output"], "sometimes"), "feedback.hidden_test_output",
         "expected one of"),
        (_set(["assignments"], {}), "assignments", "at least one assignment"),
        (_set(["assignments", "01_a", "title"], DELETE), "assignments.01_a", "missing key(s)"),
        (_set(["assignments", "bad name"], {"title": "x", "questions": {}}),
         "assignments.bad name", "does not match"),
        (_set(["assignments", "01_a", "questions", "q1"], 0), "assignments.01_a.questions.q1",
         "positive number"),
        (_set(["assignments", "01_a", "questions", "q1"], True), "assignments.01_a.questions.q1",
         "expected a number"),
        (_set(["assignments", "01_a", "questions", "q1"], "two"),
         "assignments.01_a.questions.q1", "expected a number"),
        (_set(["assignments", "01_a", "questions", "1q"], 1), "assignments.01_a.questions.1q",
         "Python identifiers"),
        (_set(["assignments", "01_a", "questions"], [1]), "assignments.01_a.questions",
         "expected a mapping"),
    ],
)  # fmt: skip
def test_malformed_config_names_file_and_key(mutate, key, message):
    raw = copy.deepcopy(VALID)
    mutate(raw)
    with pytest.raises(ConfigError) as info:
        parse_config(raw, Path("grading.yml"))
    assert f"grading.yml: {key}: " in str(info.value)
    assert message in str(info.value)


def test_unreadable_and_invalid_yaml_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("course: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad\.yml: not valid YAML"):
        load_config(bad)


def test_unknown_assignment_lists_the_known_ones(tmp_path):
    course = parse_config(copy.deepcopy(VALID), tmp_path / "grading.yml")
    with pytest.raises(ConfigError, match=r"no assignment 'nope'.*01_a, 02_b"):
        course.assignment("nope")


def test_project_paths_from_argument_env_var_and_checkout(tmp_path, monkeypatch):
    tmp_path = tmp_path.resolve()
    (tmp_path / "grading.yml").write_text("")
    paths = project_paths(tmp_path)
    assert paths.master_notebook("x") == tmp_path / "solutions" / "x" / "x.ipynb"
    assert paths.autograder_zip("x") == tmp_path / "dist" / "x" / "x-autograder.zip"
    assert paths.solution_notebook("x") == tmp_path / "dist" / "x" / "solution" / "x.ipynb"
    monkeypatch.setenv(ROOT_ENV_VAR, str(tmp_path))
    assert project_paths().root == tmp_path
    monkeypatch.delenv(ROOT_ENV_VAR)
    assert project_paths().root == CHECKOUT
    moved = paths.with_outputs(tmp_path / "a", tmp_path / "d")
    assert moved.student_dir("x") == tmp_path / "a" / "x" and moved.solutions == paths.solutions


def test_project_paths_without_grading_yml_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"no grading.yml in .*set {ROOT_ENV_VAR}"):
        project_paths(tmp_path)

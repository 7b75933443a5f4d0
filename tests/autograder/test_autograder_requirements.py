"""The grading image's pinned requirements (autograder.authoring.requirements)."""

from pathlib import Path

import pytest

from autograder.authoring.requirements import (
    GRADING_PACKAGES,
    TORCH_CPU_INDEX,
    RequirementsError,
    grading_requirements,
    read_pins,
)

PINS = Path(__file__).resolve().parents[2] / "requirements.txt"


def test_grading_requirements_are_the_projects_pins_for_grading_and_their_dependencies():
    lines = grading_requirements(PINS, "3.11")
    pins = read_pins(PINS)
    assert lines[0] == TORCH_CPU_INDEX
    for package in GRADING_PACKAGES:
        assert pins[package] in lines
    # transitive needs: matplotlib -> contourpy, scikit-learn -> threadpoolctl, torch -> sympy
    for dependency in ("contourpy", "threadpoolctl", "sympy"):
        assert pins[dependency] in lines
    assert all("==" in line for line in lines[1:])
    # not needed for grading, or added by otter itself
    for other in ("pytest", "ruff", "sphinx", "otter-grader", "playwright"):
        assert pins[other] not in lines
    assert lines[1:] == sorted(lines[1:], key=str.lower)


def test_a_needed_package_without_a_pin_is_an_error(tmp_path):
    pins = tmp_path / "requirements.txt"
    text = PINS.read_text()
    pins.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("threadpoolctl"))
    )
    with pytest.raises(
        RequirementsError, match=r"threadpoolctl \(needed by scikit-learn\) is not pinned"
    ):
        grading_requirements(pins, "3.11")


def test_read_pins_skips_comments_and_reports_bad_lines(tmp_path):
    pins = tmp_path / "requirements.txt"
    pins.write_text("# comment\n\nNumPy==2.4.6  # inline\n")
    assert read_pins(pins) == {"numpy": "NumPy==2.4.6"}
    pins.write_text("numpy==2.4.6\nnot a requirement ==\n")
    with pytest.raises(RequirementsError, match="requirements.txt:2"):
        read_pins(pins)

"""The `autograder` command line: arguments, messages and exit codes.

Only the demo test that builds (marked slow) runs otter.
"""

import shutil

import pytest

from autograder import cli


def test_help_lists_the_three_commands(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("build", "verify", "demo"))


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main([])
    assert info.value.code == cli.EXIT_USAGE


def test_unknown_assignment_is_a_usage_error(tiny_paths, capsys):
    assert cli.main(["--root", str(tiny_paths.root), "build", "nope"]) == cli.EXIT_USAGE
    assert "unknown assignment(s) ['nope']; grading.yml has ['tiny']" in capsys.readouterr().err


def test_bad_root_and_bad_grading_yml_are_usage_errors(tiny_paths, tmp_path, capsys):
    assert cli.main(["--root", str(tmp_path / "none"), "verify"]) == cli.EXIT_USAGE
    assert "no grading.yml" in capsys.readouterr().err
    tiny_paths.config_file.write_text("course: [\n")
    assert cli.main(["--root", str(tiny_paths.root), "verify"]) == cli.EXIT_USAGE
    assert "not valid YAML" in capsys.readouterr().err


def test_a_failing_build_is_reported_and_exits_1(tiny_paths, capsys):
    tiny_paths.master_notebook("tiny").unlink()
    assert cli.main(["--root", str(tiny_paths.root), "build"]) == cli.EXIT_FAILED
    out = capsys.readouterr().out
    assert "[1/1] build tiny ..." in out
    assert "FAILED: " in out and "tiny.ipynb: master notebook not found" in out
    assert "built 0/1; failed: tiny" in out


def test_verify_reports_a_failed_build_and_exits_1(tiny_paths, capsys):
    tiny_paths.master_notebook("tiny").unlink()
    assert cli.main(["--root", str(tiny_paths.root), "verify", "tiny"]) == cli.EXIT_FAILED
    out = capsys.readouterr().out
    assert "tiny: FAIL" in out and "[FAIL] fresh build" in out
    assert "verified 0/1; failed: tiny" in out


@pytest.mark.slow
def test_demo_builds_every_assignment_then_runs_the_training_demo(tiny_paths, monkeypatch, capsys):
    ran = []
    monkeypatch.setattr("nnref.demo.run_demo", ran.append)
    assert cli.main(["--root", str(tiny_paths.root), "demo"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "built 1/1" in out
    assert (tiny_paths.student_dir("tiny") / "tiny.ipynb").is_file()
    assert ran == [str(tiny_paths.root / "out" / "demo")]


def test_demo_reports_a_failed_build_but_still_runs_the_training_demo(
    tiny_paths, monkeypatch, capsys
):
    shutil.rmtree(tiny_paths.master_dir("tiny"))
    ran = []
    monkeypatch.setattr("nnref.demo.run_demo", ran.append)
    assert cli.main(["--root", str(tiny_paths.root), "demo"]) == cli.EXIT_FAILED
    assert "built 0/1; failed: tiny" in capsys.readouterr().out
    assert ran == [str(tiny_paths.root / "out" / "demo")]

"""The package's layout is its architecture: grading/ (what the Gradescope zip ships) stands on
its own, and the zip ships exactly it."""

from __future__ import annotations

import ast
from pathlib import Path

import autograder
from autograder.authoring.gradescope_zip import SHIPPED, engine_modules

PACKAGE = autograder.PACKAGE_PARENT / "autograder"


def _our_imports(path: Path) -> set[str]:
    """Every `autograder...` module `path` imports from, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] == "autograder"}


def _module(path: Path) -> str:
    parts = path.relative_to(autograder.PACKAGE_PARENT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_grading_imports_nothing_outside_what_the_zip_ships():
    outside = {
        f"{_module(path)} imports {name}"
        for path in (PACKAGE / "grading").rglob("*.py")
        for name in _our_imports(path)
        if name not in {"autograder", "autograder.errors"}
        and not name.startswith("autograder.grading")
    }
    assert not outside, sorted(outside)


def test_the_zip_ships_the_grading_package_and_every_module_it_imports():
    shipped = set(engine_modules())
    assert shipped == {
        path.relative_to(autograder.PACKAGE_PARENT).as_posix()
        for entry in SHIPPED
        for path in (
            [PACKAGE / entry] if entry.endswith(".py") else (PACKAGE / entry).rglob("*.py")
        )
    }
    assert "autograder/grading/engine.py" in shipped
    assert not any(
        name.startswith(("autograder/authoring/", "autograder/batch/")) for name in shipped
    )
    for name in shipped:
        for module in _our_imports(autograder.PACKAGE_PARENT / name):
            as_file = module.replace(".", "/")
            assert {f"{as_file}.py", f"{as_file}/__init__.py"} & shipped, (
                f"{name} imports {module}, which the zip does not ship"
            )


def test_every_error_of_the_tooling_derives_from_one_base():
    from autograder.errors import AutograderError

    classes = {
        f"{_module(path)}.{node.name}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(base, ast.Name) and base.id.endswith(("Error", "Exception"))
            for base in node.bases
        )
    }
    assert classes, "no error classes found"
    import importlib

    for qualified in classes:
        module, name = qualified.rsplit(".", 1)
        assert issubclass(getattr(importlib.import_module(module), name), AutograderError), (
            qualified
        )

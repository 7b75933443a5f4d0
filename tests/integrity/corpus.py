"""Write the attack corpus: notebooks made from the solution notebook and a catalogue.

`python -m tests.integrity.corpus OUT [--assignment NAME] [--answer-port PORT]` writes to OUT
`NAME.ipynb` per attack of the assignment's catalogue (`FILE_STEM.ipynb` for one with a file name
of its own, `NAME.zip` holding `ZIP_AS.ipynb` for one handed in as a zip), `twin_BASE.ipynb` per
base (the honest twin) and `solution.ipynb` (the solution, unchanged). A lean catalogue's
notebooks are made from the solution's lean version (tests/mutants/lean.py). The answer port is
where `network_answers` looks for its answer server (answer_server.py).
"""

from __future__ import annotations

import argparse
import copy
import re
import tempfile
import textwrap
import zipfile
from pathlib import Path

import nbformat

from tests.integrity.attacks import ALWAYS_PASSING_TEST, ASSIGNMENT, Attack, Base, Catalogue
from tests.integrity.catalogues import CATALOGUES
from tests.mutants.lean import lean_notebook
from tests.mutants.runner import autograder_test_files

PASSED_MESSAGE = "✅ Test case passed"


class CorpusError(ValueError):
    """The solution notebook does not have the shape the corpus expects."""


def question_names(notebook: nbformat.NotebookNode) -> list[str]:
    """The questions the notebook checks (`grader.check("q_...")`), in order."""
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    return re.findall(r'grader\.check\("(\w+)"\)', text)


def _replace_solution(source: str, function: str, body: str) -> str:
    """`source` with the solution region of `def function(` replaced by `body` (unindented)."""
    lines = source.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(f"def {function}(")), None)
    if start is None:
        raise CorpusError(f"no `def {function}(` in the cell")
    begin = next(i for i in range(start, len(lines)) if lines[i].strip() == "# BEGIN SOLUTION")
    end = next(i for i in range(begin, len(lines)) if lines[i].strip() == "# END SOLUTION")
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    return "\n".join(lines[:begin] + textwrap.indent(body, indent).split("\n") + lines[end + 1 :])


def _fill(code: str, notebook: nbformat.NotebookNode, answer_port: int, base: Base) -> str:
    return (
        code.replace("ANSWER_PORT", str(answer_port))
        .replace("QUESTION_NAMES", repr(question_names(notebook)))
        .replace("PASSED_MESSAGE", PASSED_MESSAGE)
        .replace("WRONG_FUNCTION", base.function)
    )


def render(
    solution: nbformat.NotebookNode, base: Base, attack: Attack | None, answer_port: int = 9
) -> nbformat.NotebookNode:
    """The twin of `base` (attack None) or the attack's notebook, as a new notebook."""
    notebook = copy.deepcopy(solution)
    cell = next(
        (
            c
            for c in notebook.cells
            if c.cell_type == "code" and f"def {base.function}(" in c.source
        ),
        None,
    )
    if cell is None:
        raise CorpusError(f"the solution notebook defines no {base.function}")
    prepend = (
        _fill(attack.prepend, solution, answer_port, base) + "\n"
        if attack and attack.prepend
        else ""
    )
    cell.source = _replace_solution(cell.source, base.function, prepend + base.wrong_body)
    if attack is None:
        return notebook
    code_indices = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    new_cells = [
        nbformat.v4.new_code_cell(_fill(code, solution, answer_port, base), id=f"{attack.name}-{k}")
        for k, code in enumerate(attack.cells)
    ]
    notebook.cells[code_indices[-1] : code_indices[-1]] = new_cells
    if attack.always_passing_metadata:
        notebook.metadata["otter"]["tests"] = {
            q: ALWAYS_PASSING_TEST.format(question=q) for q in question_names(solution)
        }
    return notebook


def twin_name(base: str) -> str:
    """The file stem of a base's honest twin."""
    return f"twin_{base}"


def write_corpus(
    catalogue: Catalogue,
    solution_path: Path,
    out: Path,
    answer_port: int = 9,
    test_files: list[Path] | None = None,
) -> dict[str, Path]:
    """Write every attack and twin of `catalogue` and the solution itself (`solution`) into
    `out`; return the files by the student id the grader must give them, the zips first (a zip
    that hijacks a name is handed in before the notebook that owns it). A lean catalogue needs
    the assignment's `test_files`."""
    solution = nbformat.read(solution_path, as_version=4)
    if catalogue.lean:
        if not test_files:
            raise CorpusError(f"{catalogue.assignment}: a lean corpus needs the test files")
        solution = lean_notebook(solution, test_files)
    out.mkdir(parents=True, exist_ok=True)
    notebooks = {"solution": (solution, "solution", "")}
    for base in catalogue.bases.values():
        notebooks[twin_name(base.name)] = (render(solution, base, None), twin_name(base.name), "")
    for attack in catalogue.attacks:
        notebook = render(solution, catalogue.bases[attack.base], attack, answer_port)
        notebooks[attack.student_id] = (notebook, attack.file_stem or attack.name, attack.zip_as)
    written: dict[str, Path] = {}
    for student_id, (notebook, stem, zip_as) in notebooks.items():
        nbformat.validate(notebook)
        if zip_as:
            written[student_id] = out / f"{stem}.zip"
            with zipfile.ZipFile(written[student_id], "w") as archive:
                archive.writestr(f"{zip_as}.ipynb", nbformat.writes(notebook))
        else:
            written[student_id] = out / f"{stem}.ipynb"
            nbformat.write(notebook, written[student_id])
    return dict(sorted(written.items(), key=lambda item: item[1].suffix != ".zip"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the notebooks")
    parser.add_argument("--assignment", default=ASSIGNMENT, choices=sorted(CATALOGUES))
    parser.add_argument("--solution", type=Path, default=None, help="the solution notebook")
    parser.add_argument("--answer-port", type=int, default=9, help="network_answers' port")
    args = parser.parse_args(argv)
    from autograder.paths import project_paths

    paths = project_paths()
    solution = args.solution or paths.solution_notebook(args.assignment)
    with tempfile.TemporaryDirectory() as folder:
        tests = autograder_test_files(paths.autograder_zip(args.assignment), Path(folder))
        catalogue = CATALOGUES[args.assignment]
        written = write_corpus(catalogue, solution, args.out, args.answer_port, tests)
    for stem, path in written.items():
        print(f"{stem:28s} {path}")


if __name__ == "__main__":
    main()

"""Write the attack corpus: notebooks made from the solution notebook and a catalogue.

`python -m tests.integrity.corpus OUT [--assignment NAME] [--answer-port PORT]` writes to OUT
`NAME.ipynb` per attack of the assignment's catalogue, `twin_BASE.ipynb` per base (the honest
twin) and `solution.ipynb` (the solution, unchanged). The answer port is where `network_answers`
looks for its answer server (answer_server.py).
"""

from __future__ import annotations

import argparse
import copy
import re
import textwrap
from pathlib import Path

import nbformat

from tests.integrity import attacks, attacks_stash, attacks_torch
from tests.integrity.attacks import ALWAYS_PASSING_TEST, Attack, Base, Catalogue

PASSED_MESSAGE = "✅ Test case passed"

CATALOGUES: dict[str, Catalogue] = {
    catalogue.assignment: catalogue
    for catalogue in (attacks.CATALOGUE, attacks_torch.CATALOGUE, *attacks_stash.CATALOGUES)
}
"""The catalogue of each assignment the corpus covers."""


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


def _fill(code: str, notebook: nbformat.NotebookNode, answer_port: int) -> str:
    return (
        code.replace("ANSWER_PORT", str(answer_port))
        .replace("QUESTION_NAMES", repr(question_names(notebook)))
        .replace("PASSED_MESSAGE", PASSED_MESSAGE)
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
        _fill(attack.prepend, solution, answer_port) + "\n" if attack and attack.prepend else ""
    )
    cell.source = _replace_solution(cell.source, base.function, prepend + base.wrong_body)
    if attack is None:
        return notebook
    code_indices = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    new_cells = [
        nbformat.v4.new_code_cell(_fill(code, solution, answer_port), id=f"{attack.name}-{k}")
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
    catalogue: Catalogue, solution_path: Path, out: Path, answer_port: int = 9
) -> dict[str, Path]:
    """Write every attack and twin of `catalogue` and the solution itself (`solution`) as
    `out/STEM.ipynb`; return the paths by stem."""
    solution = nbformat.read(solution_path, as_version=4)
    out.mkdir(parents=True, exist_ok=True)
    written = {"solution": out / "solution.ipynb"}
    nbformat.write(solution, written["solution"])
    items = [(twin_name(b.name), b, None) for b in catalogue.bases.values()]
    items += [(a.name, catalogue.bases[a.base], a) for a in catalogue.attacks]
    for stem, base, attack in items:
        notebook = render(solution, base, attack, answer_port)
        nbformat.validate(notebook)
        path = out / f"{stem}.ipynb"
        nbformat.write(notebook, path)
        written[stem] = path
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the notebooks")
    parser.add_argument("--assignment", default=attacks.ASSIGNMENT, choices=sorted(CATALOGUES))
    parser.add_argument("--solution", type=Path, default=None, help="the solution notebook")
    parser.add_argument("--answer-port", type=int, default=9, help="network_answers' port")
    args = parser.parse_args(argv)
    from autograder.paths import project_paths

    solution = args.solution or project_paths().solution_notebook(args.assignment)
    written = write_corpus(CATALOGUES[args.assignment], solution, args.out, args.answer_port)
    for stem, path in written.items():
        print(f"{stem:28s} {path}")


if __name__ == "__main__":
    main()

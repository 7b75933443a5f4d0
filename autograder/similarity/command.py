"""`autograder similar NAME SUBMISSIONS... --out DIR` (and `grade --similarity`): the report.

Reads the submissions as `grade` does (`grading.submissions.discover`: notebooks, folders,
Gradescope and Canvas zips, the same ids), takes the starter code from the student variant
`assignments/NAME/NAME.ipynb`, compares every pair, writes DIR/similarity.csv and
DIR/similarity.html and prints the most alike pairs and the skipped notebooks. Student text
reaches the terminal through `escape.for_terminal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.batch.command import discover_and_warn
from autograder.errors import AutograderError
from autograder.paths import ProjectPaths
from autograder.reports.escape import for_terminal
from autograder.similarity.compare import fingerprints, rank, regions
from autograder.similarity.extract import Code, Handout, NotebookError, Skipped, own_code
from autograder.similarity.report import CSV_FILE, HTML_FILE, ShownPair, write_csv, write_html

DEFAULT_SHOWN = 50
PRINTED = 10


class MissingHandout(AutograderError):
    """The assignment's student variant (the starter code) is missing or unreadable."""


@dataclass(frozen=True)
class SimilarOptions:
    """What the command line asked for; `shown`: how many pairs the page shows side by side."""

    assignment: str
    inputs: list[str]
    out: Path
    shown: int = DEFAULT_SHOWN


def _handout(paths: ProjectPaths, name: str) -> Handout:
    notebook = paths.student_dir(name) / f"{name}.ipynb"
    try:
        return Handout.from_notebook(notebook.read_bytes())
    except OSError as error:
        raise MissingHandout(
            f"cannot read {notebook} ({error.strerror}): run `autograder build {name}`"
        ) from error
    except NotebookError as error:
        raise MissingHandout(f"{notebook}: {error}: run `autograder build {name}`") from error


def run_similar(
    options: SimilarOptions, paths: ProjectPaths, *, warn: bool = True
) -> dict[str, Path]:
    """Compare, write the report, print its summary; return the files written by name.
    `warn=False`: the inputs' warnings are not printed (`grade --similarity` printed them)."""
    handout = _handout(paths, options.assignment)
    found = discover_and_warn(options.inputs, warn=warn)
    codes: list[Code] = []
    skipped: list[Skipped] = []
    prints = []
    for submission in found.submissions:
        code = own_code(submission, handout)
        if isinstance(code, Skipped):
            skipped.append(code)
        else:  # an own line has tokens, so at least one fingerprint
            codes.append(code)
            prints.append(fingerprints(code.tokens))
    pairs = rank(prints)
    shown = []
    for number, pair in enumerate(pairs[: options.shown], start=1):
        a, b = pair.a, pair.b
        found = regions(prints[a], prints[b], codes[a].tokens, codes[b].tokens)
        shown.append(ShownPair(number, pair, found))
    options.out.mkdir(parents=True, exist_ok=True)
    title = f"Similarity: {options.assignment}"
    outputs = {
        "similarity": write_csv(pairs, codes, options.out / CSV_FILE),
        "similarity page": write_html(
            title, codes, skipped, shown, len(pairs), options.out / HTML_FILE
        ),
    }
    _print_summary(codes, skipped, shown)
    for name, path in outputs.items():
        print(f"  {name:15s} {path}")
    return outputs


def _print_summary(codes: list[Code], skipped: list[Skipped], shown: list[ShownPair]) -> None:
    print(f"similarity: {len(codes)} submissions compared, {len(skipped)} skipped")
    for item in skipped:
        who = item.submission
        print(
            f"  skipped {for_terminal(who.student_id)} ({for_terminal(who.file)}): "
            f"{for_terminal(item.reason)}"
        )
    for item in shown[:PRINTED]:
        a, b = codes[item.pair.a].submission, codes[item.pair.b].submission
        print(
            f"  {item.pair.score:4.0%}  {for_terminal(a.student_id)}  {for_terminal(b.student_id)}"
        )

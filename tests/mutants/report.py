"""Catch-rate table of the mutant catalogues: `python -m tests.mutants.report [NAME ...]`.

Builds dist/NAME if missing (`autograder build NAME`), grades every mutant of m_NAME.py in one
kernel and prints, per mutant, the score against the baseline, whether a public test fails and
whether the feedback names the known mistake. Exits 1 if some mutant is not caught.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.build_once import AssignmentMissing, built
from tests.mutants.catalogue import catalogue_names, load_catalogue, owning_questions
from tests.mutants.runner import MutantRunner, Verdict


def _rate(count: int, total: int) -> str:
    return f"{count}/{total} ({100 * count / total:.0f}%)" if total else "0/0"


def _spill(verdict: Verdict, owners: Mapping[str, frozenset[str]]) -> str:
    """Questions other than the function's own that lose points ("-": none; "?": unknown)."""
    own = owners.get(verdict.mutant.function)
    if own is None:
        return "?"
    return ",".join(sorted(verdict.questions_losing_points() - own)) or "-"


def format_table(
    name: str, verdicts: Sequence[Verdict], owners: Mapping[str, frozenset[str]] | None = None
) -> str:
    """One line per mutant, then the catch rate, public catch rate, named-mistake rate and the
    points lost by the worst single mistake. `owners`: {function: its questions} (QUESTIONS)."""
    owners = owners or {}
    rows = [("function", "mutant", "score", "caught", "public", "named", "also lost")]
    for v in verdicts:
        named = "-" if v.named is None else ("yes" if v.named else f"NO ({v.mutant.mistake!r})")
        rows.append(
            (
                v.mutant.function,
                v.mutant.name,
                f"{round(v.grade.score, 2):g}/{round(v.baseline.score, 2):g}",
                "yes" if v.caught else "NO",
                "yes" if v.caught_publicly else "no",
                named,
                _spill(v, owners),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"{name}: {len(verdicts)} mutants"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    known = [v for v in verdicts if v.named is not None]
    lines.append(
        f"caught {_rate(sum(v.caught for v in verdicts), len(verdicts))}, "
        f"by public tests {_rate(sum(v.caught_publicly for v in verdicts), len(verdicts))}, "
        f"known mistakes named {_rate(sum(bool(v.named) for v in known), len(known))}, "
        f"all mutants named {_rate(sum(bool(v.named) for v in known), len(verdicts))}"
    )
    if verdicts:
        worst = max(verdicts, key=lambda v: v.points_lost)
        spilled = sum(_spill(v, owners) not in ("-", "?") for v in verdicts)
        lines.append(
            f"worst single mistake: {worst.mutant.id} loses {round(worst.points_lost, 2):g} of "
            f"{round(worst.baseline.score, 2):g}; mutants costing other questions too: "
            + (f"{spilled}/{len(verdicts)}" if owners else "unknown (no QUESTIONS table)")
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table for each assignment (all catalogues by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="assignments (default: every m_NAME.py)")
    parser.add_argument("--dist", type=Path, help="a built dist/NAME folder (one NAME only)")
    args = parser.parse_args(argv)
    names = args.names or catalogue_names()
    if args.dist is not None and len(names) != 1:
        parser.error("--dist needs exactly one NAME")
    all_caught = True
    for name in names:
        try:
            dist_dir = args.dist or built(name).dist_dir(name)
        except AssignmentMissing as err:
            print(f"{name}: skipped, {err}\n")
            continue
        with MutantRunner.for_dist(dist_dir) as runner:
            if runner.notebook_errors or runner.baseline.error:
                print(f"{name}: the solution notebook has errors: {runner.notebook_errors}")
            verdicts = [runner.judge(mutant) for mutant in load_catalogue(name)]
        print(format_table(name, verdicts, owning_questions(name)) + "\n")
        all_caught &= all(v.caught for v in verdicts)
    return 0 if all_caught else 1


if __name__ == "__main__":
    sys.exit(main())

"""The grading run at a glance: summary.png, summary.md and a plain-text table for the terminal.

Statistics are over all submissions; a record not graded to the end counts with its total (the
working parts' score; 0 for an invalid one), as in the gradebook. A roster student's `missing`
row is no submission: counted apart, not in the statistics; summary.md then lists them, the
submissions matched to no roster student and the rows left out of an LMS file
(`reports.unmatched`). In summary.md the students'
ids, names and messages are code spans (`escape.for_markdown`): shown, never live Markdown. The
terminal table holds only the grader's words (question names, numbers).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from autograder.grading.records import STATUSES, GradeRecord
from autograder.reports.escape import for_markdown
from autograder.reports.report import Report, by_student, format_points, one_line
from autograder.reports.unmatched import markdown_lines

_FULL_MARKS_TOLERANCE = 1e-9


@dataclass(frozen=True)
class SummaryPaths:
    """The files `write_summary` wrote."""

    png: Path
    markdown: Path


@dataclass(frozen=True)
class ScoreStats:
    """One question's (or the total's) scores over all submissions; None without submissions."""

    name: str
    points: float
    mean: float | None
    median: float | None
    full_marks: float | None  # fraction of submissions with score >= points


def status_counts(records: Iterable[GradeRecord]) -> dict[str, int]:
    """Status -> number of records, for every status in `records.STATUSES` order."""
    statuses = [r.status for r in records]
    return {status: statuses.count(status) for status in STATUSES}


def _stats(name: str, points: float, scores: list[float]) -> ScoreStats:
    if not scores:
        return ScoreStats(name, points, None, None, None)
    full = sum(s >= points - _FULL_MARKS_TOLERANCE for s in scores) / len(scores)
    return ScoreStats(name, points, statistics.mean(scores), statistics.median(scores), full)


def score_stats(
    records: Iterable[GradeRecord], question_points: Mapping[str, float]
) -> list[ScoreStats]:
    """Stats per question in `question_points` order (a missing question scores 0), then "total"."""
    records = list(records)
    rows = [_stats(q, p, [r.score_of(q) for r in records]) for q, p in question_points.items()]
    rows.append(_stats("total", sum(question_points.values()), [r.total for r in records]))
    return rows


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def submitted(records: Iterable[GradeRecord]) -> list[GradeRecord]:
    """The records of submissions: every one but a roster student's `missing` row."""
    return [r for r in records if r.status != "missing"]


def _counts_line(records: list[GradeRecord]) -> str:
    counts = status_counts(records)
    missing = counts.pop("missing")
    line = f"{len(records) - missing} submissions: "
    line += ", ".join(f"{n} {s}" for s, n in counts.items())
    return line + (f"; {missing} on the roster submitted nothing" if missing else "")


def summary_table(report: Report) -> str:
    """A plain-text table: submissions per status, then mean and median per question and total."""
    records = report.records
    rows = [
        (s.name, format_points(s.points), _number(s.mean), _number(s.median))
        for s in score_stats(submitted(records), report.points)
    ]
    rows.insert(0, ("question", "points", "mean", "median"))
    width = max(len(row[0]) for row in rows)
    lines = [f"{q:<{width}}  {p:>6}  {m:>7}  {md:>7}" for q, p, m, md in rows]
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join([_counts_line(records), *lines])


def _markdown(records: list[GradeRecord], question_points: Mapping[str, float], title: str) -> str:
    stats = score_stats(submitted(records), question_points)
    total = stats[-1]
    lines = [
        f"# {title}: grading summary",
        "",
        _counts_line(records),
        "",
        f"Total (max {format_points(total.points)}): mean {_number(total.mean)}, "
        f"median {_number(total.median)}",
        "",
        "| question | points | mean | median | % full marks |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in stats:
        full = "-" if s.full_marks is None else f"{100 * s.full_marks:.0f}%"
        row = [s.name, format_points(s.points), _number(s.mean), _number(s.median), full]
        lines.append("| " + " | ".join(row) + " |")
    not_graded = [r for r in by_student(submitted(records)) if r.status != "graded"]
    lines += ["", f"## Not graded to the end ({len(not_graded)})", ""]
    lines += [
        f"- {for_markdown(r.student_id)}{f' ({for_markdown(r.name)})' if r.name else ''}: "
        f"{r.status}, {format_points(r.total)} points; "
        f"{for_markdown(one_line(r.message)) or '(no message)'}"
        for r in not_graded
    ] or ["None."]
    return "\n".join(lines) + "\n"


def _figure(records: list[GradeRecord], question_points: Mapping[str, float], title: str) -> Figure:
    """Left: histogram of totals with the max marked; right: mean score / points per question."""
    max_score = sum(question_points.values())
    fig = Figure(figsize=(max(11.0, 5.0 + 0.5 * len(question_points)), 5.0), layout="constrained")
    hist, bars = fig.subplots(1, 2, width_ratios=[1.0, max(1.0, len(question_points) / 6)])
    totals = [r.total for r in records]
    bins = np.linspace(0, max_score, 21) if max_score > 0 else 10
    hist.hist(totals, bins=bins, color="#4c72b0", edgecolor="white")
    hist.axvline(
        max_score, color="#c44e52", linestyle="--", label=f"max {format_points(max_score)}"
    )
    if totals:
        mean = statistics.mean(totals)
        hist.axvline(mean, color="#55a868", label=f"mean {mean:.1f}")
    hist.set(title="Totals", xlabel="total points", ylabel="submissions")
    hist.yaxis.set_major_locator(MaxNLocator(integer=True))
    hist.legend(loc="best")
    names = list(question_points)
    fractions = [
        (s.mean or 0.0) / s.points if s.points else 0.0
        for s in score_stats(records, question_points)[:-1]
    ]
    drawn = bars.bar(names, fractions, color="#4c72b0")
    bars.bar_label(drawn, labels=[f"{f:.0%}" for f in fractions], fontsize=8)
    bars.set(title="Mean score per question", ylabel="mean score / points", ylim=(0, 1.1))
    bars.yaxis.set_major_formatter(PercentFormatter(1.0))
    bars.tick_params(axis="x", labelrotation=45)
    for label in bars.get_xticklabels():
        label.set(horizontalalignment="right", rotation_mode="anchor")
    counts = ", ".join(f"{n} {s}" for s, n in status_counts(records).items() if n)
    fig.suptitle(f"{title}: {len(records)} submissions ({counts or 'none'})", fontsize=13)
    return fig


def write_summary(report: Report, out_dir: Path | str) -> SummaryPaths:
    """Write `out_dir/summary.png` (Agg, 120 dpi) and `out_dir/summary.md`; return their paths."""
    records, question_points, assignment_title = report.records, report.points, report.title
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = SummaryPaths(png=out_dir / "summary.png", markdown=out_dir / "summary.md")
    fig = _figure(submitted(records), question_points, assignment_title)
    FigureCanvasAgg(fig)  # render with Agg, whatever pyplot's backend is
    fig.savefig(paths.png, dpi=120)
    markdown = _markdown(records, question_points, assignment_title)
    markdown += "".join(f"{line}\n" for line in markdown_lines(report))
    paths.markdown.write_text(markdown, encoding="utf-8")
    return paths

"""similarity.csv and similarity.html: the ranked pairs, and the shared code side by side.

similarity.csv: one row per pair sharing any fingerprint, best first: rank, score, both students'
ids and files, each side's coverage (the share of its fingerprints found in the other), the
number of shared fingerprints. Text cells through `report.csv_row` (no formula).

similarity.html: one self-contained page (inline CSS, no script, nothing fetched): how to read
it, the skipped notebooks and why, the table of the best `shown` pairs, and for each of them the
two students' code cells that hold shared code side by side, the student's own lines in full
colour, the handout's `def` lines dimmed and its other lines (docstrings, starter code)
folded into one line, each shared region in one colour and numbered alike on both sides.
Every piece of student text (ids, file names, code, reasons) goes through `escape.for_html`.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.reports.escape import for_html
from autograder.reports.report import csv_row
from autograder.similarity.compare import Pair, Region
from autograder.similarity.extract import Code, Skipped

CSV_FILE = "similarity.csv"
HTML_FILE = "similarity.html"
_COLOURS = 6
_CONTEXT = ("def ", "class ", "async def ")  # handout lines kept for context

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1a1a1a;max-width:110rem}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
th{background:#eee}.num{text-align:right}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.side{min-width:0}.cell{margin:.5rem 0;border:1px solid #ccc}
.cell h4{margin:0;padding:.2rem .5rem;background:#f3f3f3;font-weight:normal}
pre{margin:0;padding:.25rem 0;overflow-x:auto;font-size:.85rem;line-height:1.35}
.ln{display:block;padding:0 .5rem;white-space:pre}.starter{color:#777}
.tag{display:inline-block;min-width:2.2em;color:#333}
.r0{background:#ffe08a}.r1{background:#a8e6cf}.r2{background:#bcd7ff}
.r3{background:#ffc4d6}.r4{background:#d9c6ff}.r5{background:#ffd2a8}
@media print{.pair{grid-template-columns:1fr 1fr}section{break-inside:avoid-page}}
"""


@dataclass(frozen=True)
class ShownPair:
    """A pair the page shows in full: its rank (1 = most alike) and its matching regions."""

    rank: int
    pair: Pair
    regions: list[Region]


def write_csv(pairs: Sequence[Pair], codes: Sequence[Code], path: Path) -> Path:
    """similarity.csv (see module doc)."""
    header = ["rank", "score", "student_a", "file_a", "student_b", "file_b"]
    header += ["coverage_a", "coverage_b", "shared_fingerprints"]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(csv_row(header))
        for rank, pair in enumerate(pairs, start=1):
            a, b = codes[pair.a].submission, codes[pair.b].submission
            writer.writerow(
                csv_row(
                    [str(rank), f"{pair.score:.3f}", a.student_id, a.file, b.student_id, b.file]
                    + [f"{pair.coverage_a:.3f}", f"{pair.coverage_b:.3f}", str(pair.shared)]
                )
            )
    return path


def _line_regions(code: Code, spans: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(cell position, line) -> the number (0-based index into `spans`) of the first region
    that covers a token on that line."""
    found: dict[tuple[int, int], int] = {}
    for number, (start, end) in enumerate(spans):
        for token in code.tokens[start:end]:
            found.setdefault((token.cell, token.line), number)
    return found


def _line(kind: str, tag: str, text: str) -> str:
    return f'<span class="{kind}"><span class="tag">{tag}</span>{for_html(text)}</span>'


def _collapsed(hidden: int) -> str:
    """The marker for `hidden` consecutive lines left out (handout, comments, blank), if any."""
    text = f"... {hidden} line(s) not compared (handout, comments, blank)"
    return _line("ln starter", "", text) if hidden else ""


def _side_html(code: Code, spans: list[tuple[int, int]], numbers: list[int]) -> str:
    """One student's cells that hold shared code, each line tagged with its region."""
    marked = _line_regions(code, spans)
    cells_html, quiet = [], 0
    for position, cell in enumerate(code.cells):
        if not any((position, line) in marked for line in range(len(cell.lines))):
            quiet += 1
            continue
        lines, hidden = [], 0
        for index, text in enumerate(cell.lines):
            region = marked.get((position, index))
            if region is not None:
                kind, tag = f"ln r{numbers[region] % _COLOURS}", f"[{numbers[region]}]"
            elif index in cell.own:
                kind, tag = "ln", ""
            elif text.lstrip().startswith(_CONTEXT):
                kind, tag = "ln starter", ""
            else:
                hidden += 1
                continue
            lines.append(_collapsed(hidden) + _line(kind, tag, text))
            hidden = 0
        lines.append(_collapsed(hidden))
        cells_html.append(
            f'<div class="cell"><h4>cell {cell.index + 1}</h4><pre>{"".join(lines)}</pre></div>'
        )
    if quiet:
        cells_html.append(f"<p>{quiet} other code cell(s) with code of their own, none shared.</p>")
    who = code.submission
    head = f"<h3>{for_html(who.student_id)}</h3><p><code>{for_html(who.file)}</code></p>"
    return f'<div class="side">{head}{"".join(cells_html)}</div>'


def _pair_html(shown: ShownPair, codes: Sequence[Code]) -> str:
    pair = shown.pair
    a, b = codes[pair.a], codes[pair.b]
    numbers = [region.number for region in shown.regions]
    left = _side_html(a, [region.a for region in shown.regions], numbers)
    right = _side_html(b, [region.b for region in shown.regions], numbers)
    title = (
        f"{shown.rank}. {for_html(a.submission.student_id)} and "
        f"{for_html(b.submission.student_id)}: {pair.score:.0%}"
    )
    return (
        f'<section id="pair-{shown.rank}"><h2>{title}</h2>'
        f"<p>{len(shown.regions)} shared region(s); {pair.coverage_a:.0%} of the first's "
        f"fingerprints are in the second's code, {pair.coverage_b:.0%} the other way. "
        f'<a href="#top">back to the list</a></p><div class="pair">{left}{right}</div></section>'
    )


def _table_html(shown: Sequence[ShownPair], codes: Sequence[Code]) -> str:
    rows = []
    for item in shown:
        a, b = codes[item.pair.a].submission, codes[item.pair.b].submission
        rows.append(
            f'<tr><td class="num"><a href="#pair-{item.rank}">{item.rank}</a></td>'
            f'<td class="num">{item.pair.score:.0%}</td>'
            f"<td>{for_html(a.student_id)}</td><td>{for_html(b.student_id)}</td>"
            f'<td class="num">{item.pair.coverage_a:.0%}</td>'
            f'<td class="num">{item.pair.coverage_b:.0%}</td></tr>'
        )
    head = (
        "<tr><th>rank</th><th>score</th><th>student a</th><th>student b</th>"
        "<th>of a in b</th><th>of b in a</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _skipped_html(skipped: Sequence[Skipped]) -> str:
    if not skipped:
        return ""
    items = "".join(
        f"<li>{for_html(s.submission.student_id)} (<code>{for_html(s.submission.file)}</code>): "
        f"{for_html(s.reason)}</li>"
        for s in skipped
    )
    return f"<h2>Skipped ({len(skipped)})</h2><ul>{items}</ul>"


def write_html(
    title: str,
    codes: Sequence[Code],
    skipped: Sequence[Skipped],
    shown: Sequence[ShownPair],
    total_pairs: int,
    path: Path,
) -> Path:
    """similarity.html (see module doc); `total_pairs`: how many pairs share any code."""
    intro = (
        f"<p>{len(codes)} submissions compared, {len(skipped)} skipped; {total_pairs} pairs "
        f"share some code, the {len(shown)} most alike are shown (all pairs: {CSV_FILE}). "
        "Compared: each student's own code, without the handout's starter code, comments and "
        "docstrings, with local names and strings replaced, so renaming variables, reordering "
        "functions or rewriting comments does not hide a copy. The score is the share of code "
        "fingerprints the two have in common (100% the same code). Independent students "
        "still share short functions that can only be written one way: a high score is a "
        "reason to look at the code side by side, not a verdict.</p>"
    )
    body = (
        f'<h1 id="top">{for_html(title)}</h1>{intro}{_skipped_html(skipped)}'
        f"<h2>Most alike</h2>{_table_html(shown, codes)}"
        + "".join(_pair_html(item, codes) for item in shown)
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{for_html(title)}</title><style>{_CSS}</style></head>\n"
        f"<body>{body}</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return path

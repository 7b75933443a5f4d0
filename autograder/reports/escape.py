"""Student text made harmless for each place the tooling writes it: one function per sink.

Student text is anything a student or their files chose: names, ids and emails (also from LMS
metadata, which students edit), file and zip member names, messages and output of their code.
Only the grader's own words may act on the instructor's terminal, in a Markdown viewer, a
browser or a spreadsheet; student text in them is shown, never run:

- `for_terminal`: control characters (C0 including ESC, BEL, CR, LF, TAB; DEL; C1), bidi
  overrides and isolates, line and paragraph separators and lone surrogates (undecodable bytes
  of a file name) are written as visible escapes (`\\x1b`, `\\n`, `\\u202e`, `\\udcff`), so the
  text stays on its one line and cannot move the cursor, retitle the window, write the clipboard
  or reorder what is shown.
- `for_markdown`: `for_terminal`, then a code span fenced by more backticks than the text holds
  in a row: no heading, list, link, image, emphasis or raw HTML comes alive (not for table cells,
  where `|` would still split the cell).
- `for_html`: `html.escape` with quotes, for element text and attribute values; control,
  bidi and undecodable characters as for the terminal, but tab and line feed kept (messages go in
  a <pre>): a page read with `cat` or `less` is a terminal too, HTML forbids the controls and a
  bidi override would reorder what the page shows.
- `for_spreadsheet`: `for_terminal` (a CSV is also read with `cat`), then a `'` in front of text
  a spreadsheet would run as a formula (OWASP's CSV injection advice: first character `=`, `+`,
  `-`, `@`, TAB, CR; also after leading spaces). For text cells only: numbers the tool writes
  (scores, possibly negative) must stay numbers (`report.csv_row` tells them apart).
"""

from __future__ import annotations

import html
import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
_INVISIBLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029{_SURROGATES}]")
_INVISIBLE_IN_HTML = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029{_SURROGATES}]")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match[str]) -> str:
    return match[0].encode("unicode_escape", "backslashreplace").decode("ascii")


def for_terminal(text: object) -> str:
    """`text` on one line with every control, bidi or undecodable character as a visible escape."""
    return _INVISIBLE.sub(_visible, str(text))


def for_markdown(text: object) -> str:
    """`text` as an inline Markdown code span (see module doc); "" stays ""."""
    text = for_terminal(text)
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def for_html(text: object) -> str:
    """`text` HTML-escaped (`& < > " '`), safe in element text and quoted attribute values; line
    breaks and tabs are kept (messages go in a <pre>), other controls shown as escapes."""
    return html.escape(_INVISIBLE_IN_HTML.sub(_visible, str(text)), quote=True)


def for_spreadsheet(text: object) -> str:
    """`text` for a CSV text cell: terminal-safe, and with `'` in front when a spreadsheet would
    read it as a formula."""
    text = for_terminal(text)
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_STARTS) else text

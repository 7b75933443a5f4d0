"""Reading back the CSV sheets people fill in (manual scores, submission times).

Cells are trimmed and the formula guard the tool's own CSVs carry (`escape.for_spreadsheet`: a
`'` in front) is undone, so a sheet the tool wrote, filled in and saved reads back as written.
Header names are trimmed and lower case; a UTF-8 byte order mark (Excel's "CSV UTF-8") is skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from autograder.errors import AutograderError
from autograder.reports.escape import for_spreadsheet

_MAX_LISTED = 25
LINE = "#line"
"""The key under which `read_rows` gives each row's line number in the file."""


class SheetError(AutograderError, ValueError):
    """A sheet cannot be used as it is; the message lists every problem."""


def unguard(cell: str) -> str:
    """A CSV text cell as it was before `escape.for_spreadsheet` put a `'` in front of it."""
    if cell.startswith("'") and for_spreadsheet(cell[1:]) == cell:
        return cell[1:]
    return cell


def listed(problems: list[str]) -> str:
    """Problems one per line (for an error message), at most 25 and "... and N more"."""
    more = len(problems) - _MAX_LISTED
    return "\n  ".join(problems[:_MAX_LISTED] + ([f"... and {more} more"] if more > 0 else []))


def read_rows(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    """The non-empty rows of the CSV at `path`, which must have the `required` columns, as
    {column: cell} for every column of the header ("" for a short row) plus the row's line
    number under `LINE`. Raises `SheetError`, also for a row longer than the header."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            header = [h.strip().lower() for h in next(reader, [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise SheetError(
                    f"{path}: missing column(s) {missing}; the header must name {list(required)}"
                    f" (found {header})"
                )
            rows = []
            for row in reader:
                if any(cell.strip() for cell in row[len(header) :]):
                    raise SheetError(
                        f"{path}: line {reader.line_num} has more cells than the header has "
                        "columns; name every column in the header"
                    )
                if any(cell.strip() for cell in row):
                    cells = [unguard(c.strip()) for c in row] + [""] * len(header)
                    rows.append(
                        {
                            **dict(zip(header, cells[: len(header)], strict=True)),
                            LINE: str(reader.line_num),
                        }
                    )
            return rows
    except OSError as error:
        raise SheetError(f"{path}: cannot read it ({error.strerror or error})") from error
    except (UnicodeDecodeError, csv.Error) as error:
        raise SheetError(f"{path}: not a UTF-8 CSV file ({error})") from error

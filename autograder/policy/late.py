"""Late work: the policy grading.yml sets, and what it makes of one submission's time.

grading.yml (course-wide `late:` gives defaults, an assignment's `late:` its own; the
assignment's keys win):

    late:
      timezone: Europe/Zurich   # IANA name: due dates and times without an offset are read in it
      grace_minutes: 15         # submitted up to this long after the due time: not late
      penalty_per_day: 10       # percent of the score per day late (a started day counts) ...
      curve: [10, 25, 50]       # ... or percent on day 1, 2, 3 (later days: the last one); an
                              # assignment's penalty_per_day or curve replaces the course's
      cap: 50                   # the penalty never takes more than this percent (default 100)
    assignments:
      NAME:
        late:
          due: "2026-11-20 23:59"
          extensions: {alice: "2026-11-23 23:59", bob: 2}   # a new due time, or days added

A submission is late when it came after its due time (the student's extension, else `due`)
plus the grace period; it is then `days_late` = ceil((submitted - due) / 24 h) days late and
loses `percent(days_late)` percent of its score. Without a time (a Canvas "late" flag alone)
nothing is taken and the outcome says why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autograder.errors import AutograderError

Fail = Callable[[str, str], Exception]
"""Makes the configuration error for (dotted key, message)."""

COURSE_KEYS = {"timezone", "grace_minutes", "penalty_per_day", "curve", "cap"}
ASSIGNMENT_KEYS = COURSE_KEYS | {"due", "extensions"}
DEFAULT_TIMEZONE = "UTC"
_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<hm>\d{2}:\d{2})(?P<s>:\d{2})?(?:\.(?P<frac>\d+))?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)


class TimeFormatError(AutograderError, ValueError):
    """A text that is not a date and time."""


def parse_time(value: Any, zone: ZoneInfo) -> datetime:
    """A date and time, as text (`2026-11-20 23:59`, `...T23:59:30.123456789 -08:00`, `...Z`) or
    as YAML read it; without an offset it is a time in `zone`. Raises `TimeFormatError`."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):
        raise TimeFormatError(f"{value} has no time of day: write e.g. '{value} 23:59'")
    match = _TIME.fullmatch(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise TimeFormatError(
            f"{value!r} is not a date and time like '2026-11-20 23:59' or "
            "'2026-11-20T23:59:00+01:00'"
        )
    fraction = (match["frac"] or "")[:6].ljust(6, "0")
    zone_text = match["zone"] or ""
    offset = "+00:00" if zone_text in ("Z", "UTC", "GMT") else zone_text
    if offset and ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:] or '00'}"
    text = f"{match['date']}T{match['hm']}{match['s'] or ':00'}.{fraction}{offset}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise TimeFormatError(f"{value!r}: {error}") from error
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


@dataclass(frozen=True)
class LateOutcome:
    """What the late policy made of one submission.

    submitted_at: ISO 8601 time with its offset ("" unknown); days_late: days after the due time
    (0 on time or within the grace period; None unknown or no policy); percent: the penalty in
    percent of the score; note: one plain sentence for the student and the gradebook.
    """

    submitted_at: str = ""
    days_late: int | None = None
    percent: float = 0.0
    note: str = ""

    def penalty(self, score: float) -> float:
        """Points taken from `score` (rounded to 4 decimals, as the gradebooks show them)."""
        return round(max(score, 0.0) * self.percent / 100, 4)


@dataclass(frozen=True)
class LatePolicy:
    """One assignment's late policy (see the module doc); times are timezone-aware."""

    due: datetime
    zone: ZoneInfo
    grace: timedelta = timedelta()
    per_day: float | None = None
    curve: tuple[float, ...] = ()
    cap: float = 100.0
    extensions: dict[str, datetime] = field(default_factory=dict)

    def due_for(self, student_id: str) -> datetime:
        return self.extensions.get(student_id, self.due)

    def percent(self, days_late: int) -> float:
        """The penalty in percent for `days_late` days (capped)."""
        if days_late <= 0:
            return 0.0
        raw = (
            self.per_day * days_late
            if self.per_day is not None
            else self.curve[min(days_late, len(self.curve)) - 1]
        )
        return float(min(raw, self.cap))

    def assess(self, student_id: str, submitted: datetime) -> LateOutcome:
        """The outcome for `student_id`'s submission at `submitted`."""
        due = self.due_for(student_id)
        when = submitted.astimezone(self.zone).isoformat(timespec="seconds")
        extended = " (extended)" if student_id in self.extensions else ""
        if submitted <= due + self.grace:
            return LateOutcome(when, 0, 0.0, "")
        days = math.ceil((submitted - due) / timedelta(days=1))
        percent = self.percent(days)
        due_text = due.astimezone(self.zone).strftime("%Y-%m-%d %H:%M %Z")
        note = (
            f"submitted {days} day{'s' if days != 1 else ''} after the due time{extended} "
            f"{due_text}: {percent:g}% of the score taken"
        )
        return LateOutcome(when, days, percent, note)


def _number(value: Any, key: str, fail: Fail, *, most: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= most:
        raise fail(key, f"expected a number from 0 to {most:g}, got {value!r}")
    return float(value)


def _zone(value: Any, key: str, fail: Fail) -> ZoneInfo:
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise fail(key, f"unknown time zone {value!r} (use an IANA name like Europe/Zurich)") from (
            error
        )


def _time(value: Any, key: str, zone: ZoneInfo, fail: Fail) -> datetime:
    try:
        return parse_time(value, zone)
    except TimeFormatError as error:
        raise fail(key, str(error)) from error


def _curve(value: Any, key: str, fail: Fail) -> tuple[float, ...]:
    if not isinstance(value, list) or not value:
        raise fail(key, f"expected a list of percents for day 1, 2, ..., got {value!r}")
    curve = tuple(_number(v, f"{key}[{i}]", fail, most=100) for i, v in enumerate(value))
    if list(curve) != sorted(curve):
        raise fail(key, f"a later day cannot cost less than an earlier one: {list(curve)}")
    return curve


def _extensions(value: Any, key: str, due: datetime, zone: ZoneInfo, fail: Fail):
    if not isinstance(value, dict):
        raise fail(key, f"expected a mapping student id -> new due time or days, got {value!r}")
    out: dict[str, datetime] = {}
    for student, given in value.items():
        where = f"{key}.{student}"
        if isinstance(given, int) and not isinstance(given, bool):
            if given <= 0:
                raise fail(where, f"expected a positive number of days, got {given!r}")
            out[str(student)] = due + timedelta(days=given)
        else:
            out[str(student)] = _time(given, where, zone, fail)
    return out


def parse_late_policy(course: Any, assignment: Any, key: str, fail: Fail) -> LatePolicy | None:
    """The late policy of one assignment from grading.yml's course-wide `late:` (`course`) and
    the assignment's `late:` (`assignment`, under `key`); None without a due time. Raises what
    `fail(key, message)` makes for any malformed value."""
    for raw, where, allowed in ((course, "late", COURSE_KEYS), (assignment, key, ASSIGNMENT_KEYS)):
        if raw is None:
            continue
        if not isinstance(raw, dict):
            raise fail(where, f"expected a mapping, got {raw!r}")
        unknown = sorted(map(str, set(raw) - allowed))
        if unknown:
            raise fail(where, f"unknown key(s) {unknown}; expected some of {sorted(allowed)}")
    course, assignment = course or {}, assignment or {}
    for level in (course, assignment):
        if "penalty_per_day" in level and "curve" in level:
            raise fail(key, "give exactly one of penalty_per_day and curve")
    if {"penalty_per_day", "curve"} & set(assignment):  # the assignment's penalty replaces
        course = {k: v for k, v in course.items() if k not in ("penalty_per_day", "curve")}
    merged = {**course, **assignment}
    if "due" not in merged:
        if "extensions" in assignment:
            raise fail(f"{key}.extensions", "extensions need a due time (`due:`)")
        return None
    if "penalty_per_day" not in merged and "curve" not in merged:
        raise fail(key, "give penalty_per_day or curve")
    zone = _zone(merged.get("timezone", DEFAULT_TIMEZONE), f"{key}.timezone", fail)
    due = _time(merged["due"], f"{key}.due", zone, fail)
    per_day = merged.get("penalty_per_day", 0)
    return LatePolicy(
        due=due,
        zone=zone,
        grace=timedelta(minutes=_number(merged.get("grace_minutes", 0), f"{key}.grace", fail)),
        per_day=_number(per_day, f"{key}.penalty_per_day", fail) if "curve" not in merged else None,
        curve=_curve(merged["curve"], f"{key}.curve", fail) if "curve" in merged else (),
        cap=_number(merged.get("cap", 100), f"{key}.cap", fail, most=100),
        extensions=_extensions(merged.get("extensions", {}), f"{key}.extensions", due, zone, fail),
    )

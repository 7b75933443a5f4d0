"""Find the notebooks to grade in `autograder grade ASSIGNMENT SUBMISSIONS...`'s arguments.

Each argument is a notebook, a folder or a zip; `discover` returns one `Submission` per notebook
(in argument order, sorted within an argument) and warnings for the TA:

- `alice.ipynb`: student_id `alice` (the stem), file = the path as given.
- a folder: `NAME` for `NAME/.../x.ipynb`, the stem for a notebook directly in it;
  file = `folder/NAME/x.ipynb`.
- a Gradescope export zip: the first submitter's sid, else email, else `submission_<id>`;
  file = `z.zip!submission_<id>/x.ipynb`; name, email and extra (submission_id,
  gradescope_folder, gradescope_sid; for a group `group` and `submitters`, a JSON list of every
  member's {name, email, sid}) from `submission_metadata.yml`.
- a Canvas download zip: the Canvas user id; file = `z.zip!doejane_123_456_x.ipynb`; extra
  canvas_user_id, canvas_submission_id, late ("true"/"false").
- the zip `grader.export()` makes (`<notebook stem>_<timestamp>.zip`, holding otter's
  `__zip_filename__`): graded as the notebook inside it, `z.zip!x.ipynb`, whoever uploaded it:
  the zip's stem as an argument, the folder entry in a folder, the Canvas or Gradescope
  identity in an export. In a folder and in an export any zip that is not itself an export is
  such an upload (a zip without a notebook is one empty submission, so nobody vanishes).
- any other zip: as a folder, where one top folder shared by every notebook is the root;
  file = `z.zip!member`. Top folders named `submission_<id>` without `submission_metadata.yml`
  get a warning: a Gradescope export without its metadata has no student identities.

Folders and zips skip hidden files and folders (`.ipynb_checkpoints`, `._x.ipynb`) and `__MACOSX`.
`content` is the notebook's raw bytes, unparsed: a broken notebook is graded "invalid" later, so
it must come out of here. A notebook that cannot be read (larger than `max_notebook_bytes`, a
corrupt zip member) and a Gradescope submission without a notebook still give a `Submission`, with
empty content and the reason in `extra["error"]`. Zips are read in memory, never extracted; members
named with `..` or an absolute path are ignored. A file name's bytes that are not UTF-8 appear as
`\\xe9` in its id and file (plain text for every output); a zip whose names are flagged UTF-8 but
are not is an unreadable zip. An id that is a name inside a zip is marked
`extra["named_inside_zip"] = "true"`: it says nothing about who the student is (a roster never
matches it).

Submissions sharing a student id are all kept: the second becomes `ID#2`, the third `ID#3`, with
a warning. An id comes from LMS metadata (Gradescope, Canvas) or from the file's own place (a
notebook argument, a folder's entry, a plain zip's member equal to the zip's stem, as
`bob.zip!bob.ipynb`); an id that is only a name inside a zip (any other plain zip member, a Canvas
member not named the Canvas way, a notebook outside an export's submission folders) yields: it
is numbered after every such owner, whatever the argument order, so `alice.zip!bob.ipynb` is
graded as `bob#2` next to `bob.ipynb` or `bob.zip`, and the real bob keeps `bob`. Among equals,
argument order decides. Warnings and errors hold student text (file names): callers escape them
for their sink (`autograder.reports.escape`).
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import yaml

from autograder.errors import AutograderError
from autograder.grading.records import Submission

DEFAULT_MAX_NOTEBOOK_BYTES = 50 * 2**20
GRADESCOPE_METADATA = "submission_metadata.yml"
NOTEBOOK_SUFFIX = ".ipynb"
ZIP_SUFFIX = ".zip"
OTTER_ZIP_MARKER = "__zip_filename__"
"""The member otter's `grader.export()` writes into every zip it makes."""

_GRADESCOPE_FOLDER = re.compile(r"submission_(?P<id>.+)")
# <lastnamefirstname>[_late]_<userid>_<submissionid>_<original filename> (Canvas's convention)
_CANVAS_MEMBER = re.compile(
    r"(?P<name>[^_]+?)(?P<late>_late)?_(?P<user>[0-9]+)_(?P<submission>[0-9]+)_(?P<original>.+)",
    re.IGNORECASE,
)
# <notebook stem>_<timestamp>.zip, the name `grader.export()` gives its zip
_OTTER_EXPORT_NAME = re.compile(
    r"(?P<stem>.+)_[0-9]{4}_[0-9]{2}_[0-9]{2}T[0-9]{2}_[0-9]{2}_[0-9]{2}_[0-9]+"
)
# Errors zipfile raises for a member it cannot read: bad CRC or header, corrupt deflate stream,
# unsupported compression, encryption (RuntimeError), truncated archive, a local header's name
# flagged UTF-8 that is not.
_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    UnicodeDecodeError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
)


_SURROGATE = re.compile("[\ud800-\udfff]")


class SubmissionsError(AutograderError, ValueError):
    """An argument does not exist or is not readable, or no notebook was found at all.

    `lines`: the message, a line each (the first, then details); each line may hold student
    text (file names), so a caller that shows it escapes each line for its sink.
    """

    def __init__(self, *lines: str) -> None:
        super().__init__("\n  ".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Discovery:
    """What `discover` found: the submissions to grade and what the TA should know about them."""

    submissions: list[Submission]
    warnings: list[str]


def discover(
    paths: Sequence[str | Path], *, max_notebook_bytes: int = DEFAULT_MAX_NOTEBOOK_BYTES
) -> Discovery:
    """Turn the command line's notebooks, folders and zips into submissions (see module doc).

    Raises `SubmissionsError` naming every argument that does not exist, a `.zip` that is not a
    zip, or when no notebook at all is found.
    """
    missing = [os.fspath(p) for p in paths if not Path(p).exists()]
    if missing:
        raise SubmissionsError(f"no such file or folder: {', '.join(missing)}")
    warnings: list[str] = []
    found: list[_Found] = []
    for given in paths:
        from_path = _from_path(Path(given), os.fspath(given), max_notebook_bytes, warnings)
        if not from_path:
            warnings.append(f"{os.fspath(given)}: no notebooks found")
        found.extend(from_path)
    if not found:
        where = ", ".join(os.fspath(p) for p in paths) or "(no arguments)"
        raise SubmissionsError(f"no notebooks found in {where}", *warnings)
    return Discovery(_number_duplicates(found, warnings), warnings)


class _Read(NamedTuple):
    """A notebook's bytes, or b"" and why it could not be read."""

    content: bytes
    error: str = ""


@dataclass(frozen=True)
class _Identity:
    """Who a notebook belongs to: the `Submission` fields other than file and content.

    `named_inside_zip`: the id is a file or folder name inside a zip (a plain zip's member, a
    stray notebook in an LMS export), not LMS metadata or the file's own place among the
    arguments; such an id yields to every other on a collision (`_number_duplicates`).
    `plain_zip`: the plain zip argument (as given) the notebook came from, whose stem is the id
    its own place gives.
    """

    student_id: str
    name: str = ""
    email: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    named_inside_zip: bool = False
    plain_zip: str = ""


class _Found(NamedTuple):
    """A submission and where its id came from (`_Identity.named_inside_zip`, `plain_zip`)."""

    submission: Submission
    named_inside_zip: bool
    plain_zip: str


def _as_text(text: str) -> str:
    """A path's text with the bytes that were not UTF-8 (kept by Python as lone surrogates, which
    no UTF-8 file can hold) written as `\\xff`: ids and file names are then plain text for every
    output, results.jsonl included."""
    return (
        os.fsencode(text).decode("utf-8", "backslashreplace") if _SURROGATE.search(text) else text
    )


def _submission(file: str, read: _Read, who: _Identity, warnings: list[str]) -> _Found:
    file, who = _as_text(file), replace(who, student_id=_as_text(who.student_id))
    extra = dict(who.extra)
    if who.named_inside_zip:
        extra["named_inside_zip"] = "true"
    if read.error:
        extra["error"] = read.error
        warnings.append(f"{file}: {read.error}")
    submission = Submission(
        file=file,
        content=read.content,
        student_id=who.student_id,
        name=who.name,
        email=who.email,
        extra=extra,
    )
    return _Found(submission, who.named_inside_zip, who.plain_zip)


def _from_path(path: Path, label: str, limit: int, warnings: list[str]) -> list[_Found]:
    """The submissions in one command-line argument; `label` is the argument as given."""
    if path.is_dir():
        return _from_folder(path, limit, warnings)
    if path.suffix.lower() == NOTEBOOK_SUFFIX:
        return [_submission(label, _read_file(path, limit), _Identity(path.stem), warnings)]
    if zipfile.is_zipfile(path):
        return _from_zip(path, label, limit, warnings)
    if path.suffix.lower() == ".zip":
        raise SubmissionsError(f"{label} is not a readable zip file")
    warnings.append(f"{label}: ignored, not a notebook ({NOTEBOOK_SUFFIX}), a folder or a zip")
    return []


def _is_hidden(parts: Sequence[str]) -> bool:
    """Whether a path (as components) is hidden, in a hidden folder, or macOS zip debris."""
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _is_notebook(filename: str) -> bool:
    return filename.lower().endswith(NOTEBOOK_SUFFIX)


def _is_zip(filename: str) -> bool:
    return filename.lower().endswith(ZIP_SUFFIX)


def _folder_student(parts: Sequence[str]) -> str:
    """Student id of a notebook at `parts` inside a submissions folder: the first folder's name,
    or the notebook's stem when it lies directly in the submissions folder."""
    return parts[0] if len(parts) > 1 else PurePosixPath(parts[0]).stem


def _natural_key(text: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key putting `student2` before `student10` and `nb.ipynb` before its re-upload
    `nb-1.ipynb` (the extension is left out; ties broken by the text itself)."""
    pieces = re.split(r"([0-9]+)", os.path.splitext(text)[0])
    return tuple(int(p) if i % 2 else p for i, p in enumerate(pieces)), text


def _size_text(size: int) -> str:
    """`size` bytes for a message: "80 MB", "1.5 KB", "300 bytes"."""
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _too_big(size: int, limit: int) -> _Read:
    return _Read(b"", f"notebook is {_size_text(size)}, larger than the {_size_text(limit)} limit")


def _read_file(path: Path, limit: int) -> _Read:
    try:
        size = path.stat().st_size
        return _too_big(size, limit) if size > limit else _Read(path.read_bytes())
    except OSError as error:
        return _Read(b"", f"cannot read the notebook: {error.strerror or error}")


def _from_folder(folder: Path, limit: int, warnings: list[str]) -> list[_Found]:
    """Every notebook and zip under `folder`, sorted by path, hidden files and folders skipped; a
    zip is its folder entry's upload (`_from_upload_zip`)."""
    relative: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not _is_hidden([d])]
        here = Path(dirpath).relative_to(folder)
        relative.extend(
            here / f for f in filenames if (_is_notebook(f) or _is_zip(f)) and not _is_hidden([f])
        )
    relative.sort(key=lambda rel: _natural_key(rel.as_posix()))
    found = []
    for rel in relative:
        who = _Identity(_folder_student(rel.parts))
        if _is_zip(rel.name):
            found.extend(_from_upload_zip(folder / rel, str(folder / rel), who, limit, warnings))
        else:
            found.append(
                _submission(str(folder / rel), _read_file(folder / rel, limit), who, warnings)
            )
    return found


def _from_upload_zip(
    path: Path, label: str, who: _Identity, limit: int, warnings: list[str]
) -> list[_Found]:
    """A zip in a folder: the upload of the student `who` (an LMS export belongs on the command
    line, where its identities are read; here it only gets a warning)."""
    read = _read_file(path, limit)
    if read.error:
        return [_submission(label, read, who, warnings)]
    return _from_uploaded_bytes(read.content, label, who, limit, warnings)


def _from_uploaded_bytes(
    data: bytes, label: str, who: _Identity, limit: int, warnings: list[str]
) -> list[_Found]:
    """The notebooks of a zip a student uploaded (what `grader.export()` makes), all graded as
    `who`'s; a zip that cannot be read or holds no notebook is one empty submission saying so."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            source = _Zip(archive, label, limit, warnings)
            members = source.members()
            if _is_gradescope(members) or _is_canvas(members):
                warnings.append(
                    f"{label}: looks like a Canvas or Gradescope export, graded as one upload of "
                    f"{who.student_id!r}; give an export as an argument of its own"
                )
            return _from_upload(source, members, who)
    except _MEMBER_ERRORS as error:
        return [_submission(label, _Read(b"", f"cannot read the zip: {error}"), who, warnings)]


def _is_gradescope(members: list[_Member]) -> bool:
    return any(m.parts[-1] == GRADESCOPE_METADATA for m in members)


def _is_canvas(members: list[_Member]) -> bool:
    """Whether a notebook or zip is named the Canvas way (`doejane_123_456_x.ipynb`)."""
    return any(_CANVAS_MEMBER.fullmatch(m.parts[-1]) for m in members if m.is_notebook or m.is_zip)


def _from_upload(source: _Zip, members: list[_Member], who: _Identity) -> list[_Found]:
    """Every notebook of an uploaded zip as `who`'s (numbered if several); none: one empty
    submission saying so."""
    notebooks = [m for m in members if m.is_notebook]
    if not notebooks:
        empty = _Read(b"", f"the zip holds no notebook ({NOTEBOOK_SUFFIX})")
        return [_submission(source.label, empty, who, source.warnings)]
    return [source.submission(m, who) for m in notebooks]


@dataclass(frozen=True)
class _Member:
    """A zip member that is safe to look at: a file, its name split into plain components."""

    info: zipfile.ZipInfo
    parts: tuple[str, ...]

    @property
    def is_notebook(self) -> bool:
        return _is_notebook(self.parts[-1])

    @property
    def is_zip(self) -> bool:
        return _is_zip(self.parts[-1])


@dataclass(frozen=True)
class _Zip:
    """An open zip being searched: reads members in memory, names them `ARCHIVE!member`."""

    archive: zipfile.ZipFile
    label: str
    limit: int
    warnings: list[str]

    def display(self, member_name: str) -> str:
        return f"{self.label}!{member_name}"

    def members(self) -> list[_Member]:
        """The zip's files, sorted by name, without hidden files; unsafe names are ignored."""
        members = []
        for info in self.archive.infolist():
            if info.is_dir():
                continue
            name = info.filename.replace("\\", "/")
            parts = tuple(p for p in name.split("/") if p not in ("", "."))
            if name.startswith("/") or ".." in parts or re.match(r"[A-Za-z]:", name) or not parts:
                self.warnings.append(f"{self.display(info.filename)}: ignored, unsafe member name")
            elif not _is_hidden(parts):
                members.append(_Member(info, parts))
        return sorted(members, key=lambda m: _natural_key(m.info.filename))

    def read(self, info: zipfile.ZipInfo) -> _Read:
        if info.file_size > self.limit:
            return _too_big(info.file_size, self.limit)
        try:
            # zipfile stops at the declared file_size, so a forged header cannot inflate this.
            return _Read(self.archive.read(info))
        except _MEMBER_ERRORS as error:
            return _Read(b"", f"cannot read the notebook from the zip: {error}")

    def submission(self, member: _Member, who: _Identity) -> _Found:
        file = self.display(member.info.filename)
        return _submission(file, self.read(member.info), who, self.warnings)

    def submissions(self, member: _Member, who: _Identity) -> list[_Found]:
        """A notebook member as `who`'s submission, or a zip member as `who`'s upload."""
        if not member.is_zip:
            return [self.submission(member, who)]
        file, read = self.display(member.info.filename), self.read(member.info)
        if read.error:
            return [_submission(file, read, who, self.warnings)]
        return _from_uploaded_bytes(read.content, file, who, self.limit, self.warnings)


def _from_zip(path: Path, label: str, limit: int, warnings: list[str]) -> list[_Found]:
    """Gradescope export if it holds submission_metadata.yml, Canvas download if a notebook is
    named the Canvas way, otherwise a plain zip of notebooks."""
    try:
        with zipfile.ZipFile(path) as archive:
            source = _Zip(archive, label, limit, warnings)
            members = source.members()
            metadata = [m for m in members if m.parts[-1] == GRADESCOPE_METADATA]
            if metadata:
                shallowest = min(metadata, key=lambda m: len(m.parts))
                return _from_gradescope(source, members, shallowest)
            if _is_canvas(members):
                return _from_canvas(source, members)
            if _is_otter_export(Path(label).stem, members):
                return _from_upload(source, members, _Identity(Path(label).stem, plain_zip=label))
            return _from_plain_zip(source, [m for m in members if m.is_notebook or m.is_zip])
    except (zipfile.BadZipFile, UnicodeDecodeError) as error:  # a name flagged UTF-8 that is not
        raise SubmissionsError(f"{label} is not a readable zip file: {error}") from error


def _is_otter_export(stem: str, members: list[_Member]) -> bool:
    """Whether a zip is what `grader.export()` makes: it holds otter's marker file, or it is
    named `<stem of its one notebook>_<timestamp>.zip`."""
    if any(m.parts == (OTTER_ZIP_MARKER,) for m in members):
        return True
    notebooks = [m for m in members if m.is_notebook]
    name = _OTTER_EXPORT_NAME.fullmatch(stem)
    return (
        name is not None
        and len(notebooks) == 1
        and PurePosixPath(notebooks[0].parts[-1]).stem == name["stem"]
    )


def _from_plain_zip(source: _Zip, entries: list[_Member]) -> list[_Found]:
    """Notebooks (and uploaded zips) named as in a folder; a top folder shared by all
    (`zip -r subs.zip subs/`) is the root, so the zip of a folder gives the same students as the
    folder. The ids are names inside the zip, except one equal to the zip's own stem
    (`bob.zip!bob.ipynb`)."""
    paths = [m.parts for m in entries]
    shared_top = len({p[0] for p in paths}) == 1 and all(len(p) > 1 for p in paths)
    own_stem = Path(source.label).stem
    found, gradescope_folders = [], 0
    for member in entries:
        inside_root = member.parts[1:] if shared_top else member.parts
        student_id = _folder_student(inside_root)
        gradescope_folders += len(inside_root) > 1 and bool(
            _GRADESCOPE_FOLDER.fullmatch(student_id)
        )
        inside = student_id != own_stem
        who = _Identity(student_id, named_inside_zip=inside, plain_zip=source.label)
        found.extend(source.submissions(member, who))
    if gradescope_folders:
        source.warnings.append(
            f"{source.label}: {gradescope_folders} notebooks in submission_<id> folders but no "
            f"{GRADESCOPE_METADATA} (a Gradescope export without its metadata?): their student "
            "ids are the folder names, which name no student"
        )
    return found


def _from_canvas(source: _Zip, members: list[_Member]) -> list[_Found]:
    """Canvas "Download Submissions": `doejane[_late]_<userid>_<submissionid>_<file>`."""
    found = []
    for member in members:
        file, filename = source.display(member.info.filename), member.parts[-1]
        if not member.is_notebook and not member.is_zip:
            source.warnings.append(f"{file}: ignored, not a notebook ({NOTEBOOK_SUFFIX}) or zip")
            continue
        match = _CANVAS_MEMBER.fullmatch(filename)
        if match is None:
            source.warnings.append(
                f"{file}: not named like a Canvas download "
                "(<name>_<userid>_<submissionid>_<file>); student id is the file name"
            )
            who = _Identity(PurePosixPath(filename).stem, named_inside_zip=True)
        else:
            extra = {
                "canvas_user_id": match["user"],
                "canvas_submission_id": match["submission"],
                "late": "true" if match["late"] else "false",
            }
            who = _Identity(match["user"], name=match["name"], extra=extra)
        found.extend(source.submissions(member, who))
    return found


def _from_gradescope(source: _Zip, members: list[_Member], metadata: _Member) -> list[_Found]:
    """Gradescope "Export Submissions": `submission_<id>/` folders next to the metadata file.

    Every submission folder gives at least one Submission (empty if it holds no notebook);
    notebooks outside submission folders are named as in a plain folder, with a warning.
    """
    root = metadata.parts[:-1]
    prefix = "".join(f"{part}/" for part in root)
    entries = _load_gradescope_metadata(source, metadata)
    folders: dict[str, list[_Member]] = {
        key: [] for key in entries if _GRADESCOPE_FOLDER.fullmatch(key)
    }
    found = []
    for member in members:
        if member is metadata:
            continue
        inside = member.parts[len(root) :] if member.parts[: len(root)] == root else member.parts
        if len(inside) > 1 and _GRADESCOPE_FOLDER.fullmatch(inside[0]):
            notebooks = folders.setdefault(inside[0], [])
            notebooks.extend([member] if member.is_notebook or member.is_zip else [])
        elif member.is_notebook:
            file = source.display(member.info.filename)
            source.warnings.append(f"{file}: not in a submission_<id> folder of the export")
            who = _Identity(_folder_student(inside), named_inside_zip=True)
            found.append(source.submission(member, who))
    for folder in sorted(folders, key=_natural_key):
        folder_file = source.display(f"{prefix}{folder}/")
        who = _gradescope_identity(folder, entries.get(folder), folder_file, source.warnings)
        for member in folders[folder]:
            found.extend(source.submissions(member, who))
        if not folders[folder]:
            no_notebook = _Read(b"", f"the submission holds no notebook ({NOTEBOOK_SUFFIX})")
            found.append(_submission(folder_file, no_notebook, who, source.warnings))
    return found


class _MetadataLoader(yaml.SafeLoader):
    """SafeLoader for submission_metadata.yml: scalars stay strings (sid `0123` is not the octal
    number 83) and Ruby tags (`!ruby/object:...`) are read as plain data instead of failing."""


_MetadataLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag.endswith((":null", ":merge"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_untagged(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_MetadataLoader.add_multi_constructor("", _construct_untagged)


def _field(mapping: object, key: str) -> Any:
    """`mapping[key]`, the key possibly written Ruby-style (`:sid:`); None if absent."""
    if isinstance(mapping, dict):
        for name, value in mapping.items():
            if str(name).lstrip(":") == key:
                return value
    return None


def _text(mapping: object, key: str) -> str:
    value = _field(mapping, key)
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()


def _load_gradescope_metadata(source: _Zip, metadata: _Member) -> dict[str, Any]:
    """submission_metadata.yml as {submission folder name: its entry}; {} (and a warning) when it
    cannot be read, so that student ids fall back to the folder names."""
    file = source.display(metadata.info.filename)
    read = source.read(metadata.info)
    try:
        loaded = yaml.load(read.content, Loader=_MetadataLoader) if not read.error else None
    except yaml.YAMLError as error:
        read = _Read(b"", f"not valid YAML: {error}")
        loaded = None
    if not isinstance(loaded, dict):
        why = read.error or "not a mapping of submission folders"
        source.warnings.append(f"{file}: ignored ({why}); student ids are the folder names")
        return {}
    return {str(key).lstrip(":"): entry for key, entry in loaded.items()}


def _gradescope_identity(
    folder: str, entry: object, folder_file: str, warnings: list[str]
) -> _Identity:
    """The first submitter is the student; other group members are listed in extra["group"]."""
    match = _GRADESCOPE_FOLDER.fullmatch(folder)
    extra = {"submission_id": match["id"] if match else "", "gradescope_folder": folder}
    listed = _field(entry, "submitters")
    submitters = [s for s in listed if isinstance(s, dict)] if isinstance(listed, list) else []
    if not submitters:
        warnings.append(
            f"{folder_file}: no submitter in {GRADESCOPE_METADATA}; student id is the folder name"
        )
        return _Identity(folder, extra=extra)
    first, *others = submitters
    if others:
        extra["group"] = ",".join(
            _text(s, "sid") or _text(s, "email") or _text(s, "name") for s in others
        )
        extra["submitters"] = json.dumps(
            [{key: _text(s, key) for key in ("name", "email", "sid")} for s in submitters],
            ensure_ascii=False,
        )
    if _text(first, "sid"):
        extra["gradescope_sid"] = _text(first, "sid")
    student_id = _text(first, "sid") or _text(first, "email") or folder
    return _Identity(
        student_id, name=_text(first, "name"), email=_text(first, "email"), extra=extra
    )


def _number_duplicates(found: list[_Found], warnings: list[str]) -> list[Submission]:
    """Keep every submission, in order: the 2nd, 3rd... with an already used student id get `#2`,
    `#3`. Ids named inside a zip come last, whatever the argument order, and never take a plain
    zip argument's stem but in that zip: such a notebook never takes an id that LMS metadata or
    a file's own place gives another submission."""
    zip_ids: dict[str, str] = {}  # a plain zip's stem -> the zip
    for item in found:
        if item.plain_zip:
            zip_ids.setdefault(Path(item.plain_zip).stem, item.plain_zip)
    holder: dict[str, _Found] = {}  # id -> the submission that has it

    def owner(student_id: str, item: _Found) -> tuple[str, bool] | None:
        """Who owns `student_id` against `item` (a file or zip, and whether that id is only a
        name inside a zip), or None when `item` may take it."""
        if student_id in holder:
            return holder[student_id].submission.file, holder[student_id].named_inside_zip
        zip_label = zip_ids.get(student_id, item.plain_zip)
        return (zip_label, False) if item.named_inside_zip and zip_label != item.plain_zip else None

    numbered: dict[int, Submission] = {}
    for index in sorted(range(len(found)), key=lambda i: found[i].named_inside_zip):
        item = found[index]
        sub, first = item.submission, owner(item.submission.student_id, item)
        student_id, n = sub.student_id, 1
        while owner(student_id, item) is not None:
            n += 1
            student_id = f"{sub.student_id}#{n}"
        holder[student_id] = item
        if first is not None:
            first_file, first_inside_zip = first
            why = (
                f"a name inside a zip never takes the id of {first_file}"
                if item.named_inside_zip and not first_inside_zip
                else f"first: {first_file}"
            )
            warnings.append(
                f"duplicate student id {sub.student_id!r}: {sub.file} is graded as "
                f"{student_id!r} ({why})"
            )
            sub = replace(sub, student_id=student_id)
        numbered[index] = sub
    return [numbered[index] for index in range(len(found))]

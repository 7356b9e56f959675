"""Reading the archive's interchange format (JSON and CSV, see README) back in, all or nothing.

An import runs in two streaming passes over the file, so memory stays flat however many rows it holds:

1. **check**: every row is parsed and validated, and references (places, tags, sources, incidents, statements,
   testimonies) are resolved against the file's vocabulary and the archive, a batch at a time. Only what the
   duplicate and unknown-reference checks need is kept: the testimony numbers seen so far (a bitmap), the vocabulary
   slugs, and cross-references that point forward in the file.
2. **write** (only when the check found no error): the file is read again and written in batches — ``bulk_create``
   for witnesses, testimonies, their tag and incident links and cross-references, their first history rows, and
   ``search.reindex`` for each batch — inside ONE transaction. Anything that fails rolls the whole import back.

Imported testimonies arrive as drafts unless the editor chooses to publish. Rows never change what the archive
already holds: a vocabulary entry already in the archive (same slug or identifier) is used as it is, and a testimony
identifier already in the archive is an error (updating existing testimonies is not an import's job; the editorial
admin does it under optimistic locking).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import decimal
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ijson
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import DatabaseError, connection, reset_queries, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import plaintext, search, summary
from .interchange import CSV_COLUMNS, FORMAT_NAME, FORMAT_VERSION, csv_unescape  # defined once, beside the writer
from .models import (
    Actor,
    Counter,
    CrossReference,
    Incident,
    Place,
    Revision,
    Source,
    Statement,
    Status,
    Tag,
    TagGroup,
    Testimony,
    Witness,
    WorkflowEvent,
)
from .models.testimonies import PartOfDay
from .models.vocabulary import PUBLIC_STATUSES

CSV_REQUIRED_COLUMNS = ("title", "body", "witness_descriptor", "witness_role", "date_start")
VOCABULARY_SECTIONS = ("places", "tag_groups", "tags", "sources", "actors", "incidents", "statements")

BATCH_SIZE = 500  # rows per bulk insert, reference lookup and reindex
MAX_ERRORS = 1000  # errors kept for the report; the rest are only counted
PREVIEW_ROWS = 20
MAX_LINE_BYTES = 16 * 1024 * 1024  # one CSV line (a row may hold a long account)

csv.field_size_limit(MAX_LINE_BYTES)

_TESTIMONY_ID = re.compile(r"T-(\d{1,9})")
_STATEMENT_ID = re.compile(r"S-(\d{1,9})")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_MAX_NUMBER = 2_147_483_647  # PositiveIntegerField
_validate_url = URLValidator(schemes=["http", "https"])


# --- the report -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem, at the line of the file where its row (or vocabulary entry) starts."""

    line: int | None
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(slots=True)
class PreviewRow:
    line: int
    identifier: str  # empty when the archive will allocate one
    title: str
    date_start: datetime.date | None
    date_end: datetime.date | None
    place: str
    witness: str
    tags: list[str]
    status: str


@dataclass
class ImportReport:
    """What a file holds, what an import would create (or created), and every problem found, by line."""

    format: str
    publish: bool = False
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    new_identifiers: int = 0  # testimonies without an identifier in the file: the archive allocates one
    cross_references: int = 0
    created: dict[str, int] = field(default_factory=dict)  # vocabulary section -> entries that will be created
    existing: dict[str, int] = field(default_factory=dict)  # vocabulary section -> entries already in the archive
    preview: list[PreviewRow] = field(default_factory=list)
    written: bool = False
    created_identifiers: tuple[str, str] | None = None  # first and last identifier written, when written

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def kept_identifiers(self) -> int:
        return self.rows - self.new_identifiers

    def add_error(self, line: int | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, message))

    def sorted_errors(self) -> list[RowError]:
        return sorted(self.errors, key=lambda e: (e.line is not None, e.line or 0))

    def summary(self) -> str:
        """One paragraph for a command's output or an admin message."""
        if not self.ok:
            return ngettext(
                "%(count)s error in the file; nothing was imported.",
                "%(count)s errors in the file; nothing was imported.",
                self.error_count,
            ) % {"count": self.error_count}
        status = _("published") if self.publish else _("drafts")
        verb = _("Imported") if self.written else _("Would import")
        return _("%(verb)s %(rows)s testimonies as %(status)s with %(xrefs)s cross-references.") % {
            "verb": verb,
            "rows": self.rows,
            "status": status,
            "xrefs": self.cross_references,
        }


class FileProblem(Exception):
    """The file cannot be read any further (wrong encoding, malformed JSON or CSV, not our format)."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


# --- reading the file -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    """One unit read from the file: a header field, the start of a section, a vocabulary entry or a testimony."""

    section: str  # "header", "begin", one of VOCABULARY_SECTIONS, or "testimonies"
    line: int
    data: Any


# A \u escape naming the first half of a character with no second half after it (an even run of backslashes before
# it, so the escape is one): ijson's C parser writes "?" for it without a word. A lone second half it refuses itself.
_LONE_HIGH_SURROGATE = re.compile(rb"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})")
HALF_A_CHARACTER = gettext_lazy(
    "The file is not valid JSON: a \\u escape names half a character (a lone surrogate). Fix the text."
)


class _LineReader:
    """A binary file read one line at a time: counts lines, checks UTF-8, drops a byte-order mark.

    ijson reads from it, so the line a parser event belongs to is ``self.line`` when the event comes out.
    """

    def __init__(self, fileobj, chunk_limit: int = 1 << 16):  # a long line in pieces: events come as they parse
        self.fileobj = fileobj
        self.chunk_limit = chunk_limit
        self.line = 0
        self._next_line = 1
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the type of what read() returns
            return b""
        chunk = self.fileobj.readline(self.chunk_limit)
        if not chunk:
            self._decode(b"", final=True)
            return b""
        if self._next_line == 1 and self.line == 0 and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8) :]
        self.line = self._next_line
        if chunk.endswith(b"\n"):
            self._next_line += 1
        self._decode(chunk)
        lone = _LONE_HIGH_SURROGATE.search(chunk)
        if lone is not None and (chunk.endswith(b"\n") or lone.end() < len(chunk) - 6):  # its pair may be next
            raise FileProblem(self.line, HALF_A_CHARACTER)
        return chunk

    def _decode(self, chunk: bytes, final: bool = False) -> str:
        try:
            return self._decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            bad = exc.object[exc.start : exc.start + 1].hex().upper() if exc.object else ""
            raise FileProblem(
                self.line or 1,
                _("The file is not UTF-8 text (byte 0x%(byte)s cannot be read). Save it as UTF-8 and try again.")
                % {"byte": bad or "??"},
            ) from None

    def lines(self) -> Iterator[str]:
        """Decoded lines, for the CSV reader."""
        while True:
            chunk = self.fileobj.readline(MAX_LINE_BYTES + 1)
            if not chunk:
                self._decode(b"", final=True)
                return
            if self.line == 0 and chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[len(codecs.BOM_UTF8) :]
            self.line = self._next_line
            self._next_line += 1
            if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
                raise FileProblem(self.line, _("This line is longer than 16 MB."))
            yield self._decode(chunk)


# How deep a file's lists and objects may nest: a testimony-archive file needs 5 (testimonies › a testimony › its
# cross-references › one of them), and ijson's own paths cost memory in the square of the depth (a 200 KB file of
# brackets took 23 GB).
MAX_JSON_DEPTH = 16


def _parse_json(reader) -> Iterator[tuple]:
    """``(prefix, event, value)`` as ``ijson.parse`` gives them, from its basic events, refusing a file that nests
    deeper than :data:`MAX_JSON_DEPTH` as soon as it does."""
    path: list = []
    for event, value in ijson.basic_parse(reader, use_float=False):
        if event == "map_key":
            yield ".".join(path[:-1]), event, value
            path[-1] = value
        elif event in ("start_map", "start_array"):
            yield ".".join(path), event, value
            if len(path) >= MAX_JSON_DEPTH:
                raise FileProblem(
                    reader.line or 1,
                    _("The file nests lists and objects more than %(depth)s deep: it is not a testimony-archive file.")
                    % {"depth": MAX_JSON_DEPTH},
                )
            path.append("" if event == "start_map" else "item")
        elif event in ("end_map", "end_array"):
            path.pop()
            yield ".".join(path), event, value
        else:
            yield ".".join(path), event, value


def _json_records(fileobj) -> Iterator[Record]:
    """Stream the JSON format: header fields, then vocabulary entries, then testimonies, each with its line."""
    reader = _LineReader(fileobj)
    builder = item_prefix = section = None
    start_line = 0
    try:
        for prefix, event, value in _parse_json(reader):
            if builder is not None:
                builder.event(event, value)
                if prefix == item_prefix and event in ("end_map", "end_array"):
                    yield Record(section, start_line, builder.value)
                    builder = None
                continue
            if event == "map_key":
                continue
            if prefix == "":
                if event not in ("start_map", "end_map"):
                    raise FileProblem(reader.line, _("This is not a testimony-archive file: expected a JSON object."))
            elif "." not in prefix:
                if prefix in ("vocabulary", "testimonies"):
                    expected = "start_map" if prefix == "vocabulary" else "start_array"
                    if event == expected:
                        yield Record("begin", reader.line, prefix)
                    elif event not in ("end_map", "end_array"):
                        raise FileProblem(reader.line, _("“%(key)s” has the wrong shape.") % {"key": prefix})
                elif event in ("string", "number", "boolean", "null"):
                    yield Record("header", reader.line, (prefix, value))
            else:
                head, _dot, rest = prefix.partition(".")
                if head == "testimonies" and rest == "item":
                    section = "testimonies"
                elif head == "vocabulary" and rest.endswith(".item") and rest.count(".") == 1:
                    section = rest[: -len(".item")]
                    if section not in VOCABULARY_SECTIONS:
                        continue
                elif head == "vocabulary" and "." not in rest and rest in VOCABULARY_SECTIONS:
                    if event not in ("start_array", "end_array"):
                        raise FileProblem(reader.line, _("“%(key)s” must be a list.") % {"key": rest})
                    continue
                else:
                    continue
                if event in ("start_map", "start_array"):
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    item_prefix, start_line = prefix, reader.line
                else:
                    yield Record(section, reader.line, value)
    except ijson.JSONError as exc:
        detail = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise FileProblem(
            reader.line or 1, _("The file is not valid JSON (%(detail)s).") % {"detail": detail}
        ) from None
    except UnicodeDecodeError:  # a \u escape naming half of a character (a lone surrogate such as \udfff)
        raise FileProblem(
            reader.line or 1,
            HALF_A_CHARACTER,
        ) from None


def _csv_records(fileobj) -> Iterator[Record]:
    """Stream the CSV format: one testimony a row, in the JSON shape so both formats share one validator."""
    source = _LineReader(fileobj)
    reader = csv.reader(source.lines(), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem(1, _("The file is empty.")) from None
    except csv.Error as exc:
        raise FileProblem(1, _("The CSV is malformed (%(detail)s).") % {"detail": exc}) from None
    header = [name.strip() for name in header]
    _check_csv_header(header)
    previous = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileProblem(previous + 1, _("The CSV is malformed (%(detail)s).") % {"detail": exc}) from None
        line, previous = previous + 1, reader.line_num
        if not fields or fields == [""]:
            continue  # a blank line
        if len(fields) != len(header):
            yield Record(
                "testimonies",
                line,
                _Malformed(
                    _("Expected %(expected)s fields, found %(found)s.")
                    % {"expected": len(header), "found": len(fields)}
                ),
            )
            continue
        yield Record("testimonies", line, _csv_row_to_data(dict(zip(header, fields, strict=True))))


def _check_csv_header(header: list[str]) -> None:
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise FileProblem(1, _("The header repeats the column(s): %(names)s.") % {"names": ", ".join(duplicates)})
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        raise FileProblem(
            1,
            _("Unknown column(s) in the header: %(names)s. The columns are: %(columns)s.")
            % {"names": ", ".join(unknown), "columns": ", ".join(CSV_COLUMNS)},
        )
    missing = [name for name in CSV_REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FileProblem(1, _("The header lacks the column(s): %(names)s.") % {"names": ", ".join(missing)})


@dataclass(slots=True)
class _Malformed:
    message: str


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _csv_row_to_data(row: dict[str, str]) -> dict[str, Any]:
    row = {key: csv_unescape(value) for key, value in row.items()}  # every cell, as the writer escapes every cell
    data: dict[str, Any] = {key: value for key, value in row.items() if not key.startswith("witness_")}
    data["witness"] = {"descriptor": row.get("witness_descriptor", ""), "role": row.get("witness_role", "")}
    data["tags"] = _split(row.get("tags", ""))
    data["incidents"] = _split(row.get("incidents", ""))
    return data


def open_records(fileobj, fmt: str) -> Iterator[Record]:
    return _json_records(fileobj) if fmt == "json" else _csv_records(fileobj)


def detect_format(name: str, fmt: str | None = None) -> str:
    """``json`` or ``csv``, from an explicit choice or the file name's extension."""
    if fmt:
        fmt = fmt.lower()
    else:
        fmt = Path(name).suffix.lower().lstrip(".")
    if fmt not in ("json", "csv"):
        raise ValueError(_("Cannot tell the format of “%(name)s”: name it .json or .csv.") % {"name": name})
    return fmt


# --- validating one entry ---------------------------------------------------------------------------------------


class _Fields:
    """Reads typed values out of one entry, recording a message for each problem."""

    def __init__(self, data: dict, line: int, report: ImportReport):
        self.data, self.line, self.report = data, line, report
        self.failed = False

    def error(self, message: str) -> None:
        self.failed = True
        self.report.add_error(self.line, message)

    def raw(self, key: str) -> Any:
        value = self.data.get(key)
        if isinstance(value, str):
            value = value.strip()
        return None if value == "" else value

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(_("Missing required field “%(field)s”.") % {"field": key})
            return ""
        if not isinstance(value, str):
            self.error(_("“%(field)s” must be text.") % {"field": key})
            return ""
        value = value.strip()
        if max_length is not None and len(value) > max_length:
            self.error(_("“%(field)s” is longer than %(max)s characters.") % {"field": key, "max": max_length})
            return ""
        problem = plaintext.control_character_problem(value)
        if problem is not None:
            self.error(_("“%(field)s”: %(problem)s") % {"field": key, "problem": problem})
            return ""
        return value

    def date(self, key: str, *, required: bool = False) -> datetime.date | None:
        value = self.raw(key)
        if value is None:
            if required:
                self.error(_("Missing required field “%(field)s”.") % {"field": key})
            return None
        try:
            if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(
                _("“%(field)s” must be a date written YYYY-MM-DD, not “%(value)s”.") % {"field": key, "value": value}
            )
            return None

    def datetime(self, key: str) -> datetime.datetime | None:
        value = self.raw(key)
        if value is None:
            return None
        parsed = None
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value)
            except ValueError:
                parsed = None
        if parsed is None:
            self.error(_("“%(field)s” must be a date and time such as 2022-01-05T12:00:00Z.") % {"field": key})
            return None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, datetime.UTC)
        try:
            parsed.astimezone(datetime.UTC)  # stored in UTC, which must fall within years 1 to 9999
        except OverflowError:
            self.error(
                _("“%(field)s” (%(value)s) is not a time between the years 1 and 9999.")
                % {"field": key, "value": value}
            )
            return None
        return parsed

    def boolean(self, key: str) -> bool:
        value = self.raw(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        self.error(_("“%(field)s” must be true or false, not “%(value)s”.") % {"field": key, "value": value})
        return False

    def integer(self, key: str) -> int:
        value = self.raw(key)
        if value is None:
            return 0
        try:
            number = int(value)
            if number < 0 or number > 32767 or (isinstance(value, decimal.Decimal) and number != value):
                raise ValueError
        except (TypeError, ValueError, decimal.InvalidOperation):
            self.error(_("“%(field)s” must be a whole number from 0 to 32767.") % {"field": key})
            return 0
        return number

    def coordinate(self, key: str, limit: int) -> decimal.Decimal | None:
        value = self.raw(key)
        if value is None:
            return None
        try:
            number = decimal.Decimal(str(value))
            if not number.is_finite() or abs(number) > limit:
                raise ValueError
        except (ValueError, decimal.InvalidOperation):
            self.error(_("“%(field)s” must be a number from -%(limit)s to %(limit)s.") % {"field": key, "limit": limit})
            return None
        return number.quantize(decimal.Decimal("0.000001"))

    def choice(self, key: str, choices, *, required: bool = False, default: str = "", label: str = "") -> str:
        value = self.raw(key)
        if value is None:
            if required:
                self.error(_("Missing required field “%(field)s”.") % {"field": key})
            return default
        allowed = [str(c) for c in choices.values]
        if value not in allowed:
            self.error(
                _("Unknown %(what)s “%(value)s”; use one of: %(allowed)s.")
                % {"what": label or key, "value": value, "allowed": ", ".join(allowed)}
            )
            return default
        return value

    def slug(self, key: str, *, required: bool = False) -> str:
        value = self.raw(key)
        if value is None:
            if required:
                self.error(_("Missing required field “%(field)s”.") % {"field": key})
            return ""
        if not isinstance(value, str) or not _is_slug(value):
            self.error(
                _("“%(field)s” must be a slug (letters, digits, hyphens), not “%(value)s”.")
                % {"field": key, "value": value}
            )
            return ""
        return value

    def slugs(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = _split(value)
        if not isinstance(value, list) or not all(isinstance(v, str) and _is_slug(v) for v in value):
            self.error(_("“%(field)s” must be a list of slugs.") % {"field": key})
            return []
        return list(dict.fromkeys(value))

    def url(self, key: str) -> str:
        value = self.text(key, max_length=500)
        if value:
            try:
                _validate_url(value)
            except ValidationError:
                self.error(_("“%(field)s” is not a valid web address.") % {"field": key})
                return ""
        return value

    def language(self, key: str = "language") -> str:
        value = self.text(key, max_length=12) or "en"
        if not _LANGUAGE.fullmatch(value):
            self.error(_("“%(field)s” must be a language code such as en, ru or kk.") % {"field": key})
        return value

    def dates_in_order(self, start_key: str, start, end_key: str, end) -> None:
        if start and end and end < start:
            self.error(
                _("“%(end_key)s” (%(end)s) is before “%(start_key)s” (%(start)s).")
                % {"end_key": end_key, "end": end.isoformat(), "start_key": start_key, "start": start.isoformat()}
            )

    def status(self) -> tuple[str, str]:
        status = self.choice("status", Status, default=Status.DRAFT, label=_("status"))
        note = self.text("retraction_note")
        if status == Status.RETRACTED and not note:
            self.error(_("A retracted entry needs a “retraction_note”."))
        return status, note


def _is_slug(value: str) -> bool:
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return len(value) <= 100


def _number(identifier: str, pattern: re.Pattern, prefix: str) -> int | None:
    match = pattern.fullmatch(identifier)
    if not match or not 0 < int(match[1]) <= _MAX_NUMBER or identifier != f"{prefix}-{int(match[1]):04d}":
        return None
    return int(match[1])


@dataclass(slots=True)
class _Xref:
    relation: str
    statement: str  # identifier, or ""
    testimony: str  # identifier, or ""
    note: str


@dataclass(slots=True)
class _Row:
    """A testimony row, validated field by field (references not yet resolved)."""

    line: int
    number: int | None
    identifier: str
    values: dict[str, Any]
    descriptor: str
    role: str
    place: str
    source: str
    tags: list[str]
    incidents: list[str]
    status: str
    published_at: datetime.datetime | None
    xrefs: list[_Xref]
    failed: bool = False


def _clean_testimony(data: Any, line: int, report: ImportReport) -> _Row | None:
    if isinstance(data, _Malformed):
        report.add_error(line, data.message)
        return None
    if not isinstance(data, dict):
        report.add_error(line, _("Each testimony must be a JSON object."))
        return None
    f = _Fields(data, line, report)
    identifier = f.text("identifier", max_length=20)
    number = None
    if identifier:
        number = _number(identifier, _TESTIMONY_ID, Testimony.IDENTIFIER_PREFIX)
        if number is None:
            f.error(
                _("“%(value)s” is not a testimony identifier (T- and at least four digits, e.g. T-0042).")
                % {"value": identifier}
            )
    values = {
        "title": f.text("title", required=True, max_length=200),
        "body": f.text("body", required=True),
        "language": f.language(),
        "translation": f.text("translation"),
    }
    witness = data.get("witness")
    if witness is not None and not isinstance(witness, dict):
        f.error(_("“witness” must be an object with a descriptor and a role."))
        witness = None
    wf = _Fields(witness or {}, line, report)
    descriptor = wf.text("descriptor", max_length=200)
    if not descriptor and not wf.failed:  # not missing, but refused: wf said why
        f.error(
            _("Missing required field “%(field)s”.")
            % {"field": "witness_descriptor" if report.format == "csv" else "witness.descriptor"}
        )
    role = ""
    if wf.raw("role") is None:
        f.error(
            _("Missing required field “%(field)s”.")
            % {"field": "witness_role" if report.format == "csv" else "witness.role"}
        )
    else:
        role = wf.choice("role", Witness.Role, label=_("witness role"))
    f.failed = f.failed or wf.failed
    date_start = f.date("date_start", required=True)
    date_end = f.date("date_end") if f.raw("date_end") is not None else date_start
    f.dates_in_order("date_start", date_start, "date_end", date_end)
    values.update(
        date_start=date_start,
        date_end=date_end,
        part_of_day=f.choice("part_of_day", PartOfDay, label=_("part of day")),
        is_date_approximate=f.boolean("is_date_approximate"),
        source_url=f.url("source_url"),
        source_published=f.date("source_published"),
        collected_on=f.date("collected_on"),
    )
    place = f.slug("place")
    source = f.slug("source")
    tags = f.slugs("tags")
    incidents = f.slugs("incidents")
    status, values["retraction_note"] = f.status()
    published_at = f.datetime("published_at") if report.format == "json" else None
    xrefs = _clean_xrefs(f, identifier) if report.format == "json" else []
    return _Row(
        line=line,
        number=number,
        identifier=identifier if number else "",
        values=values,
        descriptor=descriptor,
        role=role,
        place=place,
        source=source,
        tags=tags,
        incidents=incidents,
        status=status,
        published_at=published_at,
        xrefs=xrefs,
        failed=f.failed,
    )


def _clean_xrefs(f: _Fields, own_identifier: str) -> list[_Xref]:
    items = f.data.get("cross_references")
    if items in (None, ""):
        return []
    if not isinstance(items, list):
        f.error(_("“cross_references” must be a list."))
        return []
    xrefs, seen = [], set()
    for item in items:
        if not isinstance(item, dict):
            f.error(_("Each cross-reference must be an object."))
            continue
        x = _Fields(item, f.line, f.report)
        relation = x.choice("relation", CrossReference.Relation, required=True, label=_("relation"))
        statement = x.text("statement", max_length=20)
        testimony = x.text("testimony", max_length=20)
        note = x.text("note")
        if bool(statement) == bool(testimony):
            x.error(_("A cross-reference needs either a “statement” or a “testimony”, not both."))
        elif statement and _number(statement, _STATEMENT_ID, Statement.IDENTIFIER_PREFIX) is None:
            x.error(_("“%(value)s” is not a statement identifier (e.g. S-0007).") % {"value": statement})
        elif testimony and _number(testimony, _TESTIMONY_ID, Testimony.IDENTIFIER_PREFIX) is None:
            x.error(_("“%(value)s” is not a testimony identifier (e.g. T-0042).") % {"value": testimony})
        elif testimony and testimony == own_identifier:
            x.error(_("A testimony cannot cross-reference itself."))
        if not note:
            x.error(_("A cross-reference needs a “note” saying why the two are linked."))
        key = (relation, statement, testimony)
        if not x.failed and key in seen:
            x.error(_("The same cross-reference is listed twice."))
        seen.add(key)
        f.failed = f.failed or x.failed
        if not x.failed:
            xrefs.append(_Xref(relation, statement, testimony, note))
    return xrefs


# --- references ---------------------------------------------------------------------------------------------------


class _Lookup:
    """Key (slug or identifier) -> id for one model: the file's vocabulary, plus archive rows fetched on demand."""

    PLANNED = 0  # pass 1: an entry of the file's vocabulary that the import will create

    def __init__(self, model, key: str = "slug"):
        self.model, self.key = model, key
        self.ids: dict[str, int] = {}
        self.absent: set[str] = set()
        self.from_file: set[str] = set()

    def load(self, keys) -> None:
        wanted = [k for k in set(keys) if k and k not in self.ids and k not in self.absent]
        for start in range(0, len(wanted), BATCH_SIZE):
            chunk = wanted[start : start + BATCH_SIZE]
            found = dict(self.model._default_manager.filter(**{f"{self.key}__in": chunk}).values_list(self.key, "pk"))
            self.ids.update(found)
            self.absent.update(k for k in chunk if k not in found)

    def in_archive(self, key: str) -> bool:
        self.load([key])
        return key in self.ids and key not in self.from_file

    def get(self, key: str) -> int | None:
        self.load([key])
        return self.ids.get(key)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def add(self, key: str, pk: int) -> None:
        self.absent.discard(key)
        self.ids[key] = pk
        self.from_file.add(key)


class _NumberSet:
    """The testimony numbers met in the file: a bitmap (a million numbers cost 125 KB) with a set for outliers."""

    _BITMAP_LIMIT = 1 << 27  # at most 16 MB of bitmap

    def __init__(self):
        self.bits = bytearray()
        self.others: set[int] = set()
        self.highest = 0

    def __contains__(self, number: int) -> bool:
        if number < self._BITMAP_LIMIT:
            byte = number >> 3
            return byte < len(self.bits) and bool(self.bits[byte] & (1 << (number & 7)))
        return number in self.others

    def add(self, number: int) -> None:
        self.highest = max(self.highest, number)
        if number < self._BITMAP_LIMIT:
            byte = number >> 3
            if byte >= len(self.bits):
                self.bits.extend(bytes(max(byte + 1 - len(self.bits), len(self.bits))))
            self.bits[byte] |= 1 << (number & 7)
        else:
            self.others.add(number)


# --- the import -------------------------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]  # (phase "check" or "write", done, total)


class Importer:
    """Check a file, then write it in one transaction. ``check()`` alone is the dry run."""

    def __init__(
        self,
        path,
        fmt: str | None = None,
        *,
        publish: bool = False,
        user=None,
        progress: Progress | None = None,
        name: str | None = None,
    ):
        self.path = Path(path)
        self.name = name or self.path.name
        self.fmt = detect_format(self.name, fmt)
        self.publish = publish
        self.user = user if getattr(user, "pk", None) else None
        self.progress = progress
        self.report = ImportReport(format=self.fmt, publish=publish)
        self._reset_lookups()

    def _reset_lookups(self):
        self.lookups = {
            "places": _Lookup(Place),
            "tag_groups": _Lookup(TagGroup),
            "tags": _Lookup(Tag),
            "sources": _Lookup(Source),
            "actors": _Lookup(Actor),
            "incidents": _Lookup(Incident),
            "statements": _Lookup(Statement, "identifier"),
        }

    # pass 1 -----------------------------------------------------------------------------------------------------

    def check(self) -> ImportReport:
        report = self.report
        self._numbers = _NumberSet()
        self._forward: list[tuple[int, str]] = []  # (line, identifier) of cross-references not yet resolvable
        self._names: dict[str, set] = {"tag_groups": set(), "sources": set(), "tags": set()}
        batch: list[_Row] = []
        try:
            for record in self._records("check"):
                if record.section == "testimonies":
                    report.rows += 1
                    row = _clean_testimony(record.data, record.line, report)
                    if row is None:
                        continue
                    if row.number is not None:
                        if row.number in self._numbers:
                            report.add_error(
                                row.line,
                                _("Duplicate identifier “%(identifier)s”: it appears earlier in the file.")
                                % {"identifier": row.identifier},
                            )
                        self._numbers.add(row.number)
                    else:
                        report.new_identifiers += 1
                    batch.append(row)
                    if len(batch) >= BATCH_SIZE:
                        self._check_batch(batch)
                        batch = []
                elif record.section in VOCABULARY_SECTIONS:
                    self._check_vocabulary(record)
            self._check_batch(batch)
            self._check_forward_references()
        except FileProblem as problem:
            report.add_error(problem.line, problem.message)
        return report

    def _records(self, phase: str) -> Iterator[Record]:
        """The file's records after its header was checked; vocabulary must come before testimonies."""
        total = self.path.stat().st_size if phase == "check" else self.report.rows
        done = 0
        header: dict[str, Any] = {}
        seen_testimonies = False
        with self.path.open("rb") as fileobj:
            for record in open_records(fileobj, self.fmt):
                if record.section == "header":
                    header[record.data[0]] = record.data[1]
                    continue
                if self.fmt == "json" and not header.get("_checked"):
                    self._check_header(header, record.line)
                    header["_checked"] = True
                if record.section == "begin":
                    seen_testimonies = seen_testimonies or record.data == "testimonies"
                    continue
                if record.section in VOCABULARY_SECTIONS and seen_testimonies:
                    raise FileProblem(record.line, _("The vocabulary must come before the testimonies."))
                yield record
                if self.progress and record.section == "testimonies":
                    done += 1
                    if done % BATCH_SIZE == 0:
                        self.progress(phase, fileobj.tell() if phase == "check" else done, total)
            if self.fmt == "json" and not seen_testimonies:
                if not header.get("_checked"):
                    self._check_header(header, None)
                raise FileProblem(None, _("The file has no “testimonies” list."))
        if self.progress:
            self.progress(phase, total, total)

    def _check_header(self, header: dict, line: int | None) -> None:
        if header.get("format") != FORMAT_NAME:
            raise FileProblem(
                line,
                _("This is not a testimony-archive file (its “format” is not “%(name)s”).") % {"name": FORMAT_NAME},
            )
        if header.get("version") != FORMAT_VERSION:
            raise FileProblem(
                line,
                _("This file is in version %(version)s of the format; this archive reads version %(supported)s.")
                % {"version": header.get("version"), "supported": FORMAT_VERSION},
            )

    def _check_batch(self, batch: list[_Row]) -> None:
        if not batch:
            return
        report = self.report
        self._load_references(batch)
        numbers = [row.number for row in batch if row.number is not None]
        taken = set()
        if numbers:
            identifiers = [row.identifier for row in batch if row.number is not None]
            taken = set(
                Testimony.objects.filter(Q(number__in=numbers) | Q(identifier__in=identifiers)).values_list(
                    "number", flat=True
                )
            )
        for row in batch:
            if row.number in taken:
                report.add_error(
                    row.line,
                    _("Duplicate identifier “%(identifier)s”: the archive already has a testimony with it.")
                    % {"identifier": row.identifier},
                )
            self._check_references(row)
            report.cross_references += len(row.xrefs)
            if len(report.preview) < PREVIEW_ROWS:
                report.preview.append(
                    PreviewRow(
                        line=row.line,
                        identifier=row.identifier,
                        title=row.values["title"],
                        date_start=row.values["date_start"],
                        date_end=row.values["date_end"],
                        place=row.place,
                        witness=row.descriptor,
                        tags=row.tags,
                        status=self._status(row.status),
                    )
                )
        self._flush_query_log()

    def _load_references(self, batch: list[_Row]) -> None:
        lookups = self.lookups
        lookups["places"].load(row.place for row in batch)
        lookups["sources"].load(row.source for row in batch)
        lookups["tags"].load(slug for row in batch for slug in row.tags)
        lookups["incidents"].load(slug for row in batch for slug in row.incidents)
        lookups["statements"].load(x.statement for row in batch for x in row.xrefs)

    def _check_references(self, row: _Row) -> None:
        report, lookups = self.report, self.lookups
        for what, slugs, label in (
            ("places", [row.place], _("place")),
            ("sources", [row.source], _("source")),
            ("tags", row.tags, _("tag")),
            ("incidents", row.incidents, _("incident")),
        ):
            for slug in slugs:
                if slug and slug not in lookups[what]:
                    report.add_error(row.line, _("Unknown %(what)s “%(slug)s”.") % {"what": label, "slug": slug})
        for xref in row.xrefs:
            if xref.statement and xref.statement not in lookups["statements"]:
                report.add_error(row.line, _("Unknown statement “%(identifier)s”.") % {"identifier": xref.statement})
            if xref.testimony:
                number = _number(xref.testimony, _TESTIMONY_ID, Testimony.IDENTIFIER_PREFIX)
                if number not in self._numbers:
                    self._forward.append((row.line, xref.testimony))

    def _check_forward_references(self) -> None:
        unresolved = [
            (line, ident) for line, ident in self._forward if _number(ident, _TESTIMONY_ID, "T") not in self._numbers
        ]
        for start in range(0, len(unresolved), BATCH_SIZE):
            chunk = unresolved[start : start + BATCH_SIZE]
            found = set(
                Testimony.objects.filter(identifier__in=[i for _l, i in chunk]).values_list("identifier", flat=True)
            )
            for line, identifier in chunk:
                if identifier not in found:
                    self.report.add_error(
                        line, _("Unknown testimony “%(identifier)s” in a cross-reference.") % {"identifier": identifier}
                    )
        self._forward = []

    def _check_vocabulary(self, record: Record) -> None:
        section, line, data = record.section, record.line, record.data
        report = self.report
        if not isinstance(data, dict):
            report.add_error(line, _("Each entry of “%(section)s” must be a JSON object.") % {"section": section})
            return
        entry = _VOCABULARY[section](_Fields(data, line, report), self.lookups)
        if entry is None:
            return
        lookup = self.lookups[section]
        key = entry["key"]
        if key in lookup.from_file:
            report.add_error(line, _("“%(key)s” appears twice in “%(section)s”.") % {"key": key, "section": section})
            return
        if lookup.in_archive(key):
            report.existing[section] = report.existing.get(section, 0) + 1
            lookup.from_file.add(key)  # remembered as listed, but left as the archive has it
            return
        unique = entry.get("unique")
        if unique is not None:
            model = lookup.model
            if unique in self._names[section] or model.objects.filter(**entry["unique_filter"]).exists():
                report.add_error(line, entry["unique_message"])
                return
            self._names[section].add(unique)
        lookup.add(key, _Lookup.PLANNED)
        report.created[section] = report.created.get(section, 0) + 1

    def _status(self, status: str) -> str:
        """Drafts, unless the editor publishes: then published, or retracted when the file says so."""
        if not self.publish:
            return Status.DRAFT
        return Status.RETRACTED if status == Status.RETRACTED else Status.PUBLISHED

    def _flush_query_log(self) -> None:
        # With DEBUG on, Django keeps the last 9,000 queries: bulk inserts of whole accounts would hold gigabytes.
        if settings.DEBUG and not connection.force_debug_cursor:
            reset_queries()

    # pass 2 -----------------------------------------------------------------------------------------------------

    def run(self, *, dry_run: bool = False) -> ImportReport:
        """Check the file; unless it has errors or this is a dry run, write it all in one transaction."""
        report = self.check()
        if dry_run or not report.ok:
            return report
        self._reset_lookups()
        self._now = timezone.now()
        self._reason = _("Imported from %(name)s") % {"name": self.name}
        try:
            with transaction.atomic():
                self._write()
        except (DatabaseError, FileProblem) as exc:
            # Someone changed the archive between the check and the write (e.g. took an identifier), or the file
            # changed under us. Nothing was written: the transaction rolled back.
            report.add_error(None, _("Nothing was imported: the archive refused a row (%(detail)s).") % {"detail": exc})
            return report
        report.written = True
        return report

    def _write(self) -> None:
        floor = max(Testimony.objects.aggregate(m=Max("number"))["m"] or 0, self._numbers.highest)
        self._next_number = Counter.allocate("testimony", count=self.report.new_identifiers, floor=floor)
        self._first = self._last = None
        self._pending: list[tuple[int, _Xref]] = []  # cross-references to testimonies later in the file
        quiet = ImportReport(format=self.fmt, publish=self.publish)  # pass 2 re-validates; errors were pass 1's
        batch: list[_Row] = []
        for record in self._records("write"):
            if record.section == "testimonies":
                row = _clean_testimony(record.data, record.line, quiet)
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    self._write_batch(batch)
                    batch = []
            else:
                self._write_vocabulary(record)
        self._write_batch(batch)
        self._write_pending_references()
        statement_floor = Statement.objects.aggregate(m=Max("number"))["m"] or 0
        Counter.allocate("statement", count=0, floor=statement_floor)
        if quiet.error_count:  # cannot happen unless the file changed between the passes
            raise FileProblem(None, _("the file changed while it was being imported"))
        if self._first:
            self.report.created_identifiers = (self._first, self._last)

    def _write_batch(self, batch: list[_Row]) -> None:
        if not batch:
            return
        self._load_references(batch)
        lookups = self.lookups
        witnesses = Witness.objects.bulk_create([Witness(descriptor=row.descriptor, role=row.role) for row in batch])
        Witness.history.bulk_history_create(
            witnesses, default_user=self.user, default_change_reason=self._reason, default_date=self._now
        )
        testimonies = []
        for row, witness in zip(batch, witnesses, strict=True):
            number = row.number
            if number is None:
                number, self._next_number = self._next_number, self._next_number + 1
            status = self._status(row.status)
            published_at = None
            if status in PUBLIC_STATUSES:
                published_at = row.published_at or self._now
            testimonies.append(
                Testimony(
                    number=number,
                    identifier=Testimony.format_identifier(number),
                    witness=witness,
                    place_id=lookups["places"].get(row.place) if row.place else None,
                    source_id=lookups["sources"].get(row.source) if row.source else None,
                    status=status,
                    published_at=published_at,
                    created_by=self.user,
                    updated_by=self.user,
                    **row.values,
                )
            )
        testimonies = Testimony.objects.bulk_create(testimonies)
        self._first = self._first or testimonies[0].identifier
        self._last = testimonies[-1].identifier
        history = Testimony.history.bulk_history_create(
            testimonies, default_user=self.user, default_change_reason=self._reason, default_date=self._now
        )
        self._write_links(batch, testimonies, history)
        self._write_workflow(testimonies, history)
        self._write_references(batch, testimonies)
        search.reindex([t.pk for t in testimonies])
        summary.refresh_testimonies([t.pk for t in testimonies])
        self._flush_query_log()

    def _write_links(self, batch, testimonies, history) -> None:
        lookups = self.lookups
        for attr, what, column in (("tags", "tags", "tag_id"), ("incidents", "incidents", "incident_id")):
            through = getattr(Testimony, attr).through
            historical_through = apps.get_model("testimony", f"HistoricalTestimony_{attr}")
            links, records = [], []
            for row, testimony, past in zip(batch, testimonies, history, strict=True):
                for slug in getattr(row, attr):
                    links.append(through(testimony_id=testimony.pk, **{column: lookups[what].get(slug)}))
                    records.append(past.pk)
            links = through.objects.bulk_create(links)
            # The history's copy of each link row keeps the link's own id, as simple-history does on save.
            historical_through.objects.bulk_create(
                historical_through(
                    id=link.pk, history_id=record, testimony_id=link.testimony_id, **{column: getattr(link, column)}
                )
                for link, record in zip(links, records, strict=True)
            )

    def _write_workflow(self, testimonies, history) -> None:
        """The workflow event of each new testimony and, for published ones, its public revision 1."""
        WorkflowEvent.objects.bulk_create(
            WorkflowEvent(
                testimony_id=t.pk,
                from_status="",
                to_status=t.status,
                comment=self._reason,
                user=self.user,
                created=self._now,
            )
            for t in testimonies
        )
        Revision.objects.bulk_create(
            Revision(
                testimony_id=t.pk, number=1, record_id=past.pk, published=t.published_at, summary=_("First published.")
            )
            for t, past in zip(testimonies, history, strict=True)
            if t.status in PUBLIC_STATUSES
        )

    def _write_references(self, batch, testimonies) -> None:
        targets = {x.testimony for row in batch for x in row.xrefs if x.testimony}
        found = (
            dict(Testimony.objects.filter(identifier__in=targets).values_list("identifier", "pk")) if targets else {}
        )
        xrefs = []
        for row, testimony in zip(batch, testimonies, strict=True):
            for x in row.xrefs:
                if x.testimony and x.testimony not in found:
                    self._pending.append((testimony.pk, x))
                    continue
                xrefs.append(self._xref(testimony.pk, x, found))
        self._create_xrefs(xrefs)

    def _xref(self, testimony_id: int, x: _Xref, found: dict[str, int]) -> CrossReference:
        return CrossReference(
            testimony_id=testimony_id,
            relation=x.relation,
            statement_id=self.lookups["statements"].get(x.statement) if x.statement else None,
            other_testimony_id=found[x.testimony] if x.testimony else None,
            note=x.note,
            created_by=self.user,
        )

    def _create_xrefs(self, xrefs: list[CrossReference]) -> None:
        if xrefs:
            xrefs = CrossReference.objects.bulk_create(xrefs)
            CrossReference.history.bulk_history_create(
                xrefs, default_user=self.user, default_change_reason=self._reason, default_date=self._now
            )

    def _write_pending_references(self) -> None:
        for start in range(0, len(self._pending), BATCH_SIZE):
            chunk = self._pending[start : start + BATCH_SIZE]
            found = dict(
                Testimony.objects.filter(identifier__in={x.testimony for _pk, x in chunk}).values_list(
                    "identifier", "pk"
                )
            )
            self._create_xrefs([self._xref(pk, x, found) for pk, x in chunk])
        self._pending = []

    def _write_vocabulary(self, record: Record) -> None:
        section = record.section
        lookup = self.lookups[section]
        entry = _VOCABULARY[section](_Fields(record.data, record.line, ImportReport(format=self.fmt)), self.lookups)
        if lookup.get(entry["key"]) is not None:
            return  # in the archive already: used as it is
        obj = entry["build"]()
        if section == "statements":
            obj.status = self._status(obj.status)
            if obj.status not in PUBLIC_STATUSES:
                obj.published_at = None
            obj.created_by = obj.updated_by = self.user
        obj._history_user = self.user
        obj._change_reason = self._reason
        obj.save()
        if section == "statements" and entry["incidents"]:
            obj.incidents.set([self.lookups["incidents"].get(slug) for slug in entry["incidents"]])
        lookup.add(entry["key"], obj.pk)


# --- vocabulary entries -----------------------------------------------------------------------------------------
# Each reader validates one entry and returns {"key", "build" (a callable making the unsaved row, pass 2 only), and
# for models with a unique name: "unique", "unique_filter", "unique_message"}; None when the entry cannot be used.


def _reference(f: _Fields, lookups, key: str, what: str, label: str, *, required: bool = False) -> str:
    slug = f.slug(key, required=required)
    if slug and slug not in lookups[what]:
        f.error(_("Unknown %(what)s “%(slug)s”.") % {"what": label, "slug": slug})
    return slug


def _place(f: _Fields, lookups):
    slug = f.slug("slug", required=True)
    name = f.text("name", required=True, max_length=200)
    other_names = f.text("other_names", max_length=300)
    kind = f.choice("kind", Place.Kind, required=True, label=_("place kind"))
    parent = _reference(f, lookups, "parent", "places", _("parent place"))
    latitude = f.coordinate("latitude", 90)
    longitude = f.coordinate("longitude", 180)
    if f.failed:
        return None
    return {
        "key": slug,
        "build": lambda: Place(
            slug=slug,
            name=name,
            other_names=other_names,
            kind=kind,
            parent_id=lookups["places"].get(parent) if parent else None,
            latitude=latitude,
            longitude=longitude,
        ),
    }


def _tag_group(f: _Fields, lookups):
    slug = f.slug("slug", required=True)
    name = f.text("name", required=True, max_length=100)
    description = f.text("description")
    position = f.integer("position")
    if f.failed:
        return None
    return {
        "key": slug,
        "unique": name,
        "unique_filter": {"name": name},
        "unique_message": _("Another tag group is already called “%(name)s”.") % {"name": name},
        "build": lambda: TagGroup(slug=slug, name=name, description=description, position=position),
    }


def _tag(f: _Fields, lookups):
    slug = f.slug("slug", required=True)
    group = _reference(f, lookups, "group", "tag_groups", _("tag group"), required=True)
    name = f.text("name", required=True, max_length=100)
    definition = f.text("definition", required=True)
    position = f.integer("position")
    if f.failed:
        return None
    return {
        "key": slug,
        "unique": (group, name),
        "unique_filter": {"group__slug": group, "name": name},
        "unique_message": _("The tag group “%(group)s” already has a tag called “%(name)s”.")
        % {"group": group, "name": name},
        "build": lambda: Tag(
            slug=slug, group_id=lookups["tag_groups"].get(group), name=name, definition=definition, position=position
        ),
    }


def _source(f: _Fields, lookups):
    slug = f.slug("slug", required=True)
    name = f.text("name", required=True, max_length=200)
    kind = f.choice("kind", Source.Kind, default=Source.Kind.PUBLICATION, label=_("source kind"))
    url = f.url("url")
    description = f.text("description")
    if f.failed:
        return None
    return {
        "key": slug,
        "unique": name,
        "unique_filter": {"name": name},
        "unique_message": _("Another source is already called “%(name)s”.") % {"name": name},
        "build": lambda: Source(slug=slug, name=name, kind=kind, url=url, description=description),
    }


def _actor(f: _Fields, lookups):
    slug = f.slug("slug", required=True)
    name = f.text("name", required=True, max_length=200)
    kind = f.choice("kind", Actor.Kind, required=True, label=_("actor kind"))
    office = f.text("office", max_length=200)
    description = f.text("description")
    if f.failed:
        return None
    return {
        "key": slug,
        "build": lambda: Actor(slug=slug, name=name, kind=kind, office=office, description=description),
    }


def _incident(f: _Fields, lookups):
    slug = f.slug("slug", required=True)
    name = f.text("name", required=True, max_length=200)
    date_start = f.date("date_start", required=True)
    date_end = f.date("date_end", required=True)
    f.dates_in_order("date_start", date_start, "date_end", date_end)
    approximate = f.boolean("is_date_approximate")
    place = _reference(f, lookups, "place", "places", _("place"))
    description = f.text("description")
    if f.failed:
        return None
    return {
        "key": slug,
        "build": lambda: Incident(
            slug=slug,
            name=name,
            date_start=date_start,
            date_end=date_end,
            is_date_approximate=approximate,
            place_id=lookups["places"].get(place) if place else None,
            description=description,
        ),
    }


def _statement(f: _Fields, lookups):
    identifier = f.text("identifier", required=True, max_length=20)
    number = _number(identifier, _STATEMENT_ID, Statement.IDENTIFIER_PREFIX) if identifier else None
    if identifier and number is None:
        f.error(_("“%(value)s” is not a statement identifier (e.g. S-0007).") % {"value": identifier})
    actor = _reference(f, lookups, "actor", "actors", _("actor"), required=True)
    made_on = f.date("made_on", required=True)
    approximate = f.boolean("is_date_approximate")
    claim = f.text("claim", required=True, max_length=300)
    quote = f.text("quote")
    language = f.language()
    source = _reference(f, lookups, "source", "sources", _("source"))
    source_url = f.url("source_url")
    incidents = f.slugs("incidents")
    for slug in incidents:
        if slug not in lookups["incidents"]:
            f.error(_("Unknown %(what)s “%(slug)s”.") % {"what": _("incident"), "slug": slug})
    status, retraction_note = f.status()
    published_at = f.datetime("published_at")
    if f.failed:
        return None

    def build():
        statement = Statement(
            number=number,
            identifier=identifier,
            actor_id=lookups["actors"].get(actor),
            made_on=made_on,
            is_date_approximate=approximate,
            claim=claim,
            quote=quote,
            language=language,
            source_id=lookups["sources"].get(source) if source else None,
            source_url=source_url,
            status=status,
            retraction_note=retraction_note,
        )
        statement.published_at = published_at
        return statement

    return {"key": identifier, "incidents": incidents, "build": build}


_VOCABULARY = {
    "places": _place,
    "tag_groups": _tag_group,
    "tags": _tag,
    "sources": _source,
    "actors": _actor,
    "incidents": _incident,
    "statements": _statement,
}


def import_file(path, fmt: str | None = None, *, publish=False, user=None, dry_run=False, progress=None, name=None):
    """Check a file and, when every row is valid and this is not a dry run, import it in one transaction."""
    return Importer(path, fmt, publish=publish, user=user, progress=progress, name=name).run(dry_run=dry_run)

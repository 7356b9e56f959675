"""The archive's interchange format, written: the JSON and CSV exports of public testimonies.

``testimony.importing`` reads the same format back; export then import into an empty archive reproduces the same
public pages.

JSON: one UTF-8 document whose head (format, version, exported, source_url) sits on the first line, then the
vocabulary (places parents first, tag groups, tags, sources, actors, incidents, public statements), one row a line,
then the testimonies, one a line, each with its witness's public descriptor and role, its tags and incidents by slug
and its public cross-references. A reader can parse it whole or line by line.

CSV: a header row (``CSV_COLUMNS``), then one testimony a row; slugs joined with ``;``, booleans ``true``/``false``,
dates YYYY-MM-DD; no vocabulary and no cross-references. A cell that a spreadsheet would run as a formula gets one
leading apostrophe (``csv_escape``), which the importer removes (``csv_unescape``).

Both writers are generators of text chunks. They walk the queryset with ``iterator(chunk_size=...)`` and ask for
each chunk's incidents (and, for JSON, cross-references) in one query each, so memory stays flat and the number of
queries grows with the number of chunks, never with rows. Every field written comes from ``testimony.public``; a
row's tags are named from its copy of its tag links (``Testimony.tag_ids``, as the list's cards name them).
"""

import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from . import public
from .models import Actor, CrossReference, Incident, Place, Source, Statement, Tag, TagGroup, Testimony
from .search import tag_ids_in

FORMAT_NAME = "testimony-archive"
FORMAT_VERSION = 1
CHUNK_SIZE = 500
# Rows are gathered this many at a time before they are handed to the response.
ROWS_PER_WRITE = 100

CSV_COLUMNS = (
    "identifier",
    "title",
    "body",
    "language",
    "translation",
    "witness_descriptor",
    "witness_role",
    "date_start",
    "date_end",
    "part_of_day",
    "is_date_approximate",
    "place",
    "source",
    "source_url",
    "source_published",
    "collected_on",
    "tags",
    "incidents",
    "status",
    "retraction_note",
    "url",
)

UrlFor = Callable[[str], str]

# OWASP "CSV Injection": a spreadsheet runs a cell that begins with = + - @ tab or carriage return as a formula. Such a
# cell is written with one more leading apostrophe, and so is one that begins with apostrophes followed by one of
# them (a body that really begins with "'=" is written "''="), so the reader can always remove exactly one.
_CSV_FORMULA = re.compile(r"'*[=+\-@\t\r]")
# The characters such a cell can begin with: most cells begin with none of them and skip the pattern.
_CSV_FORMULA_FIRST = frozenset("'=+-@\t\r")


def csv_escape(text: str) -> str:
    """A CSV cell no spreadsheet runs as a formula. ``csv_unescape`` gives ``text`` back exactly."""
    return "'" + text if text[:1] in _CSV_FORMULA_FIRST and _CSV_FORMULA.match(text) else text


def csv_unescape(cell: str) -> str:
    """The text of a CSV cell written by ``csv_escape``. A cell it could not have written stays as it is."""
    return cell[1:] if cell.startswith("'") and _CSV_FORMULA.match(cell) else cell


def cross_reference_record(*, relation: str, statement: str | None, other_testimony: str | None, note: str) -> dict:
    """One public cross-reference as the JSON export writes it: to a statement or to another testimony, by
    identifier."""
    record = {"relation": relation}
    if statement:
        record["statement"] = statement
    else:
        record["testimony"] = other_testimony
    record["note"] = note
    return record


def _cross_references(ids) -> dict[int, list[dict]]:
    """``{testimony id: [records]}``: the public cross-references from these testimonies, in the links' own order
    (relation, then id). One query."""
    links = (
        CrossReference.objects.public()
        .filter(testimony_id__any_of=ids)
        .order_by("testimony_id", *CrossReference._meta.ordering)
        .values_list("testimony_id", "relation", "statement__identifier", "other_testimony__identifier", "note")
    )
    found = {}
    for testimony_id, relation, statement, other_testimony, note in links:
        record = cross_reference_record(
            relation=relation, statement=statement, other_testimony=other_testimony, note=note
        )
        found.setdefault(testimony_id, []).append(record)
    return found


# A testimony's many-to-many links, which the writers bring themselves rather than through each row: its tags (named
# from its copy of their ids) and its incidents (asked per chunk), by slug.
_LINKED = ("tags", "incidents")


def testimony_record(testimony, url: str, *, tags: list, incidents: list, cross_references: list) -> dict:
    """One testimony as the JSON export writes it: identifier and permalink first, then its public fields in
    allow-list order (its witness's public fields, its place and source by slug, ``tags`` and ``incidents`` as lists
    of slugs), then its public ``cross_references`` (records of ``cross_reference_record``)."""
    values = public.public_values(testimony, exclude=_LINKED)
    linked = {"tags": tags, "incidents": incidents}
    data = {name: linked[name] if name in linked else values[name] for name in public.PUBLIC_FIELDS[Testimony]}
    return {"identifier": data.pop("identifier"), "url": url, **data, "cross_references": cross_references}


def _csv_value(value) -> str:
    """One CSV cell of any value, for a column whose field no cell maker knows (``_cell_maker``). It goes through
    ``csv_escape``: identifiers, dates, booleans, language codes, choices and http(s) URLs never begin with a formula
    character, so only free text, and a slug beginning with "-", changes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(value)
    return csv_escape(value)


def vocabulary() -> Iterator[tuple[str, Iterator[dict]]]:
    """The public vocabulary, family by family, each row as a dict. One query per family (two for statements)."""
    yield "places", _records(Place.objects.select_related("parent").order_by("path"))
    yield "tag_groups", _records(TagGroup.objects.all())
    yield "tags", _records(Tag.objects.select_related("group"))
    yield "sources", _records(Source.objects.all())
    yield "actors", _records(Actor.objects.all())
    yield "incidents", _records(Incident.objects.select_related("place"))
    statements = (
        Statement.objects.public()
        .select_related("actor", "source")
        .prefetch_related(Prefetch("incidents", queryset=Incident.objects.only("id", "slug")))
        .order_by("number")
    )
    yield "statements", _records(statements)


def _records(qs):
    for row in qs.iterator(chunk_size=CHUNK_SIZE):
        yield public.public_values(row)


def _dumps(data) -> str:
    # ensure_ascii=False: the file is UTF-8 and Cyrillic stays readable. Newlines in text are escaped by json.
    return json.dumps(data, ensure_ascii=False)


def json_chunks(
    testimonies: QuerySet,
    *,
    url_for: UrlFor,
    source_url: str = "",
    exported=None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[str]:
    """The JSON export of ``testimonies`` (already public and filtered) as text chunks.

    ``url_for(identifier)`` gives a testimony's permalink; ``source_url`` is the address the export was made from.
    """
    head = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported": public.encode(exported or timezone.now()),
        "source_url": source_url,
    }
    yield _dumps(head)[:-1] + ",\n"
    yield ' "vocabulary": {\n'
    first_family = True
    for family, records in vocabulary():
        lines = [_dumps(record) for record in records]
        separator = "" if first_family else ",\n"
        first_family = False
        if lines:
            yield f"{separator}   {_dumps(family)}: [\n    " + ",\n    ".join(lines) + "\n   ]"
        else:
            yield f"{separator}   {_dumps(family)}: []"
    yield '\n },\n "testimonies": [\n'
    rows = (
        testimonies.select_related("witness", "place", "source")
        .only(*public.testimony_load_fields(), "tag_ids")
        .iterator(chunk_size=chunk_size)
    )
    tags_of = _TagSlugs()
    separator = ""
    lines = []
    while batch := list(itertools.islice(rows, chunk_size)):
        ids = [testimony.pk for testimony in batch]
        incidents, links = _incident_slugs(ids), _cross_references(ids)
        for count, testimony in enumerate(batch, start=1):
            record = testimony_record(
                testimony,
                url_for(testimony.identifier),
                tags=tags_of.slugs(testimony.tag_ids),
                incidents=incidents.get(testimony.pk, []),
                cross_references=links.get(testimony.pk, []),
            )
            lines.append(separator + _dumps(record))
            separator = ",\n"
            if count % ROWS_PER_WRITE == 0:
                yield "".join(lines)
                lines = []
        if lines:  # the chunk's last rows: nothing waits for the next chunk, whatever chunk_size is
            yield "".join(lines)
            lines = []
    lines.append("\n]}\n")
    yield "".join(lines)


# Where each CSV column is read from (``values_list``): every one a public field of testimony.public, or the
# permalink. Reading plain values, not model instances, is what lets 10,000 rows stream in well under a second.
_CSV_SOURCES = {
    "identifier": "identifier",
    "title": "title",
    "body": "body",
    "language": "language",
    "translation": "translation",
    "witness_descriptor": "witness__descriptor",
    "witness_role": "witness__role",
    "date_start": "date_start",
    "date_end": "date_end",
    "part_of_day": "part_of_day",
    "is_date_approximate": "is_date_approximate",
    "place": "place__slug",
    "source": "source__slug",
    "source_url": "source_url",
    "source_published": "source_published",
    "collected_on": "collected_on",
    "status": "status",
    "retraction_note": "retraction_note",
}


def _field_at(path: str) -> models.Field:
    """The model field a ``_CSV_SOURCES`` path reads: a testimony's own, or one of the row it points to."""
    head, _, tail = path.partition("__")
    field = Testimony._meta.get_field(head)
    return field.related_model._meta.get_field(tail) if tail else field


def _check_csv_sources():
    for column, path in _CSV_SOURCES.items():
        field = _field_at(path)
        assert field.name in public.PUBLIC_FIELDS[field.model], column
        assert path.partition("__")[0] in public.PUBLIC_FIELDS[Testimony], column
    missing = set(CSV_COLUMNS) - set(_CSV_SOURCES) - {"tags", "incidents", "url"}
    assert not missing, missing


_check_csv_sources()


def _text_cell(value) -> str:
    return "" if value is None else csv_escape(value)


def _date_cell(value) -> str:
    return "" if value is None else value.isoformat()  # YYYY-MM-DD never begins with a formula character


def _boolean_cell(value) -> str:
    return "" if value is None else ("true" if value else "false")


def _any_cell(value) -> str:
    return _csv_value(public.encode(value))


def _cell_maker(path: str) -> Callable[[object], str]:
    """How one column's values become cells, chosen once from its model field: the same cell ``_csv_value`` makes
    of the value, without asking every value its type."""
    field = _field_at(path)
    if isinstance(field, models.BooleanField):
        return _boolean_cell
    if isinstance(field, models.DateTimeField):
        return _any_cell
    if isinstance(field, models.DateField):
        return _date_cell
    if isinstance(field, (models.CharField, models.TextField)):
        return _text_cell
    return _any_cell


def _read_cell(position: int, make: Callable[[object], str]):
    return lambda row, incidents: make(row[position])


def _incident_slugs(ids) -> dict[int, list[str]]:
    """``{testimony id: [incident slugs]}`` for these testimonies, in the incidents' own order. One query."""
    through = Testimony.incidents.through
    ordering = [f"incident__{field}" for field in Incident._meta.ordering]
    rows = through.objects.filter(testimony_id__any_of=ids).order_by("testimony_id", *ordering)
    found = {}
    for testimony_id, slug in rows.values_list("testimony_id", "incident__slug"):
        found.setdefault(testimony_id, []).append(slug)
    return found


class _TagSlugs:
    """A row's tags as the exports name them, from its copy of its tag links (``tag_ids``, ",3,5,"), in the tags' own
    order: one query for every tag's slug, none per row or chunk. The copy changes with the links, in the same
    transaction (``search.refresh_tag_ids``). ``facets.Vocabulary.tags_named`` does the same for the pages, from
    the vocabulary each process keeps; an export reads the slugs afresh."""

    def __init__(self):
        self._slugs = list(Tag.objects.values_list("pk", "slug"))  # in Tag's ordering
        self._cells: dict[str, str] = {}

    def slugs(self, tag_ids: str) -> list[str]:
        """The slugs of the tags ``tag_ids`` names, in the tags' order; an id with no tag names nothing."""
        held = set(tag_ids_in(tag_ids))
        return [slug for pk, slug in self._slugs if pk in held] if held else []

    def cell(self, tag_ids: str) -> str:
        """The CSV cell: the slugs joined with ";", made once for each combination of tags the rows carry."""
        cell = self._cells.get(tag_ids)
        if cell is None:
            cell = self._cells[tag_ids] = csv_escape(";".join(self.slugs(tag_ids)))
        return cell


def csv_chunks(testimonies: QuerySet, *, url_for: UrlFor, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The CSV export of ``testimonies`` (already public and filtered) as text chunks: the header row, then rows.

    One query for the tags' slugs; then per chunk of ``chunk_size`` rows their public values (one query through a
    server-side cursor) and their incidents (one query). Plain tuples, no model instances.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    tags_of = _TagSlugs()
    # Each row read: pk, tag_ids, then the columns' sources in _CSV_SOURCES order.
    rows = testimonies.values_list("pk", "tag_ids", *_CSV_SOURCES.values()).iterator(chunk_size=chunk_size)
    at = {column: position for position, column in enumerate(_CSV_SOURCES, start=2)}
    # Each column's cell, made from the row (and its chunk's incidents): read and made by the column's own maker,
    # or, for the three not read as they are, computed.
    cell_of = {column: _read_cell(at[column], _cell_maker(path)) for column, path in _CSV_SOURCES.items()}
    cell_of["url"] = lambda row, incidents: csv_escape(url_for(row[at["identifier"]]))
    cell_of["tags"] = lambda row, incidents: tags_of.cell(row[1])
    cell_of["incidents"] = lambda row, incidents: csv_escape(";".join(incidents.get(row[0], ())))
    cells = [cell_of[column] for column in CSV_COLUMNS]
    while batch := list(itertools.islice(rows, chunk_size)):
        incidents = _incident_slugs([row[0] for row in batch])
        for count, row in enumerate(batch, start=1):
            record = [cell(row, incidents) for cell in cells]
            writer.writerow(record)
            if count % ROWS_PER_WRITE == 0:
                yield flush()
        tail = flush()
        if tail:
            yield tail

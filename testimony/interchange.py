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

Both writers are generators of text chunks. They walk the queryset with ``iterator(chunk_size=...)`` and prefetch
per chunk, so memory stays flat and the number of queries grows with the number of chunks, never with rows. Every
field written comes from ``testimony.public``; the CSV names a row's tags from its copy of its tag links
(``Testimony.tag_ids``, as the list's cards do).
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


def export_queryset(testimonies: QuerySet, *, cross_references: bool = True) -> QuerySet:
    """The loading plan of an export: public columns only, the joins, then tags, incidents and public links.

    Costs, per chunk of rows: one query, plus one each for tags, incidents and (for JSON) cross-references.
    """
    qs = (
        testimonies.select_related("witness", "place", "source")
        .only(*public.testimony_load_fields())
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("id", "slug")),
            Prefetch("incidents", queryset=Incident.objects.only("id", "slug")),
        )
    )
    if cross_references:
        links = (
            CrossReference.objects.public()
            .select_related("statement", "other_testimony")
            .only("id", "testimony_id", "relation", "note", "statement__identifier", "other_testimony__identifier")
        )
        qs = qs.prefetch_related(Prefetch("cross_references", queryset=links))
    return qs


def cross_reference_record(link) -> dict:
    data = public.public_values(link)
    record = {"relation": data["relation"]}
    if data["statement"]:
        record["statement"] = data["statement"]
    else:
        record["testimony"] = data["other_testimony"]
    record["note"] = data["note"]
    return record


def testimony_record(testimony, url: str, *, with_cross_references: bool = True) -> dict:
    """One testimony in the interchange format (the JSON export's line)."""
    data = public.public_values(testimony)
    record = {"identifier": data.pop("identifier"), "url": url, **data}
    if with_cross_references:
        record["cross_references"] = [cross_reference_record(link) for link in testimony.cross_references.all()]
    return record


def _csv_value(value) -> str:
    """One CSV cell of any value (``csv_row``). It goes through ``csv_escape``: identifiers, dates, booleans, language
    codes, choices and http(s) URLs never begin with a formula character, so only free text, and a slug beginning
    with "-", changes. ``csv_chunks`` makes the same cells with a maker chosen per column (``_cell_maker``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(value)
    return csv_escape(value)


def csv_row(testimony, url: str) -> list:
    data = testimony_record(testimony, url, with_cross_references=False)
    witness = data.pop("witness")
    data["witness_descriptor"] = witness["descriptor"]
    data["witness_role"] = witness["role"]
    return [_csv_value(data[column]) for column in CSV_COLUMNS]


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
    rows = export_queryset(testimonies).iterator(chunk_size=chunk_size)
    separator = ""
    batch = []
    for count, testimony in enumerate(rows, start=1):
        batch.append(separator + _dumps(testimony_record(testimony, url_for(testimony.identifier))))
        separator = ",\n"
        if count % ROWS_PER_WRITE == 0:
            yield "".join(batch)
            batch = []
    batch.append("\n]}\n")
    yield "".join(batch)


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
    """A row's tags as the CSV names them, from its copy of its tag links (``tag_ids``, ",3,5,"), in the tags' own
    order: one query for every tag's slug, none per row or chunk. The copy changes with the links, in the same
    transaction (``search.refresh_tag_ids``). ``facets.Vocabulary.tags_named`` does the same for the pages, from
    the vocabulary each process keeps; an export reads the slugs afresh."""

    def __init__(self):
        self._slugs = list(Tag.objects.values_list("pk", "slug"))  # in Tag's ordering
        self._known: dict[str, str] = {}

    def __call__(self, tag_ids: str) -> str:
        cell = self._known.get(tag_ids)
        if cell is None:
            held = set(tag_ids_in(tag_ids))
            cell = csv_escape(";".join(slug for pk, slug in self._slugs if pk in held))
            self._known[tag_ids] = cell  # one per combination of tags the rows carry: few
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
    cell_of["tags"] = lambda row, incidents: tags_of(row[1])
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

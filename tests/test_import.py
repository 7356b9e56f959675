"""Importing CSV and JSON (testimony.importing): all or nothing, every error reported by its line."""

import csv
import datetime
import io
import json

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError
from django.urls import reverse

from testimony import importing, search
from testimony.models import (
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

from . import factories
from .interchange_files import csv_row, json_testimony, json_text, line_of, write_csv, write_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def almaty(db):
    country = factories.make_place("Kazakhstan", kind=Place.Kind.COUNTRY, slug="kazakhstan")
    return factories.make_place("Almaty", parent=country, kind=Place.Kind.CITY, slug="almaty")


@pytest.fixture
def bne(db):
    return factories.make_source("bne IntelliNews", slug="bne")


@pytest.fixture
def square(db):
    return factories.make_incident("Shooting on Republic Square", slug="square-shooting")


def messages(report):
    return [str(error) for error in report.sorted_errors()]


def nothing_written():
    return not Testimony.objects.exists() and not Witness.objects.exists() and not CrossReference.objects.exists()


# --- the thousand rows -----------------------------------------------------------------------------------------


def test_thousand_row_csv_with_one_bad_row_writes_nothing_and_names_the_line(tmp_path, almaty, editor):
    rows = [csv_row(title=f"Account {i}", place="almaty", tags="first-hand") for i in range(1000)]
    # Line 1 is the header, so the row on line 734 is rows[732].
    rows[732].update(date_start="2022-01-06", date_end="2022-01-04")
    path = write_csv(tmp_path / "batch.csv", rows)

    report = importing.import_file(path, user=editor)

    assert report.rows == 1000
    assert messages(report) == ["Line 734: “date_end” (2022-01-04) is before “date_start” (2022-01-06)."]
    assert not report.written
    assert nothing_written()
    assert not Counter.objects.filter(name="testimony", value__gt=0).exists()


def test_thousand_valid_csv_rows_are_imported_as_drafts_in_one_go(tmp_path, almaty, editor):
    rows = [csv_row(title=f"Account {i}", place="almaty", tags="first-hand;photo") for i in range(1000)]
    path = write_csv(tmp_path / "batch.csv", rows)

    report = importing.import_file(path, user=editor)

    assert report.ok and report.written
    assert Testimony.objects.count() == 1000
    assert Witness.objects.count() == 1000
    assert set(Testimony.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert not Testimony.objects.public().exists()
    assert Testimony.tags.through.objects.count() == 2000
    assert report.created_identifiers == ("T-0001", "T-1000")


# --- CSV --------------------------------------------------------------------------------------------------------


def test_csv_import_keeps_identifiers_and_allocates_the_missing_ones(tmp_path, almaty, bne, square, editor):
    factories.make_testimony("Already here")  # T-0001
    rows = [
        csv_row(identifier="T-0040", title="Kept", place="almaty", source="bne", incidents="square-shooting"),
        csv_row(title="Allocated", tags="first-hand"),
    ]
    path = write_csv(tmp_path / "batch.csv", rows)

    report = importing.import_file(path, user=editor)

    assert report.ok, messages(report)
    kept = Testimony.objects.get(identifier="T-0040")
    assert (kept.title, kept.place, kept.source, list(kept.incidents.all())) == ("Kept", almaty, bne, [square])
    allocated = Testimony.objects.get(title="Allocated")
    assert allocated.identifier == "T-0041"
    assert [t.slug for t in allocated.tags.all()] == ["first-hand"]
    assert allocated.witness.descriptor == "taxi driver" and allocated.witness.role == Witness.Role.DRIVER
    # The next testimony an editor writes never reuses an identifier.
    assert factories.make_testimony("Written later").identifier == "T-0042"


def test_imported_testimonies_have_history_workflow_events_and_search(tmp_path, editor):
    path = write_csv(tmp_path / "batch.csv", [csv_row(title="Balaclavas handed out vodka")])

    importing.import_file(path, user=editor)

    testimony = Testimony.objects.get()
    record = Testimony.history.get(id=testimony.pk)
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        editor,
        "Imported from batch.csv",
    )
    assert Witness.history.filter(id=testimony.witness_id).count() == 1
    event = WorkflowEvent.objects.get(testimony=testimony)
    assert (event.from_status, event.to_status, event.user) == ("", Status.DRAFT, editor)
    assert testimony.created_by == editor
    assert list(search.search(Testimony.objects.all(), "balaclavas")) == [testimony]


def test_publish_on_import_publishes_and_gives_revision_one(tmp_path, client):
    rows = [
        csv_row(title="Published on import"),
        csv_row(title="Withdrawn", status="retracted", retraction_note="Source withdrew it."),
    ]
    path = write_csv(tmp_path / "batch.csv", rows)

    report = importing.import_file(path, publish=True)

    assert report.ok and report.written
    published = Testimony.objects.get(title="Published on import")
    assert published.status == Status.PUBLISHED and published.published_at is not None
    assert Testimony.objects.get(title="Withdrawn").status == Status.RETRACTED
    assert Revision.objects.get(testimony=published).number == 1
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert "Published on import" in response.text


def test_dry_run_reports_what_would_be_created_and_writes_nothing(tmp_path, almaty):
    rows = [csv_row(title=f"Account {i}", place="almaty", identifier="T-0007" if i == 0 else "") for i in range(30)]
    path = write_csv(tmp_path / "batch.csv", rows)

    report = importing.import_file(path, dry_run=True)

    assert report.ok and not report.written
    assert (report.rows, report.kept_identifiers, report.new_identifiers) == (30, 1, 29)
    assert len(report.preview) == importing.PREVIEW_ROWS
    first = report.preview[0]
    assert (first.line, first.identifier, first.title, first.place, first.status) == (
        2,
        "T-0007",
        "Account 0",
        "almaty",
        Status.DRAFT,
    )
    assert nothing_written()


def test_csv_rows_spanning_lines_are_reported_at_their_first_line(tmp_path):
    rows = [csv_row(body="First paragraph.\n\nSecond paragraph."), csv_row(witness_role="pilot")]
    path = write_csv(tmp_path / "batch.csv", rows)

    report = importing.import_file(path)

    assert messages(report) == [
        "Line 5: Unknown witness role “pilot”; use one of: resident, protester, driver, medical, journalist, "
        "security, official, other."
    ]


def test_a_byte_order_mark_and_windows_line_endings_are_fine(tmp_path):
    path = tmp_path / "excel.csv"
    text = write_csv(tmp_path / "plain.csv", [csv_row(title="From Excel")]).read_text()
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())

    report = importing.import_file(path)

    assert report.ok, messages(report)
    assert Testimony.objects.get().title == "From Excel"


def test_existing_vocabulary_is_never_changed_by_an_import(tmp_path, almaty):
    vocabulary = {"places": [{"slug": "almaty", "name": "Alma-Ata (renamed)", "kind": "city", "parent": None}]}
    path = write_json(tmp_path / "batch.json", [json_testimony(place="almaty")], vocabulary)

    report = importing.import_file(path)

    assert report.ok, messages(report)
    assert report.existing == {"places": 1} and report.created == {}
    almaty.refresh_from_db()
    assert (almaty.name, almaty.parent.slug) == ("Almaty", "kazakhstan")
    assert Testimony.objects.get().place == almaty


def test_a_failure_while_writing_rolls_everything_back(tmp_path, monkeypatch, editor):
    factories.make_testimony("Before")  # allocates T-0001 through the counter
    counter_before = Counter.objects.get(name="testimony").value
    rows = [csv_row(title=f"Account {i}") for i in range(importing.BATCH_SIZE + 10)]
    path = write_csv(tmp_path / "batch.csv", rows)
    calls = []

    def failing_reindex(ids=None):
        calls.append(ids)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return original(ids)

    original = search.reindex
    monkeypatch.setattr(search, "reindex", failing_reindex)

    report = importing.import_file(path, user=editor)

    assert len(calls) == 2
    assert not report.written
    assert messages(report) == ["Nothing was imported: the archive refused a row (disk full)."]
    assert list(Testimony.objects.values_list("title", flat=True)) == ["Before"]
    assert Witness.objects.count() == 1
    assert Counter.objects.get(name="testimony").value == counter_before


# --- JSON -------------------------------------------------------------------------------------------------------

VOCABULARY = {
    "places": [
        {
            "slug": "kz",
            "name": "Kazakhstan",
            "other_names": "Қазақстан",
            "kind": "country",
            "parent": None,
            "latitude": "48.0",
            "longitude": "67.0",
        },
        {
            "slug": "almaty-city",
            "name": "Almaty",
            "other_names": "",
            "kind": "city",
            "parent": "kz",
            "latitude": None,
            "longitude": None,
        },
    ],
    "tag_groups": [{"slug": "sourcing", "name": "Sourcing", "description": "Where it came from.", "position": 4}],
    "tags": [
        {"slug": "first-hand", "group": "proximity", "name": "First-hand", "definition": "Seen.", "position": 1},
        {"slug": "leaked", "group": "sourcing", "name": "Leaked", "definition": "Leaked to us.", "position": 1},
    ],
    "sources": [
        {
            "slug": "bne-intellinews",
            "name": "bne IntelliNews",
            "kind": "publication",
            "url": "https://www.intellinews.com/",
            "description": "",
        }
    ],
    "actors": [
        {"slug": "tokayev", "name": "Kassym-Jomart Tokayev", "kind": "person", "office": "President", "description": ""}
    ],
    "incidents": [
        {
            "slug": "square-shooting",
            "name": "Shooting on Republic Square",
            "date_start": "2022-01-05",
            "date_end": "2022-01-06",
            "is_date_approximate": False,
            "place": "almaty-city",
            "description": "",
        }
    ],
    "statements": [
        {
            "identifier": "S-0007",
            "actor": "tokayev",
            "made_on": "2022-01-07",
            "is_date_approximate": False,
            "claim": "Twenty thousand terrorists attacked Almaty.",
            "quote": "",
            "language": "en",
            "source": "bne-intellinews",
            "source_url": "",
            "incidents": ["square-shooting"],
            "status": "published",
            "retraction_note": "",
        }
    ],
}


def json_testimonies():
    return [
        json_testimony(
            identifier="T-0010",
            title="Shots on the square",
            place="almaty-city",
            source="bne-intellinews",
            tags=["first-hand", "leaked"],
            incidents=["square-shooting"],
            cross_references=[
                {"relation": "contradicts", "statement": "S-0007", "note": "Saw no armed crowd."},
                {"relation": "corroborates", "testimony": "T-0011", "note": "Same street, same hour."},
            ],
        ),
        json_testimony(
            identifier="T-0011",
            title="A second witness",
            witness={"descriptor": "resident of Shanyrak", "role": "resident"},
            cross_references=[{"relation": "corroborates", "testimony": "T-0010", "note": "Back the other way."}],
        ),
        json_testimony(identifier="", title="No identifier yet", date_start="2022-01-04", date_end="2022-01-06"),
    ]


def test_json_import_creates_vocabulary_drafts_witnesses_and_cross_references(tmp_path, editor):
    path = write_json(tmp_path / "export.json", json_testimonies(), VOCABULARY)

    report = importing.import_file(path, user=editor)

    assert report.ok, messages(report)
    assert report.created == {
        "places": 2,
        "tag_groups": 1,
        "tags": 1,
        "sources": 1,
        "actors": 1,
        "incidents": 1,
        "statements": 1,
    }
    assert report.existing == {"tags": 1}
    country, city = Place.objects.get(slug="kz"), Place.objects.get(slug="almaty-city")
    assert city.parent == country and city.path == f"/{country.pk}/{city.pk}/"
    assert Tag.objects.get(slug="leaked").group == TagGroup.objects.get(slug="sourcing")
    statement = Statement.objects.get(identifier="S-0007")
    assert statement.status == Status.DRAFT and list(statement.incidents.all()) == [
        Incident.objects.get(slug="square-shooting")
    ]

    first = Testimony.objects.get(identifier="T-0010")
    assert first.status == Status.DRAFT and first.published_at is None
    assert (first.place, first.source) == (city, Source.objects.get(slug="bne-intellinews"))
    assert sorted(t.slug for t in first.tags.all()) == ["first-hand", "leaked"]
    links = {
        (x.relation, x.statement_id, x.other_testimony and x.other_testimony.identifier, x.note)
        for x in first.cross_references.all()
    }
    assert links == {
        ("contradicts", statement.pk, None, "Saw no armed crowd."),
        ("corroborates", None, "T-0011", "Same street, same hour."),
    }
    second = Testimony.objects.get(identifier="T-0011")
    assert second.witness.descriptor == "resident of Shanyrak"
    assert [x.other_testimony for x in second.cross_references.all()] == [first]
    third = Testimony.objects.get(title="No identifier yet")
    assert third.identifier == "T-0012" and (third.date_start, third.date_end) == (
        datetime.date(2022, 1, 4),
        datetime.date(2022, 1, 6),
    )
    assert CrossReference.history.count() == 3
    assert (
        Statement.objects.create(actor=statement.actor, made_on=statement.made_on, claim="Later").identifier == "S-0008"
    )


def test_json_import_with_publish_keeps_first_publication_dates(tmp_path, client):
    path = write_json(tmp_path / "export.json", json_testimonies(), VOCABULARY)

    report = importing.import_file(path, publish=True)

    assert report.ok and report.written
    assert Testimony.objects.public().count() == 3
    first = Testimony.objects.get(identifier="T-0010")
    assert first.published_at == datetime.datetime(2022, 2, 6, 10, tzinfo=datetime.UTC)
    assert Statement.objects.public().get().identifier == "S-0007"
    response = client.get(reverse("testimony:statement", args=["S-0007"]))
    assert response.status_code == 200
    assert "Shots on the square" in response.text


def test_json_dry_run_writes_nothing(tmp_path):
    path = write_json(tmp_path / "export.json", json_testimonies(), VOCABULARY)

    report = importing.import_file(path, dry_run=True)

    assert report.ok and not report.written
    assert report.cross_references == 3
    assert nothing_written() and not Place.objects.filter(slug="kz").exists() and not Statement.objects.exists()


def test_a_pretty_printed_json_file_reports_the_line_where_the_testimony_starts(tmp_path):
    document = {
        "format": "testimony-archive",
        "version": 1,
        "testimonies": [
            json_testimony(identifier="T-0001"),
            json_testimony(identifier="T-0002", date_start="tomorrow"),
        ],
    }
    text = json.dumps(document, indent=2)
    path = tmp_path / "pretty.json"
    path.write_text(text)

    report = importing.import_file(path)

    start = text.splitlines().index("    {", line_of(text, '"T-0001"')) + 1
    assert messages(report) == [f"Line {start}: “date_start” must be a date written YYYY-MM-DD, not “tomorrow”."]


# --- every kind of error, with its message ---------------------------------------------------------------------

CSV_ERRORS = [
    ("bad date", {"date_start": "05/01/2022"}, "“date_start” must be a date written YYYY-MM-DD, not “05/01/2022”."),
    (
        "impossible date",
        {"date_start": "2022-02-30"},
        "“date_start” must be a date written YYYY-MM-DD, not “2022-02-30”.",
    ),
    (
        "reversed dates",
        {"date_start": "2022-01-06", "date_end": "2022-01-05"},
        "“date_end” (2022-01-05) is before “date_start” (2022-01-06).",
    ),
    ("unknown place", {"place": "atlantis"}, "Unknown place “atlantis”."),
    ("unknown tag", {"tags": "first-hand;gossip"}, "Unknown tag “gossip”."),
    ("unknown source", {"source": "pravda"}, "Unknown source “pravda”."),
    ("unknown incident", {"incidents": "moon-landing"}, "Unknown incident “moon-landing”."),
    ("missing title", {"title": "  "}, "Missing required field “title”."),
    ("missing body", {"body": ""}, "Missing required field “body”."),
    ("missing descriptor", {"witness_descriptor": ""}, "Missing required field “witness_descriptor”."),
    ("missing date", {"date_start": ""}, "Missing required field “date_start”."),
    (
        "unknown witness role",
        {"witness_role": "pilot"},
        "Unknown witness role “pilot”; use one of: resident, protester, driver, medical, journalist, security, "
        "official, other.",
    ),
    (
        "bad identifier",
        {"identifier": "T-12"},
        "“T-12” is not a testimony identifier (T- and at least four digits, e.g. T-0042).",
    ),
    ("bad boolean", {"is_date_approximate": "maybe"}, "“is_date_approximate” must be true or false, not “maybe”."),
    (
        "bad part of day",
        {"part_of_day": "noon"},
        "Unknown part of day “noon”; use one of: night, morning, afternoon, evening.",
    ),
    ("bad status", {"status": "hidden"}, "Unknown status “hidden”; use one of: draft, review, published, retracted."),
    ("retracted without note", {"status": "retracted"}, "A retracted entry needs a “retraction_note”."),
    ("bad url", {"source_url": "not a link"}, "“source_url” is not a valid web address."),
    ("title too long", {"title": "x" * 201}, "“title” is longer than 200 characters."),
    ("bad language", {"language": "english"}, "“language” must be a language code such as en, ru or kk."),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in CSV_ERRORS], ids=[c[0] for c in CSV_ERRORS])
def test_each_csv_row_error_is_reported_with_its_line(tmp_path, change, message):
    rows = [csv_row(title="Fine"), csv_row(**{"title": "Also fine", **change}), csv_row(title="Fine too")]
    path = write_csv(tmp_path / "batch.csv", rows)

    report = importing.import_file(path)

    assert messages(report) == [f"Line 3: {message}"]
    assert nothing_written()


def test_a_duplicate_identifier_in_the_file_is_an_error(tmp_path):
    path = write_csv(tmp_path / "batch.csv", [csv_row(identifier="T-0005"), csv_row(), csv_row(identifier="T-0005")])

    report = importing.import_file(path)

    assert messages(report) == ["Line 4: Duplicate identifier “T-0005”: it appears earlier in the file."]
    assert nothing_written()


def test_a_duplicate_of_an_identifier_in_the_archive_is_an_error(tmp_path, published):
    path = write_csv(tmp_path / "batch.csv", [csv_row(identifier=published.identifier, title="Overwrite?")])

    report = importing.import_file(path)

    assert messages(report) == [
        f"Line 2: Duplicate identifier “{published.identifier}”: the archive already has a testimony with it."
    ]
    published.refresh_from_db()
    assert published.title == "Men in balaclavas handed out alcohol"
    assert Testimony.objects.count() == 1


FILE_ERRORS = [
    (
        "wrong encoding",
        "batch.csv",
        b"title,body,witness_descriptor,witness_role,date_start\n" + "Café,x,y,driver,2022-01-05\n".encode("latin-1"),
        ["Line 2: The file is not UTF-8 text (byte 0xE9 cannot be read). Save it as UTF-8 and try again."],
    ),
    ("empty file", "batch.csv", b"", ["Line 1: The file is empty."]),
    (
        "missing column",
        "batch.csv",
        b"title,body,witness_descriptor,witness_role\nA,B,C,driver\n",
        ["Line 1: The header lacks the column(s): date_start."],
    ),
    (
        "unknown column",
        "batch.csv",
        b"title,body,witness_descriptor,witness_role,date_start,tag\n",
        [
            "Line 1: Unknown column(s) in the header: tag. The columns are: identifier, title, body, language, "
            "translation, witness_descriptor, witness_role, date_start, date_end, part_of_day, is_date_approximate, "
            "place, source, source_url, source_published, collected_on, tags, incidents, status, retraction_note, url."
        ],
    ),
    (
        "wrong number of fields",
        "batch.csv",
        b"title,body,witness_descriptor,witness_role,date_start\nA,B,C,driver,2022-01-05\nA,B,C\n",
        ["Line 3: Expected 5 fields, found 3."],
    ),
    (
        "malformed csv",
        "batch.csv",
        b'title,body,witness_descriptor,witness_role,date_start\nA,"B"x,C,driver,2022-01-05\n',
        ["Line 2: The CSV is malformed (',' expected after '\"')."],
    ),
    (
        "malformed json",
        "batch.json",
        b'{"format": "testimony-archive", "version": 1,\n "testimonies": [\n{"title": "A",}\n]}\n',
        ["Line 3: The file is not valid JSON (parse error: invalid object key (must be a string))."],
    ),
    (
        "truncated json",
        "batch.json",
        b'{"format": "testimony-archive", "version": 1,\n "testimonies": [\n',
        ["Line 2: The file is not valid JSON (parse error: premature EOF)."],
    ),
    (
        "not our format",
        "batch.json",
        b'{"format": "something-else", "testimonies": []}\n',
        ["Line 1: This is not a testimony-archive file (its “format” is not “testimony-archive”)."],
    ),
    (
        "newer version",
        "batch.json",
        b'{"format": "testimony-archive", "version": 2, "testimonies": []}\n',
        ["Line 1: This file is in version 2 of the format; this archive reads version 1."],
    ),
    (
        "no testimonies",
        "batch.json",
        b'{"format": "testimony-archive", "version": 1}\n',
        ["The file has no “testimonies” list."],
    ),
    (
        "a list, not an object",
        "batch.json",
        b"[1, 2]\n",
        ["Line 1: This is not a testimony-archive file: expected a JSON object."],
    ),
    (
        # 200 KB of brackets: ijson's paths for each level once took 23 GB before the first event came out.
        "nested 100,000 deep",
        "batch.json",
        b'{"format": "testimony-archive", "version": 1,\n "testimonies": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
        ["Line 2: The file nests lists and objects more than 16 deep: it is not a testimony-archive file."],
    ),
    (
        "the first half of a character alone, which the parser would write as “?”",
        "batch.json",
        b'{"format": "testimony-archive", "version": 1,\n "testimonies": [\n{"title": "x\\ud800y"}\n]}\n',
        ["Line 3: The file is not valid JSON: a \\u escape names half a character (a lone surrogate). Fix the text."],
    ),
    (
        "half a character",
        "batch.json",
        b'{"format": "testimony-archive", "version": 1,\n "testimonies": [\n{"title": "x\\udfffy"}\n]}\n',
        ["Line 3: The file is not valid JSON: a \\u escape names half a character (a lone surrogate). Fix the text."],
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), [c[1:] for c in FILE_ERRORS], ids=[c[0] for c in FILE_ERRORS])
def test_a_file_that_cannot_be_read_is_reported_with_its_line(db, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)

    report = importing.import_file(path)

    assert messages(report) == expected
    assert nothing_written()


JSON_ERRORS = [
    (
        "a vertical tab, as Word writes for Shift+Enter",
        {"title": "Shots\u000bnear the square"},
        "“title”: It holds an invisible control character (U+000B) at character 6, which the archive cannot show or "
        "publish. Word writes one for Shift+Enter: delete it and retype the line break.",
    ),
    (
        "a NUL, which PostgreSQL would refuse only when the row is written",
        {"body": "I heard\u0000 shots."},
        "“body”: It holds an invisible control character (U+0000) at character 8, which the archive cannot show or "
        "publish.",
    ),
    (
        "a control character in the witness's descriptor",
        {"witness": {"descriptor": "taxi\u001bdriver", "role": "driver"}},
        "“descriptor”: It holds an invisible control character (U+001B) at character 5, which the archive cannot "
        "show or publish.",
    ),
    (
        "published after the year 9999 in UTC",
        {"published_at": "9999-12-31T23:59:59-05:00"},
        "“published_at” (9999-12-31T23:59:59-05:00) is not a time between the years 1 and 9999.",
    ),
    (
        "published before the year 1 in UTC",
        {"published_at": "0001-01-01T00:00:00+05:00"},
        "“published_at” (0001-01-01T00:00:00+05:00) is not a time between the years 1 and 9999.",
    ),
    (
        "bad relation",
        {"cross_references": [{"relation": "supports", "statement": "S-0007", "note": "n"}]},
        "Unknown relation “supports”; use one of: corroborates, contradicts, context.",
    ),
    (
        "unknown statement",
        {"cross_references": [{"relation": "contradicts", "statement": "S-0999", "note": "n"}]},
        "Unknown statement “S-0999”.",
    ),
    (
        "unknown testimony",
        {"cross_references": [{"relation": "corroborates", "testimony": "T-0999", "note": "n"}]},
        "Unknown testimony “T-0999” in a cross-reference.",
    ),
    (
        "two targets",
        {"cross_references": [{"relation": "context", "testimony": "T-0001", "statement": "S-0007", "note": "n"}]},
        "A cross-reference needs either a “statement” or a “testimony”, not both.",
    ),
    (
        "link to itself",
        {"cross_references": [{"relation": "context", "testimony": "T-0002", "note": "n"}]},
        "A testimony cannot cross-reference itself.",
    ),
    (
        "link without note",
        {"cross_references": [{"relation": "context", "testimony": "T-0001", "note": ""}]},
        "A cross-reference needs a “note” saying why the two are linked.",
    ),
    ("missing witness role", {"witness": {"descriptor": "nurse"}}, "Missing required field “witness.role”."),
    ("unknown place", {"place": "atlantis"}, "Unknown place “atlantis”."),
    (
        "bad publication time",
        {"published_at": "yesterday"},
        "“published_at” must be a date and time such as 2022-01-05T12:00:00Z.",
    ),
    ("not text", {"title": 42}, "“title” must be text."),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in JSON_ERRORS], ids=[c[0] for c in JSON_ERRORS])
def test_each_json_row_error_is_reported_with_its_line(tmp_path, change, message):
    testimonies = [json_testimony(identifier="T-0001"), json_testimony(identifier="T-0002", **change)]
    text = json_text(testimonies, VOCABULARY)
    path = tmp_path / "batch.json"
    path.write_text(text)

    report = importing.import_file(path)

    line = line_of(text, '"T-0002"')
    assert messages(report) == [f"Line {line}: {message}"]
    assert nothing_written() and not Place.objects.filter(slug="kz").exists()


def test_a_whole_character_escaped_in_two_halves_and_a_backslash_before_u_are_text(tmp_path):
    document = {"format": "testimony-archive", "version": 1, "testimonies": [json_testimony(title="Flag 😀 \\ud800")]}
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(document, ensure_ascii=True))  # "\ud83d\ude00" and "\\ud800" in the file
    report = importing.import_file(path)
    assert report.ok, messages(report)
    assert Testimony.objects.get().title == "Flag 😀 \\ud800"


def test_a_dry_run_finds_what_the_database_would_refuse_on_writing(tmp_path):
    # A NUL passed the check on both databases, then failed PostgreSQL's write with no line: the check is the import's.
    path = write_json(tmp_path / "batch.json", [json_testimony(title="Shots\u0000")], VOCABULARY)
    report = importing.import_file(path, dry_run=True)
    assert not report.ok
    assert "“title”: It holds an invisible control character (U+0000)" in messages(report)[0]


VOCABULARY_ERRORS = [
    (
        "places",
        {"slug": "x", "name": "X", "kind": "planet"},
        "Unknown place kind “planet”; use one of: country, region, city, district, site.",
    ),
    ("places", {"slug": "x", "name": "X", "kind": "city", "parent": "nowhere"}, "Unknown parent place “nowhere”."),
    (
        "places",
        {"slug": "x", "name": "X", "kind": "city", "latitude": "91"},
        "“latitude” must be a number from -90 to 90.",
    ),
    ("tags", {"slug": "x", "group": "nothing", "name": "X", "definition": "d"}, "Unknown tag group “nothing”."),
    (
        "tags",
        {"slug": "x", "group": "proximity", "name": "First-hand", "definition": "d"},
        "The tag group “proximity” already has a tag called “First-hand”.",
    ),
    ("tag_groups", {"slug": "x", "name": "Proximity"}, "Another tag group is already called “Proximity”."),
    (
        "incidents",
        {"slug": "x", "name": "X", "date_start": "2022-01-06", "date_end": "2022-01-05"},
        "“date_end” (2022-01-05) is before “date_start” (2022-01-06).",
    ),
    (
        "statements",
        {"identifier": "S-1", "actor": "tokayev", "made_on": "2022-01-07", "claim": "c"},
        "“S-1” is not a statement identifier (e.g. S-0007).",
    ),
    (
        "statements",
        {"identifier": "S-0009", "actor": "nobody", "made_on": "2022-01-07", "claim": "c"},
        "Unknown actor “nobody”.",
    ),
    (
        "sources",
        {"slug": "Not A Slug", "name": "X"},
        "“slug” must be a slug (letters, digits, hyphens), not “Not A Slug”.",
    ),
]


@pytest.mark.parametrize(
    ("family", "entry", "message"), VOCABULARY_ERRORS, ids=[f"{f}: {m[:30]}" for f, _e, m in VOCABULARY_ERRORS]
)
def test_each_vocabulary_error_is_reported_with_its_line(tmp_path, family, entry, message):
    vocabulary = {key: list(rows) for key, rows in VOCABULARY.items()}
    vocabulary[family] = [*vocabulary[family], entry]
    text = json_text([json_testimony()], vocabulary)
    path = tmp_path / "batch.json"
    path.write_text(text)

    report = importing.import_file(path)

    line = line_of(text, json.dumps(entry["slug"] if "slug" in entry else entry["identifier"]))
    assert messages(report) == [f"Line {line}: {message}"]
    assert nothing_written() and not Place.objects.filter(slug="kz").exists()


def test_errors_beyond_the_cap_are_counted(tmp_path):
    rows = [csv_row(witness_role="pilot") for _ in range(importing.MAX_ERRORS + 5)]
    path = write_csv(tmp_path / "batch.csv", rows)

    report = importing.import_file(path)

    assert report.error_count == importing.MAX_ERRORS + 5
    assert len(report.errors) == importing.MAX_ERRORS
    assert report.summary() == f"{importing.MAX_ERRORS + 5} errors in the file; nothing was imported."


def test_an_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Cannot tell the format of “batch.xlsx”: name it .json or .csv."):
        importing.import_file(tmp_path / "batch.xlsx")


def test_the_importing_user_is_recorded(tmp_path, editor):
    path = write_csv(tmp_path / "batch.csv", [csv_row()])
    importing.import_file(path, user=editor)
    assert Testimony.objects.get().updated_by == User.objects.get(username="editor")


# --- export, then import into an empty archive ------------------------------------------------------------------


def _public_collection():
    country = factories.make_place(
        "Kazakhstan", kind=Place.Kind.COUNTRY, slug="kazakhstan", latitude="48.0", longitude="67.0"
    )
    city = factories.make_place("Almaty", parent=country, kind=Place.Kind.CITY, slug="almaty", other_names="Алматы")
    district = factories.make_place("Medeu", parent=city, slug="medeu")
    source = factories.make_source("bne IntelliNews", slug="bne", url="https://www.intellinews.com/")
    incident = factories.make_incident("Shooting on Republic Square", slug="square-shooting", place=city)
    actor = factories.make_actor("Kassym-Jomart Tokayev", slug="tokayev", kind="person", office="President")
    statement = factories.make_statement("Twenty thousand terrorists attacked Almaty.", actor=actor, source=source)
    statement.incidents.set([incident])
    factories.make_statement("A draft claim stays out.", actor=actor, status=Status.DRAFT)
    first = factories.make_testimony(
        "Shots on the square",
        body="Шум, потом выстрелы.",
        language="ru",
        translation="Noise, then shots.",
        place=district,
        source=source,
        source_url="https://www.intellinews.com/x",
        source_published=datetime.date(2022, 2, 6),
        tags=Tag.objects.filter(slug__in=["first-hand", "video"]),
        incidents=[incident],
        witness=factories.make_witness("taxi driver", Witness.Role.DRIVER),
        part_of_day="night",
    )
    second = factories.make_testimony(
        "Three days of it",
        date_start=datetime.date(2022, 1, 4),
        date_end=datetime.date(2022, 1, 6),
        is_date_approximate=True,
    )
    withdrawn = factories.make_testimony(
        "Withdrawn", status=Status.RETRACTED, retraction_note="The source withdrew it."
    )
    factories.make_testimony("A draft stays out", status=Status.DRAFT)
    factories.make_cross_reference(first, statement, CrossReference.Relation.CONTRADICTS, "Saw no armed crowd.")
    factories.make_cross_reference(first, second, note="Same night.")
    factories.make_cross_reference(second, withdrawn, CrossReference.Relation.CONTEXT, "Earlier account.")


def _empty_the_archive():
    Testimony.objects.all().delete()
    Witness.objects.all().delete()
    Statement.objects.all().delete()
    from testimony.models import Actor

    Actor.objects.all().delete()
    Incident.objects.all().delete()
    for place in Place.objects.order_by("-depth"):
        place.delete()
    Tag.objects.all().delete()
    TagGroup.objects.all().delete()
    Source.objects.all().delete()


def _comparable(document: dict) -> dict:
    document = dict(document)
    del document["exported"]
    vocabulary = document["vocabulary"]
    for family, rows in vocabulary.items():
        vocabulary[family] = sorted(rows, key=lambda r: r.get("slug") or r.get("identifier"))
    document["testimonies"] = sorted(document["testimonies"], key=lambda t: t["identifier"])
    return document


def test_json_export_then_import_into_an_empty_archive_reproduces_the_public_data(tmp_path, client, editor):
    _public_collection()
    exported = b"".join(client.get(reverse("testimony:export-json")).streaming_content)
    detail_before = client.get(reverse("testimony:detail", args=["T-0001"])).text
    (tmp_path / "export.json").write_bytes(exported)
    _empty_the_archive()

    report = importing.import_file(tmp_path / "export.json", publish=True, user=editor)

    assert report.ok and report.written, messages(report)
    assert report.rows == 3
    again = b"".join(client.get(reverse("testimony:export-json")).streaming_content)
    assert _comparable(json.loads(again)) == _comparable(json.loads(exported))
    assert Testimony.objects.filter(status=Status.DRAFT).count() == 0
    detail_after = client.get(reverse("testimony:detail", args=["T-0001"])).text
    for text in ("Shots on the square", "Шум, потом выстрелы.", "Noise, then shots.", "Medeu", "Saw no armed crowd."):
        assert text in detail_before and text in detail_after


def test_csv_export_then_import_into_an_archive_without_testimonies_reproduces_the_rows(tmp_path, client):
    _public_collection()
    exported = b"".join(client.get(reverse("testimony:export-csv")).streaming_content)
    (tmp_path / "export.csv").write_bytes(exported)
    CrossReference.objects.all().delete()
    Testimony.objects.all().delete()

    report = importing.import_file(tmp_path / "export.csv", publish=True)

    assert report.ok and report.written, messages(report)
    again = b"".join(client.get(reverse("testimony:export-csv")).streaming_content)
    assert sorted(again.decode().splitlines()) == sorted(exported.decode().splitlines())


# --- formula injection: the CSV export's escaping apostrophe comes off on import --------------------------------

FORMULA_BODIES = {
    "equals": '=HYPERLINK("https://evil.example/","Watch")',
    "plus": "+7 700 000 00 00, call me.",
    "minus": "- Они стреляли, - сказал он.",
    "at": "@everyone on Republic Square.",
    "apostrophe": "'=1+1 is what the banner said.",
    "apostrophes": "''- two apostrophes, then a dash.",
    "plain apostrophe": "'Quoted' from the start.",
}


def _export_import_csv(client, tmp_path) -> tuple[dict, dict]:
    """The CSV export's rows by title, then the bodies by title after importing that export into an empty archive."""
    exported = b"".join(client.get(reverse("testimony:export-csv")).streaming_content)
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(exported.decode()))}
    (tmp_path / "export.csv").write_bytes(exported)
    Testimony.objects.all().delete()
    report = importing.import_file(tmp_path / "export.csv", publish=True)
    assert report.ok and report.written, messages(report)
    return rows, dict(Testimony.objects.values_list("title", "body"))


def test_csv_export_then_import_gives_back_bodies_that_begin_like_formulas(tmp_path, client):
    for title, body in FORMULA_BODIES.items():
        factories.make_testimony(title, body=body)

    rows, bodies = _export_import_csv(client, tmp_path)

    assert {title: row["body"] for title, row in rows.items()} == {
        **{title: "'" + body for title, body in FORMULA_BODIES.items()},
        "plain apostrophe": "'Quoted' from the start.",
    }
    assert bodies == FORMULA_BODIES


@pytest.mark.parametrize("whitespace", ["\t", "\r"])
def test_a_body_beginning_with_a_tab_or_carriage_return_is_escaped_and_imported_trimmed(tmp_path, client, whitespace):
    # The importer trims the whitespace around every text field, in both formats, as the admin's forms do; what
    # follows the tab or carriage return comes back as it was.
    factories.make_testimony("Hidden formula", body=whitespace + "=1+1")

    rows, bodies = _export_import_csv(client, tmp_path)

    assert rows["Hidden formula"]["body"] == "'" + whitespace + "=1+1"
    assert bodies == {"Hidden formula": "=1+1"}


def test_a_slug_beginning_with_a_dash_is_escaped_and_imported_back(tmp_path, client):
    place = factories.make_place("Minus two minus three", slug="-2-3")
    factories.make_testimony("On a negative place", place=place)

    rows, _bodies = _export_import_csv(client, tmp_path)

    assert rows["On a negative place"]["place"] == "'-2-3"
    assert Testimony.objects.get().place == place


def test_only_csv_cells_lose_an_escaping_apostrophe(tmp_path):
    csv_path = write_csv(
        tmp_path / "batch.csv",
        [
            csv_row(title="'@escaped", body="'=1+1", translation="'plain", witness_descriptor="'-taxi driver"),
            csv_row(title="Twice", body="''=1+1"),
        ],
    )
    json_path = write_json(tmp_path / "batch.json", [json_testimony(identifier="", title="'@verbatim", body="'=1+1")])

    assert importing.import_file(csv_path).ok
    assert importing.import_file(json_path).ok

    assert set(Testimony.objects.values_list("title", "body", "translation", "witness__descriptor")) == {
        ("@escaped", "=1+1", "'plain", "-taxi driver"),
        ("Twice", "'=1+1", "", "taxi driver"),
        ("'@verbatim", "'=1+1", "", "taxi driver"),
    }

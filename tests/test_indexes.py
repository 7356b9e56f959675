"""The places, sources and incidents indexes: what the archive holds of each, each linked to its page."""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from testimony import facets, pagecache, workflow
from testimony.models import Incident, Place, Source, Status, Testimony
from testimony.views import indexes, pages

from . import factories
from .conftest import DRAFT_MARKER

PLACES = reverse("testimony:places")
SOURCES = reverse("testimony:sources")


class _ListReader(HTMLParser):
    """The element tree of the list with this class, checking on the way that each element closes in order."""

    def __init__(self, css_class):
        super().__init__()
        self.css_class, self.root, self.stack = css_class, None, []

    def handle_starttag(self, tag, attrs):
        if self.root is None and self.css_class in (dict(attrs).get("class") or "").split():
            self.root = {"tag": tag, "attrs": dict(attrs), "children": []}
            self.stack = [self.root]
        elif self.stack:
            node = {"tag": tag, "attrs": dict(attrs), "children": []}
            self.stack[-1]["children"].append(node)
            self.stack.append(node)

    def handle_endtag(self, tag):
        if self.stack:
            assert self.stack.pop()["tag"] == tag, f"</{tag}> closes another element"

    def handle_data(self, data):
        if self.stack:
            self.stack[-1]["children"].append(data)


def _text(node):
    parts = [child if isinstance(child, str) else _text(child) for child in node["children"]]
    return " ".join("".join(parts).split())


def tree(response, css_class):
    """The index as a reader meets it: ``[(name, what follows it)]``, with ``(name, what follows it, [places beneath])``
    for a place with places beneath it. Fails on a list whose elements do not nest."""
    reader = _ListReader(css_class)
    reader.feed(response.text)
    assert reader.root is not None and not reader.stack, "the index's list is missing or not closed"

    def items(node):
        found = []
        for li in (child for child in node["children"] if isinstance(child, dict)):
            assert li["tag"] == "li", f"<{li['tag']}> directly in a list"
            parts = [child for child in li["children"] if isinstance(child, dict)]
            name = _text(next(part for part in parts if part["tag"] == "a"))
            count = _text(next(part for part in parts if part["tag"] == "span"))
            beneath = [part for part in parts if part["tag"] in ("ul", "ol")]
            found.append((name, count, items(beneath[0])) if beneath else (name, count))
        return found

    return items(reader.root)


def entries(response, css_class):
    """``[(name, what follows it)]`` of an index, in page order, whatever the depth."""

    def walk(items):
        for item in items:
            yield item[:2]
            if len(item) == 3:
                yield from walk(item[2])

    return list(walk(tree(response, css_class)))


@pytest.fixture
def places(db):
    country = factories.make_place("Kazakhstan", slug="kz", kind="country")
    almaty = factories.make_place("Almaty", slug="almaty", parent=country, kind="city")
    square = factories.make_place("Republic Square", slug="square", parent=almaty, kind="site")
    aktobe = factories.make_place("aktobe", slug="aktobe", parent=country, kind="city")
    taraz = factories.make_place("Taraz", slug="taraz", parent=country, kind="city")
    factories.make_place("Zhanaozen", slug="zhanaozen", parent=country, kind="city")  # nothing from it
    hidden = factories.make_place(f"Drafts only {DRAFT_MARKER}", slug="drafts-only", parent=country)
    bishkek = factories.make_place(
        "Bishkek", slug="bishkek", parent=factories.make_place("Kyrgyzstan", slug="kyrgyzstan", kind="country")
    )
    factories.make_testimony("In Almaty", place=almaty)
    factories.make_testimony("On the square", place=square)
    factories.make_testimony("Also on the square", place=square)
    factories.make_testimony("In Aktobe", place=aktobe)
    factories.make_testimony("In Taraz", place=taraz)
    factories.make_testimony("In Bishkek", place=bishkek)
    factories.make_testimony("Nowhere in particular")
    factories.make_testimony(f"Draft {DRAFT_MARKER}", place=hidden, status=Status.DRAFT)
    factories.make_testimony(f"In review {DRAFT_MARKER}", place=aktobe, status=Status.REVIEW)
    return {"square": square, "taraz": taraz}


def test_places_index_is_the_tree_of_places_with_public_accounts_each_counting_those_beneath_it(client, places):
    response = client.get(PLACES)
    assert response.status_code == 200
    assert tree(response, "place-index") == [
        (
            "Kazakhstan",
            "5 testimonies",
            [
                ("aktobe", "1 testimony"),  # by name, whatever the case; the account in review is not counted
                ("Almaty", "3 testimonies", [("Republic Square", "2 testimonies")]),
                ("Taraz", "1 testimony"),  # after a deeper branch, back at its parent's level
            ],
        ),
        ("Kyrgyzstan", "1 testimony", [("Bishkek", "1 testimony")]),
    ]
    assert "1 testimony names no place." in response.text
    assert DRAFT_MARKER not in response.text
    assert "Zhanaozen" not in response.text


def test_each_place_in_the_index_links_to_its_page(client, places):
    response = client.get(PLACES)
    assert f'<a href="{places["square"].get_absolute_url()}">Republic Square</a>' in response.text


def test_a_single_place_is_an_index_of_one(client, db):
    factories.make_testimony("In Almaty", place=factories.make_place("Almaty"))
    assert tree(client.get(PLACES), "place-index") == [("Almaty", "1 testimony")]


def test_a_long_index_opens_with_links_to_the_places_it_is_divided_into(client, places, monkeypatch):
    assert "Jump to" not in client.get(PLACES).text  # 9 places: short enough to read through
    monkeypatch.setattr(facets, "PLACE_INDEX_JUMPS_AFTER", 5)
    response = client.get(PLACES)
    jumps = re.search(r'<nav class="place-jumps".*?</nav>', response.text, re.S).group(0)
    # The two countries, each with places beneath it: their own entries, by name.
    assert re.findall(r'<a href="#place-([^"]+)">([^<]+)</a>', jumps) == [
        ("kz", "Kazakhstan"),
        ("kyrgyzstan", "Kyrgyzstan"),
    ]
    assert '<li id="place-kz"><a href="/places/kz/">Kazakhstan</a>' in response.text


def test_jumps_pass_through_a_single_place_that_holds_all_the_others(client, db, monkeypatch):
    monkeypatch.setattr(facets, "PLACE_INDEX_JUMPS_AFTER", 3)
    country = factories.make_place("Kazakhstan", slug="kz")
    for region in ("Mangystau", "Almaty Region"):
        factories.make_testimony(
            "In a town", place=factories.make_place(parent=factories.make_place(region, parent=country))
        )
    jumps = re.search(r'<nav class="place-jumps".*?</nav>', client.get(PLACES).text, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", jumps) == ["Almaty Region", "Mangystau"]


@pytest.fixture
def kept(settings):
    """Each process keeps the indexes until the archive changes (production's KEEP_VOCABULARY), pages not cached."""
    settings.KEEP_VOCABULARY = True
    settings.PAGE_CACHE_SECONDS = 0
    pagecache._memo.clear()
    yield
    pagecache._memo.clear()


def test_kept_indexes_follow_every_change_a_reader_could_see(
    client, places, kept, editor, django_capture_on_commit_callbacks
):
    draft = factories.make_testimony("In Taraz, later", place=places["taraz"], status=Status.DRAFT)
    source = factories.make_source("Vlast.kz")
    assert ("Taraz", "1 testimony") in entries(client.get(PLACES), "place-index")
    assert "No published account names its source yet." in client.get(SOURCES).text
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(draft, Status.PUBLISHED, user=editor)
    assert ("Taraz", "2 testimonies") in entries(client.get(PLACES), "place-index")
    with django_capture_on_commit_callbacks(execute=True):
        draft.refresh_from_db()
        draft.source = source
        draft.save()
    assert entries(client.get(SOURCES), "source-index") == [("Vlast.kz", "Publication · 1 testimony")]
    with django_capture_on_commit_callbacks(execute=True):
        source.name = "Vlast"
        source.save()
        places["taraz"].name = "Taraz city"
        places["taraz"].save()
    assert entries(client.get(SOURCES), "source-index") == [("Vlast", "Publication · 1 testimony")]
    assert ("Taraz city", "2 testimonies") in entries(client.get(PLACES), "place-index")


def test_kept_index_is_really_kept_between_changes(client, places, kept):
    client.get(PLACES)
    Place.objects.filter(pk=places["taraz"].pk).update(name="Renamed behind the archive's back")  # no signal
    assert ("Taraz", "1 testimony") in entries(client.get(PLACES), "place-index")


def test_empty_archive_says_no_account_names_a_place(client, db):
    response = client.get(PLACES)
    assert response.status_code == 200
    assert "No published account names a place yet." in response.text
    assert "names no place" not in response.text


def test_place_page_breadcrumb_starts_at_the_index(client, places):
    response = client.get(places["square"].get_absolute_url())
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', response.text, re.S).group(0)
    assert f'<a href="{PLACES}">Places</a>' in crumbs


def _more_places(n):
    country = factories.make_place(f"Country {n}", kind="country")
    for i in range(n):
        city = factories.make_place(kind="city", parent=country)
        factories.make_testimony(
            f"Account {n}-{i}", place=factories.make_place(parent=city), source=factories.make_source()
        )


def test_index_queries_do_not_grow_with_places_or_sources(client, db, django_assert_num_queries):
    _more_places(2)
    with django_assert_num_queries(5) as few:  # the counts table, the vocabulary's four lists
        client.get(PLACES)
    with django_assert_num_queries(2):  # the counts table, the sources named
        client.get(SOURCES)
    _more_places(12)
    with django_assert_num_queries(len(few)):
        # each country, its cities, their places
        assert len(entries(client.get(PLACES), "place-index")) == (1 + 2 * 2) + (1 + 2 * 12)
    with django_assert_num_queries(2):
        assert len(entries(client.get(SOURCES), "source-index")) == 14


@pytest.fixture
def sources(db):
    bne = factories.make_source("bne IntelliNews", kind=Source.Kind.FOREIGN_MEDIA)
    hrw = factories.make_source("Human Rights Watch", kind=Source.Kind.NGO)
    factories.make_source("Orda.kz")  # nothing published from it
    hidden = factories.make_source(f"Drafts only {DRAFT_MARKER}")
    factories.make_testimony("One", source=bne)
    factories.make_testimony("Two", source=bne)
    factories.make_testimony("Three", source=hrw)
    factories.make_testimony(f"Draft {DRAFT_MARKER}", source=hidden, status=Status.DRAFT)
    factories.make_testimony(f"Review {DRAFT_MARKER}", source=hrw, status=Status.REVIEW)
    return {"bne": bne}


def test_sources_index_lists_each_source_of_public_accounts_by_name_with_kind_and_count(client, sources):
    response = client.get(SOURCES)
    assert response.status_code == 200
    assert entries(response, "source-index") == [
        ("bne IntelliNews", "Foreign media · 2 testimonies"),
        ("Human Rights Watch", "Human rights organisation / NGO · 1 testimony"),
    ]
    assert f'<a href="{sources["bne"].get_absolute_url()}">bne IntelliNews</a>' in response.text
    assert DRAFT_MARKER not in response.text
    assert "Orda.kz" not in response.text


def test_source_page_breadcrumb_starts_at_the_index(client, sources):
    response = client.get(sources["bne"].get_absolute_url())
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', response.text, re.S).group(0)
    assert f'<a href="{SOURCES}">Sources</a>' in crumbs


def test_empty_archive_says_no_account_names_a_source(client, db):
    response = client.get(SOURCES)
    assert response.status_code == 200
    assert "No published account names its source yet." in response.text


def test_footer_links_the_three_indexes(client, db):
    response = client.get(reverse("testimony:home"))
    footer = re.search(r'<footer class="site-footer">.*?</footer>', response.text, re.S).group(0)
    assert f'<a href="{PLACES}">Places</a>' in footer
    assert f'<a href="{SOURCES}">Sources</a>' in footer
    assert f'<a href="{reverse("testimony:incidents")}">Incidents</a>' in footer


INCIDENTS = reverse("testimony:incidents")


@pytest.fixture
def incidents(db):
    square = factories.make_place("Republic Square", slug="square")
    akimat = factories.make_incident("Storming of the akimat", date_start=datetime.date(2022, 1, 5), place=square)
    shooting = factories.make_incident(
        "Shooting at the square", date_start=datetime.date(2022, 1, 6), date_end=datetime.date(2022, 1, 7)
    )
    factories.make_incident("Airport seized", date_start=datetime.date(2022, 1, 5))
    factories.make_testimony("Saw the akimat burn", incidents=[akimat])
    factories.make_testimony("Heard shots", incidents=[akimat, shooting])
    factories.make_testimony(f"Draft {DRAFT_MARKER}", incidents=[shooting], status=Status.DRAFT)
    return {"akimat": akimat}


def test_incidents_index_lists_every_incident_by_date_with_its_place_and_published_accounts(client, incidents):
    response = client.get(INCIDENTS)
    assert response.status_code == 200
    assert entries(response, "incident-index") == [
        ("Airport seized", "5 January 2022 0 testimonies"),
        ("Storming of the akimat", "5 January 2022 · Republic Square 2 testimonies"),
        ("Shooting at the square", "6–7 January 2022 1 testimony"),  # its draft is not counted
    ]
    assert f'<a href="{incidents["akimat"].get_absolute_url()}">Storming of the akimat</a>' in response.text


def test_incidents_index_pages_through_them(client, incidents, monkeypatch):
    monkeypatch.setattr(indexes, "INCIDENTS_PER_PAGE", 2)
    response = client.get(INCIDENTS, {"page": "2"})
    assert [name for name, _ in entries(response, "incident-index")] == ["Shooting at the square"]
    assert "Showing 3–3 of 3" in response.text
    assert "<title>Incidents · page 2 · " in response.text


@pytest.mark.parametrize(
    "page, status, message",
    [
        ("two", 400, "Enter a page number as a whole number from 1, for example 2."),
        ("9", 404, "There is no page 9: the results end at page 1."),
    ],
)
def test_incidents_index_bad_page_gets_a_clear_message(client, incidents, page, status, message):
    response = client.get(INCIDENTS, {"page": page})
    assert response.status_code == status
    assert message in html.unescape(response.text)
    assert "<title>Error: Incidents · " in response.text


def test_incidents_index_queries_do_not_grow_with_incidents(client, incidents, django_assert_num_queries):
    with django_assert_num_queries(3):  # the count, the page with places, the page's testimony counts
        client.get(INCIDENTS)
    for n in range(30):
        factories.make_testimony(f"More {n}", incidents=[factories.make_incident(place=factories.make_place())])
    with django_assert_num_queries(3):
        assert len(entries(client.get(INCIDENTS), "incident-index")) == 33


def test_kept_incident_counts_follow_a_publication(client, incidents, kept, editor, django_capture_on_commit_callbacks):
    (draft,) = Testimony.objects.filter(status=Status.DRAFT)
    assert ("Shooting at the square", "6–7 January 2022 1 testimony") in entries(
        client.get(INCIDENTS), "incident-index"
    )
    Testimony.incidents.through.objects.filter(testimony__title="Heard shots").delete()  # no signal: still kept
    assert ("Shooting at the square", "6–7 January 2022 1 testimony") in entries(
        client.get(INCIDENTS), "incident-index"
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(draft, Status.PUBLISHED, user=editor)
    found = entries(client.get(INCIDENTS), "incident-index")
    assert ("Shooting at the square", "6–7 January 2022 1 testimony") in found  # the draft in, "Heard shots" out
    assert ("Storming of the akimat", "5 January 2022 · Republic Square 1 testimony") in found


@pytest.mark.parametrize(
    "change, entry",
    [
        ("link", ("Airport seized", "5 January 2022 1 testimony")),
        ("unlink", ("Shooting at the square", "6–7 January 2022 0 testimonies")),
        ("new incident", ("Border closed", "4 January 2022 0 testimonies")),
        ("incident deleted", ("Storming of the akimat", "5 January 2022 · Republic Square 2 testimonies")),
    ],
)
def test_kept_incident_counts_follow_links_and_incidents(
    client, incidents, kept, change, entry, django_capture_on_commit_callbacks
):
    before = entries(client.get(INCIDENTS), "incident-index")
    heard = Testimony.objects.get(title="Heard shots")
    airport = Incident.objects.get(name="Airport seized")
    with django_capture_on_commit_callbacks(execute=True):
        if change == "link":
            heard.incidents.add(airport)
        elif change == "unlink":
            heard.incidents.remove(Incident.objects.get(name="Shooting at the square"))
        elif change == "new incident":
            factories.make_incident("Border closed", date_start=datetime.date(2022, 1, 4))
        else:
            airport.delete()
    after = entries(client.get(INCIDENTS), "incident-index")
    assert entry in after and after != before
    if change == "incident deleted":
        assert "Airport seized" not in [name for name, _ in after]


def test_kept_incident_counts_are_not_counted_again(client, incidents, kept):
    client.get(INCIDENTS)
    with CaptureQueriesContext(connection) as queries:
        assert len(entries(client.get(INCIDENTS), "incident-index")) == 3
    assert not [q["sql"] for q in queries.captured_queries if "testimony_testimony_incidents" in q["sql"]]


def test_empty_archive_says_no_incident_is_described(client, db):
    response = client.get(INCIDENTS)
    assert response.status_code == 200
    assert "No incident has been described yet." in response.text


def test_incident_page_breadcrumb_starts_at_the_index(client, incidents):
    response = client.get(incidents["akimat"].get_absolute_url())
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', response.text, re.S).group(0)
    assert f'<a href="{INCIDENTS}">Incidents</a>' in crumbs


def test_home_links_every_incident_when_it_lists_only_the_first(client, incidents, monkeypatch):
    assert "All incidents</a>" not in client.get(reverse("testimony:home")).text
    monkeypatch.setattr(pages, "MAX_INCIDENTS", 2)
    response = client.get(reverse("testimony:home"))
    assert f'<a href="{INCIDENTS}">All incidents</a>' in response.text

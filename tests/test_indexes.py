"""The places, sources and incidents indexes: what the archive holds of each, each linked to its page."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from testimony.models import Source, Status
from testimony.views import indexes, pages

from . import factories
from .conftest import DRAFT_MARKER

PLACES = reverse("testimony:places")
SOURCES = reverse("testimony:sources")


def entries(response, css_class):
    """``[(name, count text, depth)]`` of an index, in page order; depth 0 for a top-level place."""
    index = re.search(rf'<ul class="{css_class}">(.*)</ul>', response.text, re.S).group(1)
    found, depth = [], 0
    entry = r'<a href="[^"]+">([^<]+)</a>\s*<span class="index-count">(.*?)</span>\s*(?=<ul>|</li>)'
    for token in re.finditer(rf"<ul>|</ul>|{entry}", index, re.S):
        if token.group(0) == "<ul>":
            depth += 1
        elif token.group(0) == "</ul>":
            depth -= 1
        else:
            count = re.sub(r"<[^>]+>", "", token.group(2))
            found.append((html.unescape(token.group(1)), html.unescape(count).strip(), depth))
    return found


@pytest.fixture
def places(db):
    country = factories.make_place("Kazakhstan", slug="kz", kind="country")
    almaty = factories.make_place("Almaty", slug="almaty", parent=country, kind="city")
    square = factories.make_place("Republic Square", slug="square", parent=almaty, kind="site")
    aktobe = factories.make_place("aktobe", slug="aktobe", parent=country, kind="city")
    factories.make_place("Zhanaozen", slug="zhanaozen", parent=country, kind="city")  # nothing from it
    hidden = factories.make_place(f"Drafts only {DRAFT_MARKER}", slug="drafts-only", parent=country)
    factories.make_testimony("In Almaty", place=almaty)
    factories.make_testimony("On the square", place=square)
    factories.make_testimony("Also on the square", place=square)
    factories.make_testimony("In Aktobe", place=aktobe)
    factories.make_testimony("Nowhere in particular")
    factories.make_testimony(f"Draft {DRAFT_MARKER}", place=hidden, status=Status.DRAFT)
    factories.make_testimony(f"In review {DRAFT_MARKER}", place=aktobe, status=Status.REVIEW)
    return {"square": square}


def test_places_index_is_the_tree_of_places_with_public_accounts_each_counting_those_beneath_it(client, places):
    response = client.get(PLACES)
    assert response.status_code == 200
    assert entries(response, "place-index") == [
        ("Kazakhstan", "4 testimonies", 0),
        ("aktobe", "1 testimony", 1),  # by name, whatever the case
        ("Almaty", "3 testimonies", 1),
        ("Republic Square", "2 testimonies", 2),
    ]
    assert "1 testimony names no place." in response.text
    assert DRAFT_MARKER not in response.text
    assert "Zhanaozen" not in response.text


def test_each_place_in_the_index_links_to_its_page(client, places):
    response = client.get(PLACES)
    assert f'<a href="{places["square"].get_absolute_url()}">Republic Square</a>' in response.text


def test_places_index_follows_a_publication_and_a_retraction(client, places):
    factories.make_testimony("In Zhanaozen", place=factories.make_place("Zhanaozen town", slug="zh"))
    assert ("Zhanaozen town", "1 testimony", 0) in entries(client.get(PLACES), "place-index")
    retracted = factories.make_testimony("Retracted", place=places["square"], status=Status.RETRACTED)
    assert ("Republic Square", "3 testimonies", 2) in entries(client.get(PLACES), "place-index")
    retracted.status = Status.DRAFT
    retracted.save()
    assert ("Republic Square", "2 testimonies", 2) in entries(client.get(PLACES), "place-index")


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
        assert len(entries(client.get(PLACES), "place-index")) == (1 + 2 * 2) + (
            1 + 2 * 12
        )  # each country, its cities, their places
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
        ("bne IntelliNews", "Foreign media · 2 testimonies", 0),
        ("Human Rights Watch", "Human rights organisation / NGO · 1 testimony", 0),
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


def test_footer_links_both_indexes(client, db):
    response = client.get(reverse("testimony:home"))
    footer = re.search(r'<footer class="site-footer">.*?</footer>', response.text, re.S).group(0)
    assert f'<a href="{PLACES}">Places</a>' in footer
    assert f'<a href="{SOURCES}">Sources</a>' in footer
    assert f'<a href="{reverse("testimony:incidents")}">Incidents</a>' in footer


INCIDENTS = reverse("testimony:incidents")


def incident_entries(response):
    index = re.search(r'<ol class="incident-index"[^>]*>(.*?)</ol>', response.text, re.S).group(1)
    found = re.findall(r'<a href="[^"]+">([^<]+)</a>\s*<span class="index-count">(.*?)</span></li>', index, re.S)
    return [(html.unescape(name), html.unescape(re.sub(r"<[^>]+>", "", meta))) for name, meta in found]


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


def test_incidents_index_lists_every_incident_by_date_with_its_place(client, incidents):
    response = client.get(INCIDENTS)
    assert response.status_code == 200
    assert incident_entries(response) == [
        ("Airport seized", "5 January 2022"),
        ("Storming of the akimat", "5 January 2022 · Republic Square"),
        ("Shooting at the square", "6–7 January 2022"),
    ]
    assert f'<a href="{incidents["akimat"].get_absolute_url()}">Storming of the akimat</a>' in response.text
    assert DRAFT_MARKER not in response.text


def test_incidents_index_pages_through_them(client, incidents, monkeypatch):
    monkeypatch.setattr(indexes, "INCIDENTS_PER_PAGE", 2)
    response = client.get(INCIDENTS, {"page": "2"})
    assert [name for name, _ in incident_entries(response)] == ["Shooting at the square"]
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
    with django_assert_num_queries(2):  # the count, the page with places
        client.get(INCIDENTS)
    for n in range(30):
        factories.make_testimony(f"More {n}", incidents=[factories.make_incident(place=factories.make_place())])
    with django_assert_num_queries(2):
        assert len(incident_entries(client.get(INCIDENTS))) == 33


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

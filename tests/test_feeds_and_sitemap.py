"""The Atom feed of newly published testimonies and the sitemap: public entries only, valid XML."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from testimony.models import Status, Tag

from . import factories
from .conftest import CONFIDENTIAL_MARKER, DRAFT_MARKER, INTERNAL_NOTE_MARKER

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _publish_in_order(count):
    """Testimonies published one a minute, the last one most recently."""
    start = timezone.now() - datetime.timedelta(days=1)
    testimonies = factories.make_testimonies(count)
    for i, testimony in enumerate(testimonies):
        testimony.published_at = start + datetime.timedelta(minutes=i)
        testimony.save()
    return testimonies


def _feed(client):
    response = client.get("/feeds/testimonies/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return response, ET.fromstring(response.content)


def test_feed_is_atom_with_the_newest_published_first(client, db):
    testimonies = _publish_in_order(3)
    factories.make_testimony(f"Draft {DRAFT_MARKER}", status=Status.DRAFT)

    response, root = _feed(client)

    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text == "Testimony Archive: newly published testimonies"
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Testimony Archive"
    assert root.find(f"{ATOM}updated").text
    entries = root.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [
        f"{t.identifier}: {t.title}" for t in reversed(testimonies)
    ]
    newest = entries[0]
    assert newest.find(f"{ATOM}link").get("href") == f"http://testserver/testimonies/{testimonies[-1].identifier}/"
    assert newest.find(f"{ATOM}updated").text.startswith(testimonies[-1].published_at.strftime("%Y-%m-%dT%H:%M"))
    assert "What the witness saw: Account number 2." in newest.find(f"{ATOM}summary").text
    assert DRAFT_MARKER not in response.content.decode()


def test_feed_holds_the_50_most_recent(client, db):
    testimonies = _publish_in_order(52)

    _, root = _feed(client)

    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert len(titles) == 50
    assert f"{testimonies[1].identifier}: {testimonies[1].title}" not in titles
    assert f"{testimonies[2].identifier}: {testimonies[2].title}" in titles


def test_feed_shows_no_confidential_or_internal_text_and_marks_retractions(client, published):
    retracted = factories.make_testimony("Withdrawn", status=Status.RETRACTED, retraction_note="Source withdrew it.")
    published.tags.set([Tag.objects.get(slug="first-hand")])

    response, root = _feed(client)

    text = response.content.decode()
    assert CONFIDENTIAL_MARKER not in text
    assert INTERNAL_NOTE_MARKER not in text
    assert "protester at Republic Square" in text
    assert f"{retracted.identifier}: Withdrawn (retracted)" in text
    assert "Source withdrew it." in text
    categories = [c.get("term") for c in root.iter(f"{ATOM}category")]
    assert categories == ["First-hand"]


def test_feed_runs_a_fixed_number_of_queries(client, db, django_assert_num_queries):
    tags = list(Tag.objects.all()[:3])
    for testimony in _publish_in_order(3):
        testimony.tags.set(tags)
        testimony.place = factories.make_place()
        testimony.save()
    with django_assert_num_queries(2):
        _feed(client)

    for testimony in _publish_in_order(20):
        testimony.tags.set(tags)
    with django_assert_num_queries(2):
        _feed(client)


@pytest.fixture
def public_and_hidden(published, draft):
    place = factories.make_place("Almaty", slug="almaty")
    factories.make_source("bne IntelliNews", slug="bne")
    factories.make_incident("Storming of the akimat", slug="akimat")
    statement = factories.make_statement("Bandits.", made_on=datetime.date(2022, 1, 7))
    hidden_statement = factories.make_statement("Hidden.", status=Status.DRAFT, made_on=datetime.date(2022, 1, 9))
    ranged = factories.make_testimony(
        "Three days", date_start=datetime.date(2022, 1, 10), date_end=datetime.date(2022, 1, 12), place=place
    )
    draft.date_start = draft.date_end = datetime.date(2022, 1, 20)
    draft.save()
    return {"statement": statement, "hidden_statement": hidden_statement, "ranged": ranged}


def _sitemap_urls(client):
    """Every URL listed by the sitemap index's section sitemaps."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    root = ET.fromstring(index.content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    urls = set()
    for section in root.iter(f"{SITEMAP}loc"):
        response = client.get(section.text.removeprefix("http://testserver"))
        assert response.status_code == 200
        page = ET.fromstring(response.content)
        assert page.tag == f"{SITEMAP}urlset"
        urls |= {loc.text.removeprefix("http://testserver") for loc in page.iter(f"{SITEMAP}loc")}
    return urls


def test_sitemap_index_names_one_sitemap_per_family(client, db):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    sections = sorted(loc.text.removeprefix("http://testserver") for loc in root.iter(f"{SITEMAP}loc"))
    assert sections == [
        f"/sitemap-{name}.xml"
        for name in sorted(["days", "incidents", "pages", "places", "sources", "statements", "testimonies"])
    ]


def test_sitemap_lists_public_pages_and_not_drafts(client, published, draft, public_and_hidden):
    urls = _sitemap_urls(client)

    assert {"/", "/testimonies/", "/statements/", "/methodology/"} <= urls
    assert f"/testimonies/{published.identifier}/" in urls
    assert f"/testimonies/{public_and_hidden['ranged'].identifier}/" in urls
    assert f"/testimonies/{draft.identifier}/" not in urls
    assert f"/statements/{public_and_hidden['statement'].identifier}/" in urls
    assert f"/statements/{public_and_hidden['hidden_statement'].identifier}/" not in urls
    assert {"/places/almaty/", "/sources/bne/", "/incidents/akimat/"} <= urls
    days = sorted(url for url in urls if url.startswith("/days/"))
    assert days == [
        "/days/2022-01-05/",
        "/days/2022-01-07/",
        "/days/2022-01-10/",
        "/days/2022-01-11/",
        "/days/2022-01-12/",
    ]


def test_sitemap_runs_a_fixed_number_of_queries(client, public_and_hidden, django_assert_num_queries):
    # The index counts each section's pages (testimonies, statements, places, incidents, sources: one count each;
    # days: two); each section then costs its count and its rows (days: two queries).
    with django_assert_num_queries(19):
        _sitemap_urls(client)

    factories.make_testimonies(5)
    factories.make_place()
    with django_assert_num_queries(19):
        _sitemap_urls(client)

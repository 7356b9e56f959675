"""The Atom feeds (newly published testimonies; corrections and retractions) and the sitemap: public entries only,
valid XML."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from testimony import workflow
from testimony.models import Status, Tag, Testimony

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


def _feed(client, path="/feeds/testimonies/"):
    response = client.get(path)
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


def test_a_control_character_stored_before_forms_refused_them_leaves_the_feeds_readable(client, published):
    Testimony.objects.filter(pk=published.pk).update(title="Shots\x0bnear the square", body="At\x0c night.")
    _response, feed = _feed(client)  # valid XML, where the character made the feed a 500 for every reader
    assert f"{published.identifier}: Shotsnear the square" in [
        e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")
    ]


def test_feed_writes_dates_as_the_cards_do(client, published):
    published.date_start, published.date_end = datetime.date(2022, 1, 4), datetime.date(2022, 1, 6)
    published.is_date_approximate = True
    published.save()

    _, root = _feed(client)

    assert "approx. 4–6 January 2022" in root.find(f"{ATOM}entry/{ATOM}summary").text


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


def _edit(testimony, user, summary="", **changes):
    """An editor's save through the workflow, which numbers public revisions."""
    current = Testimony.objects.get(pk=testimony.pk)
    from_status = current.status
    for name, value in changes.items():
        setattr(current, name, value)
    return workflow.save_testimony(
        current, user=user, expected_version=current.version, from_status=from_status, summary=summary
    )


def _entries(root):
    return {entry.find(f"{ATOM}title").text: entry for entry in root.findall(f"{ATOM}entry")}


@pytest.fixture
def corrected(editor):
    """Three accounts published through the workflow; then the first corrected and the second retracted."""
    testimonies = []
    for title in ("At the akimat", "On Abay Avenue", "Near the airport"):
        draft = factories.make_testimony(title, status=Status.DRAFT)
        testimonies.append(_edit(draft, editor, status=Status.PUBLISHED))
    _edit(testimonies[0], editor, summary="Corrected the date to 6 January.", body="A corrected account.")
    _edit(testimonies[1], editor, status=Status.RETRACTED, retraction_note="The source withdrew it.")
    return [Testimony.objects.get(pk=testimony.pk) for testimony in testimonies]


def test_a_corrected_or_retracted_entry_shows_as_updated_in_the_feed_of_new_testimonies(client, corrected):
    fixed, withdrawn, untouched = corrected

    _, root = _feed(client)

    entries = _entries(root)
    for testimony, changed in [(fixed, True), (withdrawn, True), (untouched, False)]:
        title = f"{testimony.identifier}: {testimony.title}" + (" (retracted)" if testimony.is_retracted else "")
        entry = entries[title]
        updated = datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert datetime.datetime.fromisoformat(entry.find(f"{ATOM}published").text) == testimony.published_at
        last_change = testimony.revisions.get(number=2).published if changed else testimony.published_at
        assert updated == last_change
    # The feed's own time is its latest change: the retraction, made after every first publication.
    assert (
        datetime.datetime.fromisoformat(root.find(f"{ATOM}updated").text) == withdrawn.revisions.get(number=2).published
    )


def test_corrections_feed_lists_each_later_public_revision_newest_first(client, corrected, editor):
    fixed, withdrawn, untouched = corrected
    _edit(factories.make_testimony(f"Unpublished {DRAFT_MARKER}", status=Status.DRAFT), editor, title="Redrafted")

    response, root = _feed(client, "/feeds/corrections/")

    assert root.find(f"{ATOM}title").text == "Testimony Archive: corrections and retractions"
    entries = root.findall(f"{ATOM}entry")
    # First publications are the other feed's: only the correction and the retraction, the retraction newest.
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [
        f"{withdrawn.identifier}, revision 2: {withdrawn.title} (retracted)",
        f"{fixed.identifier}, revision 2: {fixed.title}",
    ]
    retraction, correction = entries
    assert (
        retraction.find(f"{ATOM}link").get("href")
        == f"http://testserver/testimonies/{withdrawn.identifier}/revisions/2/"
    )
    assert "Retracted." in retraction.find(f"{ATOM}summary").text
    assert "The source withdrew it." in retraction.find(f"{ATOM}summary").text
    assert "Corrected the date to 6 January." in correction.find(f"{ATOM}summary").text
    assert untouched.identifier not in response.content.decode()
    assert DRAFT_MARKER not in response.content.decode()


def test_each_entry_says_what_its_revision_published_not_what_came_after(client, corrected, editor):
    fixed = corrected[0]
    _edit(fixed, editor, title="Renamed later", status=Status.RETRACTED, retraction_note="Withdrawn later.")

    _, root = _feed(client, "/feeds/corrections/")

    entries = _entries(root)
    correction = entries[f"{fixed.identifier}, revision 2: {fixed.title}"]
    assert "Withdrawn later." not in correction.find(f"{ATOM}summary").text
    retraction = entries[f"{fixed.identifier}, revision 3: Renamed later (retracted)"]
    assert "Withdrawn later." in retraction.find(f"{ATOM}summary").text


def test_each_feed_and_entry_has_its_own_absolute_id(client, corrected):
    ids = []
    for path in ("/feeds/testimonies/", "/feeds/corrections/"):
        _, root = _feed(client, path)
        assert root.find(f"{ATOM}id").text == f"http://testserver{path}"
        ids += [root.find(f"{ATOM}id").text, *(entry.find(f"{ATOM}id").text for entry in root.iter(f"{ATOM}entry"))]
    assert all(id_.startswith("http://testserver/") for id_ in ids)
    assert len(ids) == len(set(ids)) == 2 + 3 + 2


def test_corrections_feed_leaves_out_a_testimony_no_longer_public(client, corrected):
    # The workflow never takes a public testimony back to draft; a row changed behind its back is still hidden.
    fixed = corrected[0]
    Testimony.objects.filter(pk=fixed.pk).update(status=Status.DRAFT)

    response, _ = _feed(client, "/feeds/corrections/")

    assert fixed.identifier not in response.content.decode()
    assert corrected[1].identifier in response.content.decode()


def test_corrections_feed_runs_one_query(client, corrected, editor, django_assert_num_queries):
    with django_assert_num_queries(1):
        _feed(client, "/feeds/corrections/")

    for testimony in factories.make_testimonies(5):
        published = _edit(testimony, editor, status=Status.PUBLISHED)
        _edit(published, editor, summary="Regraded.", title=f"{published.title}, regraded")
    with django_assert_num_queries(1):
        _, root = _feed(client, "/feeds/corrections/")
    assert len(root.findall(f"{ATOM}entry")) == 7


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

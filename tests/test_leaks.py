"""Nothing unpublished or confidential leaks: every public URL is requested and searched for marker strings.

Searches use words from the hidden entries, never the markers themselves: a page may echo the reader's own query.

The cast carries markers in every place a leak could come from: a draft's title and body, an entry in review, a draft
statement, a witness's confidential identity, a published testimony's internal notes, a link from a published
testimony to a draft statement, and a witness descriptor used only by a draft.
"""

import datetime

import pytest
from django.urls import reverse

from testimony import history, workflow
from testimony.models import CrossReference, Status, Testimony

from . import factories
from .conftest import CONFIDENTIAL_MARKER, DRAFT_MARKER, INTERNAL_NOTE_MARKER

MARKERS = (CONFIDENTIAL_MARKER, DRAFT_MARKER, INTERNAL_NOTE_MARKER)
DAY = datetime.date(2022, 1, 5)
SITEMAP_SECTIONS = ("pages", "testimonies", "statements", "days", "places", "incidents", "sources")


@pytest.fixture
def cast(db, published, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        almaty = factories.make_place("Almaty", kind="city")
        square = factories.make_place("Republic Square", parent=almaty, kind="site")
        source = factories.make_source("bne IntelliNews")
        incident = factories.make_incident("Burning of the akimat", date_start=DAY, place=square)
        tag = factories.make_tag("First-hand")
        for testimony in (published, draft):
            testimony.place = square
            testimony.source = source
            testimony.save()
            testimony.tags.add(tag)
            testimony.incidents.add(incident)
        draft.witness.descriptor = f"hidden witness {DRAFT_MARKER}"
        draft.witness.save()
        factories.make_testimony(
            f"In review {DRAFT_MARKER}", body=f"Awaiting review {DRAFT_MARKER}", status=Status.REVIEW, place=square
        )
        public_statement = factories.make_statement("Twenty thousand terrorists attacked the city.", made_on=DAY)
        draft_statement = factories.make_statement(f"Unchecked claim {DRAFT_MARKER}", status=Status.DRAFT, made_on=DAY)
        factories.make_cross_reference(published, public_statement, CrossReference.Relation.CONTRADICTS, "Saw no army.")
        factories.make_cross_reference(published, draft_statement, note=f"Links to a draft {DRAFT_MARKER}")
        factories.make_cross_reference(published, draft, note=f"Links to a draft testimony {DRAFT_MARKER}")
        draft_statement.incidents.add(incident)
        history.ensure_initial_revisions()
        # A correction of the published account (which carries internal notes), for the corrections feed.
        current = Testimony.objects.get(pk=published.pk)
        current.translation = "Translated later."
        editor = factories.make_user("corrector", groups=["Editor"])
        workflow.save_testimony(
            current,
            user=editor,
            expected_version=current.version,
            from_status=current.status,
            summary="Added a translation.",
        )
    return {
        "published": published,
        "draft": draft,
        "place": square,
        "source": source,
        "incident": incident,
        "tag": tag,
        "statement": public_statement,
        "draft_statement": draft_statement,
    }


def _public_urls(cast):
    published = cast["published"]
    list_url = reverse("testimony:list")
    filters = (
        f"?place={cast['place'].slug}&tag={cast['tag'].slug}&source={cast['source'].slug}"
        f"&incident={cast['incident'].slug}&date_from=2022-01-01&date_to=2022-01-31"
    )
    return [
        reverse("testimony:home"),
        reverse("testimony:methodology"),
        reverse("testimony:robots"),
        reverse("testimony:sitemap"),
        *[reverse("testimony:sitemap-section", args=[section]) for section in SITEMAP_SECTIONS],
        reverse("testimony:revision", args=[published.identifier, 1]),
        reverse("testimony:feed"),
        reverse("testimony:feed-corrections"),
        list_url,
        list_url + filters,
        list_url + "?q=hidden",
        list_url + "?q=draft+account",
        list_url + "?q=review",
        list_url + f"?statement={cast['statement'].identifier}",
        list_url + "?role=resident",
        reverse("testimony:export-csv"),
        reverse("testimony:export-csv") + filters,
        reverse("testimony:export-json"),
        reverse("testimony:export-json") + "?q=hidden",
        published.get_absolute_url(),
        reverse("testimony:statements"),
        cast["statement"].get_absolute_url(),
        reverse("testimony:day", args=[DAY]),
        cast["place"].get_absolute_url(),
        cast["incident"].get_absolute_url(),
        cast["source"].get_absolute_url(),
        reverse("testimony:places"),
        reverse("testimony:sources"),
        reverse("testimony:incidents"),
    ]


def _text(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_the_corrections_feed_in_this_cast_has_the_correction(client, cast):
    # So that the leak test below reads a feed with an entry, not an empty one.
    assert "Added a translation." in _text(client.get(reverse("testimony:feed-corrections")))


def test_no_public_page_shows_drafts_or_confidential_data(client, cast):
    for url in _public_urls(cast):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        for marker in MARKERS:
            assert marker not in text, f"{marker} leaked on {url}"


def test_an_actor_known_only_for_a_draft_statement_is_not_offered(client, cast):
    response = client.get(reverse("testimony:statements") + f"?actor={cast['draft_statement'].actor.slug}")
    assert response.status_code == 400
    assert "No actor with public statements matches" in response.content.decode()
    for marker in MARKERS:
        assert marker not in response.content.decode()


def test_the_published_testimony_is_on_the_pages_that_list_it(client, cast):
    title = cast["published"].title
    for url in (reverse("testimony:list"), reverse("testimony:export-csv"), cast["published"].get_absolute_url()):
        assert title in _text(client.get(url)), url


def test_unpublished_entries_have_no_public_page(client, cast):
    for url in (cast["draft"].get_absolute_url(), cast["draft_statement"].get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 404, url
        for marker in MARKERS:
            assert marker not in _text(response)

"""Anonymous readers' pages are kept rendered on the server, and never outlive a change to the archive.

Writes empty the cache when their transaction commits, so each change here runs inside
``django_capture_on_commit_callbacks(execute=True)``, as it would commit in production.
"""

import datetime
import re
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from testimony import importing, pagecache, search, workflow
from testimony.models import Status, Testimony

from . import factories
from .conftest import CONFIDENTIAL_MARKER, DRAFT_MARKER, INTERNAL_NOTE_MARKER
from .interchange_files import json_testimony, write_json
from .test_leaks import _public_urls, _text, cast  # noqa: F401  (the leak test's cast and URL list)


@pytest.fixture(autouse=True)
def _page_cache_on(settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 600
    settings.KEEP_VOCABULARY = True
    monkeypatch.setattr(pagecache, "_store_paused_until", 0.0)
    caches[pagecache.ALIAS].clear()
    pagecache._memo.clear()  # a test's rolled-back rows must not be remembered into the next test
    yield
    caches[pagecache.ALIAS].clear()
    pagecache._memo.clear()


LIST = reverse("testimony:list")


def test_a_repeated_page_is_answered_from_the_cache_with_one_query(client, published, django_assert_num_queries):
    first = client.get(published.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the archive's generation, nothing else
        again = client.get(published.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert published.title in again.content.decode()


def test_a_published_draft_appears_at_once(client, draft, editor, django_capture_on_commit_callbacks):
    assert draft.title not in client.get(LIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(draft, Status.PUBLISHED, user=editor)
    response = client.get(LIST)
    assert response["X-Page-Cache"] == "miss"
    assert draft.title in response.content.decode()


def test_editing_a_draft_leaves_readers_their_kept_pages(
    client, published, draft, editor, confidential_witness, django_capture_on_commit_callbacks
):
    urls = [LIST, published.get_absolute_url(), reverse("testimony:statements")]
    for url in urls:
        client.get(url)
    hearsay = factories.make_tag("Second-hand")  # a new tag is on the filter form: that write empties the cache
    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        draft.title = "Still unverified"
        draft.save()  # and its history record
        draft.tags.add(hearsay)
        workflow.move(draft, Status.REVIEW, user=editor, comment="Ready for a second look")  # a workflow event
        workflow.move(draft, Status.DRAFT, user=editor, comment="Find the source first")
        identity = confidential_witness.identity
        identity.contact = "+7 700 111 22 33"
        identity.save()
    assert callbacks  # the draft was reindexed after commit ...
    assert pagecache.generation() == before  # ... and nothing a reader could see had changed
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "hit", url
    assert "Still unverified" not in client.get(LIST + "?q=unverified").content.decode()  # a draft is never found

    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(draft, Status.PUBLISHED, user=editor)
    response = client.get(LIST)
    assert response["X-Page-Cache"] == "miss"
    assert "Still unverified" in response.content.decode()


def test_entries_saved_back_to_draft_leave_the_cached_pages(client, published, django_capture_on_commit_callbacks):
    # Drafts after the save, but public before it: readers have seen them, so their pages go. (The workflow refuses
    # this move; a data fix in the shell makes it.)
    statement = factories.make_statement("Order was restored by the evening.")
    statements = reverse("testimony:statements")
    client.get(LIST)
    assert statement.claim in client.get(statements).content.decode()
    shown = [(statement, statements, statement.claim), (published, LIST, published.title)]
    for entry, page, text in shown:  # one at a time: each must empty the cache by itself
        with django_capture_on_commit_callbacks(execute=True):
            entry.status = Status.DRAFT
            entry.save()
        assert text not in client.get(page).content.decode()
        assert client.get(entry.get_absolute_url()).status_code == 404


def test_a_retraction_shows_on_the_cached_page_at_once(client, published, editor, django_capture_on_commit_callbacks):
    url = published.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(published, Status.RETRACTED, user=editor, retraction_note="The witness was not in Almaty.")
    assert "The witness was not in Almaty." in client.get(url).content.decode()


def test_an_entry_sent_back_to_draft_leaves_every_cached_page(
    client, published, editor, django_capture_on_commit_callbacks
):
    urls = [LIST, published.get_absolute_url(), reverse("testimony:feed")]
    for url in urls:
        assert published.title in client.get(url).content.decode(), url
    with django_capture_on_commit_callbacks(execute=True):
        Testimony.objects.filter(pk=published.pk).update(status=Status.DRAFT)  # no signal: as a bulk writer would
        search.reindex([published.pk])  # ... which then reindexes, and that says the archive changed
    assert client.get(published.get_absolute_url()).status_code == 404
    assert published.title not in client.get(LIST).content.decode()
    assert published.title not in client.get(reverse("testimony:feed")).content.decode()


def test_renaming_a_place_renames_it_on_cached_pages(client, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place = factories.make_place("Almaty", kind="city")
        published.place = place
        published.save()
    assert "Almaty" in client.get(published.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        place.name = "Алматы"
        place.save()
    assert "Алматы" in client.get(published.get_absolute_url()).content.decode()


def test_an_import_empties_the_cache(client, editor, tmp_path, django_capture_on_commit_callbacks):
    assert "Tanks on Abay Avenue" not in client.get(LIST).content.decode()
    path = write_json(tmp_path / "batch.json", [json_testimony(title="Tanks on Abay Avenue")])
    with django_capture_on_commit_callbacks(execute=True):
        report = importing.import_file(path, user=editor, publish=True)
    assert report.written, report.problems
    assert "Tanks on Abay Avenue" in client.get(LIST).content.decode()


def test_a_rolled_back_write_keeps_the_cache(client, published, django_capture_on_commit_callbacks):
    client.get(LIST)
    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        published.title = "Never committed"
        published.save()
    assert callbacks  # the bump waits for a commit that, here, never comes
    assert pagecache.generation() == before
    assert client.get(LIST)["X-Page-Cache"] == "hit"


def test_signed_in_users_neither_read_nor_fill_the_cache(client, editor, published):
    client.force_login(editor)
    response = client.get(published.get_absolute_url())
    assert not response.has_header("X-Page-Cache")
    client.logout()
    assert client.get(published.get_absolute_url())["X-Page-Cache"] == "miss"
    client.force_login(editor)
    assert not client.get(published.get_absolute_url()).has_header("X-Page-Cache")


def test_what_editors_saw_never_reaches_a_reader_through_the_cache(client, editor, cast):  # noqa: F811
    urls = _public_urls(cast)
    client.force_login(editor)
    for url in urls:
        client.get(url)
    client.logout()
    for url in urls:
        for attempt in (1, 2):  # rendered, then from the cache
            response = client.get(url)
            assert response.status_code == 200, url
            text = _text(response)
            for marker in (CONFIDENTIAL_MARKER, DRAFT_MARKER, INTERNAL_NOTE_MARKER):
                assert marker not in text, f"{marker} leaked on {url} (request {attempt})"


def test_query_strings_and_languages_are_kept_apart(client, db):
    factories.make_testimony("Curfew in Almaty", date_start=datetime.date(2022, 1, 5))
    factories.make_testimony("Shots near the airport", date_start=datetime.date(2022, 1, 7))
    first = client.get(LIST + "?date_from=2022-01-05&date_to=2022-01-05").content.decode()
    second = client.get(LIST + "?date_from=2022-01-07&date_to=2022-01-07").content.decode()
    assert "Curfew in Almaty" in first and "Shots near the airport" not in first
    assert "Shots near the airport" in second and "Curfew in Almaty" not in second
    english = client.get(LIST, headers={"accept-language": "en"})
    russian = client.get(LIST, headers={"accept-language": "ru"})
    assert english["Content-Language"] == "en"
    assert russian["Content-Language"] == "ru"
    assert russian["X-Page-Cache"] == "miss"


def test_error_answers_and_exports_are_not_kept(client, published):
    for _ in range(2):
        bad = client.get(LIST + "?date_from=2022-13-45")
        assert bad.status_code == 400
        assert not bad.has_header("X-Page-Cache")
    export = client.get(reverse("testimony:export-csv"))
    assert export.streaming
    assert not export.has_header("X-Page-Cache")
    assert published.title in _text(client.get(reverse("testimony:export-csv")))


class UnreachableStore(BaseCache):
    """A page store that cannot be reached, as a shared Redis that is down: every read and write raises."""

    asked = 0

    def __init__(self, location, params):
        super().__init__(params)

    def get(self, key, default=None, version=None):
        UnreachableStore.asked += 1
        raise ConnectionError("Error 111 connecting to cache.internal:6379. Connection refused.")

    def set(self, key, value, timeout=None, version=None):
        UnreachableStore.asked += 1
        raise ConnectionError("Error 111 connecting to cache.internal:6379. Connection refused.")

    def clear(self):
        pass


class BrokenStore(UnreachableStore):
    """A page store that is reached but cannot take what it is given."""

    def get(self, key, default=None, version=None):
        raise TypeError("cannot pickle '_thread.lock' object")


def test_readers_get_their_pages_while_the_page_store_is_down(client, published, settings, monkeypatch, caplog):
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": f"{__name__}.UnreachableStore"}}
    monkeypatch.setattr(pagecache, "STORE_PAUSE_SECONDS", 3600)  # however slowly this machine runs the test
    UnreachableStore.asked = 0
    _barricades()
    page = client.get(published.get_absolute_url())
    assert page.status_code == 200
    assert published.title in page.content.decode()
    assert "The page store failed (ConnectionError: Error 111" in caplog.text
    # Left alone for a while, so a store that hangs costs one reader its time-out rather than every reader:
    search = client.get(LIST, {"q": "barricades", "page": 2})  # its kept matches are not kept either
    assert search.status_code == 200
    assert "30 testimonies" in search.content.decode()
    assert UnreachableStore.asked == 1
    monkeypatch.setattr(pagecache, "_store_paused_until", 0.0)  # the pause is over
    assert client.get(LIST).status_code == 200
    assert UnreachableStore.asked == 2  # asked again, failed again: left alone again
    assert pagecache._store_paused_until > time.monotonic() + 3000


def test_a_store_that_fails_otherwise_is_a_fault_not_a_miss(client, published, settings):
    # A value the store cannot take, a client that is not installed: errors to see, not pages to render unkept.
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": f"{__name__}.BrokenStore"}}
    with pytest.raises(TypeError, match="cannot pickle"):
        client.get(published.get_absolute_url())


def test_a_deploy_s_migrate_retires_the_pages_the_old_code_rendered(
    client, published, django_capture_on_commit_callbacks
):
    client.get(published.get_absolute_url())
    assert client.get(published.get_absolute_url())["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("migrate", verbosity=0)  # nothing to apply: a deploy of new templates, say
    assert client.get(published.get_absolute_url())["X-Page-Cache"] == "miss"


def test_the_cache_can_be_switched_off(client, published, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(published.get_absolute_url())
    assert not client.get(published.get_absolute_url()).has_header("X-Page-Cache")


def test_with_the_page_cache_off_pages_still_name_things_from_the_kept_vocabulary(
    client, published, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    tag = factories.make_tag("Heard first-hand")
    published.tags.add(tag)
    assert "Heard first-hand" in client.get(published.get_absolute_url()).content.decode()  # the vocabulary is kept now
    # The page renders again, without the vocabulary's four queries: the generation, the testimony (its tags named
    # by its copy of their ids), its incident links, its cross-references, revisions and related testimonies (it has
    # no place: same days only).
    with django_assert_num_queries(6):
        page = client.get(published.get_absolute_url())
    assert not page.has_header("X-Page-Cache")
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "Seen with own eyes"
        tag.save()
    assert "Seen with own eyes" in client.get(published.get_absolute_url()).content.decode()


def test_with_the_page_cache_off_the_whole_archive_s_counts_are_kept_until_it_changes(
    client, published, settings, django_capture_on_commit_callbacks
):
    def heading(path):
        return re.search(r'class="results-count">\s*([^<]*?)\s*</h2>', client.get(path).content.decode()).group(1)

    settings.PAGE_CACHE_SECONDS = 0
    assert heading(LIST) == "1 testimony"
    with CaptureQueriesContext(connection) as queries:
        assert heading(LIST + "?page=1") == "1 testimony"  # rendered again: the counts are kept, not asked
    assert not any('"testimony_facetcount"' in query["sql"] for query in queries.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_testimony("Another account")
    assert heading(LIST) == "2 testimonies"


def test_a_cached_page_still_answers_304_to_its_etag(client, published):
    etag = client.get(published.get_absolute_url())["ETag"]
    assert client.get(published.get_absolute_url())["ETag"] == etag
    assert client.get(published.get_absolute_url(), headers={"if-none-match": etag}).status_code == 304


def test_the_filter_lists_are_kept_until_a_place_is_added(client, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        almaty = factories.make_place("Almaty", kind="city")
    client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST + "?date_from=2022-01-01").content.decode()  # another page: rendered, lists kept
    assert f'value="{almaty.slug}"' in page
    assert not any('FROM "testimony_incident"' in query["sql"] for query in queries.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_place("Zhanaozen", kind="city")
    assert ">Zhanaozen</option>" in client.get(LIST + "?date_from=2022-01-02").content.decode()


def test_a_kept_list_still_marks_each_reader_s_own_choice(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        almaty = factories.make_place("Almaty", kind="city")
        astana = factories.make_place("Astana", kind="city")
    for chosen, other in ((almaty, astana), (astana, almaty)):
        page = client.get(LIST + f"?place={chosen.slug}").content.decode()
        assert f'value="{chosen.slug}" selected>' in page
        assert f'value="{other.slug}" selected>' not in page


def test_filters_find_places_and_tags_in_the_kept_vocabulary_and_see_new_ones_at_once(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders: what is tested is the kept vocabulary alone
    with django_capture_on_commit_callbacks(execute=True):
        almaty = factories.make_place("Almaty", kind="city", slug="almaty")
        factories.make_testimony("Shots in Almaty", place=almaty)
    assert "Shots in Almaty" in client.get(LIST, {"place": "almaty"}).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"place": "almaty", "date_from": "2022-01-01"})
    assert not any('FROM "testimony_place"' in query["sql"] for query in queries.captured_queries)

    refused = client.get(LIST, {"place": "medeu"})  # not a place yet
    assert refused.status_code == 400
    assert "No place matches “medeu”. Choose one from the list." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        medeu = factories.make_place("Medeu", kind="district", parent=almaty, slug="medeu")
        tag = factories.make_tag("Heard first-hand", slug="heard")
        factories.make_testimony("A checkpoint in Medeu", place=medeu, tags=[tag])
    for params in ({"place": "medeu"}, {"tag": "heard"}, {"place": "almaty", "tag": "heard"}):
        page = client.get(LIST, params)
        assert page.status_code == 200, params
        assert "A checkpoint in Medeu" in page.content.decode() and "Shots in Almaty" not in page.content.decode()


# --- What the pages of one result share -----------------------------------------------------------------------


def _cards(response):
    return re.findall(r'id="card-(T-[0-9]+)"', response.content.decode())


def _barricades(count=30):
    accounts = [factories.make_testimony(f"Account {n}", body="Barricades on the road.") for n in range(count)]
    factories.make_testimony("Unrelated", body="A calm night.")
    search.reindex()
    return accounts


def test_the_next_page_of_a_search_does_not_find_its_matches_again(client, db, django_assert_num_queries):
    # Counting and ranking a search's matches is the costly part of its page (a common word: ~50 ms at a million
    # testimonies); page 2 reuses what page 1 found, kept with the pages under the archive's generation.
    accounts = _barricades()
    first = client.get(LIST, {"q": "barricades"})
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(2):  # the generation and the page's 5 rows; no count, no ranking, no facets
        second = client.get(LIST, {"q": "barricades", "page": 2})
    assert second["X-Page-Cache"] == "miss"  # a page of its own, rendered now
    assert _cards(first) + _cards(second) == [t.identifier for t in accounts]  # equal ranks: in number order
    assert "30 testimonies" in second.content.decode()


def test_kept_matches_never_outlive_a_change(client, db, django_capture_on_commit_callbacks):
    accounts = _barricades()
    client.get(LIST, {"q": "barricades"})
    with django_capture_on_commit_callbacks(execute=True):
        newest = factories.make_testimony("Barricades at dawn", body="Barricades by the akimat.")
        search.reindex()
    second = client.get(LIST, {"q": "barricades", "page": 2}).content.decode()
    assert "31 testimonies" in second  # counted again: the title match ranks first, pushing one onto page 2
    assert [newest.identifier] + [t.identifier for t in accounts] == _cards(
        client.get(LIST, {"q": "barricades"})
    ) + re.findall(r'id="card-(T-[0-9]+)"', second)


def test_kept_matches_are_kept_apart_by_filter_and_not_by_sort(client, db, django_assert_num_queries):
    accounts = _barricades()
    tag = factories.make_tag("Filmed", slug="filmed")
    for account in accounts[:3]:
        account.tags.add(tag)
    search.reindex()
    client.get(LIST, {"q": "barricades"})
    narrowed = client.get(LIST, {"q": "barricades", "tag": "filmed"})  # other filters: counted on their own
    assert _cards(narrowed) == [t.identifier for t in accounts[:3]]
    assert "3 testimonies" in narrowed.content.decode()
    client.get(LIST, {"q": "barricades", "sort": "-date"})  # another order: the same matches, not ranked
    with django_assert_num_queries(2):
        newest_first = client.get(LIST, {"q": "barricades", "sort": "-date", "page": 2})
    assert _cards(newest_first) == [t.identifier for t in reversed(accounts[:5])]

"""Anonymous readers' pages can be cached by a CDN; an editor's view never is."""

import pytest
from django.urls import reverse


@pytest.fixture(autouse=True)
def _cache_for_a_minute(settings):
    settings.PUBLIC_CACHE_SECONDS = 60


def test_anonymous_page_is_publicly_cacheable_with_an_etag(client, published):
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert response.has_header("ETag")
    assert "Cookie" in response["Vary"]


def test_unchanged_page_answers_304_to_if_none_match(client, published):
    etag = client.get(published.get_absolute_url())["ETag"]
    again = client.get(published.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == 304


def test_signed_in_editor_pages_are_never_stored(client, editor, published):
    client.force_login(editor)
    response = client.get(published.get_absolute_url())
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_admin_is_never_cached(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert "no-store" in response["Cache-Control"]


def test_not_found_is_not_marked_cacheable(client, db):
    response = client.get(reverse("testimony:detail", args=["T-9999"]))
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_caching_can_be_switched_off(client, published, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    response = client.get(published.get_absolute_url())
    assert "public" not in response.get("Cache-Control", "")

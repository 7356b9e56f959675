"""A reader's page whose query runs too long is stopped with a page that says so; editors are never cut off.

Each test makes the list page run one slow statement first (PostgreSQL sleeps, SQLite counts to a million, ~0.3 s),
through the page's own database connection, against a limit far shorter than that.
"""

import pytest
from django.db import connection
from django.urls import reverse

from testimony import facets
from testimony.models import Tag

LIST = reverse("testimony:list")
SHORT_LIMIT = 0.05  # seconds: the slow statement takes several times longer


def _slow_statement():
    if connection.vendor == "postgresql":
        return "SELECT pg_sleep(0.3)"
    return "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000) SELECT count(*) FROM n"


@pytest.fixture
def slow_list_page(monkeypatch, settings):
    """The list page, made to run the slow statement before it counts its results."""
    settings.PUBLIC_QUERY_SECONDS = SHORT_LIMIT
    count_results = facets.count_results

    def slow_count_results(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute(_slow_statement())
            cursor.fetchall()
        return count_results(*args, **kwargs)

    monkeypatch.setattr(facets, "count_results", slow_count_results)


def test_a_reader_whose_page_takes_too_long_is_told_how_to_narrow_it(client, published, slow_list_page):
    response = client.get(LIST)
    assert response.status_code == 503
    text = response.content.decode()
    assert "This took too long to answer" in text
    assert "add a date range or a place" in text
    assert "Traceback" not in text
    assert "public" not in response.get("Cache-Control", "")  # no CDN keeps the failure


def test_the_reader_can_narrow_the_same_list_from_there(client, published, slow_list_page):
    a, b = Tag.objects.order_by("slug").values_list("slug", flat=True)[:2]
    response = client.get(LIST, {"q": '"gunfire hospital"', "date_from": "2022-01-05", "tag": [a, b], "page": "3"})
    assert response.status_code == 503
    text = response.content.decode()
    assert 'name="q" value="&quot;gunfire hospital&quot;"' in text  # their words, to change
    assert 'name="date_from" value="2022-01-05"' in text
    assert f'<input type="hidden" name="tag" value="{a}"><input type="hidden" name="tag" value="{b}">' in text
    assert 'name="page"' not in text  # a narrower search starts on its first page


def test_a_signed_in_editor_is_never_cut_off(client, editor, published, slow_list_page):
    client.force_login(editor)
    response = client.get(LIST)
    assert response.status_code == 200
    assert published.title in response.content.decode()


def test_with_the_limit_switched_off_the_slow_page_is_answered(client, published, slow_list_page, settings):
    settings.PUBLIC_QUERY_SECONDS = 0
    response = client.get(LIST)
    assert response.status_code == 200
    assert published.title in response.content.decode()


def test_the_limit_ends_with_the_page(client, published, settings):
    """What runs on the connection after a reader's page (an editor's request, a command) has no limit."""
    settings.PUBLIC_QUERY_SECONDS = SHORT_LIMIT
    assert client.get(LIST).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(_slow_statement())  # would be stopped if the page's limit were still on
        assert cursor.fetchall()
        if connection.vendor == "postgresql":
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"


def test_an_ordinary_failure_is_not_mistaken_for_the_time_limit(client, published, monkeypatch, settings):
    """Only a query the limit stopped gets the "too long" page; any other database error stays an error."""
    settings.PUBLIC_QUERY_SECONDS = SHORT_LIMIT

    def broken(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM testimony_testimony")

    monkeypatch.setattr(facets, "count_results", broken)
    client.raise_request_exception = False
    response = client.get(LIST)
    assert response.status_code == 500

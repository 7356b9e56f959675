"""A day's page: the accounts about that day beside the statements made on it, and the way to the next days."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from testimony.models import Status
from testimony.views import days

from . import factories
from .cards import card_titles
from .conftest import DRAFT_MARKER

D = datetime.date


def day_url(day):
    return reverse("testimony:day", args=[day])


def titles(response):
    return card_titles(response.text)


@pytest.fixture
def january(db):
    factories.make_testimony("Morning of the 4th", date_start=D(2022, 1, 4))
    factories.make_testimony("The 4th to the 6th", date_start=D(2022, 1, 4), date_end=D(2022, 1, 6))
    factories.make_testimony("On the 5th", date_start=D(2022, 1, 5))
    factories.make_testimony(f"Draft of the 5th {DRAFT_MARKER}", date_start=D(2022, 1, 5), status=Status.DRAFT)
    factories.make_testimony("On the 12th", date_start=D(2022, 1, 12))
    factories.make_statement("Bandits attacked the city.", made_on=D(2022, 1, 5))
    factories.make_statement(f"An unchecked claim {DRAFT_MARKER}", made_on=D(2022, 1, 5), status=Status.DRAFT)
    factories.make_statement("Order has been restored.", made_on=D(2022, 1, 9))


def test_day_lists_accounts_covering_it_and_statements_made_on_it(client, january):
    response = client.get(day_url("2022-01-05"))
    assert response.status_code == 200
    assert titles(response) == ["The 4th to the 6th", "On the 5th"]
    assert "Bandits attacked the city." in response.text
    assert DRAFT_MARKER not in response.text
    assert "2 testimonies" in response.text
    assert "1 official statement" in response.text
    assert '<h1><time datetime="2022-01-05">5 January 2022</time></h1>' in response.text


def test_day_links_to_the_list_filtered_by_that_day(client, january):
    response = client.get(day_url("2022-01-05"))
    assert f'href="{reverse("testimony:list")}?date_from=2022-01-05&amp;date_to=2022-01-05"' in response.text


@pytest.mark.parametrize(
    "day, previous, following",
    [
        ("2022-01-05", "2022-01-04", "2022-01-06"),  # the range 4–6 covers the 6th
        ("2022-01-06", "2022-01-05", "2022-01-09"),  # the 9th has only a statement
        ("2022-01-09", "2022-01-06", "2022-01-12"),
        ("2022-01-04", None, "2022-01-05"),
        ("2022-01-12", "2022-01-09", None),
        ("2022-01-10", "2022-01-09", "2022-01-12"),  # an empty day still links to its neighbours
    ],
)
def test_previous_and_next_days_with_entries(client, january, day, previous, following):
    response = client.get(day_url(day))
    prev_link = re.search(r'rel="prev" href="/days/([\d-]+)/"', response.text)
    next_link = re.search(r'rel="next" href="/days/([\d-]+)/"', response.text)
    assert (prev_link.group(1) if prev_link else None) == previous
    assert (next_link.group(1) if next_link else None) == following


def test_a_day_of_statements_only_shows_them(client, db):
    factories.make_statement("Order has been restored.", made_on=D(2022, 1, 9))
    response = client.get(day_url("2022-01-09"))
    assert response.status_code == 200
    assert "Order has been restored." in response.text
    assert "No published testimony is about this day." in response.text
    assert "1 official statement made this day" in response.text


def test_neighbours_ignore_drafts(client, db):
    factories.make_testimony("Published", date_start=D(2022, 1, 5))
    factories.make_testimony("Draft", date_start=D(2022, 1, 6), status=Status.DRAFT)
    factories.make_statement("Draft claim", made_on=D(2022, 1, 4), status=Status.DRAFT)
    response = client.get(day_url("2022-01-05"))
    assert 'rel="next"' not in response.text
    assert 'rel="prev"' not in response.text


def test_a_long_range_makes_every_day_it_covers_a_neighbour(client, db):
    factories.make_testimony("All month", date_start=D(2021, 12, 1), date_end=D(2022, 1, 31))
    factories.make_testimony("The 20th", date_start=D(2022, 1, 20))
    response = client.get(day_url("2022-01-20"))
    assert 'rel="prev" href="/days/2022-01-19/"' in response.text
    assert 'rel="next" href="/days/2022-01-21/"' in response.text
    assert titles(response) == ["All month", "The 20th"]


def test_day_with_nothing_is_a_404_that_still_helps(client, january):
    response = client.get(day_url("2022-01-10"))
    assert response.status_code == 404
    assert "Nothing in the archive is about 10 January 2022" in response.text
    assert 'rel="next" href="/days/2022-01-12/"' in response.text


def test_day_with_only_a_draft_is_a_404(client, db):
    factories.make_testimony(f"Hidden {DRAFT_MARKER}", date_start=D(2022, 1, 5), status=Status.REVIEW)
    response = client.get(day_url("2022-01-05"))
    assert response.status_code == 404
    assert DRAFT_MARKER not in response.text


@pytest.mark.parametrize("path", ["/days/2022-02-30/", "/days/2022-1-5/", "/days/yesterday/"])
def test_impossible_day_is_a_404(client, db, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("page", "status", "message"), [("0", 400, "Enter a page number"), ("2", 404, "There is no page 2")]
)
def test_a_bad_page_of_a_day_with_statements_is_explained_not_a_server_error(client, db, page, status, message):
    factories.make_testimony("Shots at night", date_start=D(2022, 1, 5))
    factories.make_statement("Order was restored.", made_on=D(2022, 1, 5))
    response = client.get(day_url("2022-01-05"), {"page": page})
    assert response.status_code == status
    assert message in response.text
    assert "Shots at night" not in response.text


def test_day_pages_its_accounts(client, db):
    for n in range(27):
        factories.make_testimony(f"Account {n:02d}", date_start=D(2022, 1, 5))
    first = client.get(day_url("2022-01-05"))
    assert len(titles(first)) == 25
    assert "27 testimonies" in first.text
    second = client.get(day_url("2022-01-05"), {"page": "2"})
    assert titles(second) == ["Account 25", "Account 26"]
    assert client.get(day_url("2022-01-05"), {"page": "3"}).status_code == 404
    bad = client.get(day_url("2022-01-05"), {"page": "two"})
    assert bad.status_code == 400
    assert "Enter a page number as a whole number from 1, for example 2." in bad.text
    assert "<title>Error: 5 January 2022" in bad.text
    assert "<title>5 January 2022" in second.text


def test_day_query_count_does_not_grow_with_rows(client, january, django_assert_num_queries):
    tag = factories.make_tag()
    # count, rows (with their tags' ids), statements, previous day, next day; and the four of the vocabulary that
    # names the tags, which each process keeps between changes outside tests (KEEP_VOCABULARY)
    with django_assert_num_queries(9):
        response = client.get(day_url("2022-01-05"))
    assert response.status_code == 200
    for n in range(30):
        factories.make_testimony(f"More {n}", date_start=D(2022, 1, 5), place=factories.make_place(), tags=[tag])
    for n in range(5):
        factories.make_statement(f"Claim {n}", made_on=D(2022, 1, 5))
    with django_assert_num_queries(9):
        response = client.get(day_url("2022-01-05"))
    assert len(titles(response)) == 25
    assert f'<a class="chip" href="{tag.get_absolute_url()}">{tag.name}</a>' in response.text  # on the cards


def test_statements_on_their_own_day_do_not_repeat_the_day_unless_it_is_approximate(client, january):
    factories.make_statement("Roughly then, a curfew.", made_on=D(2022, 1, 5), is_date_approximate=True)
    response = client.get(day_url("2022-01-05"))
    items = re.findall(r'<li class="statement-item">.*?</li>', response.text, re.S)
    exact = next(item for item in items if "Bandits attacked the city." in item)
    approximate = next(item for item in items if "Roughly then, a curfew." in item)
    assert 'href="/days/2022-01-05/"' not in exact  # the page is that day: no link to itself
    assert 'href="/days/2022-01-05/"' in approximate and "approx." in approximate


def test_a_busy_day_shows_its_first_statements_and_links_to_all_of_them(client, january, django_assert_num_queries):
    shown = days.STATEMENTS_SHOWN
    for n in range(shown + 2):  # with the fixture's one: shown + 3 public statements on the 5th
        factories.make_statement(f"Claim {n:02} of the 5th.", made_on=D(2022, 1, 5))

    # the nine of an ordinary day (test_day_query_count_does_not_grow_with_rows), and the statements' count
    with django_assert_num_queries(10):
        response = client.get(day_url("2022-01-05"))

    items = re.findall(r'<li class="statement-item">.*?</li>', response.text, re.S)
    assert len(items) == shown
    assert "Bandits attacked the city." in items[0] and f"Claim {shown - 2:02} of the 5th." in items[-1]
    assert f"{shown + 3} official statements" in response.text  # all of them counted, the draft never
    assert f"The first {shown} are shown." in response.text
    link = f"{reverse('testimony:statements')}?date_from=2022-01-05&amp;date_to=2022-01-05"
    assert f'<a href="{link}">See all {shown + 3} statements made this day</a>' in response.text

    listed = client.get(html.unescape(link))
    assert listed.status_code == 200
    assert f"{shown + 3} statements" in listed.text
    assert f"Claim {shown + 1:02} of the 5th." in listed.text  # one the day page left out
    assert "Order has been restored." not in listed.text and DRAFT_MARKER not in listed.text


def test_a_day_with_few_statements_shows_them_all_without_a_link(client, january):
    response = client.get(day_url("2022-01-05"))
    assert "1 official statement" in response.text
    assert "See all" not in response.text


def test_a_day_with_statements_says_near_the_top_how_many_and_links_to_them(client, january):
    """On a phone the statements come after every testimony card: a line above the cards leads to them."""
    assert ">1 official statement made this day</a>" in client.get(day_url("2022-01-05")).text
    factories.make_statement("A curfew was declared.", made_on=D(2022, 1, 5))

    response = client.get(day_url("2022-01-05"))

    line = (
        '<p class="day-statements-link"><a href="#day-statements"><span aria-hidden="true">↓ </span>'
        "2 official statements made this day</a></p>"
    )
    assert line in response.text
    assert response.text.index(line) < response.text.index('<h2 id="day-testimonies">')
    assert '<h2 id="day-statements">' in response.text  # where the link leads


def test_a_day_without_statements_has_no_link_to_them(client, january):
    response = client.get(day_url("2022-01-04"))

    assert response.status_code == 200
    assert "day-statements-link" not in response.text
    assert "No official statement in the archive was made on this day." in response.text

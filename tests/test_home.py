"""The home page: what the archive is, its figures, the timeline, the latest accounts and the incidents."""

import datetime
import re

import pytest
from django.urls import reverse

from testimony import pagination
from testimony.models import Status

from . import factories
from .cards import card_titles
from .conftest import DRAFT_MARKER

D = datetime.date
HOME = reverse("testimony:home")


@pytest.fixture
def archive(db):
    factories.make_testimony("On the 4th", date_start=D(2022, 1, 4))
    factories.make_testimony("The 4th to the 6th", date_start=D(2022, 1, 4), date_end=D(2022, 1, 6))
    almaty = factories.make_place("Almaty")
    factories.make_testimony("On the 8th", date_start=D(2022, 1, 8), place=almaty)
    hidden = factories.make_place("Only a draft's place")
    factories.make_testimony(f"Draft {DRAFT_MARKER}", date_start=D(2022, 1, 10), status=Status.DRAFT, place=hidden)
    factories.make_statement("Bandits attacked.", made_on=D(2022, 1, 5))
    factories.make_statement(f"Unchecked {DRAFT_MARKER}", made_on=D(2022, 1, 12), status=Status.DRAFT)
    factories.make_incident("Storming of the akimat", slug="akimat", date_start=D(2022, 1, 5))


def figure(response, label):
    found = re.search(
        rf'<span class="figure-number">([^<]+)</span>\s*<span class="figure-label">{label}</span>', response.text
    )
    return found.group(1) if found else None


def test_home_says_what_the_archive_is_under_its_name(client, archive, settings):
    settings.ARCHIVE_NAME = "Bloody January Archive"
    response = client.get(HOME)
    assert response.status_code == 200
    assert "<h1>Bloody January Archive</h1>" in response.text
    assert "<title>Bloody January Archive</title>" in response.text
    assert "How to read it" in response.text


def test_home_counts_only_public_entries(client, archive):
    response = client.get(HOME)
    assert figure(response, "testimonies") == "3"
    assert figure(response, "official statement") == "1"
    assert figure(response, "place") == "1"  # the places index's: a place with only a draft is not counted
    assert f'<a href="{reverse("testimony:places")}"><span class="figure-number">1</span>' in response.text
    assert DRAFT_MARKER not in response.text


def test_home_counts_are_bounded_or_exact_from_the_counts_table(client, archive, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    response = client.get(HOME)
    # Testimonies come exact from the counts table's grand total; statements are counted up to the cap.
    assert figure(response, "testimonies") == "3"
    factories.make_statement("Another claim")
    factories.make_statement("A third claim")
    assert figure(client.get(HOME), "official statements") == "more than 2"


def test_timeline_has_a_linked_column_for_each_day_with_entries(client, archive):
    response = client.get(HOME)
    svg = re.search(r"<svg .*?</svg>", response.text, re.S).group(0)
    assert '<title id="timeline-title">Testimonies per day</title>' in svg
    assert "From 4 January 2022 to 8 January 2022." in svg
    days = re.findall(r'<a href="/days/([\d-]+)/" class="timeline-day">\s*<title>([^<]+)</title>', svg)
    assert days == [
        ("2022-01-04", "4 January 2022: 2 testimonies"),
        ("2022-01-05", "5 January 2022: 1 testimony, 1 official statement"),
        ("2022-01-06", "6 January 2022: 1 testimony"),
        ("2022-01-08", "8 January 2022: 1 testimony"),
    ]
    assert svg.count('class="timeline-statement"') == 1
    assert "/days/2022-01-07/" not in svg  # nothing that day: no link to an empty page


def test_timeline_is_also_a_list(client, archive):
    response = client.get(HOME)
    assert "<summary>The timeline as a list</summary>" in response.text
    assert re.search(
        r'<time datetime="2022-01-05">5 January 2022</time></a>:\s*1 testimony, 1 official statement', response.text
    )


def test_home_lists_the_latest_published_and_the_incidents(client, archive):
    response = client.get(HOME)
    latest = card_titles(response.text)
    assert latest == ["On the 8th", "The 4th to the 6th", "On the 4th"]  # newest first
    assert f'<a href="{reverse("testimony:incident", args=["akimat"])}">Storming of the akimat</a>' in response.text


def test_empty_archive_home_still_works(client, db):
    response = client.get(HOME)
    assert response.status_code == 200
    assert "Nothing has been published yet." in response.text
    assert figure(response, "testimonies") == "0"


def test_home_query_count_does_not_grow_with_rows(client, archive, django_assert_num_queries):
    # 3 figures, 2 for the timeline, latest (with their tags' ids), incidents; and the four of the vocabulary that
    # names the tags, which each process keeps between changes outside tests (KEEP_VOCABULARY)
    with django_assert_num_queries(11):
        client.get(HOME)
    for n in range(20):
        factories.make_testimony(f"More {n}", date_start=D(2022, 1, 3 + n % 9), tags=[factories.make_tag(f"Tag {n}")])
        factories.make_statement(f"Claim {n}", made_on=D(2022, 1, 3 + n % 5))
        factories.make_incident(f"Incident {n}")
    with django_assert_num_queries(11):
        response = client.get(HOME)
    assert ">Tag 19</a>" in response.text  # the latest testimony's card shows its tag


def test_header_has_the_site_search_and_navigation(client, archive):
    response = client.get(HOME)
    assert '<search class="site-search" aria-label="Search the archive">' in response.text
    assert '<label for="site-search-q">Search testimonies</label>' in response.text
    assert f'<a class="site-name" href="{HOME}" aria-current="page">' in response.text
    nav = re.search(r'<nav class="site-nav".*?</nav>', response.text, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", nav) == ["Testimonies", "Official statements", "Places", "Methodology"]


def test_header_marks_the_places_index_as_the_current_page(client, archive):
    nav = re.search(r'<nav class="site-nav".*?</nav>', client.get(reverse("testimony:places")).text, re.S).group(0)
    assert f'<a href="{reverse("testimony:places")}" aria-current="page">Places</a>' in nav

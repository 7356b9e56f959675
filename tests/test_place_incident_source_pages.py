"""A place's, an incident's and a source's page: their testimonies, with the list's filters and facets."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from testimony.models import Status

from . import factories
from .cards import card_titles
from .conftest import DRAFT_MARKER


def titles(response):
    return set(card_titles(response.text))


@pytest.fixture
def places(db):
    country = factories.make_place("Kazakhstan", slug="kz", kind="country")
    almaty = factories.make_place(
        "Almaty", slug="almaty", parent=country, kind="city", latitude=Decimal("43.2389"), longitude=Decimal("76.8897")
    )
    medeu = factories.make_place("Medeu", slug="medeu", parent=almaty)
    square = factories.make_place("Republic Square", slug="square", parent=medeu, kind="site")
    aktobe = factories.make_place("Aktobe", slug="aktobe", parent=country, kind="city")
    factories.make_testimony("In Almaty", place=almaty, witness=factories.make_witness(role="driver"))
    factories.make_testimony("In Medeu", place=medeu)
    factories.make_testimony("On the square", place=square)
    factories.make_testimony("In Aktobe", place=aktobe)
    factories.make_testimony(f"Draft on the square {DRAFT_MARKER}", place=square, status=Status.DRAFT)
    return {"almaty": almaty, "medeu": medeu, "square": square}


# --- Places ---------------------------------------------------------------------------------------------------


def test_place_page_lists_the_place_and_everything_beneath_it(client, places):
    response = client.get(reverse("testimony:place", args=["almaty"]))
    assert response.status_code == 200
    assert titles(response) == {"In Almaty", "In Medeu", "On the square"}
    assert DRAFT_MARKER not in response.text
    assert "<h1>Almaty</h1>" in response.text


def test_place_page_shows_parents_as_breadcrumbs_and_coordinates(client, places):
    response = client.get(reverse("testimony:place", args=["square"]))
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', response.text, re.S).group(0)
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs) == [
        "Places",
        "Kazakhstan",
        "Almaty",
        "Medeu",
        "Republic Square",
    ]
    assert "43.2389, 76.8897" in client.get(reverse("testimony:place", args=["almaty"])).text
    assert "Coordinates" not in response.text  # the square has none


def test_place_page_facets_show_its_sub_places(client, places):
    response = client.get(reverse("testimony:place", args=["almaty"]))
    assert re.search(
        r'<a href="\?place=medeu"><span class="facet-label">Medeu</span> <span class="facet-count">2', (response.text)
    )


def test_place_page_takes_the_list_filters(client, places):
    url = reverse("testimony:place", args=["almaty"])
    assert titles(client.get(url, {"place": "medeu"})) == {"In Medeu", "On the square"}
    assert titles(client.get(url, {"role": "driver"})) == {"In Almaty"}
    assert titles(client.get(url, {"place": "aktobe"})) == set()  # outside the page's place
    bad = client.get(url, {"date_from": "soon"})
    assert bad.status_code == 400
    assert "Enter a date as YYYY-MM-DD, for example 2022-01-05." in bad.text


def test_a_search_on_a_place_page_finds_the_words_beneath_it_and_nowhere_else(client, gunfire_across_places):
    def found_on(page, **params):
        return titles(client.get(reverse("testimony:place", args=[page]), {"q": "gunfire", **params}))

    assert found_on("almaty") == {"Gunfire in the city", "Gunfire on the square"}
    assert found_on("medeu") == {"Gunfire on the square"}
    assert found_on("almaty", place="medeu") == {"Gunfire on the square"}
    assert found_on("kz") == {"Gunfire in the city", "Gunfire on the square", "Gunfire in Aktobe"}


def test_place_page_exports_its_own_testimonies(client, places):
    response = client.get(reverse("testimony:place", args=["almaty"]), {"role": "driver"})
    assert f'href="{reverse("testimony:export-csv")}?role=driver&amp;place=almaty"' in response.text


def test_place_page_form_offers_only_places_beneath_it(client, places):
    response = client.get(reverse("testimony:place", args=["almaty"]))
    form = re.search(r'<select id="f-place".*?</select>', response.text, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', form) == ["", "medeu", "square"]


def test_place_list_shows_the_tree_in_groups_and_the_chosen_place_by_its_plain_name(client, places):
    response = client.get(reverse("testimony:list"), {"place": "square"})
    form = re.search(r'<select id="f-place".*?</select>', response.text, re.S).group(0)
    # Each place stands under a group named by the path to its parent; no spaces indent a name.
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', form)
    assert groups == [
        ("In Kazakhstan", '<option value="almaty">Almaty</option><option value="aktobe">Aktobe</option>'),
        ("In Kazakhstan › Almaty", '<option value="medeu">Medeu</option>'),
        ("In Kazakhstan › Almaty › Medeu", '<option value="square" selected>Republic Square</option>'),
    ]
    assert "\u00a0" not in form and "&nbsp;" not in form
    # A place's own page starts beneath it: the places right under Almaty come first, ungrouped.
    page = client.get(reverse("testimony:place", args=["almaty"]), {"place": "square"}).text
    form = re.search(r'<select id="f-place".*?</select>', page, re.S).group(0)
    assert '<option value="medeu">Medeu</option><optgroup label="In Medeu"><option value="square" selected>' in form


# --- Incidents ------------------------------------------------------------------------------------------------


@pytest.fixture
def siege(db):
    hospital = factories.make_place("Hospital No. 7", slug="hospital-7", kind="site")
    incident = factories.make_incident(
        "Siege of Hospital No. 7",
        slug="siege",
        date_start=datetime.date(2022, 1, 5),
        date_end=datetime.date(2022, 1, 7),
        place=hospital,
        description="Armed men entered the hospital.",
    )
    factories.make_testimony("A nurse", incidents=[incident], witness=factories.make_witness("nurse", role="medical"))
    factories.make_testimony("A driver", incidents=[incident], witness=factories.make_witness(role="driver"))
    factories.make_testimony("Somewhere else")
    factories.make_testimony(f"Draft {DRAFT_MARKER}", incidents=[incident], status=Status.DRAFT)
    claim = factories.make_statement("Terrorists seized the hospital.")
    claim.incidents.add(incident)
    hidden = factories.make_statement(f"Unchecked {DRAFT_MARKER}", status=Status.DRAFT)
    hidden.incidents.add(incident)
    return incident


def test_incident_page_shows_its_dates_place_description_statements_and_testimonies(client, siege):
    response = client.get(reverse("testimony:incident", args=["siege"]))
    assert response.status_code == 200
    assert "<h1>Siege of Hospital No. 7</h1>" in response.text
    assert "5–7 January 2022" in response.text
    assert f'<a href="{reverse("testimony:place", args=["hospital-7"])}">Hospital No. 7</a>' in response.text
    assert "Armed men entered the hospital." in response.text
    assert "Terrorists seized the hospital." in response.text
    assert titles(response) == {"A nurse", "A driver"}
    assert DRAFT_MARKER not in response.text


def test_incident_page_takes_the_list_filters(client, siege):
    response = client.get(reverse("testimony:incident", args=["siege"]), {"role": "medical"})
    assert titles(response) == {"A nurse"}
    assert f'href="{reverse("testimony:export-json")}?role=medical&amp;incident=siege"' in response.text


# --- Sources --------------------------------------------------------------------------------------------------


@pytest.fixture
def source(db):
    hrw = factories.make_source("Rights Watch", slug="hrw", url="https://example.org/", description="An NGO.")
    factories.make_testimony("Reported by them", source=hrw)
    factories.make_testimony("Reported by others", source=factories.make_source())
    factories.make_testimony(f"Draft {DRAFT_MARKER}", source=hrw, status=Status.DRAFT)
    return hrw


def test_source_page_lists_its_testimonies(client, source):
    response = client.get(reverse("testimony:source", args=["hrw"]))
    assert response.status_code == 200
    assert "<h1>Rights Watch</h1>" in response.text
    assert "An NGO." in response.text
    assert 'href="https://example.org/"' in response.text
    assert titles(response) == {"Reported by them"}
    assert DRAFT_MARKER not in response.text


# --- All three ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["testimony:place", "testimony:incident", "testimony:source"])
def test_unknown_slug_is_a_404(client, db, name):
    response = client.get(reverse(name, args=["no-such-thing"]))
    assert response.status_code == 404
    assert "Nothing at this address" in response.text


@pytest.mark.parametrize(
    "name, slug, queries",
    [
        # the page's object, 4 vocabularies, rows with their tags' ids (+ ancestors and subtree ids for a place,
        # + statements for an incident), and the counts:
        # - a place: the counts table, total and every facet at once (was a bounded count and 4 facet queries);
        # - an incident: the ids of the first matching rows (count and facet sample at once), then every facet
        #   over them in one query (was three: places, tags, roles with sources); on PostgreSQL the values every
        #   facet counts come with the ids (search.first_rows), one query fewer;
        # - a source: the counts table for the total and places, then the first rows' ids with what the tag, role
        #   and source facets count, read off the list index in one query (was three).
        ("testimony:place", "almaty", 9),
        ("testimony:incident", "siege", 9),
        ("testimony:source", "hrw", 8),
    ],
)
def test_query_count_does_not_grow_with_rows(
    client, places, siege, source, django_assert_num_queries, name, slug, queries
):
    url = reverse(name, args=[slug])
    if name == "testimony:incident" and connection.vendor == "postgresql":
        queries -= 1
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    for n in range(30):
        factories.make_testimony(
            f"More {n}",
            place=factories.make_place(parent=places["medeu"]),
            incidents=[siege],
            source=source,
            tags=[factories.make_tag()],
        )
    factories.make_statement("Another claim").incidents.add(siege)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(titles(response)) == 25

"""Facet counts beside the list: they match the list, follow the filters, roll places up and never count drafts."""

import html
import re
from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse

from testimony import facets, pagination, search
from testimony.models import Status, Testimony

from . import factories

LIST = reverse("testimony:list")


def facet(response, name):
    """``{label: count}`` of one facet (place, tag, role or source) as the page shows it."""
    section = re.search(rf'<section class="facet" aria-labelledby="facet-{name}">(.*?)</section>', response.text, re.S)
    if section is None:
        return {}
    label = r'<span class="facet-label">([^<]+)</span>'
    count = r'<span class="facet-count">(?:<span[^>]*>[^<]*</span>)*([\d,]+)</span>'
    items = re.findall(f"{label} {count}", section.group(1))
    return {html.unescape(label): int(count.replace(",", "")) for label, count in items}


def facet_link(response, label):
    """The href of the facet entry with this label."""
    found = re.search(
        rf'<a (?:class="is-selected" aria-current="true" )?href="([^"]+)"><span class="facet-label">'
        rf"{re.escape(label)}</span>",
        response.text,
    )
    return html.unescape(found.group(1)) if found else None


def result_count(response):
    found = re.search(r'<h2 id="results-heading" class="results-count">\s*([\d,]+) testimon', response.text)
    return int(found.group(1).replace(",", ""))


@pytest.fixture
def archive(db):
    """Two cities (one with districts), three tags, two sources, three roles, and a draft that must not count."""
    country = factories.make_place("Kazakhstan", slug="kz", kind="country")
    almaty = factories.make_place("Almaty", slug="almaty", parent=country, kind="city")
    medeu = factories.make_place("Medeu", slug="medeu", parent=almaty)
    square = factories.make_place("Republic Square", slug="square", parent=medeu, kind="site")
    auezov = factories.make_place("Auezov", slug="auezov", parent=almaty)
    aktobe = factories.make_place("Aktobe", slug="aktobe", parent=country, kind="city")
    seen = factories.make_tag("Seen", slug="seen")
    confirmed = factories.make_tag("Confirmed", slug="confirmed")
    filmed = factories.make_tag("Filmed", slug="filmed")
    bne = factories.make_source("bne", slug="bne")
    hrw = factories.make_source("HRW", slug="hrw")
    rows = [
        # place, tags, role, source
        (square, [seen, confirmed], "driver", bne),
        (square, [seen], "resident", bne),
        (medeu, [seen, filmed], "resident", hrw),
        (auezov, [confirmed], "medical", bne),
        (almaty, [], "resident", None),
        (aktobe, [seen], "driver", hrw),
        (None, [filmed], "resident", bne),
    ]
    for n, (place, tags, role, source) in enumerate(rows):
        factories.make_testimony(
            f"Account {n}", place=place, tags=tags, source=source, witness=factories.make_witness(role=role)
        )
    factories.make_testimony(
        "Draft",
        place=square,
        tags=[seen, confirmed, filmed],
        source=hrw,
        status=Status.DRAFT,
        witness=factories.make_witness(role="journalist"),
    )


def test_place_counts_roll_up_to_the_top_level(client, archive):
    factories.make_testimony("Abroad", place=factories.make_place("Kyrgyzstan", slug="kg", kind="country"))
    response = client.get(LIST)
    assert facet(response, "place") == {"Kazakhstan": 6, "Kyrgyzstan": 1}
    assert "Places in" not in response.text


def test_a_single_place_on_offer_gives_way_to_the_places_beneath_it(client, archive):
    # Every placed account lies in Kazakhstan: offering it alone would be no choice.
    response = client.get(LIST)
    assert facet(response, "place") == {"Almaty": 5, "Aktobe": 1}
    assert "Places in Kazakhstan:" in response.text
    assert facet_link(response, "Almaty") == "?place=almaty"
    # Down as far as one place holds them all and some lie beneath it: Medeu holds the square's two accounts.
    response = client.get(LIST, {"place": "almaty", "role": "driver"})
    assert facet(response, "place") == {"Republic Square": 1}
    assert "Places in Medeu:" in response.text
    # Through two places that each hold every placed resident, to the one that holds some.
    response = client.get(LIST, {"role": "resident"})
    assert facet(response, "place") == {"Medeu": 2}
    assert "Places in Kazakhstan › Almaty:" in response.text
    # Down to a place with nothing beneath it, which is offered as it is.
    response = client.get(LIST, {"place": "kz", "role": "medical"})
    assert facet(response, "place") == {"Auezov": 1}
    assert "Places in Almaty:" in response.text


def test_place_facet_shows_the_children_of_the_chosen_place_with_their_subtrees(client, archive):
    response = client.get(LIST, {"place": "kz"})
    assert facet(response, "place") == {"Almaty": 5, "Aktobe": 1}
    response = client.get(LIST, {"place": "almaty"})
    assert facet(response, "place") == {"Medeu": 3, "Auezov": 1}  # one account is in Almaty itself
    assert result_count(response) == 5
    response = client.get(LIST, {"place": "medeu"})
    assert facet(response, "place") == {"Republic Square": 2}


def test_place_facet_trail_leads_back_up(client, archive):
    response = client.get(LIST, {"place": "medeu", "role": "resident"})
    assert '<li><a href="?role=resident">All places</a></li>' in response.text
    assert '<a href="?place=kz&amp;role=resident">Kazakhstan</a>' in response.text
    assert '<a href="?place=almaty&amp;role=resident">Almaty</a>' in response.text


def test_tag_role_and_source_counts_exclude_drafts(client, archive):
    response = client.get(LIST)
    assert result_count(response) == 7
    assert facet(response, "tag") == {"Seen": 4, "Confirmed": 2, "Filmed": 2}
    assert facet(response, "role") == {"Resident": 4, "Driver": 2, "Medical staff": 1}
    assert facet(response, "source") == {"bne": 4, "HRW": 2}


def test_counts_follow_the_current_filter(client, archive):
    response = client.get(LIST, {"tag": "seen"})
    assert result_count(response) == 4
    assert facet(response, "tag") == {"Seen": 4, "Confirmed": 1, "Filmed": 1}
    assert facet(response, "role") == {"Driver": 2, "Resident": 2}
    assert facet(response, "place") == {"Almaty": 3, "Aktobe": 1}  # all in Kazakhstan: its cities offered


def test_a_search_counts_its_facets_over_the_rows_it_found(client, archive):
    # A search's facets come from the values read with its matches, never from the counts table: the same numbers.
    search.reindex()
    response = client.get(LIST, {"q": "account", "tag": "seen"})
    assert result_count(response) == 4
    assert facet(response, "tag") == {"Seen": 4, "Confirmed": 1, "Filmed": 1}
    assert facet(response, "role") == {"Driver": 2, "Resident": 2}
    assert facet(response, "source") == {"bne": 2, "HRW": 2}
    assert facet(response, "place") == {"Almaty": 3, "Aktobe": 1}  # all in Kazakhstan: its cities offered


@pytest.mark.parametrize("name, key", [("tag", "tag"), ("role", "role"), ("source", "source"), ("place", "place")])
def test_each_count_matches_the_list_it_links_to(client, archive, name, key):
    """Follow every facet link from a filtered list: the list it leads to has exactly the count the facet showed."""
    start = client.get(LIST, {"place": "kz"})
    shown = facet(start, name)
    assert shown
    for label, count in shown.items():
        link = facet_link(start, label)
        followed = client.get(LIST + link)
        assert followed.status_code == 200
        assert result_count(followed) == count, (label, link)


def test_facet_link_adds_a_tag_and_a_chosen_one_removes_it(client, archive):
    response = client.get(LIST, {"tag": "seen", "page": "1"})
    assert facet_link(response, "Confirmed") == "?tag=seen&tag=confirmed"
    assert facet_link(response, "Seen") == LIST  # chosen: the link removes it
    assert 'class="is-selected" aria-current="true"' in response.text


def test_facet_link_replaces_a_single_valued_filter(client, archive):
    response = client.get(LIST, {"role": "driver", "q": ""})
    assert facet_link(response, "Driver") == "?q="
    response = client.get(LIST, {"source": "bne"})
    assert facet_link(response, "bne") == LIST


def test_counts_over_a_sample_are_labelled_about(client, archive, monkeypatch):
    # Words are counted from the rows (the counts table cannot), so past the cap every facet is a sample.
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 5)
    search.reindex()
    response = client.get(LIST, {"q": "account"})
    assert "More than 5 testimonies" in response.text
    assert "About: these counts are taken from the first 5 matching testimonies" in response.text
    assert '<span class="visually-hidden">about </span><span aria-hidden="true">≈</span>' in response.text
    # Five rows were counted: every count is at most five and the tags of those rows add up.
    roles = facet(response, "role")
    assert sum(roles.values()) == 5


def test_sampled_counts_are_those_of_the_first_matches_found_on_every_reading(client, archive, monkeypatch):
    # Sorted by date, a search is counted without ranking: the bounded count keeps the rows as the scan finds them.
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 3)
    search.reindex()
    first = search.first_rows(search.search(Testimony.objects.public(), "account"), 3, 3)
    expected = Counter(t.witness.get_role_display() for t in Testimony.objects.filter(pk__in=first.ids))
    readings = [facet(client.get(LIST, {"q": "account", "sort": "date"}), "role") for _ in range(3)]
    assert readings == [dict(expected)] * 3
    if connection.vendor == "postgresql":
        # PostgreSQL starts a scan of a table larger than a quarter of shared_buffers where another scan of it is
        # reading (never at this size): the archive's sessions switch that off, so a million rows behave as these.
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronize_seqscans")
            assert cursor.fetchone()[0] == "off"


def test_counts_the_table_knows_stay_exact_beside_sampled_ones(client, archive, monkeypatch):
    # One tag chosen: the total and the places come from the counts table, exact; the other facets are counted
    # over the first two matching rows and marked ≈.
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 2)
    response = client.get(LIST, {"tag": "seen"})
    assert result_count(response) == 4
    assert facet(response, "place") == {"Almaty": 3, "Aktobe": 1}  # all in Kazakhstan: its cities offered
    assert "About: the counts marked ≈ are taken from the first 2 matching testimonies" in response.text
    places = re.search(r'aria-labelledby="facet-place">(.*?)</section>', response.text, re.S).group(1)
    assert "≈" not in places
    roles = re.search(r'aria-labelledby="facet-role">(.*?)</section>', response.text, re.S).group(1)
    assert "≈" in roles
    assert sum(facet(response, "role").values()) == 2


def test_every_facet_is_exact_from_the_counts_table(client, archive, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 2)
    response = client.get(LIST, {"place": "almaty"})
    assert result_count(response) == 5
    assert "About:" not in response.text
    assert "≈" not in response.text
    assert facet(response, "role") == {"Resident": 3, "Driver": 1, "Medical staff": 1}


def test_no_facets_are_counted_for_an_empty_result(client, archive, django_assert_num_queries):
    with django_assert_num_queries(5):  # 4 vocabularies (which name the place), the bounded count; no facets
        response = client.get(LIST, {"place": "aktobe", "role": "medical"})
    assert result_count(response) == 0
    assert facet(response, "tag") == {}


def test_facet_query_count_does_not_grow_with_places_or_tags(client, archive, django_assert_num_queries):
    # 4 vocabularies (the place and its subtree found in them), the counts table (total and every facet), the rows
    # (their tags named by each row's tag_ids). Was 12: the bounded count and the four grouped facet queries are one
    # query of the counts table now; then 9 until the rows carried their tags, 8 until the place was found in the
    # vocabulary rather than by two queries.
    with django_assert_num_queries(6):
        client.get(LIST, {"place": "almaty"})
    almaty = factories.make_place("Bostandyk", slug="bostandyk", parent=factories.make_place("Elsewhere"))
    for n in range(10):
        factories.make_testimony(f"More {n}", place=almaty, tags=[factories.make_tag()])
    with django_assert_num_queries(6):
        client.get(LIST, {"place": "almaty"})

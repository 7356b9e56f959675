"""The list of testimonies: what a reader sees, page by page, and what it costs."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from testimony import facets, pagination, search
from testimony.models import CrossReference, Place, Status, Tag, Testimony

from . import factories
from .cards import card_titles
from .conftest import CONFIDENTIAL_MARKER, DRAFT_MARKER, INTERNAL_NOTE_MARKER

LIST = reverse("testimony:list")


def titles(response):
    """The result titles on the page, in order."""
    return card_titles(response.text)


def test_published_testimony_is_listed_and_draft_is_not(client, published, draft):
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["Men in balaclavas handed out alcohol"]
    assert DRAFT_MARKER not in response.text
    assert "1 testimony" in response.text


def test_confidential_witness_data_and_internal_notes_never_show(client, published):
    response = client.get(LIST)
    assert CONFIDENTIAL_MARKER not in response.text
    assert INTERNAL_NOTE_MARKER not in response.text
    assert "protester at Republic Square" in response.text  # the public descriptor does


def test_in_review_testimony_is_not_listed(client, db):
    factories.make_testimony("Waiting for an editor", status=Status.REVIEW)
    response = client.get(LIST)
    assert "Waiting for an editor" not in response.text
    assert "No testimony has been published here yet." in response.text


def test_retracted_testimony_is_listed_and_marked(client, db):
    factories.make_testimony("Later found wrong", status=Status.RETRACTED)
    response = client.get(LIST)
    assert titles(response) == ["Later found wrong"]
    assert '<p class="badge badge-retracted">Retracted</p>' in response.text


def test_result_shows_date_part_of_day_place_descriptor_and_tags(client, db):
    place = factories.make_place("Shanyrak", slug="shanyrak")
    tag = factories.make_tag("Seen it", slug="seen-it")
    factories.make_testimony(
        "Gunfire at night",
        date_start=datetime.date(2022, 1, 4),
        date_end=datetime.date(2022, 1, 6),
        part_of_day="night",
        is_date_approximate=True,
        place=place,
        witness=factories.make_witness("taxi driver"),
        tags=[tag],
    )
    response = client.get(LIST)
    assert "approx. 4–6 January 2022</time></a>, night" in response.text
    assert f'href="{reverse("testimony:day", args=["2022-01-04"])}"' in response.text
    assert f'<a href="{reverse("testimony:place", args=["shanyrak"])}">Shanyrak</a>' in response.text
    assert "taxi driver" in response.text
    assert '<a class="chip" href="/testimonies/?tag=seen-it">Seen it</a>' in response.text


def test_twenty_five_a_page_with_links_to_the_next(client, db):
    for day in range(30):
        factories.make_testimony(f"Account {day:02d}", date_start=datetime.date(2022, 1, 1) + datetime.timedelta(day))
    first = client.get(LIST)
    assert len(titles(first)) == 25
    assert titles(first)[0] == "Account 00"
    assert "30 testimonies" in first.text
    assert 'rel="next" href="?page=2"' in first.text
    second = client.get(LIST, {"page": "2"})
    assert titles(second) == [f"Account {n}" for n in range(25, 30)]
    assert "Showing 26–30" in second.text
    assert f'rel="prev" href="{LIST}"' in second.text


def test_page_past_the_end_is_a_404_with_a_message(client, published):
    response = client.get(LIST, {"page": "3"})
    assert response.status_code == 404
    assert "There is no page 3: the results end at page 1." in response.text


@pytest.mark.parametrize("value", ["x", "0", "-1", "2.5", "1e3", "99999999999"])
def test_malformed_page_is_a_400_with_a_message(client, published, value):
    response = client.get(LIST, {"page": value})
    assert response.status_code == 400
    assert "Enter a page number as a whole number from 1, for example 2." in response.text
    assert '<form method="get"' in response.text


def test_count_stops_at_the_cap_and_says_more_than(client, db, monkeypatch):
    # Words are counted from the rows, so the count stops at the cap (the counts table cannot count a search).
    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 30)
    factories.make_testimonies(31)
    search.reindex()
    response = client.get(LIST, {"q": "account"})
    assert "More than 30 testimonies" in response.text
    assert "these counts are taken from the first 30 matching testimonies" in response.text
    # Pages beyond the counted rows are not offered.
    assert client.get(LIST, {"q": "account", "page": "2"}).status_code == 200
    past = client.get(LIST, {"q": "account", "page": "3"})
    assert past.status_code == 404
    assert "Only the first 30 results can be paged through." in past.text


def test_counts_from_the_counts_table_are_exact_but_pages_stop_at_the_cap(client, db, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 30)
    factories.make_testimonies(31)
    response = client.get(LIST)
    assert "31 testimonies" in response.text
    assert "More than" not in response.text
    assert "these counts are taken from" not in response.text  # every facet is exact
    assert client.get(LIST, {"page": "2"}).status_code == 200
    past = client.get(LIST, {"page": "3"})
    assert past.status_code == 404
    assert "Only the first 30 results can be paged through." in past.text


def test_count_below_the_cap_is_exact(client, db, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    factories.make_testimonies(30)
    response = client.get(LIST)
    assert "30 testimonies" in response.text
    assert "More than" not in response.text
    assert "these counts are taken from" not in response.text


def test_sort_orders(client, db):
    early = factories.make_testimony("Early", date_start=datetime.date(2022, 1, 3))
    late = factories.make_testimony("Late", date_start=datetime.date(2022, 1, 9))
    middle = factories.make_testimony("Middle", date_start=datetime.date(2022, 1, 5))
    for order, testimony in enumerate([late, early, middle]):  # published in this order
        testimony.published_at = datetime.datetime(2022, 2, 1 + order, tzinfo=datetime.UTC)
        testimony.save()
    assert titles(client.get(LIST)) == ["Early", "Middle", "Late"]
    assert titles(client.get(LIST, {"sort": "date"})) == ["Early", "Middle", "Late"]
    assert titles(client.get(LIST, {"sort": "-date"})) == ["Late", "Middle", "Early"]
    assert titles(client.get(LIST, {"sort": "added"})) == ["Middle", "Early", "Late"]


def test_search_finds_words_and_marks_them_in_a_snippet(client, published, draft):
    factories.make_testimony("Unrelated", body="Nothing about masks here.")
    factories.make_testimony(f"Draft with balaclavas {DRAFT_MARKER}", body="balaclavas", status=Status.DRAFT)
    search.reindex()
    response = client.get(LIST, {"q": "balaclavas"})
    assert response.status_code == 200
    assert titles(response) == ["Men in balaclavas handed out alcohol"]
    assert "<mark>balaclavas</mark>" in response.text
    assert DRAFT_MARKER not in response.text
    assert "“balaclavas” in testimonies" in response.text  # the page title
    assert 'aria-current="true" href="?q=balaclavas&amp;sort=relevance"' in response.text


def test_search_snippet_is_escaped(client, db):
    factories.make_testimony("Markup", body="The <script>alert(1)</script> crowd chanted near the akimat.")
    search.reindex()
    response = client.get(LIST, {"q": "chanted"})
    assert "<script>alert(1)</script>" not in response.text
    assert "<mark>chanted</mark>" in response.text


def test_active_filters_are_listed_each_with_a_removal_link(client, db):
    place = factories.make_place("Almaty", slug="almaty")
    tag = factories.make_tag("Seen it", slug="seen-it")
    factories.make_testimony("Seen", place=place, tags=[tag])
    response = client.get(LIST, {"place": "almaty", "tag": "seen-it", "date_from": "2022-01-04"})
    assert "Place: Almaty" in response.text
    assert "Tag: Seen it" in response.text
    assert "From 4 January 2022" in response.text
    assert 'href="?tag=seen-it&amp;date_from=2022-01-04"' in response.text  # removes the place
    assert 'href="?place=almaty&amp;date_from=2022-01-04"' in response.text  # removes the tag
    assert f'<a class="clear-filters" href="{LIST}">Remove all filters</a>' in response.text


def test_empty_result_says_why_and_offers_to_remove_filters(client, db):
    factories.make_place("Aktobe", slug="aktobe")
    factories.make_testimony("Elsewhere")
    response = client.get(LIST, {"place": "aktobe", "role": "driver"})
    assert response.status_code == 200
    assert "0 testimonies" in response.text
    assert "No published testimony matches all 2 of these filters together." in response.text
    assert 'href="?role=driver">Remove “Place: Aktobe”</a>' in response.text
    assert 'href="?place=aktobe">Remove “Witness role: Driver”</a>' in response.text


def test_empty_result_of_one_filter_offers_to_remove_it_and_no_facets(client, db):
    factories.make_testimony("Elsewhere", place=factories.make_place("Almaty", slug="almaty"))

    response = client.get(LIST, {"q": "zzzxqy"})

    assert "No published testimony matches this filter." in response.text
    assert "Remove it:" in response.text
    assert "Remove one of them" not in response.text
    # Nothing to narrow: no facet panel, no "no smaller places" where the archive has places.
    assert 'id="facets-heading"' not in response.text
    assert "No smaller places" not in response.text
    assert 'id="facets-heading"' in client.get(LIST).text


def test_a_page_with_an_error_says_so_in_its_title(client, published):
    assert "<title>Error: Testimonies" in client.get(LIST, {"date_from": "2022-13-45"}).text
    assert "<title>Error: Testimonies" in client.get(LIST, {"page": "3"}).text
    assert "<title>Testimonies" in client.get(LIST).text


def test_sources_are_offered_in_reading_order_whatever_their_case(client, db):
    for name in ("Reuters", "bne IntelliNews", "Azattyq"):
        factories.make_source(name)

    html = client.get(LIST).text

    offered = re.findall(r'<option value="[^"]+">(Reuters|bne IntelliNews|Azattyq)</option>', html)
    assert offered == ["Azattyq", "bne IntelliNews", "Reuters"]


def test_export_links_carry_the_same_filters(client, published):
    response = client.get(LIST, {"role": "resident", "page": "1"})
    assert f'href="{reverse("testimony:export-csv")}?role=resident"' in response.text
    assert f'href="{reverse("testimony:export-json")}?role=resident"' in response.text


def test_filter_form_keeps_the_values_asked_for(client, db):
    factories.make_place("Almaty", slug="almaty")
    response = client.get(LIST, {"q": "gunfire", "date_from": "2022-01-04", "place": "almaty"})
    assert 'name="q" value="gunfire"' in response.text
    assert 'name="date_from" value="2022-01-04"' in response.text
    assert '<option value="almaty" selected>' in response.text


def test_list_page_is_valid_enough_to_have_landmarks_and_labels(client, published):
    response = client.get(LIST)
    html = response.text
    assert '<a class="skip-link" href="#main-content">' in html
    assert '<main id="main-content"' in html
    assert '<search class="filter-panel"' in html
    assert '<label for="f-q">' in html
    assert 'aria-current="page">Testimonies</a>' in html
    assert '<html lang="en">' in html


def _varied_testimonies(count, places, tags, sources, incident, statement):
    for n in range(count):
        testimony = factories.make_testimony(
            f"Account {n}",
            place=places[n % len(places)],
            tags=tags[: 1 + n % len(tags)],
            source=sources[n % len(sources)],
            witness=factories.make_witness(role=["resident", "driver", "medical"][n % 3]),
            incidents=[incident],
        )
        factories.make_cross_reference(testimony, statement, relation="contradicts")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"place": "city", "tag": ["tag-a", "tag-b"], "role": "driver", "date_from": "2022-01-01", "sort": "-date"},
        {"q": "account", "source": "source-a"},
        {"statement": "S-0001", "relation": "contradicts", "incident": "riot"},
    ],
    ids=["no-filters", "filters", "search", "statement"],
)
def test_query_count_does_not_grow_with_rows(client, db, django_assert_num_queries, params):
    """Without filters, six queries: four vocabularies, the counts table (total and every facet), the rows (each
    carries its tags' ids, named from the vocabulary). With filters the counts table cannot answer: six on
    PostgreSQL — the ids of the first matching rows with the values every facet counts (the bounded count and the
    facets' sample at once), the rows — and seven on SQLite, which reads those values by id; plus one lookup for a
    statement named in the parameters. A search: six, its first
    matches bringing the values the facets count with their ids and ranks. Places (and their subtrees), tags,
    sources and incidents named in the parameters are found in the vocabulary."""
    city = factories.make_place("City", slug="city")
    places = [city, factories.make_place(parent=city), factories.make_place()]
    tags = [factories.make_tag(slug="tag-a"), factories.make_tag(slug="tag-b"), factories.make_tag()]
    sources = [factories.make_source(slug="source-a"), factories.make_source()]
    incident = factories.make_incident(slug="riot")
    statement = factories.make_statement()
    assert statement.identifier == "S-0001"
    _varied_testimonies(6, places, tags, sources, incident, statement)
    search.reindex()
    lookups = 1 if "statement" in params else 0
    # Was 11 + lookups: the counts table answers the unfiltered page in one query (no bounded count, no facet
    # queries), and with filters the roles and sources facets share one grouped query; then 7 and 10 + lookups,
    # until the rows carried their tags' ids and the facets became one query; and a query for each place, tag,
    # source or incident named, and one for a place's subtree, until the filters found them in the vocabulary; and
    # 7 for a search until its facets' values came with its ranked matches. Counted from the rows, PostgreSQL
    # answers the ids and the values the facets count in one query (search.first_rows); SQLite reads the
    # values by id after.
    from_rows = 6 if connection.vendor == "postgresql" else 7
    expected = 6 if not params or "q" in params else from_rows + lookups
    with django_assert_num_queries(expected):
        response = client.get(LIST, params)
    assert response.status_code == 200
    assert len(titles(response)) >= 1

    more_places = [factories.make_place(parent=city) for _ in range(5)]
    more_tags = [factories.make_tag() for _ in range(5)]
    _varied_testimonies(
        40, places + more_places, tags + more_tags, sources + [factories.make_source()], incident, statement
    )
    search.reindex()
    with django_assert_num_queries(expected):
        response = client.get(LIST, params)
    assert response.status_code == 200
    assert len(titles(response)) > 1


# --- The seed collection ----------------------------------------------------------------------------------------

SEED = settings.BASE_DIR / "fixtures" / "kazakhstan-2022.json"


@pytest.fixture
def seed(db):
    if not SEED.exists():
        pytest.skip(f"the seed collection {SEED.name} is not in fixtures/ yet")
    call_command("loaddata", str(SEED), verbosity=0)
    search.reindex()


def test_seed_collection_is_listed_in_full(client, seed):
    public = Testimony.objects.public()
    response = client.get(LIST)
    assert f"{public.count()} testimonies" in response.text
    assert len(titles(response)) == min(25, public.count())


def test_seed_place_filter_includes_the_places_within(client, seed):
    almaty = Place.objects.get(slug="almaty")
    expected = set(Testimony.objects.public().in_place(almaty).values_list("title", flat=True))
    assert len(expected) > Testimony.objects.public().filter(place=almaty).count()  # some are in districts
    response = client.get(LIST, {"place": "almaty"})
    assert set(titles(response)) == expected


def test_seed_statement_filter_finds_the_contradicting_accounts(client, seed):
    link = CrossReference.objects.public().filter(relation="contradicts", statement__isnull=False).first()
    statement = link.statement
    expected = set(
        Testimony.objects.public()
        .filter(cross_references__statement=statement, cross_references__relation="contradicts")
        .values_list("title", flat=True)
    )
    response = client.get(LIST, {"statement": statement.identifier, "relation": "contradicts"})
    assert set(titles(response)) == expected


def test_seed_search_for_balaclavas(client, seed):
    response = client.get(LIST, {"q": "balaclava"})  # the singular finds the plural
    assert any("balaclavas" in title for title in titles(response))
    assert "<mark>" in response.text


def test_drop_down_lists_built_in_python_escape_names_and_keep_the_choice(client, db):
    city = factories.make_place("<b>Almaty</b> & co", slug="almaty")
    factories.make_place("District", slug="district", parent=city)
    factories.make_source("<i>bne</i>", slug="bne")
    response = client.get(LIST, {"place": "district", "source": "bne"})
    assert "<b>Almaty</b>" not in response.text
    assert '<option value="almaty">&lt;b&gt;Almaty&lt;/b&gt; &amp; co</option>' in response.text
    district = (
        '<optgroup label="In &lt;b&gt;Almaty&lt;/b&gt; &amp; co"><option value="district" selected>District</option>'
    )
    assert district in response.text
    assert '<option value="bne" selected>&lt;i&gt;bne&lt;/i&gt;</option>' in response.text


def _card_identifiers(response):
    return re.findall(r'id="card-(T-[0-9]+)"', response.text)


def _barricades(plain=27, titled=2):
    plain = [factories.make_testimony(f"Account {i}", body="Barricades on the road.") for i in range(plain)]
    titled = [factories.make_testimony(f"Barricades {i}", body="Barricades by the akimat.") for i in range(titled)]
    factories.make_testimony("Unrelated", body="A calm night.")
    search.reindex()
    return plain, titled


def test_a_search_lists_its_matches_best_first_on_every_page(client, db):
    # The list ranks the matches while counting them and loads each page by id: the order is the full ranking,
    # title matches first, then by number.
    plain, titled = _barricades()
    expected = [t.identifier for t in search.search(Testimony.objects.public(), "barricades")]
    assert expected == [t.identifier for t in titled + plain]
    first, second = (client.get(LIST, {"q": "barricades", "page": n}) for n in (1, 2))
    assert _card_identifiers(first) + _card_identifiers(second) == expected
    assert "ranked among the" not in first.text


def test_a_word_matching_more_than_the_cap_is_ranked_among_the_matches_added_first(client, db, monkeypatch):
    # A common word alone matches too many accounts to rank them all on every page view: the page ranks the
    # COUNT_CAP matches added first (the same ones on every page) and says so.
    monkeypatch.setattr(pagination, "COUNT_CAP", 26)
    plain, titled = _barricades()
    found = list(
        search.search(Testimony.objects.public(), "barricades").order_by("pk").values_list("pk", flat=True)[:26]
    )
    ranked = search.search(Testimony.objects.public().filter(pk__in=found), "barricades")
    first, second = (client.get(LIST, {"q": "barricades", "page": n}) for n in (1, 2))
    assert _card_identifiers(first) + _card_identifiers(second) == [t.identifier for t in ranked]
    assert "More than 26 testimonies" in first.text
    assert "these are ranked among the 26 added first, not among all of them" in first.text
    assert titled[0].identifier not in first.text  # the best match of all was added last: beyond the 26


@pytest.mark.parametrize("sort", ["date", "-date", "added"])
def test_a_list_the_counts_table_counts_pages_in_its_order_within_and_past_the_facet_sample(
    client, db, monkeypatch, sort
):
    # With a tag chosen the counts table gives the total, the other facets count the first SAMPLE_SIZE rows of the
    # list, and a page lying among those rows is loaded by their ids: pages 1-2 here; page 3 is past them.
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 50)
    tag = Tag.objects.get(slug="first-hand")  # from the credibility vocabulary every archive starts with
    for n in range(70):
        day = datetime.date(2022, 1, 1) + datetime.timedelta(days=n % 9)
        factories.make_testimony(f"Account {n}", date_start=day, tags=[tag] if n % 7 else [])
    factories.make_testimony("Untagged", date_start=datetime.date(2022, 1, 2))
    ordering = {"date": ("date_start", "date_end", "number"), "-date": ("-date_start", "-date_end", "-number")}
    ordering["added"] = ("-published_at", "-number")
    expected = list(
        Testimony.objects.public().filter(tags=tag).order_by(*ordering[sort]).values_list("identifier", flat=True)
    )
    assert len(expected) == 60
    shown = []
    for page in (1, 2, 3):
        response = client.get(LIST, {"tag": "first-hand", "sort": sort, "page": page})
        assert response.status_code == 200
        shown += _card_identifiers(response)
    assert shown == expected


@pytest.mark.parametrize("sort", ["date", "-date", "added"])
@pytest.mark.parametrize("sample", [100, 50])
def test_a_list_counted_from_its_rows_pages_in_its_order_whether_or_not_every_id_was_fetched(
    client, db, monkeypatch, sort, sample
):
    # Two tags: the counts table cannot answer, so the bounded count fetches the matches' ids (the first
    # SAMPLE_SIZE kept). When that is every match (sample 100 of 60), the page's rows are looked up among those ids;
    # past it (sample 50) the rows are found by the filters. The same pages in the same order either way.
    monkeypatch.setattr(facets, "SAMPLE_SIZE", sample)
    seen, filmed = Tag.objects.get(slug="first-hand"), Tag.objects.get(slug="video")
    for n in range(80):
        day = datetime.date(2022, 1, 1) + datetime.timedelta(days=n % 9)
        factories.make_testimony(f"Account {n}", date_start=day, tags=[seen, filmed] if n % 4 else [seen])
    ordering = {"date": ("date_start", "date_end", "number"), "-date": ("-date_start", "-date_end", "-number")}
    ordering["added"] = ("-published_at", "-number")
    both = Testimony.objects.public().filter(tags=seen).filter(tags=filmed)
    expected = list(both.order_by(*ordering[sort]).values_list("identifier", flat=True))
    assert len(expected) == 60
    shown = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"tag": ["first-hand", "video"], "sort": sort, "page": page})
        assert response.status_code == 200
        shown += _card_identifiers(response)
        (rows_query,) = [q["sql"] for q in queries.captured_queries if '"testimony_testimony"."title"' in q["sql"]]
        assert " LIMIT " in rows_query  # the page's rows
        by_id = '"testimony_testimony"."id" = ANY(' in rows_query or '"testimony_testimony"."id" IN (' in rows_query
        assert by_id == (sample == 100)
    assert shown == expected


def test_a_card_gives_its_dates_in_the_readers_language_each_time(client, db):
    # Formatted dates are kept per language and process (archive_tags.date_span): a Russian reader between two
    # English ones gets Russian month names, and the English reader after them English ones again.
    factories.make_testimony(
        "Shots at dawn", date_start=datetime.date(2022, 1, 4), date_end=datetime.date(2022, 1, 6), part_of_day="morning"
    )
    factories.make_testimony("Shots on the 7th", date_start=datetime.date(2022, 1, 7))
    for language, single, span in (
        ("en", "7 January 2022", "4–6 January 2022"),
        ("ru", "7 Январь 2022", "4–6 Январь 2022"),
        ("en", "7 January 2022", "4–6 January 2022"),
    ):
        page = client.get(LIST, headers={"accept-language": language}).text
        assert f">{single}</time>" in page
        assert f">{span}</time></a>, morning" in page

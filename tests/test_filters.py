"""Each filter of the list page narrows the results as a reader expects, and each bad value is explained."""

import datetime
import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from testimony import search
from testimony.filters import MAX_TAGS, filter_testimonies
from testimony.models import CrossReference, Status

from . import factories
from .cards import card_titles

LIST = reverse("testimony:list")
D = datetime.date


def titles(response):
    return set(card_titles(response.text))


def field_error(response, field):
    """The message shown next to one field of the filter form."""
    found = re.search(rf'<p class="field-error" id="f-{field}-error">([^<]*)</p>', response.text)
    return found.group(1) if found else None


# --- Dates ----------------------------------------------------------------------------------------------------


@pytest.fixture
def dated(db):
    return {
        "jan3": factories.make_testimony("On 3 January", date_start=D(2022, 1, 3)),
        "jan4-6": factories.make_testimony("From 4 to 6 January", date_start=D(2022, 1, 4), date_end=D(2022, 1, 6)),
        "jan8": factories.make_testimony("On 8 January", date_start=D(2022, 1, 8)),
    }


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"date_from": "2022-01-05", "date_to": "2022-01-05"}, {"From 4 to 6 January"}),
        ({"date_from": "2022-01-06"}, {"From 4 to 6 January", "On 8 January"}),
        ({"date_to": "2022-01-04"}, {"On 3 January", "From 4 to 6 January"}),
        ({"date_from": "2022-01-07", "date_to": "2022-01-07"}, set()),
        ({"date_from": "2022-01-03", "date_to": "2022-01-08"}, {"On 3 January", "From 4 to 6 January", "On 8 January"}),
    ],
)
def test_dates_match_accounts_whose_days_overlap(client, dated, params, expected):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert titles(response) == expected


MALFORMED_DATES = ["05/01/2022", "yesterday", "20220105", "2022-01-05x", "99999-01-01", "２０２２-０１-０５"]
# In the form asked for, but no day of the calendar: the reader is told that, not asked for the form they used.
NO_SUCH_DAYS = ["2022-02-30", "2022-13-01", "2021-02-29", "0000-01-01"]


@pytest.mark.parametrize("value", MALFORMED_DATES)
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_malformed_date_is_a_400_with_the_message_next_to_it(client, dated, field, value):
    response = client.get(LIST, {field: value})
    assert response.status_code == 400
    assert field_error(response, field) == "Enter a date as YYYY-MM-DD, for example 2022-01-05."
    assert titles(response) == set()


@pytest.mark.parametrize("value", NO_SUCH_DAYS)
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_a_day_not_in_the_calendar_is_a_400_that_says_so(client, dated, field, value):
    response = client.get(LIST, {field: value})
    assert response.status_code == 400
    assert field_error(response, field) == (
        f"There is no day {value} in the calendar. Enter a date as YYYY-MM-DD, for example 2022-01-05."
    )
    assert titles(response) == set()


def test_start_after_end_is_a_400(client, dated):
    response = client.get(LIST, {"date_from": "2022-01-07", "date_to": "2022-01-05"})
    assert response.status_code == 400
    assert field_error(response, "date_to") == "The end date must be on or after the start date."


# --- Place ----------------------------------------------------------------------------------------------------


def test_place_includes_every_place_beneath_it(client, db):
    country = factories.make_place("Kazakhstan", slug="kz", kind="country")
    city = factories.make_place("Almaty", slug="almaty", parent=country, kind="city")
    district = factories.make_place("Medeu", slug="medeu", parent=city)
    site = factories.make_place("Republic Square", slug="square", parent=district, kind="site")
    other_city = factories.make_place("Aktobe", slug="aktobe", parent=country, kind="city")
    factories.make_testimony("In the city", place=city)
    factories.make_testimony("In the district", place=district)
    factories.make_testimony("On the square", place=site)
    factories.make_testimony("In Aktobe", place=other_city)
    factories.make_testimony("Nowhere said")
    assert titles(client.get(LIST, {"place": "almaty"})) == {"In the city", "In the district", "On the square"}
    assert titles(client.get(LIST, {"place": "medeu"})) == {"In the district", "On the square"}
    assert titles(client.get(LIST, {"place": "kz"})) == {"In the city", "In the district", "On the square", "In Aktobe"}


def test_a_search_within_a_place_finds_the_words_beneath_it_and_nowhere_else(client, gunfire_across_places):
    assert titles(client.get(LIST, {"q": "gunfire", "place": "almaty"})) == {
        "Gunfire in the city",
        "Gunfire on the square",
    }
    assert titles(client.get(LIST, {"q": "gunfire", "place": "medeu"})) == {"Gunfire on the square"}
    assert titles(client.get(LIST, {"q": "gunfire", "place": "square"})) == {"Gunfire on the square"}
    assert titles(client.get(LIST, {"q": "gunfire", "place": "kz"})) == {
        "Gunfire in the city",
        "Gunfire on the square",
        "Gunfire in Aktobe",
    }
    assert titles(client.get(LIST, {"q": "shots", "place": "almaty"})) == {"Quiet district"}


@pytest.fixture
def gunfire_on_days_with_tags(db, django_capture_on_commit_callbacks):
    """Accounts of gunfire on several days, some tagged "video", one over two months: for searches narrowed by a
    date window and a tag (which PostgreSQL asks of the index as well, as tokens)."""
    with django_capture_on_commit_callbacks(execute=True):
        video = factories.make_tag("On film", slug="on-film")
        photo = factories.make_tag("On photo", slug="on-photo")
        factories.make_testimony("Gunfire on the 5th, filmed", body="Gunfire.", tags=[video, photo])
        factories.make_testimony(
            "Gunfire from the 1st to the 4th, filmed",
            body="Gunfire.",
            date_start=D(2022, 1, 1),
            date_end=D(2022, 1, 4),
            tags=[video],
        )
        factories.make_testimony(
            "Gunfire all winter, filmed",
            body="Gunfire.",
            date_start=D(2021, 12, 1),
            date_end=D(2022, 2, 28),
            tags=[video],
        )
        factories.make_testimony("Gunfire on the 8th, filmed", body="Gunfire.", date_start=D(2022, 1, 8), tags=[video])
        factories.make_testimony("Gunfire on the 5th, photographed", body="Gunfire.", tags=[photo])
        factories.make_testimony("Silence on the 5th, filmed", body="Nothing happened.", tags=[video])


def test_a_search_within_days_and_a_tag_finds_the_accounts_that_overlap_them_and_carry_it(
    client, gunfire_on_days_with_tags
):
    window = {"q": "gunfire", "date_from": "2022-01-04", "date_to": "2022-01-06", "tag": "on-film"}
    assert titles(client.get(LIST, window)) == {
        "Gunfire on the 5th, filmed",
        "Gunfire from the 1st to the 4th, filmed",
        "Gunfire all winter, filmed",
    }
    assert titles(client.get(LIST, window | {"tag": ["on-film", "on-photo"]})) == {"Gunfire on the 5th, filmed"}
    assert titles(client.get(LIST, window | {"date_from": "2022-01-08", "date_to": "2022-01-08"})) == {
        "Gunfire all winter, filmed",
        "Gunfire on the 8th, filmed",
    }
    # Longer than search.MAX_DAY_TOKENS days, and open at one end: the index is not asked for days, same answer.
    whole_winter = {"q": "gunfire", "date_from": "2021-12-01", "date_to": "2022-02-28", "tag": "on-film"}
    assert titles(client.get(LIST, whole_winter)) == {
        "Gunfire on the 5th, filmed",
        "Gunfire from the 1st to the 4th, filmed",
        "Gunfire all winter, filmed",
        "Gunfire on the 8th, filmed",
    }
    assert titles(client.get(LIST, {"q": "gunfire", "date_from": "2022-01-06", "tag": "on-film"})) == {
        "Gunfire all winter, filmed",
        "Gunfire on the 8th, filmed",
    }


def test_unknown_place_is_a_400(client, published):
    response = client.get(LIST, {"place": "atlantis"})
    assert response.status_code == 400
    assert field_error(response, "place") == "No place matches “atlantis”. Choose one from the list."


# --- Tags -----------------------------------------------------------------------------------------------------


@pytest.fixture
def tagged(db):
    seen, corroborated, video = (
        factories.make_tag("Seen", slug="seen"),
        factories.make_tag("Confirmed", slug="confirmed"),
        factories.make_tag("Filmed", slug="filmed"),
    )
    factories.make_testimony("Seen only", tags=[seen])
    factories.make_testimony("Seen and confirmed", tags=[seen, corroborated])
    factories.make_testimony("All three", tags=[seen, corroborated, video])
    factories.make_testimony("Untagged")


def test_every_chosen_tag_must_match(client, tagged):
    assert titles(client.get(LIST, {"tag": "seen"})) == {"Seen only", "Seen and confirmed", "All three"}
    assert titles(client.get(LIST, {"tag": ["seen", "confirmed"]})) == {"Seen and confirmed", "All three"}
    assert titles(client.get(LIST, {"tag": ["seen", "confirmed", "filmed"]})) == {"All three"}


def test_the_same_tag_twice_counts_once(client, tagged):
    response = client.get(LIST, {"tag": ["seen", "seen"]})
    assert titles(response) == {"Seen only", "Seen and confirmed", "All three"}
    assert "3 testimonies" in response.text


def test_unknown_tag_is_a_400(client, tagged):
    response = client.get(LIST, {"tag": ["seen", "gossip"]})
    assert response.status_code == 400
    assert field_error(response, "tag") == "No credibility tag matches “gossip”. Choose tags from the list."


def test_too_many_tags_is_a_400(client, tagged):
    response = client.get(LIST, {"tag": [f"tag-{n}" for n in range(MAX_TAGS + 1)]})
    assert response.status_code == 400
    assert field_error(response, "tag") == "Choose at most 5 credibility tags at a time."


def test_chosen_tags_stay_checked_in_the_form(client, tagged):
    response = client.get(LIST, {"tag": ["seen", "filmed"]})
    assert 'id="f-tag-seen" name="tag" value="seen" checked>' in response.text
    assert 'id="f-tag-filmed" name="tag" value="filmed" checked>' in response.text
    assert 'id="f-tag-confirmed" name="tag" value="confirmed">' in response.text


# --- Role, source, incident -----------------------------------------------------------------------------------


def test_role_source_and_incident(client, db):
    hrw = factories.make_source("Rights Watch", slug="hrw")
    siege = factories.make_incident("Siege of the hospital", slug="siege")
    factories.make_testimony("The driver", witness=factories.make_witness("taxi driver", role="driver"), source=hrw)
    factories.make_testimony("The nurse", witness=factories.make_witness("nurse", role="medical"), incidents=[siege])
    assert titles(client.get(LIST, {"role": "driver"})) == {"The driver"}
    assert titles(client.get(LIST, {"role": "medical"})) == {"The nurse"}
    assert titles(client.get(LIST, {"source": "hrw"})) == {"The driver"}
    assert titles(client.get(LIST, {"incident": "siege"})) == {"The nurse"}
    assert titles(client.get(LIST, {"incident": "siege", "role": "driver"})) == set()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("role", "astronaut", "There is no witness role “astronaut”. Choose one from the list."),
        ("source", "rumour-mill", "No source matches “rumour-mill”. Choose one from the list."),
        ("incident", "moon-landing", "No incident matches “moon-landing”. Choose one from the list."),
        ("statement", "S-9999", "No published statement has the identifier “S-9999”. Identifiers look like S-0001."),
        ("sort", "random", "“random” is not a way to sort. Choose one from the list."),
    ],
)
def test_unknown_value_is_a_400_with_the_message_next_to_its_filter(client, published, field, value, message):
    response = client.get(LIST, {field: value})
    assert response.status_code == 400
    assert field_error(response, field) == message
    # The summary above the results links to the field.
    assert f'<a href="#f-{field}">' in response.text


def test_several_bad_values_are_each_explained(client, published):
    response = client.get(LIST, {"date_from": "soon", "place": "atlantis", "page": "2"})
    assert response.status_code == 400
    assert "2 filters could not be used. Correct them in the form:" in response.text
    assert field_error(response, "date_from") == "Enter a date as YYYY-MM-DD, for example 2022-01-05."
    assert field_error(response, "place") == "No place matches “atlantis”. Choose one from the list."


# --- Statements -----------------------------------------------------------------------------------------------


@pytest.fixture
def checked(db):
    claim = factories.make_statement("Twenty thousand bandits attacked.")
    for_it = factories.make_testimony("Saw armed men")
    against = factories.make_testimony("Saw only protesters")
    context = factories.make_testimony("Heard shooting")
    factories.make_testimony("Unrelated")
    factories.make_cross_reference(for_it, claim, CrossReference.Relation.CORROBORATES)
    factories.make_cross_reference(against, claim, CrossReference.Relation.CONTRADICTS)
    factories.make_cross_reference(context, claim, CrossReference.Relation.CONTEXT)
    return claim


def test_statement_filter_finds_cross_referenced_testimonies(client, checked):
    everything = client.get(LIST, {"statement": checked.identifier})
    assert titles(everything) == {"Saw armed men", "Saw only protesters", "Heard shooting"}
    assert "Checked against S-0001" in everything.text
    assert titles(client.get(LIST, {"statement": checked.identifier, "relation": "contradicts"})) == {
        "Saw only protesters"
    }
    assert titles(client.get(LIST, {"statement": checked.identifier, "relation": "corroborates"})) == {"Saw armed men"}
    assert titles(client.get(LIST, {"statement": checked.identifier, "relation": "context"})) == {"Heard shooting"}


@pytest.mark.parametrize(
    "relation, heading",
    [
        (None, "Accounts checked against this official statement"),
        ("contradicts", "Accounts that contradict this official statement"),
        ("corroborates", "Accounts that corroborate this official statement"),
        ("context", "Accounts that give context to this official statement"),
    ],
)
def test_a_list_checked_against_a_statement_shows_the_claim(client, checked, relation, heading):
    query = {"statement": checked.identifier} | ({"relation": relation} if relation else {})

    html = client.get(LIST, query).text

    banner = re.search(r'<section class="banner banner-note checked-against".*?</section>', html, re.S).group(0)
    assert f'<h2 id="checked-against-heading">{heading}</h2>' in banner
    assert f'<a href="/statements/{checked.identifier}/">Twenty thousand bandits attacked.</a>' in banner
    assert str(checked.actor) in banner
    assert f"<title>Testimonies checked against {checked.identifier} · " in html


def test_relation_is_offered_and_shown_by_the_accounts_it_keeps(client, checked):
    html = client.get(LIST, {"statement": checked.identifier, "relation": "context"}).text

    select = re.search(r'<select id="f-relation".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]+)</option>", select) == [
        "Any relation",
        "Accounts that corroborate it",
        "Accounts that contradict it",
        "Accounts that give context to it",
    ]
    assert '<option value="context" selected>Accounts that give context to it</option>' in select
    chips = re.search(r'<div class="active-filters">.*?</div>', html, re.S).group(0)
    assert "<span>Accounts that give context to it</span>" in chips


def test_no_statement_banner_without_a_statement_or_with_a_bad_one(client, checked):
    assert "checked-against" not in client.get(LIST).text
    assert "checked-against" not in client.get(LIST, {"statement": "S-9999"}).text


def test_draft_statement_is_unknown(client, db):
    draft = factories.make_statement("Not yet checked", status=Status.DRAFT)
    response = client.get(LIST, {"statement": draft.identifier})
    assert response.status_code == 400
    assert field_error(response, "statement") == (
        f"No published statement has the identifier “{draft.identifier}”. Identifiers look like S-0001."
    )


def test_relation_without_statement_is_a_400(client, checked):
    response = client.get(LIST, {"relation": "contradicts"})
    assert response.status_code == 400
    assert field_error(response, "relation") == "Choose a statement as well, for example S-0001, to filter by relation."


def test_unknown_relation_is_a_400(client, checked):
    response = client.get(LIST, {"statement": checked.identifier, "relation": "agrees"})
    assert response.status_code == 400
    assert (
        field_error(response, "relation") == "“agrees” is not a relation. Choose corroborates, contradicts or context."
    )


def test_removing_the_statement_also_removes_its_relation(client, checked):
    response = client.get(LIST, {"statement": checked.identifier, "relation": "contradicts", "role": "resident"})
    assert (
        'href="?role=resident"><span aria-hidden="true">×</span><span class="visually-hidden">Remove filter “Checked'
        in (response.text)
    )


# --- Search and sort ------------------------------------------------------------------------------------------


def test_search_combines_with_filters(client, db):
    city = factories.make_place("Almaty", slug="almaty")
    factories.make_testimony("Balaclavas in Almaty", body="Men in balaclavas.", place=city)
    factories.make_testimony("Balaclavas elsewhere", body="Men in balaclavas.")
    search.reindex()
    assert titles(client.get(LIST, {"q": "balaclavas", "place": "almaty"})) == {"Balaclavas in Almaty"}
    assert titles(client.get(LIST, {"q": "balaclavas"})) == {"Balaclavas in Almaty", "Balaclavas elsewhere"}


def test_over_long_query_is_a_400(client, published):
    response = client.get(LIST, {"q": "word " * 60})
    assert response.status_code == 400
    assert field_error(response, "q") == "Search for at most 200 characters; this search has 299."


def test_query_of_only_common_words_is_a_400(client, published):
    response = client.get(LIST, {"q": "the"})
    assert response.status_code == 400
    assert field_error(response, "q") == "“the” is too common to search for. Add a more specific word."


def test_relevance_needs_words(client, published):
    response = client.get(LIST, {"sort": "relevance"})
    assert response.status_code == 400
    assert (
        field_error(response, "sort") == "Sorting by relevance needs words to search for. Enter some, or sort by date."
    )


def test_relevance_is_offered_only_for_a_search(client, published):
    search.reindex()
    assert "Relevance (with a search)</a>" not in client.get(LIST).text
    assert "Relevance (with a search)</a>" in client.get(LIST, {"q": "balaclavas"}).text


def test_blank_parameters_are_ignored(client, published):
    response = client.get(LIST, {"q": "", "date_from": "", "place": "", "tag": "", "role": "", "sort": ""})
    assert response.status_code == 200
    assert titles(response) == {"Men in balaclavas handed out alcohol"}


# --- The interface the exports use ------------------------------------------------------------------------------


def test_filter_testimonies_gives_the_filtered_public_set(published, draft):
    filterset, testimonies = filter_testimonies(QueryDict("date_from=2022-01-05"))
    assert filterset.is_valid()
    assert list(testimonies) == [published]


def test_filter_testimonies_gives_nothing_for_bad_parameters(published):
    filterset, testimonies = filter_testimonies(QueryDict("date_from=tomorrow"))
    assert not filterset.is_valid()
    assert filterset.errors["date_from"] == ["Enter a date as YYYY-MM-DD, for example 2022-01-05."]
    assert list(testimonies) == []

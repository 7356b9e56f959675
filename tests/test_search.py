"""Full-text search: what a reader finds, in what order, with what excerpt, on either database.

Every case runs on whichever engine the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL); only
Russian stemming, which SQLite's FTS5 does not have, is PostgreSQL's alone.
"""

import datetime
import importlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from testimony import search
from testimony.models import Status, Testimony, Witness
from testimony.search import HIGHLIGHT_START, HIGHLIGHT_STOP, SearchQueryError
from testimony.templatetags.search_tags import highlight

from . import factories
from .cards import card
from .conftest import DRAFT_MARKER

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="Russian stemming is PostgreSQL's")


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks, as a real commit would, so what it creates is in the index."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def found(text, queryset=None, place=None):
    """Titles of the public testimonies a reader finds for ``text``, best first."""
    queryset = Testimony.objects.public() if queryset is None else queryset
    return [testimony.title for testimony in search.search(queryset, text, place=place)]


# --- Words, phrases, exclusions ----------------------------------------------------------------------------------


def test_every_word_must_match(db, indexed):
    with indexed():
        factories.make_testimony("Both", body="Soldiers fired at the crowd near the akimat.")
        factories.make_testimony("One", body="Soldiers stood near the airport.")
    assert found("soldiers akimat") == ["Both"]
    assert sorted(found("soldiers")) == ["Both", "One"]


def test_quoted_phrase_matches_the_words_together_only(db, indexed):
    with indexed():
        factories.make_testimony("Phrase", body="A white minivan stopped and men got out.")
        factories.make_testimony("Scattered", body="A white car passed a minivan parked by the road.")
    assert found('"white minivan"') == ["Phrase"]
    assert sorted(found("white minivan")) == ["Phrase", "Scattered"]


def test_minus_excludes_a_word_or_a_phrase(db, indexed):
    with indexed():
        factories.make_testimony("Gunfire only", body="Gunfire all night in the square.")
        factories.make_testimony("Gunfire and looting", body="Gunfire, then looting of the shops.")
        factories.make_testimony("Gunfire and armoured vehicles", body="Gunfire from armoured vehicles.")
    assert sorted(found("gunfire -looting")) == ["Gunfire and armoured vehicles", "Gunfire only"]
    assert sorted(found('gunfire -"armoured vehicles"')) == ["Gunfire and looting", "Gunfire only"]
    assert found('gunfire -looting -"armoured vehicles"') == ["Gunfire only"]


@pytest.mark.parametrize(
    ("query", "word_in_account"),
    [
        ("balaclava", "balaclavas"),
        ("balaclavas", "balaclava"),
        ("firearm", "firearms"),
        ("protest", "protesters"),
        ("detain", "detained"),
        ("shooting", "shoots"),
        ("barricade", "barricades"),
    ],
)
def test_a_word_finds_its_inflected_forms(db, indexed, query, word_in_account):
    with indexed():
        factories.make_testimony("Inflected", body=f"Everyone saw the {word_in_account} that morning.")
        factories.make_testimony("Unrelated", body="Nothing happened that morning.")
    assert found(query) == ["Inflected"]


@pytest.mark.parametrize("query", ["ZHANAOZEN", "zhanaozen", "Zhanaözen", "ZHANAÖZEN"])
def test_case_and_diacritics_do_not_matter(db, indexed, query):
    with indexed():
        factories.make_testimony("Accented", body="Oil workers gathered in Zhanaözen on the second day.")
        factories.make_testimony("Plain", body="Later the crowd in Zhanaozen grew.")
    assert sorted(found(query)) == ["Accented", "Plain"]


# --- What else a testimony is found by ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("hearsay", "its credibility tag"),
        ("Shanyrak", "its place"),
        ("Almaty", "the city its place is in"),
        ("Алматы", "another name of that city"),
        ("taxi driver", "its witness's descriptor"),
        ("Vlast", "its source"),
    ],
)
def test_a_testimony_is_found_by_its_tags_place_witness_and_source(db, indexed, query, why):
    with indexed():
        city = factories.make_place("Almaty", kind="city", other_names="Алматы, Alma-Ata")
        district = factories.make_place("Shanyrak", parent=city)
        factories.make_testimony(
            "Described",
            body="Cars burned all night.",
            place=district,
            witness=factories.make_witness("taxi driver"),
            source=factories.make_source("Vlast.kz"),
            tags=[factories.make_tag("Hearsay")],
        )
        factories.make_testimony("Other", body="Cars burned all night.")
    assert found(query) == ["Described"], why


# --- Order and excerpt ----------------------------------------------------------------------------------------


def test_a_title_match_ranks_above_a_match_in_the_account_only(db, indexed):
    with indexed():  # the body-only match comes first in number order; rank must overturn that
        factories.make_testimony("A night in the flat", body="Somebody said there were shots near the akimat.")
        factories.make_testimony("Shots near the akimat", body="We heard them from the flat.")
    results = list(search.search(Testimony.objects.public(), "akimat"))
    assert [r.title for r in results] == ["Shots near the akimat", "A night in the flat"]
    assert results[0].search_rank > results[1].search_rank > 0


def test_equal_ranks_come_in_number_order(db, indexed):
    with indexed():
        testimonies = [factories.make_testimony(f"Account {i}", body="Barricades everywhere.") for i in range(3)]
    assert found("barricades") == [t.title for t in sorted(testimonies, key=lambda t: t.number)]


def test_the_first_matches_are_counted_and_ranked_in_one_query(db, indexed, django_assert_num_queries):
    # What a list page asks of a search ordered by relevance: how many of the first cap + 1 matches (in id order)
    # exist, the first few of their ids for the facets, and the first cap of them best first.
    with indexed():
        plain = [factories.make_testimony(f"Account {i}", body="Barricades on the road.") for i in range(5)]
        titled = factories.make_testimony("Barricades at dawn", body="Barricades by the akimat.")
        factories.make_testimony("Unrelated", body="A calm night.")
    matches = search.search(Testimony.objects.public(), "barricades")
    ids = [t.pk for t in [*plain, titled]]
    with django_assert_num_queries(1):
        assert search.rank_first_matches(matches, 10, 3)[:3] == (6, ids[:3], [titled.pk, *ids[:5]])
    # Past the cap: the found count says "more", and only the first cap are ranked (the title match is the 6th).
    assert search.rank_first_matches(matches, 4, 3)[:3] == (5, ids[:3], ids[:4])
    assert search.rank_first_matches(matches, 5, 10)[:3] == (6, ids, ids[:5])
    assert search.rank_first_matches(search.search(Testimony.objects.public(), "nowhere"), 10, 3) == (0, [], [], [])


def test_the_first_matches_bring_the_values_asked_for_in_the_same_query(db, indexed, django_assert_num_queries):
    # The facets' columns of the first few matches come with their ids, in the same order: nothing to read again.
    with indexed():
        medic = factories.make_witness(role=Witness.Role.MEDICAL)
        first = factories.make_testimony(
            "Barricades at dawn", body="Barricades by the akimat.", witness=medic, place=factories.make_place()
        )
        second = factories.make_testimony("Later", body="Barricades on the road.")
        factories.make_testimony("Third", body="More barricades.")
    matches = search.search(Testimony.objects.public(), "barricades")
    with django_assert_num_queries(1):
        found = search.rank_first_matches(matches, 10, 2, ("place_id", "witness_role"))
    assert found.found == 3
    assert found.first_ids == [first.pk, second.pk]
    assert found.first_values == [(first.place_id, "medical"), (None, "resident")]
    nothing = search.rank_first_matches(search.search(Testimony.objects.public(), "nowhere"), 10, 2, ("place_id",))
    assert nothing.first_values == []


def test_the_first_rows_are_counted_up_to_the_cap_each_with_its_own_values(db, django_assert_num_queries):
    # Not a search: a bounded count that brings the first rows' values, asked as each engine asks best. Later rows
    # carry earlier dates, so values returned in the list's date order would not pair with their ids.
    made = [factories.make_testimony(f"Account {n}", date_start=datetime.date(2022, 1, 20 - n)) for n in range(7)]
    values = {t.pk: (t.number, t.date_start) for t in made}
    public = Testimony.objects.public()
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):  # SQLite reads values by id
        first = search.first_rows(public, cap=5, sample=3, columns=("number", "date_start"))
    assert first.found == 6  # one more than the cap: more match than are counted
    assert len(set(first.ids)) == 3
    assert first.values == [values[pk] for pk in first.ids]
    everything = search.first_rows(public, cap=10, sample=3)
    assert (everything.found, len(everything.ids), everything.values) == (7, 3, [])  # no columns asked
    with django_assert_num_queries(0):
        assert search.first_rows(public.none(), cap=10, sample=3, columns=("number",)) == (0, [], [])


def test_the_snippet_marks_each_matched_word(db, indexed):
    filler = "The crowd waited on the square and nobody knew what would happen next. " * 6
    with indexed():
        factories.make_testimony(
            "Snippet",
            body=filler + "Then men wearing black balaclavas handed out alcohol. " + filler,
        )
    (result,) = search.search(Testimony.objects.public(), "balaclava alcohol")
    snippet = result.search_snippet
    assert f"{HIGHLIGHT_START}balaclavas{HIGHLIGHT_STOP}" in snippet
    assert f"{HIGHLIGHT_START}alcohol{HIGHLIGHT_STOP}" in snippet
    assert len(snippet) < len(filler)  # an excerpt, not the whole account
    html = highlight(snippet)
    assert "<mark>balaclavas</mark>" in html
    assert "<mark>alcohol</mark>" in html


def test_the_snippet_quotes_the_translation_when_only_it_matches(db, indexed):
    with indexed():
        factories.make_testimony(
            "Translated",
            body="Люди стояли на площади всю ночь.",
            language="ru",
            translation="People stood on the square all night.",
        )
    (result,) = search.search(Testimony.objects.public(), "square")
    assert f"{HIGHLIGHT_START}square{HIGHLIGHT_STOP}" in result.search_snippet


# --- Visibility -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_a_draft_never_comes_back_from_the_public_queryset(db, indexed, published, status):
    search.reindex()  # the shared fixture was made outside an on-commit capture
    with indexed():
        factories.make_testimony(f"Hidden {DRAFT_MARKER}", body="Men in balaclavas, unverified.", status=status)
    assert found("balaclavas") == [published.title]
    assert found(DRAFT_MARKER) == []


def test_a_retracted_testimony_is_still_found(db, indexed):
    with indexed():
        factories.make_testimony("Withdrawn", body="Barricades on the bridge.", status=Status.RETRACTED)
    assert found("barricades") == ["Withdrawn"]


def test_the_admin_finds_drafts_through_the_same_entry_point(db, draft):
    search.reindex()
    assert found(DRAFT_MARKER, Testimony.objects.all()) == [draft.title]


def test_a_narrowed_queryset_stays_narrowed(db, indexed):
    with indexed():
        place = factories.make_place("Taldykorgan")
        factories.make_testimony("Here", body="Statue pulled down.", place=place)
        factories.make_testimony("Elsewhere", body="Statue pulled down.")
    assert found("statue", Testimony.objects.public().in_place(place)) == ["Here"]
    assert list(search.search(Testimony.objects.public(), "statue").filter(place=place)) == [
        Testimony.objects.get(title="Here")
    ]


# --- Bad input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a word or a phrase to search for."),
        ("   ", "Type a word or a phrase to search for."),
        ("?!… — ()", "Type a word or a phrase to search for."),
        ('""', "Type a word or a phrase to search for."),
        (
            "-looting -arson",
            "Say what to search for as well as what to leave out: words starting with “-” are excluded.",
        ),
        ("the", "“the” is too common to search for. Add a more specific word."),
        ("in the", "“in”, “the” are too common to search for. Add a more specific word."),
        ("x" * 201, "Search for at most 200 characters; this search has 201."),
    ],
)
def test_nothing_to_search_for_says_why(db, text, message):
    with pytest.raises(SearchQueryError) as raised:
        search.search(Testimony.objects.public(), text)
    assert str(raised.value) == message
    with pytest.raises(SearchQueryError):
        search.clean_query(text)


def test_clean_query_returns_the_text_tidied(db):
    assert search.clean_query("  men   in\tbalaclavas \x00 ") == "men in balaclavas"
    assert search.clean_query("x" * search.MAX_QUERY_LENGTH) == "x" * 200


@pytest.mark.parametrize(
    "text",
    [
        'foo" OR (bar',
        "bar*",
        "*",
        "title:bar",
        "^bar",
        "NEAR(foo bar)",
        "foo AND",
        "OR bar",
        "NOT bar",
        '"',
        'bar"',
        "(",
        "bar)",
        "'bar",
        "bar's",
        "\\bar",
        "%bar%",
        "bar_",
        "--bar foo",
        "foo -",
        "a:b:c",
        "{foo bar}",
        "+bar",
        "bar & foo | !baz <-> qux",
        "\x00bar",
        "😀 bar",
        "bar\ue000foo\ue001",
        "Robert'); DROP TABLE testimony_testimony;--",
    ],
)
def test_search_syntax_in_the_text_never_breaks_the_query(db, indexed, text):
    with indexed():
        factories.make_testimony("Bar", body="The bar by the foo stayed open.")
    try:
        results = found(text)
    except SearchQueryError:
        return
    assert results in ([], ["Bar"])
    assert Testimony.objects.count() == 1


@pytest.mark.parametrize("text", ['bar" OR (foo', 'bar "foo', "bar*", "(bar)", "foo:", "^bar", "bar's", '"the bar"'])
def test_operator_characters_are_read_as_plain_words(db, indexed, text):
    with indexed():
        factories.make_testimony("Bar", body="The bar by the foo stayed open.")
        factories.make_testimony("Baz", body="Nothing here.")
    assert found(text) == ["Bar"]


# --- A queryset like any other ------------------------------------------------------------------------------------


def _matching(count, word="barricades", **kw):
    return [factories.make_testimony(f"{word} {i}", body=f"There were {word} here.", **kw) for i in range(count)]


def test_results_can_be_counted_sliced_reordered_and_grouped(db, indexed):
    with indexed():
        place = factories.make_place("Aktobe")
        early = factories.make_testimony("Early", body="Barricades.", date_start="2022-01-03", place=place)
        late = factories.make_testimony("Late barricades", body="Barricades again.", date_start="2022-01-07")
        factories.make_testimony("No match", body="Calm.")
    results = search.search(Testimony.objects.public(), "barricades")
    assert results.count() == 2
    assert list(results[:1]) == [late]  # the title match first
    assert list(results.order_by("date_start")) == [early, late]
    assert list(results.order_by("date_start")[:1])[0].search_snippet  # annotations survive re-ordering
    by_place = {row["place"]: row["n"] for row in results.order_by().values("place").annotate(n=Count("pk"))}
    assert by_place == {place.pk: 1, None: 1}
    assert Testimony.objects.filter(pk__in=results.values("pk")).count() == 2


def test_counts_and_facets_do_not_compute_snippets_or_ranks(db, indexed):
    with indexed():
        _matching(3)
    results = search.search(Testimony.objects.public(), "barricades")
    with CaptureQueriesContext(connection) as queries:
        results.count()
        results.order_by().values("pk")[:100].count()
        list(results.order_by().values("place_id").annotate(n=Count("pk")))
        Testimony.objects.filter(pk__in=results.values("pk")).count()
    for query in queries.captured_queries:
        sql = query["sql"].lower()
        assert "ts_headline" not in sql and "snippet(" not in sql
        assert '"translation"' not in sql  # PostgreSQL's excerpts read the accounts: not for a count
        assert "ts_rank" not in sql and "bm25(" not in sql


def test_a_page_of_results_costs_the_same_queries_however_many_match(db, indexed, django_assert_num_queries):
    with indexed():
        _matching(3, tags=[factories.make_tag("First-hand")])

    def first_page():
        page = Paginator(search.search(Testimony.objects.public().for_list(), "barricades"), 25).page(1)
        return [(row.title, row.search_snippet, [tag.name for tag in row.tags.all()]) for row in page]

    with django_assert_num_queries(3):  # count, the rows with their snippets, their tags
        assert len(first_page()) == 3
    with indexed():
        _matching(40, tags=[factories.make_tag("Hearsay")])
    with django_assert_num_queries(3):
        assert len(first_page()) == 25


def test_a_later_page_of_a_search_in_date_order_has_its_own_accounts_and_snippets(client, db, indexed):
    with indexed():
        for day in range(1, 31):
            factories.make_testimony(
                f"Account {day:02}",
                body=f"Barricades stood on the avenue on day {day}.",
                date_start=datetime.date(2021, 12, 31) + datetime.timedelta(days=day),
            )
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/testimonies/", {"q": "barricades", "sort": "date", "page": "2"})
    html = response.content.decode()
    assert response.status_code == 200
    titles = [int(n) for n in re.findall(r'class="card-title"[^>]*><a [^>]*>Account (\d+)</a>', html)]
    assert titles == [26, 27, 28, 29, 30]  # the last five by date
    assert html.count("<mark>Barricades</mark>") == 5
    # The page's rows are chosen by id in a subquery, so only they get a snippet, not the 25 an OFFSET skips:
    # at a million rows, page 100 of a common word made 2,500 snippets to show 25 (0.5 s).
    # (SQLite makes them with snippet(); PostgreSQL sends the accounts' text, excerpted as the rows arrive. A card
    # shows no translation, so only the query that excerpts reads that column.)
    (with_snippets,) = [
        q["sql"] for q in queries.captured_queries if "snippet(" in q["sql"] or '"translation"' in q["sql"]
    ]
    assert "OFFSET" in with_snippets and with_snippets.rindex("OFFSET") < with_snippets.rindex(")")


# --- Highlighting ---------------------------------------------------------------------------------------------


def test_highlight_escapes_the_text_before_marking_matches(db, indexed):
    with indexed():
        factories.make_testimony(
            "Hostile",
            body='<script>alert("x")</script> <b>balaclavas</b> & <img src=x onerror=alert(1)>',
        )
    (result,) = search.search(Testimony.objects.public(), "balaclavas")
    html = Template("{% load search_tags %}{{ row.search_snippet|highlight }}").render(Context({"row": result}))
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;img" in html  # shown as text (PostgreSQL's excerpt leaves out what looks like a tag or a script)
    assert "<mark>balaclavas</mark>" in html


@pytest.mark.parametrize(
    ("snippet", "html"),
    [
        (f"a {HIGHLIGHT_START}<b>{HIGHLIGHT_STOP} c", "a <mark>&lt;b&gt;</mark> c"),
        (
            f"<script>alert('x')</script> {HIGHLIGHT_START}shots{HIGHLIGHT_STOP}",
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>shots</mark>",
        ),
        (f"stray {HIGHLIGHT_STOP}close and {HIGHLIGHT_START}open", "stray close and open"),
        (f"{HIGHLIGHT_START}{HIGHLIGHT_START}x{HIGHLIGHT_STOP}", "<mark>x</mark>"),
        ("", ""),
        (None, ""),
    ],
)
def test_highlight_always_balances_its_marks(snippet, html):
    assert highlight(snippet) == html


def test_a_result_found_by_its_title_place_or_witness_shows_the_words_marked_there(client, db, indexed):
    with indexed():
        shanyrak = factories.make_place("Shanyrak", kind="district")
        factories.make_testimony(
            "Crowds in Shanyrak",
            body="Cars burned all night.",
            place=shanyrak,
            witness=factories.make_witness("taxi driver in Shanyrak"),
        )
        factories.make_testimony("Night of fires", body="Cars burned all night.", place=shanyrak)
        factories.make_testimony("Night of fires again", body="Cars burned all night.")
    html = client.get("/testimonies/", {"q": "shanyrak"}).content.decode()
    by_title = card(html, "Crowds in Shanyrak")
    assert ">Crowds in <mark>Shanyrak</mark></a></h3>" in by_title
    assert ">taxi driver in <mark>Shanyrak</mark></span>" in by_title
    # Found by its place only: the account holds no searched word, the place's name is marked.
    by_place = card(html, "Night of fires")
    assert '"><mark>Shanyrak</mark></a></span>' in by_place
    assert "<mark>" not in by_place.split('class="snippet"')[1]
    assert "Night of fires again" not in html
    # Without words to search, nothing is marked.
    assert "<mark>" not in client.get("/testimonies/", {"place": shanyrak.slug}).content.decode()


def test_a_result_found_by_a_place_above_its_own_its_other_name_its_source_or_tag_names_them_marked(
    client, db, indexed
):
    with indexed():
        country = factories.make_place("Kazakhstan", kind="country")
        city = factories.make_place("Almaty", kind="city", parent=country, other_names="Алматы, Alma-Ata, Almaty City")
        almaly = factories.make_place("Almaly", parent=city)
        factories.make_testimony(
            "Night of fires",
            body="Cars burned all night.",
            place=almaly,
            source=factories.make_source("Vlast.kz"),
            tags=[factories.make_tag("Hearsay")],
        )
    by_city = card(client.get("/testimonies/", {"q": "almaty"}).content.decode(), "Night of fires")
    # The district's city, which holds the word; not its other name "Almaty City" too.
    assert '">Almaly, <mark>Almaty</mark></a></span>' in by_city
    by_other_name = card(client.get("/testimonies/", {"q": "Алматы"}).content.decode(), "Night of fires")
    assert '">Almaly, Almaty (<mark>Алматы</mark>)</a></span>' in by_other_name  # only the other name that matched
    by_country = card(client.get("/testimonies/", {"q": "kazakhstan almaly"}).content.decode(), "Night of fires")
    assert '"><mark>Almaly</mark>, <mark>Kazakhstan</mark></a></span>' in by_country  # the city, unmatched, left out
    by_source = card(client.get("/testimonies/", {"q": "vlast"}).content.decode(), "Night of fires")
    assert "Source: <mark>Vlast</mark>.kz</span>" in by_source
    assert '">Almaly</a></span>' in by_source  # no place holds the word: the place's own name alone
    by_tag = card(client.get("/testimonies/", {"q": "hearsay"}).content.decode(), "Night of fires")
    assert '"><mark>Hearsay</mark></a></li>' in by_tag
    assert "Source:" not in by_tag  # the source is named only where the words matched it
    # Without words to search, the place is its own name and no source is named.
    listed = card(client.get("/testimonies/", {"place": city.slug}).content.decode(), "Night of fires")
    assert '">Almaly</a></span>' in listed
    assert "Source:" not in listed
    assert "<mark>" not in listed


def test_a_phrase_marks_each_of_its_words_but_its_stop_words(client, db, indexed):
    with indexed():
        shanyrak = factories.make_place("Shanyrak", kind="district")
        factories.make_testimony("Men in balaclavas near Shanyrak", body="They waited.", place=shanyrak)
    html = client.get("/testimonies/", {"q": '"men in balaclavas" -police'}).content.decode()
    assert "><mark>Men</mark> in <mark>balaclavas</mark> near Shanyrak</a></h3>" in html
    assert '"><mark>Shanyrak</mark></a></span>' not in html  # a word not searched for stays as it is


def test_a_title_is_escaped_before_its_searched_words_are_marked(client, db, indexed):
    with indexed():
        factories.make_testimony("<b>Balaclavas</b> & <i>men</i>", body="They stood by the square.")
    html = client.get("/testimonies/", {"q": "balaclavas"}).content.decode()
    assert "&lt;b&gt;<mark>Balaclavas</mark>&lt;/b&gt; &amp; &lt;i&gt;men&lt;/i&gt;</a></h3>" in html


# --- Rebuilding the index -------------------------------------------------------------------------------------


def test_rebuild_search_index_restores_an_emptied_index(db, indexed):
    with indexed():
        _matching(7)
    search.clear()
    assert found("barricades") == []
    stdout = io.StringIO()
    call_command("rebuild_search_index", "--batch-size=3", stdout=stdout, stderr=io.StringIO())
    assert len(found("barricades")) == 7
    assert "Indexed 7 testimonies." in stdout.getvalue()


def test_rebuild_search_index_indexes_rows_loaded_in_bulk(db):
    witness = factories.make_witness()
    Testimony.objects.bulk_create(
        Testimony(
            number=900 + i,
            identifier=f"T-{900 + i}",
            title=f"Bulk {i}",
            body="Loaded from a spreadsheet.",
            witness=witness,
            date_start="2022-01-05",
            date_end="2022-01-05",
            status=Status.PUBLISHED,
        )
        for i in range(5)
    )
    assert found("spreadsheet") == []
    call_command("rebuild_search_index", verbosity=0)
    assert len(found("spreadsheet")) == 5


@pytest.mark.parametrize("size", ["0", "-5"])
def test_rebuild_search_index_refuses_a_bad_batch_size(db, size):
    with pytest.raises(CommandError, match=f"--batch-size must be a whole number of at least 1, not {size}."):
        call_command("rebuild_search_index", f"--batch-size={size}", verbosity=0)


# --- PostgreSQL: Russian ------------------------------------------------------------------------------------------


@postgres_only
@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("протестующие", "another case of the same participle"),
        ("задержанных", "another form of the same verb"),
        ("ЗАДЕРЖАЛИ ПРОТЕСТУЮЩИХ", "capitals"),
        ('"задержали протестующих"', "the phrase"),
    ],
)
def test_russian_words_find_their_inflected_forms(db, indexed, query, why):
    with indexed():
        factories.make_testimony("Russian", body="Вечером полицейские задержали протестующих у акимата.", language="ru")
        factories.make_testimony("English", body="In the evening police detained the protesters.")
    assert found(query) == ["Russian"], why


@postgres_only
def test_a_query_can_mix_russian_and_english(db, indexed):
    with indexed():
        city = factories.make_place("Almaty", kind="city", other_names="Алматы")
        factories.make_testimony(
            "Detentions", body="Вечером полицейские задержали протестующих.", language="ru", place=city
        )
    assert found("Алматы протестующие") == ["Detentions"]
    assert found("Almaty протестующие") == ["Detentions"]
    (result,) = search.search(Testimony.objects.public(), "протестующие")
    assert f"{HIGHLIGHT_START}протестующих{HIGHLIGHT_STOP}" in result.search_snippet


@postgres_only
def test_yo_and_ye_are_the_same_letter(db, indexed):
    with indexed():
        factories.make_testimony("Yo", body="Её увезли на чёрной машине.", language="ru")
    assert found("черной") == ["Yo"]


on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own storage and index")


@on_postgres
def test_a_search_within_a_place_asks_the_index_for_the_place_below_the_root(db, indexed):
    with indexed():
        country = factories.make_place("Kazakhstan", kind="country")
        city = factories.make_place("Almaty", kind="city", parent=country)
        factories.make_testimony("Gunfire", body="Gunfire at night.", place=city)
    for place, asked in ((city, True), (country, False)):
        with CaptureQueriesContext(connection) as queries:
            assert found("gunfire", Testimony.objects.public().in_place(place), place=place) == ["Gunfire"]
        token = f"{search.PLACE_TOKEN}{place.pk}"
        assert any(token in query["sql"] for query in queries.captured_queries) is asked


@on_postgres
def test_a_search_with_days_and_a_tag_asks_the_index_for_them(db, indexed):
    with indexed():
        tag = factories.make_tag("Video")
        factories.make_testimony("Gunfire", body="Gunfire at night.", tags=[tag], date_start=datetime.date(2022, 1, 5))
    short = (datetime.date(2022, 1, 4), datetime.date(2022, 1, 6))
    long = (datetime.date(2022, 1, 1), datetime.date(2022, 1, 1) + datetime.timedelta(days=search.MAX_DAY_TOKENS))
    for window, days_asked in ((short, True), (long, False), ((short[0], None), False)):
        queryset = Testimony.objects.public().overlapping(*window).tagged(tag)
        with CaptureQueriesContext(connection) as queries:
            titles = [row.title for row in search.search(queryset, "gunfire", window=window, tags=[tag])]
        assert titles == ["Gunfire"]
        (sql,) = [query["sql"] for query in queries.captured_queries]
        assert f"'{search.TAG_TOKEN}{tag.pk}'" in sql
        assert ("'" + search.DAY_TOKEN + "20220105'" in sql) is days_asked
        assert (search.LONG_SPAN_TOKEN in sql) is days_asked


@on_postgres
def test_the_migration_adds_the_tag_and_day_tokens_that_indexing_writes(db, indexed):
    # Migration 0012 appends the tokens to the vectors of an archive indexed before them, with its own frozen SQL:
    # what it writes must be what search.reindex writes, a long span included.
    migration = importlib.import_module("testimony.migrations.0012_tag_and_day_tokens_in_vectors")
    with indexed():
        tags = [factories.make_tag("Video"), factories.make_tag("Photo")]
        short = factories.make_testimony(
            "Short", tags=tags, date_start=datetime.date(2022, 1, 4), date_end=datetime.date(2022, 1, 6)
        )
        long = factories.make_testimony(
            "Long", tags=tags[:1], date_start=datetime.date(2021, 12, 1), date_end=datetime.date(2022, 2, 28)
        )
    ids = [short.pk, long.pk]

    def vectors():
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM testimony_testimony WHERE id = ANY(%s) ORDER BY id", [ids])
            return [row[0] for row in cursor.fetchall()]

    indexed_now = vectors()
    assert "'§d20220105'" in indexed_now[0] and f"'§t{tags[1].pk}'" in indexed_now[0]
    assert "'§dlong'" in indexed_now[1] and "'§d2022" not in indexed_now[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE testimony_testimony t SET search_vector = ts_delete(t.search_vector, ARRAY("
            "SELECT u.lexeme FROM unnest(t.search_vector) u WHERE starts_with(u.lexeme, '§t') "
            "OR starts_with(u.lexeme, '§d'))) WHERE id = ANY(%s)",
            [ids],
        )
        assert "§d" not in "".join(vectors())
        cursor.execute(migration.ADD_TOKENS)
    assert vectors() == indexed_now


@on_postgres
def test_search_vectors_are_kept_in_their_rows_not_beside_them(db):
    # A common word alone is tested row by row: each vector read from the row, not fetched from the TOAST table
    # (see search.index._pg_keep_vectors_in_rows). Running the installer again changes nothing.
    search.ensure_installed()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'testimony_testimony'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)


@on_postgres
def test_a_long_account_s_vector_is_stored_as_it_is_for_searches_to_read_without_decompressing(db, indexed):
    # A vector barely compresses, and every @@ or ts_rank on a compressed one decompressed it first: pglz leaves it
    # raw (see search.index._pg_keep_vectors_in_rows); lz4, the previous setting, compressed this one.
    words = [f"{stem}{suffix}" for stem in ("barricade", "akimat", "protest", "square", "convoy") for suffix in "aeiou"]
    account = " ".join(f"{words[n * 7 % len(words)]} street{n} house{n % 40}" for n in range(400))
    with indexed():
        testimony = factories.make_testimony("A long night on the square", body=account)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(search_vector), pg_column_compression(search_vector) FROM testimony_testimony "
            "WHERE id = %s",
            [testimony.pk],
        )
        size, compression = cursor.fetchone()
    assert size > 2500  # long enough for PostgreSQL to try compressing it, in a row of more than 2 KB
    assert compression is None
    assert found("barricadea") == ["A long night on the square"]

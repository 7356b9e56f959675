"""Official statements: the list with its counts, and a statement beside the testimonies that back or deny it."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from testimony.models import Actor, CrossReference, Status, Tag

from . import factories
from .conftest import DRAFT_MARKER, INTERNAL_NOTE_MARKER

Relation = CrossReference.Relation


@pytest.fixture
def ministry(db):
    return factories.make_actor("Ministry of Internal Affairs", slug="mvd", kind=Actor.Kind.GOVERNMENT)


@pytest.fixture
def president(db):
    return factories.make_actor("Kassym-Jomart Tokayev", slug="tokayev", kind=Actor.Kind.PERSON, office="President")


@pytest.fixture
def claim(president):
    return factories.make_statement(
        "20,000 bandits attacked Almaty.",
        actor=president,
        made_on=datetime.date(2022, 1, 7),
        quote="Алматы подвергся нападению двадцати тысяч бандитов.",
        language="ru",
        source_url="https://akorda.kz/address",
        editor_notes=f"Check the transcript {INTERNAL_NOTE_MARKER}",
    )


def _section(html, css_class):
    match = re.search(rf'<section class="verdict {css_class}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_statement_page_puts_testimonies_in_the_right_columns(client, claim, published):
    contradicting = [factories.make_testimony("No bandits, just protesters"), published]
    corroborating = factories.make_testimony("Armed men arrived by bus")
    context = factories.make_testimony("The internet was cut")
    first_hand = Tag.objects.get(slug="first-hand")
    contradicting[0].tags.add(first_hand)
    for testimony in contradicting:
        factories.make_cross_reference(testimony, claim, Relation.CONTRADICTS, note=f"Note on {testimony.title}")
    factories.make_cross_reference(corroborating, claim, Relation.CORROBORATES, note="Seen at the bus station.")
    factories.make_cross_reference(context, claim, Relation.CONTEXT, note="Explains the silence.")

    response = client.get(f"/statements/{claim.identifier}/")

    assert response.status_code == 200
    html = response.content.decode()
    contra = _section(html, "verdict-contradicts")
    corro = _section(html, "verdict-corroborates")
    assert "2 testimonies contradict it" in contra
    assert "No bandits, just protesters" in contra
    assert "Men in balaclavas handed out alcohol" in contra
    assert "Note on No bandits, just protesters" in contra
    assert 'href="/methodology/#tag-first-hand"' in contra
    assert "Armed men arrived by bus" not in contra
    assert "1 testimony corroborates it" in corro
    assert "Armed men arrived by bus" in corro
    assert "Seen at the bus station." in corro
    assert "The internet was cut" in _section(html, "verdict-context")
    assert html.index("verdict-corroborates") < html.index("verdict-context")
    assert f'href="/testimonies/?statement={claim.identifier}&amp;relation=contradicts"' in contra


def test_statement_page_shows_claim_actor_date_quote_and_source(client, claim):
    html = client.get(f"/statements/{claim.identifier}/").content.decode()

    assert '<h1 id="statement-title">20,000 bandits attacked Almaty.</h1>' in html
    assert "Kassym-Jomart Tokayev, President" in html
    assert '<a href="/days/2022-01-07/"><time datetime="2022-01-07">7 January 2022</time></a>' in html
    assert '<blockquote lang="ru" cite="https://akorda.kz/address">' in html
    assert "Алматы подвергся нападению двадцати тысяч бандитов." in html
    # no source named, but its address is known: the quote is credited to its site, not to the president
    assert _caption(html) == "akorda.kz, reporting Kassym-Jomart Tokayev"
    assert "No testimony in the archive contradicts this claim." in html
    assert INTERNAL_NOTE_MARKER not in html


def _caption(html):
    """The words under a statement's quote, without their markup."""
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    return re.sub(r"<[^>]+>", "", caption)


def test_a_quote_is_credited_to_its_source_reporting_the_actor(client, db):
    """The quote is the source's words recording the claim: a journalist must not cite it as the actor's."""
    newspaper = factories.make_source("bne IntelliNews", slug="bne")
    administration = factories.make_actor("Tokayev administration")
    statement = factories.make_statement(
        "Twenty thousand terrorists descended on Almaty.",
        actor=administration,
        quote="The Tokayev administration says “20,000 terrorists” descended upon Almaty.",
        source=newspaper,
    )

    html = client.get(statement.get_absolute_url()).content.decode()

    assert _caption(html) == "bne IntelliNews, reporting Tokayev administration"
    assert '<cite><a href="/sources/bne/">bne IntelliNews</a></cite>' in html


def test_a_quote_from_an_unnamed_source_names_where_its_link_leads(client, president):
    statement = factories.make_statement(
        "Order is restored.", actor=president, quote="Order is restored.", source_url="https://www.akorda.kz/en/x?y=<1>"
    )

    html = client.get(statement.get_absolute_url()).content.decode()

    assert _caption(html) == "www.akorda.kz, reporting Kassym-Jomart Tokayev"
    assert 'href="https://www.akorda.kz/en/x?y=&lt;1&gt;"' in html


def test_an_actor_s_own_publication_is_credited_to_it_once(client, db):
    ministry = factories.make_actor("Ministry of Internal Affairs")
    own_site = factories.make_source("Ministry of Internal Affairs", slug="mvd-site")
    statement = factories.make_statement(
        "Order is restored.", actor=ministry, quote="Порядок восстановлен.", source=own_site
    )

    html = client.get(statement.get_absolute_url()).content.decode()

    assert _caption(html) == "Ministry of Internal Affairs"


def test_a_quote_without_a_recorded_source_is_credited_to_no_one(client, president):
    statement = factories.make_statement("Order is restored.", actor=president, quote="Order is restored.")

    html = client.get(statement.get_absolute_url()).content.decode()

    assert _caption(html) == "Source not recorded"
    assert "Not recorded" in html  # the facts beside it say the same


def test_an_approximate_date_says_so_first_on_the_statement_and_in_the_list(client, claim):
    claim.is_date_approximate = True
    claim.save()
    approx = '<abbr class="approx" title="The date is approximate">approx.</abbr> '

    page = client.get(f"/statements/{claim.identifier}/").text
    listing = client.get("/statements/").text

    assert approx + '<a href="/days/2022-01-07/"><time datetime="2022-01-07">7 January 2022</time></a>' in page
    assert approx + '<time datetime="2022-01-07">7 January 2022</time>' in listing


def test_unpublished_testimonies_are_not_counted_or_shown(client, claim):
    hidden = factories.make_testimony(f"Draft {DRAFT_MARKER}", status=Status.DRAFT)
    factories.make_cross_reference(hidden, claim, Relation.CONTRADICTS, note=f"Draft note {DRAFT_MARKER}")

    html = client.get(f"/statements/{claim.identifier}/").content.decode()

    assert DRAFT_MARKER not in html
    assert "0 testimonies contradict it" in html


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_unpublished_statement_is_not_found(client, db, status):
    statement = factories.make_statement(f"Secret {DRAFT_MARKER}", status=status)

    response = client.get(f"/statements/{statement.identifier}/")

    assert response.status_code == 404
    assert client.get("/statements/S-9999/").status_code == 404


def test_statement_page_names_its_incidents_in_date_order_and_links_to_them(client, claim):
    later = factories.make_incident("Shooting on Republic Square", date_start=datetime.date(2022, 1, 6))
    earlier = factories.make_incident("Akimat set on fire", date_start=datetime.date(2022, 1, 5))
    factories.make_incident("Airport seized")  # an incident of the archive, not of this statement
    claim.incidents.add(later, earlier)
    other = factories.make_statement("Order restored.")

    html = client.get(f"/statements/{claim.identifier}/").content.decode()

    named = re.findall(r'<a href="/incidents/[^"]+/">([^<]+)</a>', html)
    assert named == ["Akimat set on fire", "Shooting on Republic Square"]
    assert f'href="{earlier.get_absolute_url()}"' in html
    assert "Incidents</dt>" not in client.get(f"/statements/{other.identifier}/").content.decode()


def test_retracted_statement_shows_its_note(client, db):
    statement = factories.make_statement("Wrongly attributed", status=Status.RETRACTED, retraction_note="Misquoted.")

    html = client.get(f"/statements/{statement.identifier}/").content.decode()

    assert "This entry has been retracted" in html
    assert "Misquoted." in html


def _add_links(statement, n):
    tag = Tag.objects.get(slug="first-hand")
    for i in range(n):
        for relation in Relation.values:
            testimony = factories.make_testimony(f"{relation} {i}", place=factories.make_place())
            testimony.tags.add(tag, Tag.objects.get(slug="second-hand"))
            factories.make_cross_reference(testimony, statement, relation)


def test_statement_page_runs_a_fixed_number_of_queries(client, claim, django_assert_num_queries):
    _add_links(claim, 1)
    # the statement, its incidents, its cross-references with testimonies (each with its copy of its tag ids); and
    # the four of the vocabulary that names the tags, which each process keeps between changes when the page cache
    # is on (tests run with it off). 8 until the tags were named from the rows' copies rather than the link table.
    with django_assert_num_queries(7):
        assert client.get(f"/statements/{claim.identifier}/").status_code == 200

    _add_links(claim, 11)
    with django_assert_num_queries(7):
        response = client.get(f"/statements/{claim.identifier}/")
    assert len(response.context["contradicting"]) == 10
    assert response.context["contradicting_count"] == 12


def test_only_a_public_statement_s_links_to_public_testimonies_count_as_public(claim):
    shown = factories.make_testimony("Seen from the balcony")
    hidden = factories.make_testimony(f"Draft {DRAFT_MARKER}", status=Status.DRAFT)
    for testimony in (shown, hidden):
        factories.make_cross_reference(testimony, claim, Relation.CONTRADICTS)
    draft_claim = factories.make_statement(f"Unchecked claim {DRAFT_MARKER}", status=Status.DRAFT)
    factories.make_cross_reference(shown, draft_claim, Relation.CORROBORATES)

    links = CrossReference.objects.of_public_statement(claim)

    assert [link.testimony for link in links] == [shown]
    assert set(links) == set(CrossReference.objects.public().filter(statement=claim))
    assert not CrossReference.objects.of_public_statement(draft_claim).exists()


def test_statement_page_loads_no_private_column_of_its_testimonies(client, claim):
    """The linked testimonies load what their entries show: not who wrote or edited them, nor their text."""
    _add_links(claim, 2)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/statements/{claim.identifier}/").status_code == 200
    loaded = " ".join(query["sql"] for query in queries.captured_queries)
    assert "testimony_crossreference" in loaded
    for column in ("editor_notes", "created_by_id", "updated_by_id", "version", "search_vector", "body"):
        assert f'"testimony_testimony"."{column}"' not in loaded, column


def test_statement_page_shows_the_first_few_of_each_relation_and_counts_them_all(client, claim, monkeypatch):
    from testimony.views import statements

    monkeypatch.setattr(statements, "LINKS_SHOWN", 3)
    days = [datetime.date(2022, 1, day) for day in (9, 4, 7, 5, 8)]
    for i, day in enumerate(days):
        testimony = factories.make_testimony(f"Contradicting account {i}", date_start=day, date_end=day)
        factories.make_cross_reference(testimony, claim, Relation.CONTRADICTS)
    hidden = factories.make_testimony(f"Draft {DRAFT_MARKER}", status=Status.DRAFT, date_start=days[1])
    factories.make_cross_reference(hidden, claim, Relation.CONTRADICTS)
    corroborating = factories.make_testimony("Armed men arrived by bus")
    factories.make_cross_reference(corroborating, claim, Relation.CORROBORATES)

    html = client.get(f"/statements/{claim.identifier}/").content.decode()

    contra = _section(html, "verdict-contradicts")
    assert "5 testimonies contradict it" in contra
    # the earliest three, in date order; the draft neither shown nor counted
    shown = re.findall(r"Contradicting account (\d)", contra)
    assert shown == ["1", "3", "2"]
    assert DRAFT_MARKER not in html
    assert "The first 3 are shown: see all 5, and filter them" in contra
    assert f'href="/testimonies/?statement={claim.identifier}&amp;relation=contradicts"' in contra
    corro = _section(html, "verdict-corroborates")
    assert "1 testimony corroborates it" in corro
    assert "Browse and filter them" in corro
    assert "see all" not in corro
    assert "verdict-context" not in html

    # the link leads to all five, the draft still hidden
    listed = client.get(f"/testimonies/?statement={claim.identifier}&relation=contradicts").content.decode()
    assert sorted(re.findall(r"Contradicting account (\d)", listed)) == ["0", "1", "2", "3", "4"]
    assert DRAFT_MARKER not in listed


def test_list_shows_each_claim_with_actor_date_and_counts(client, claim, ministry):
    other = factories.make_statement("Peaceful protesters were not fired upon.", actor=ministry)
    for i in range(3):
        factories.make_cross_reference(factories.make_testimony(f"c{i}"), claim, Relation.CONTRADICTS)
    factories.make_cross_reference(factories.make_testimony("b"), claim, Relation.CORROBORATES)
    hidden = factories.make_testimony("hidden", status=Status.DRAFT)
    factories.make_cross_reference(hidden, claim, Relation.CONTRADICTS)
    factories.make_statement(f"Draft {DRAFT_MARKER}", status=Status.DRAFT)

    response = client.get("/statements/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 statements" in html
    card = re.search(
        rf'<article class="statement-card" aria-labelledby="statement-{claim.identifier}">.*?</article>', html, re.S
    ).group(0)
    assert "20,000 bandits attacked Almaty." in card
    assert "Kassym-Jomart Tokayev, President" in card
    assert "7 January 2022" in card
    assert (
        f'<a href="/testimonies/?statement={claim.identifier}&amp;relation=contradicts">3 testimonies contradict</a>'
        in card
    )
    assert "1 testimony corroborates" in card
    assert "Peaceful protesters were not fired upon." in html
    assert other.get_absolute_url() in html
    assert DRAFT_MARKER not in html


def _counts(html, statement):
    card = re.search(
        rf'<article class="statement-card" aria-labelledby="statement-{statement.identifier}">.*?</article>', html, re.S
    ).group(0)
    return re.findall(
        r'<li class="([^"]+)">(.*?)</li>', re.search(r'<ul class="verdict-counts">.*?</ul>', card, re.S)[0]
    )


def test_list_links_each_count_that_is_not_zero_and_mutes_the_zeros(client, claim):
    """The colour of a relation goes with its link (archive.css, .verdict-counts): on a count there is something
    behind, never on a zero, which is plain muted text."""
    for i in range(2):
        factories.make_cross_reference(factories.make_testimony(f"c{i}"), claim, Relation.CONTRADICTS)
    factories.make_cross_reference(factories.make_testimony("ctx"), claim, Relation.CONTEXT)

    html = client.get("/statements/").content.decode()

    link = f'<a href="/testimonies/?statement={claim.identifier}&amp;relation='
    assert _counts(html, claim) == [
        ("corroborating is-zero", "0 testimonies corroborate"),
        ("contradicting", f'{link}contradicts">2 testimonies contradict</a>'),
        ("contextual", f'{link}context">1 testimony adds context</a>'),
    ]


def test_list_names_the_testimonies_that_add_context_like_the_other_counts(client, claim):
    for i in range(3):
        factories.make_cross_reference(factories.make_testimony(f"ctx {i}"), claim, Relation.CONTEXT)

    html = client.get("/statements/").content.decode()

    assert (
        "contextual",
        f'<a href="/testimonies/?statement={claim.identifier}&amp;relation=context">3 testimonies add context</a>',
    ) in _counts(html, claim)


def test_list_offers_actors_in_reading_order_whatever_their_case(client, db):
    for name in ("Reuters", "bne IntelliNews", "Akorda"):
        factories.make_statement(f"Said by {name}.", actor=factories.make_actor(name))

    html = client.get("/statements/").text

    offered = re.findall(r'<option value="[^"]+"[^>]*>(Reuters|bne IntelliNews|Akorda)</option>', html)
    assert offered == ["Akorda", "bne IntelliNews", "Reuters"]


def test_list_filters_by_actor_kind_and_actor(client, claim, ministry):
    factories.make_statement("Peaceful protesters were not fired upon.", actor=ministry)

    by_kind = client.get("/statements/", {"kind": "person"}).content.decode()
    by_actor = client.get("/statements/", {"actor": "mvd"}).content.decode()

    assert "20,000 bandits attacked Almaty." in by_kind
    assert "Peaceful protesters" not in by_kind
    assert "Peaceful protesters" in by_actor
    assert "20,000 bandits" not in by_actor


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "aliens"}, "“aliens” is not a kind of actor. Choose one from the list."),
        ({"actor": "nobody"}, "No actor with public statements matches “nobody”."),
    ],
)
def test_list_explains_a_bad_filter(client, claim, params, message):
    response = client.get("/statements/", params)

    page = response.content.decode()
    assert response.status_code == 400
    (field,) = params
    assert f'<li><a href="#f-{field}">' in page  # the summary at the top leads to the field
    assert f'<select id="f-{field}" name="{field}" aria-invalid="true" aria-describedby="f-{field}-error">' in page
    assert f'<p class="field-error" id="f-{field}-error">{message}</p>' in page
    assert "No results until the filters are corrected" in page


def test_list_is_paginated_a_missing_page_is_a_404_and_a_malformed_one_a_400(client, president):
    for i in range(30):
        factories.make_statement(f"Claim number {i}.", actor=president)

    first = client.get("/statements/").content.decode()
    second = client.get("/statements/", {"page": "2"}).content.decode()
    missing = client.get("/statements/", {"page": "9"})
    garbage = client.get("/statements/", {"page": "abc"})

    assert first.count('class="statement-card"') == 25
    assert 'rel="next" href="?page=2"' in first
    assert second.count('class="statement-card"') == 5
    assert missing.status_code == 404
    assert "There is no page 9: the results end at page 2." in missing.content.decode()
    assert garbage.status_code == 400
    assert "Enter a page number as a whole number from 1, for example 2." in garbage.content.decode()


def test_a_later_page_shows_its_own_statements_counts(client, president):
    """Each page's statements are chosen first and counted after: the counts belong to the rows shown."""
    statements = [
        factories.make_statement(f"Claim number {i}.", actor=president, made_on=datetime.date(2022, 1, 1 + i))
        for i in range(27)
    ]
    last = statements[-1]
    for i in range(2):
        factories.make_cross_reference(factories.make_testimony(f"c{i}"), last, Relation.CONTRADICTS)
    factories.make_cross_reference(factories.make_testimony("first page"), statements[0], Relation.CORROBORATES)

    second = client.get("/statements/", {"page": "2"}).content.decode()

    assert second.count('class="statement-card"') == 2
    card = re.search(
        rf'<article class="statement-card" aria-labelledby="statement-{last.identifier}">.*?</article>', second, re.S
    ).group(0)
    assert "2 testimonies contradict" in card
    assert "0 testimonies corroborate" in card
    assert "1 testimony corroborates" not in second  # the first page's statement, not listed here


def test_list_runs_a_fixed_number_of_queries(client, claim, ministry, django_assert_num_queries):
    _add_links(claim, 1)
    # count, page of statements with their counts, the actors offered in the filter
    with django_assert_num_queries(3):
        assert client.get("/statements/").status_code == 200

    for i in range(10):
        statement = factories.make_statement(f"Claim {i}", actor=factories.make_actor())
        _add_links(statement, 1)
    with django_assert_num_queries(3):
        response = client.get("/statements/")
    assert len(response.context["page"].object_list) == 11


def test_list_filters_by_the_day_a_statement_was_made(client, president):
    factories.make_statement("Said on the 4th.", actor=president, made_on=datetime.date(2022, 1, 4))
    factories.make_statement("Said on the 5th.", actor=president, made_on=datetime.date(2022, 1, 5))
    factories.make_statement("Said on the 7th.", actor=president, made_on=datetime.date(2022, 1, 7))

    one_day = client.get("/statements/", {"date_from": "2022-01-05", "date_to": "2022-01-05"}).content.decode()
    from_the_5th = client.get("/statements/", {"date_from": "2022-01-05"}).content.decode()
    until_the_5th = client.get("/statements/", {"date_to": "2022-01-05"}).content.decode()

    assert "Said on the 5th." in one_day and "Said on the 4th." not in one_day and "Said on the 7th." not in one_day
    assert "Said on the 4th." not in from_the_5th and "Said on the 7th." in from_the_5th
    assert "Said on the 4th." in until_the_5th and "Said on the 7th." not in until_the_5th
    assert 'value="2022-01-05"' in one_day  # the form shows what was asked


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "05/01/2022"}, "date_from", "Enter a date as YYYY-MM-DD, for example 2022-01-05."),
        (
            {"date_to": "2022-02-30"},
            "date_to",
            "There is no day 2022-02-30 in the calendar. Enter a date as YYYY-MM-DD, for example 2022-01-05.",
        ),
        (
            {"date_from": "2022-01-07", "date_to": "2022-01-05"},
            "date_to",
            "The end date must be on or after the start date.",
        ),
    ],
)
def test_list_explains_a_bad_date(client, claim, params, field, message):
    response = client.get("/statements/", params)

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Official statements" in page
    # as on the testimonies list: a summary at the top linking to the field, the message beside it, the typed value
    summary = re.search(r'<div class="banner banner-error" role="alert">.*?</div>', page, re.S).group(0)
    assert "One filter could not be used. Correct it in the form:" in summary
    label = {"date_from": "Made from", "date_to": "Made until"}[field]
    assert f'<li><a href="#f-{field}">{label}</a>: {message}</li>' in summary
    assert page.index(summary) < page.index('<search class="statement-filters">')
    assert f'<p class="field-error" id="f-{field}-error">{message}</p>' in page
    assert f'<input type="text" id="f-{field}" name="{field}" value="{params[field]}"' in page
    assert f'aria-describedby="statement-dates-hint f-{field}-error" aria-invalid="true"' in page
    assert '<p class="result-count no-results">No results until the filters are corrected</p>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "20,000 bandits attacked Almaty." not in page  # no list until the filter is corrected


def test_list_with_a_bad_date_keeps_the_other_filters_chosen(client, claim):
    page = client.get("/statements/", {"date_from": "2022-13-45", "kind": "person"}).content.decode()

    assert '<option value="person" selected>Person</option>' in page
    assert 'value="2022-13-45"' in page
    assert '<li><a href="#f-date_from">Made from</a>' in page

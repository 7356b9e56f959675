"""A testimony's page: what a journalist sees, and what nobody outside the building may see."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from testimony import history
from testimony.models import CrossReference, Place, Status, Tag, Witness

from . import factories
from .conftest import CONFIDENTIAL_MARKER, DRAFT_MARKER, INTERNAL_NOTE_MARKER

Relation = CrossReference.Relation


@pytest.fixture
def almaty_square(db):
    country = factories.make_place("Kazakhstan", kind=Place.Kind.COUNTRY, slug="kazakhstan")
    city = factories.make_place("Almaty", parent=country, kind=Place.Kind.CITY, slug="almaty")
    return factories.make_place(
        "Republic Square",
        parent=city,
        kind=Place.Kind.SITE,
        slug="republic-square",
        latitude=Decimal("43.238949"),
        longitude=Decimal("76.945465"),
    )


@pytest.fixture
def full(published, almaty_square):
    """The published testimony with everything a page can show."""
    source = factories.make_source("bne IntelliNews", slug="bne", url="https://www.intellinews.com/")
    published.tags.set([Tag.objects.get(slug="first-hand")])  # seeded by the migrations
    published.incidents.set([factories.make_incident("Storming of the akimat", slug="akimat")])
    published.place = almaty_square
    published.source = source
    published.source_url = "https://www.intellinews.com/article"
    published.source_published = datetime.date(2022, 2, 6)
    published.translation = "English words of the witness."
    published.part_of_day = "night"
    published.is_date_approximate = True
    published.save()
    return published


def _url(testimony):
    return f"/testimonies/{testimony.identifier}/"


def test_page_shows_the_account_verbatim_with_its_language(client, full):
    full.language = "ru"
    full.body = "Люди в балаклавах раздавали алкоголь."
    full.save()

    response = client.get(_url(full))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<blockquote class="verbatim" lang="ru"' in html
    assert "Люди в балаклавах раздавали алкоголь." in html
    assert "English words of the witness." in html
    assert '<h1 id="testimony-title">Men in balaclavas handed out alcohol</h1>' in html
    assert "<dt>Language</dt>\n        <dd>Russian</dd>" in html


def test_a_language_code_django_does_not_know_is_shown_as_it_is(client, full):
    full.language = "xx-old"
    full.save()

    response = client.get(_url(full))

    assert response.status_code == 200
    assert "<dd>xx-old</dd>" in response.content.decode()


def test_page_shows_the_witness_descriptor_but_nothing_confidential(client, full):
    html = client.get(_url(full)).content.decode()

    assert "protester at Republic Square" in html
    assert "Resident" in html  # the role
    assert CONFIDENTIAL_MARKER not in html
    assert INTERNAL_NOTE_MARKER not in html
    assert "Real Name" not in html


def test_when_where_and_source(client, full):
    html = client.get(_url(full)).content.decode()

    # "approx." comes first, as on the testimony's card and in the feed.
    assert (
        'title="The date is approximate">approx.</abbr> '
        '<a href="/days/2022-01-05/"><time datetime="2022-01-05">5 January 2022</time></a>, night'
    ) in html
    # The place with its parents, root first, each a link.
    breadcrumb = re.search(r'<ol class="place-path">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r'href="/places/([^/]+)/"', breadcrumb) == ["kazakhstan", "almaty", "republic-square"]
    assert "Republic Square lies at 43.2389, 76.9455 (the place, not where the witness stood)" in html
    assert '<a href="/sources/bne/">bne IntelliNews</a>' in html
    # The link to the original says, to a screen reader too, that it leaves the archive.
    assert re.search(
        r'href="https://www.intellinews.com/article" [^>]*>Read it at the source'
        r'<span class="visually-hidden"> \(another website\)</span></a>',
        html,
    )
    assert '<time datetime="2022-02-06">6 February 2022</time>' in html


def test_a_date_range_links_both_days(client, published):
    published.date_start = datetime.date(2022, 1, 4)
    published.date_end = datetime.date(2022, 1, 6)
    published.save()

    html = client.get(_url(published)).content.decode()

    assert (
        '<a href="/days/2022-01-04/"><time datetime="2022-01-04">4 January 2022</time></a> – '
        '<a href="/days/2022-01-06/"><time datetime="2022-01-06">6 January 2022</time></a>'
    ) in html


def test_credibility_tags_with_group_definition_and_methodology_link(client, full):
    html = client.get(_url(full)).content.decode()

    assert '<a href="/methodology/#tag-first-hand">First-hand</a>' in html
    assert '<span class="tag-group">Proximity</span>' in html
    assert "The witness saw or heard it themselves." in html
    assert '<a href="/incidents/akimat/">Storming of the akimat</a>' in html


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_unpublished_testimony_is_not_found(client, db, status):
    testimony = factories.make_testimony(f"Hidden {DRAFT_MARKER}", status=status)

    response = client.get(_url(testimony))

    assert response.status_code == 404
    assert DRAFT_MARKER not in response.content.decode()


def test_unknown_identifier_is_not_found(client, db):
    assert client.get("/testimonies/T-9999/").status_code == 404


def test_retracted_testimony_shows_its_banner_and_note(client, db):
    testimony = factories.make_testimony(
        "Shots at the airport", status=Status.RETRACTED, retraction_note="The source withdrew the interview."
    )

    response = client.get(_url(testimony))

    assert response.status_code == 200
    html = response.content.decode()
    assert "This testimony has been retracted" in html
    assert "The source withdrew the interview." in html
    assert "Shots at the airport" in html


def test_published_testimony_has_no_retraction_banner(client, published):
    assert "has been retracted" not in client.get(_url(published)).content.decode()


def _xref_section(html, relation):
    match = re.search(rf'<section class="xref-group xref-{relation}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_cross_references_are_grouped_by_relation_in_both_directions(client, published):
    statement = factories.make_statement("Nobody was armed.")
    other = factories.make_testimony("Police fired first")
    pointing_here = factories.make_testimony("Same night, same men")
    factories.make_cross_reference(published, statement, Relation.CONTRADICTS, note="Men with guns were seen.")
    factories.make_cross_reference(published, other, Relation.CORROBORATES, note="Both saw the minivan.")
    factories.make_cross_reference(pointing_here, published, Relation.CORROBORATES, note="Same balaclavas.")

    html = client.get(_url(published)).content.decode()

    contradicts = _xref_section(html, "contradicts")
    assert f'<span class="nowrap">{statement.identifier}</span>: Nobody was armed.' in contradicts
    assert "Men with guns were seen." in contradicts
    corroborates = _xref_section(html, "corroborates")
    assert f'<span class="nowrap">{other.identifier}</span>: Police fired first' in corroborates
    assert "Both saw the minivan." in corroborates
    assert f'<span class="nowrap">{pointing_here.identifier}</span>: Same night, same men' in corroborates
    assert "Same balaclavas." in corroborates
    assert "Police fired first" not in contradicts
    assert _xref_section(html, "context") == ""


def test_a_statement_checked_against_keeps_its_date_approximate(client, published):
    exact = factories.make_statement("Order restored.", made_on=datetime.date(2022, 1, 7))
    approximate = factories.make_statement("Terrorists arrived.", made_on=datetime.date(2022, 1, 5))
    approximate.is_date_approximate = True
    approximate.save()
    factories.make_cross_reference(published, exact, Relation.CONTRADICTS)
    factories.make_cross_reference(published, approximate, Relation.CONTRADICTS)

    contradicts = _xref_section(client.get(_url(published)).content.decode(), "contradicts")

    assert '<time datetime="2022-01-05">approx. 5 January 2022</time>)' in contradicts  # never cited as exact
    assert '<time datetime="2022-01-07">7 January 2022</time>)' in contradicts


def test_links_to_unpublished_statements_and_testimonies_are_not_shown(client, published):
    draft_statement = factories.make_statement(f"Draft claim {DRAFT_MARKER}", status=Status.DRAFT)
    draft_testimony = factories.make_testimony(f"Draft account {DRAFT_MARKER}", status=Status.REVIEW)
    factories.make_cross_reference(published, draft_statement, Relation.CONTRADICTS, note=f"n {DRAFT_MARKER}")
    factories.make_cross_reference(published, draft_testimony, Relation.CORROBORATES, note=f"n {DRAFT_MARKER}")
    factories.make_cross_reference(draft_testimony, published, Relation.CONTEXT, note=f"n {DRAFT_MARKER}")

    html = client.get(_url(published)).content.decode()

    assert DRAFT_MARKER not in html
    assert "Checked against" not in html


def test_related_testimonies_same_incident_place_or_day_but_not_drafts(client, full, almaty_square):
    incident = full.incidents.get()
    same_incident = factories.make_testimony("At the akimat", date_start=datetime.date(2022, 1, 7))
    same_incident.incidents.set([incident])
    same_place = factories.make_testimony(
        "On the square later", place=almaty_square, date_start=datetime.date(2022, 1, 9)
    )
    same_day = factories.make_testimony("Elsewhere that night")
    unrelated = factories.make_testimony("A week later", date_start=datetime.date(2022, 1, 20))
    factories.make_testimony(f"Hidden {DRAFT_MARKER}", status=Status.DRAFT, place=almaty_square)

    html = client.get(_url(full)).content.decode()

    related = re.search(r'<section class="related".*?</section>', html, re.S).group(0)
    titles = re.findall(r'<a href="/testimonies/T-\d+/"><span class="nowrap">T-\d+</span>: ([^<]+)</a>', related)
    assert titles == [same_incident.title, same_place.title, same_day.title]
    assert unrelated.title not in html
    assert DRAFT_MARKER not in html


def test_cite_block_gives_plain_text_and_bibtex(client, full, settings):
    settings.ARCHIVE_NAME = "Testimony Archive"
    today = timezone.localdate()
    full.published_at = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)
    full.save()
    identifier = full.identifier

    response = client.get(_url(full))

    assert response.context["citation_text"] == (
        f"Testimony Archive, “Men in balaclavas handed out alcohol”, testimony {identifier}. "
        f"Source: bne IntelliNews, 6 February 2022. "
        f"http://testserver/testimonies/{identifier}/ (accessed {today.day} {today:%B} {today.year})."
    )
    assert response.context["citation_bibtex"] == (
        f"@misc{{{identifier},\n"
        "  author = {{Testimony Archive}},\n"
        "  title = {{Men in balaclavas handed out alcohol}},\n"
        f"  howpublished = {{Testimony {identifier}. Source: bne IntelliNews, 2022-02-06}},\n"
        "  year = {2026},\n"
        f"  url = {{http://testserver/testimonies/{identifier}/}},\n"
        f"  urldate = {{{today.isoformat()}}},\n"
        f"  note = {{Accessed {today.isoformat()}}}\n"
        "}"
    )
    html = response.content.decode()
    plain = re.search(r'<textarea id="cite-text" [^>]*readonly[^>]*>(.*?)</textarea>', html, re.S).group(1)
    bibtex = re.search(r'<textarea id="cite-bibtex" [^>]*readonly[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert plain == response.context["citation_text"]
    assert bibtex == response.context["citation_bibtex"]
    assert '<label for="cite-text">Plain text</label>' in html


def test_citation_names_the_current_revision_and_its_permanent_address(client, full):
    history.ensure_initial_revisions()
    identifier = full.identifier

    response = client.get(_url(full))

    revision_url = f"http://testserver/testimonies/{identifier}/revisions/1/"
    assert f"testimony {identifier}, revision 1." in response.context["citation_text"]
    assert f"{revision_url} (accessed" in response.context["citation_text"]
    assert response.context["citation_bibtex"].startswith(f"@misc{{{identifier}r1,")
    assert f"url = {{{revision_url}}}" in response.context["citation_bibtex"]
    assert "Revision 1" in response.content.decode()


def test_bibtex_escapes_special_characters_and_marks_retraction(client, db):
    testimony = factories.make_testimony(
        "50% of {them} & more", status=Status.RETRACTED, retraction_note="Withdrawn by the source."
    )

    response = client.get(_url(testimony))

    bibtex = response.context["citation_bibtex"]
    assert r"title = {{50\% of \{them\} \& more}}" in bibtex
    assert "Retracted" in bibtex
    assert "Retracted." in response.context["citation_text"]


def test_json_ld_describes_the_testimony_from_public_fields_only(client, full):
    import json

    html = client.get(_url(full)).content.decode()

    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(script)
    assert data["identifier"] == full.identifier
    assert data["name"] == "Men in balaclavas handed out alcohol"
    assert data["author"] == {"@type": "Person", "description": "protester at Republic Square"}
    assert data["contentLocation"]["name"] == "Republic Square"
    assert data["contentLocation"]["containedInPlace"]["containedInPlace"]["name"] == "Kazakhstan"
    assert data["temporalCoverage"] == "2022-01-05"
    assert CONFIDENTIAL_MARKER not in script
    assert INTERNAL_NOTE_MARKER not in script


def test_json_ld_cannot_close_its_script_element(client, db):
    testimony = factories.make_testimony("</script><script>alert(1)</script>")

    html = client.get(_url(testimony)).content.decode()

    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script
    assert "\\u003C/script\\u003E" in script


def _enrich(testimony, place, n):
    """Add n of everything the page lists: tags, incidents, cross-references both ways, related testimonies."""
    group = factories.make_tag_group()
    for i in range(n):
        tag = factories.make_tag(group=group)
        testimony.tags.add(tag)
        incident = factories.make_incident()
        testimony.incidents.add(incident)
        statement = factories.make_statement(f"Claim {i}")
        factories.make_cross_reference(testimony, statement, Relation.CONTRADICTS)
        other = factories.make_testimony(f"Other {i}", place=place, witness=factories.make_witness(f"w{i}"))
        other.tags.add(tag)
        factories.make_cross_reference(other, testimony, Relation.CONTEXT)
        factories.make_cross_reference(testimony, other, Relation.CORROBORATES)


def test_page_runs_a_fixed_number_of_queries(
    client, full, almaty_square, django_assert_num_queries, django_assert_max_num_queries
):
    # testimony (with its copy of its tag ids), its incident links, the ids of its cross-references, those links
    # with both ends (skipped for a testimony without any, see below), public revisions, and related testimonies in
    # three short indexed lookups (same incident, same place, same days; was one OR query that ranked every
    # testimony of those days); and the four of the vocabulary that names places, tags and incidents, which each
    # process keeps between changes when the page cache is on (tests run with it off).
    _enrich(full, almaty_square, 1)
    with django_assert_num_queries(12):
        assert client.get(_url(full)).status_code == 200

    _enrich(full, almaty_square, 5)
    # Never more; fewer once the same incident and place fill the related list (the same-days lookup is skipped).
    with django_assert_max_num_queries(12):
        response = client.get(_url(full))
    assert len(response.context["tags"]) == 7
    assert sum(len(group["links"]) for group in response.context["cross_reference_groups"]) == 18


def test_a_testimony_without_links_skips_the_query_that_joins_their_ends(client, full, almaty_square):
    # Most testimonies have no cross-reference: the page asks for their ids, finds none and stops there.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(full)).status_code == 200
    assert not any("testimony_actor" in query["sql"] for query in queries.captured_queries)

    _enrich(full, almaty_square, 1)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(full))
    assert sum("testimony_actor" in query["sql"] for query in queries.captured_queries) == 1
    assert sum(len(group["links"]) for group in response.context["cross_reference_groups"]) == 3


def test_witness_role_label_is_shown(client, db):
    testimony = factories.make_testimony(
        "From the ambulance", witness=factories.make_witness("paramedic", Witness.Role.MEDICAL)
    )

    html = client.get(_url(testimony)).content.decode()

    assert "paramedic" in html
    assert "Medical staff" in html

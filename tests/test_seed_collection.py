"""The January 2022 seed collection: it loads on both databases and holds what a journalist would look for."""

import datetime
import importlib
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from testimony.models import (
    Counter,
    CrossReference,
    Incident,
    Place,
    Source,
    Statement,
    Testimony,
    Witness,
    WitnessIdentity,
)

from . import factories

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "kazakhstan-2022.json"
# The article the collection was extracted from (kept beside the checkout, not in it).
ARTICLE = Path(settings.BASE_DIR).parent / "shared" / "seed" / "000_81c4f49657a7ecf4.txt"
D = datetime.date


@pytest.fixture
def seed(db):
    call_command("loaddata", str(FIXTURE), verbosity=0)


def _testimony_saying(words):
    return Testimony.objects.select_related("place", "witness", "source").get(body__contains=words)


def _tag_slugs(testimony, group):
    return sorted(testimony.tags.filter(group__slug=group).values_list("slug", flat=True))


# --- The accounts a journalist would look for ---------------------------------------------------------------------

ACCOUNTS = {
    # words from the account: (place, date_start, date_end, part of day, approximate, proximity, role)
    "“My friend narrowly dodged a bullet when driving near the hospital area,”": (
        "almaty-city-clinical-hospital-7",
        D(2022, 1, 4),
        D(2022, 1, 11),
        "",
        True,
        "second-hand",
        Witness.Role.DRIVER,
    ),
    "“I saw a minivan park outside my window and a group of men ran up to it and grabbed firearms from the back": (
        "almaty",
        D(2022, 1, 5),
        D(2022, 1, 5),
        "",
        True,
        "first-hand",
        Witness.Role.RESIDENT,
    ),
    "vehicles loaded with guns and ammunition that were handed out to groups of unidentified men on January 5": (
        "almaty",
        D(2022, 1, 5),
        D(2022, 1, 5),
        "",
        False,
        "first-hand",
        Witness.Role.RESIDENT,
    ),
    "men wearing black balaclavas and carrying walkie-talkies began appearing in the crowd": (
        "kazakhstan",
        D(2022, 1, 4),
        D(2022, 1, 4),
        "night",
        False,
        "first-hand",
        Witness.Role.PROTESTER,
    ),
    "“They threatened to burn our house down if the [able-bodied] men in the family refused to join them,”": (
        "almaty-shanyrak",
        D(2022, 1, 4),
        D(2022, 1, 5),
        "",
        True,
        "first-hand",
        Witness.Role.RESIDENT,
    ),
    "a crowd of men circulated around their neighbourhood, forcibly recruiting people to join their ranks": (
        "almaty-shanyrak",
        D(2022, 1, 4),
        D(2022, 1, 5),
        "",
        True,
        "first-hand",
        Witness.Role.RESIDENT,
    ),
    "brought something that “looked like a battleground”, outside her home": (
        "almaty-republic-square",
        D(2022, 1, 4),
        D(2022, 1, 5),
        "night",
        False,
        "first-hand",
        Witness.Role.RESIDENT,
    ),
    "he heard “occasional sounds of gunfire and explosions at night” on January 5": (
        "almaty-republic-square",
        D(2022, 1, 5),
        D(2022, 1, 5),
        "night",
        False,
        "first-hand",
        Witness.Role.RESIDENT,
    ),
    "doctors and nurses had to deal with an armed group said to have taken over the building": (
        "almaty-city-clinical-hospital-7",
        D(2022, 1, 4),
        D(2022, 1, 11),
        "",
        True,
        "hearsay",
        Witness.Role.MEDICAL,
    ),
    "Yet after sundown, the security forces allegedly opened fire on the group.": (
        "almaty-republic-square",
        D(2022, 1, 6),
        D(2022, 1, 6),
        "night",
        False,
        "first-hand",
        Witness.Role.PROTESTER,
    ),
    "many recount what they experienced as relatively “restrained”": (
        "almaty",
        D(2022, 1, 4),
        D(2022, 1, 11),
        "",
        True,
        "first-hand",
        Witness.Role.RESIDENT,
    ),
    "people in cars who were allegedly shot to death": (
        "almaty",
        D(2022, 1, 4),
        D(2022, 1, 11),
        "",
        True,
        "hearsay",
        Witness.Role.OTHER,
    ),
}


@pytest.mark.parametrize("words", ACCOUNTS)
def test_account_is_verbatim_with_its_place_date_and_proximity(seed, words):
    place, start, end, part_of_day, approximate, proximity, role = ACCOUNTS[words]

    testimony = _testimony_saying(words)

    assert testimony.place.slug == place
    assert (testimony.date_start, testimony.date_end) == (start, end)
    assert testimony.part_of_day == part_of_day
    assert testimony.is_date_approximate is approximate
    assert _tag_slugs(testimony, "proximity") == [proximity]
    assert testimony.witness.role == role
    assert testimony.language == "en"


def test_balaclava_protester_is_quoted_in_full(seed):
    testimony = _testimony_saying("black balaclavas")
    for words in (
        "They were carrying alcohol and attempting to hand it out to men, egging them on to ‘warm up’.",
        "The men reacted aggressively whenever people in the crowd attempted to film them on their phones,",
        "“started shooting at us and the crowd started panicking and running”",
    ):
        assert words in testimony.body
    assert testimony.witness.descriptor == "protester at the 4 January rally"
    assert testimony.incidents.get().name == "Men in balaclavas at the 4 January rally"


def test_the_protesters_account_explains_what_surprised_the_rally(seed):
    protester, rally = _testimony_saying("black balaclavas"), _testimony_saying("just as surprised as anyone")
    link = CrossReference.objects.get(testimony=protester, other_testimony=rally)
    assert link.relation == CrossReference.Relation.CONTEXT
    assert not CrossReference.objects.filter(testimony=rally, other_testimony=protester).exists()


def test_the_videos_of_a_mob_attacking_police_are_filed_under_the_city_hall_fire(seed):
    # The article sets the footage against state media's images of the akimat burning while police stood by.
    videos = _testimony_saying("apparent attacks on police")
    assert "burning-of-almaty-akimat" in videos.incidents.values_list("slug", flat=True)


def test_torture_claims_are_dated_to_the_crackdown_not_to_the_articles_publication(seed):
    # The article gives them no date: approximately the days of the detentions it describes, as T-0018 and their
    # incident, rather than a month that ends on the day it was published.
    claims = _testimony_saying("abuse and torture of detainees")
    assert (claims.date_start, claims.date_end, claims.is_date_approximate) == (D(2022, 1, 6), D(2022, 1, 11), True)


def test_what_rights_activists_rumours_and_eyewitnesses_suggest_is_not_graded_first_hand(seed):
    relayed = _testimony_saying("rumours circulating online and personal accounts of eyewitnesses even suggest")
    assert _tag_slugs(relayed, "proximity") == ["second-hand"]  # the article relays them, mixed with rumour
    assert "suggest" in relayed.title


def test_taxi_drivers_account_is_graded_second_hand_and_single_source(seed):
    testimony = _testimony_saying("My friend narrowly dodged a bullet")
    assert testimony.witness.descriptor == "taxi driver"
    assert _tag_slugs(testimony, "corroboration") == ["single-source"]
    assert testimony.incidents.get().slug == "siege-of-city-clinical-hospital-7"


def test_republic_square_shooting_is_backed_by_video(seed):
    testimony = _testimony_saying("after sundown")
    assert _tag_slugs(testimony, "evidence") == ["video"]
    assert _tag_slugs(testimony, "corroboration") == ["corroborated"]
    assert "republic-square-shooting-6-january" in testimony.incidents.values_list("slug", flat=True)


def test_the_two_republic_square_residents_are_filed_under_the_square(seed):
    square = Place.objects.get(slug="almaty-republic-square")
    residents = Testimony.objects.in_place(square).filter(witness__role=Witness.Role.RESIDENT)
    assert sorted(residents.values_list("witness__descriptor", flat=True)) == [
        "resident living a block from Republic Square",
        "resident living near Republic Square",
    ]
    she, he = residents.order_by("date_start")
    link = CrossReference.objects.get(testimony=he, other_testimony=she)
    assert "oddly quiet" in link.note


def test_shanyrak_woman_is_found_under_almaty_and_kazakhstan(seed):
    woman = _testimony_saying("They threatened to burn our house down")
    shanyrak = woman.place

    assert [place.slug for place in shanyrak.ancestors()] == ["kazakhstan", "almaty", "almaty-alatau-district"]
    for slug in ("almaty", "kazakhstan", "almaty-alatau-district", "almaty-shanyrak"):
        assert woman in Testimony.objects.in_place(Place.objects.get(slug=slug))
    assert woman not in Testimony.objects.in_place(Place.objects.get(slug="almaty-republic-square"))
    residents = _testimony_saying("forcibly recruiting people")
    assert CrossReference.objects.filter(testimony=woman, other_testimony=residents, relation="corroborates").exists()


# --- Official and media claims ------------------------------------------------------------------------------------

STATEMENTS = {
    # words from the quote: (actor, made on, approximate)
    "“20,000 terrorists” descended upon largest Kazakh city Almaty": ("tokayev-administration", D(2022, 1, 7), True),
    "“foreign-backed terrorists and plotters” tried to overthrow the government": (
        "tokayev-administration",
        D(2022, 1, 7),
        True,
    ),
    'The authorities announced "anti-terrorist" operations.': ("tokayev-administration", D(2022, 1, 5), True),
    "“shoot to kill” order issued by Tokayev on January 7": ("kassym-jomart-tokayev", D(2022, 1, 7), False),
    "officially stood at a little over 200 people—with a couple of dozen of security force personnel": (
        "prosecutor-general-kazakhstan",
        D(2022, 1, 15),
        True,
    ),
    "Security forces appeared to stand to the side, for example, as Almaty Akimat (City Hall)": (
        "kazakh-state-media",
        D(2022, 1, 5),
        True,
    ),
    "there appears to be some evidence of Kazakh authorities using lethal force against peaceful protesters": (
        "human-rights-watch",
        D(2022, 1, 26),
        False,
    ),
    "does not seem to suggest any obvious distinctions between the violent and non-violent protesters": (
        "opendemocracy",
        D(2022, 1, 11),
        True,
    ),
}


@pytest.mark.parametrize("words", STATEMENTS)
def test_statement_has_its_actor_and_date(seed, words):
    actor, made_on, approximate = STATEMENTS[words]

    statement = Statement.objects.select_related("actor").get(quote__contains=words)

    assert statement.actor.slug == actor
    assert statement.made_on == made_on
    assert statement.is_date_approximate is approximate
    assert statement.claim.endswith(".")


def test_warzone_claim_is_on_record_for_state_and_russian_media(seed):
    warzone = Statement.objects.filter(quote__contains="warzone with constant shootouts")
    assert sorted(warzone.values_list("actor__kind", flat=True)) == ["foreign_media", "state_media"]


def test_shoot_to_kill_order_is_attributed_to_the_president(seed):
    order = Statement.objects.select_related("actor").get(quote__contains="shoot to kill")
    assert order.actor.office == "President of Kazakhstan"
    assert order.made_on == D(2022, 1, 7)


def test_restrained_accounts_contradict_the_20000_terrorists_and_the_warzone(seed):
    restrained = _testimony_saying("relatively “restrained”")
    contradicted = restrained.cross_references.filter(relation="contradicts").values_list("statement__quote", flat=True)
    assert any("20,000 terrorists" in quote for quote in contradicted)
    assert sum("warzone" in quote for quote in contradicted) == 2


def test_every_statement_is_known_through_the_article(seed):
    """Each quote is bne IntelliNews's sentence reporting the claim, so the article is each statement's source, and no
    statement points elsewhere as if its quote could be read there (HRW's report is named in the editor's notes)."""
    for statement in Statement.objects.select_related("source"):
        assert statement.source is not None, statement.identifier
        assert statement.source.slug == "bne-intellinews", statement.identifier
        assert statement.source_url == "", statement.identifier
    hrw = Statement.objects.get(actor__slug="human-rights-watch")
    assert "https://www.hrw.org/news/2022/01/26/kazakhstan-killings-excessive-use-force-almaty" in hrw.editor_notes


def test_a_seed_statement_credits_its_quote_to_the_article_not_to_the_actor(client, seed):
    html = client.get("/statements/S-0004/").content.decode()

    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", caption) == "bne IntelliNews, reporting Kazakh state media"
    assert '<a href="/sources/bne-intellinews/">bne IntelliNews</a>' in caption


def test_an_archive_seeded_before_quotes_were_credited_to_the_article_is_put_right(seed):
    """Migration 0017: the five statements the old seed credited to the actor's outlet, where still as seeded."""
    credit = importlib.import_module("testimony.migrations.0017_seed_statements_credit_the_article").credit_the_article
    state_media = factories.make_source("Kazakh state media", slug="kazakh-state-media")
    hrw = factories.make_source("Human Rights Watch", slug="human-rights-watch")
    report = "https://www.hrw.org/news/2022/01/26/kazakhstan-killings-excessive-use-force-almaty"
    Statement.objects.filter(identifier="S-0004").update(source=state_media)
    Statement.objects.filter(identifier="S-0008").update(source=state_media, quote="An editor's own wording.")
    Statement.objects.filter(identifier="S-0009").update(source=hrw, source_url=report, editor_notes="Checked.")
    before = dict(Statement.objects.values_list("identifier", "version"))

    credit(django_apps, None)

    statements = {statement.identifier: statement for statement in Statement.objects.select_related("source")}
    assert statements["S-0004"].source.slug == "bne-intellinews"
    assert statements["S-0004"].version == before["S-0004"] + 1  # a form opened before cannot save over it
    assert statements["S-0008"].source == state_media  # changed by an editor since: left alone
    assert statements["S-0009"].source.slug == "bne-intellinews"
    assert statements["S-0009"].source_url == ""
    assert statements["S-0009"].editor_notes.startswith("Checked.\n\n")
    assert report in statements["S-0009"].editor_notes
    assert statements["S-0001"].version == before["S-0001"]  # already right: untouched


# --- What holds for every entry -----------------------------------------------------------------------------------


def test_collection_sizes(seed):
    assert Testimony.objects.count() == 19
    assert Statement.objects.count() == 11
    assert CrossReference.objects.count() == 30
    assert Place.objects.count() == 8
    assert Incident.objects.count() == 8
    assert Source.objects.count() == 1  # the article's publisher: every testimony and statement is known through it


def test_every_testimony_has_a_witness_a_source_ordered_dates_and_one_grade_of_proximity(seed):
    for testimony in Testimony.objects.select_related("witness", "source"):
        assert testimony.witness.descriptor, testimony.identifier
        assert testimony.source.slug == "bne-intellinews", testimony.identifier
        assert testimony.source_published == D(2022, 2, 6), testimony.identifier
        assert testimony.date_start <= testimony.date_end, testimony.identifier
        assert len(_tag_slugs(testimony, "proximity")) == 1, testimony.identifier
        assert len(_tag_slugs(testimony, "corroboration")) == 1, testimony.identifier


def test_identifiers_match_numbers(seed):
    for number, identifier in Testimony.objects.values_list("number", "identifier"):
        assert identifier == Testimony.format_identifier(number)
    for number, identifier in Statement.objects.values_list("number", "identifier"):
        assert identifier == f"S-{number:04d}"
    assert sorted(Testimony.objects.values_list("number", flat=True)) == list(range(1, 20))


def test_every_cross_reference_has_a_note_and_one_target(seed):
    for link in CrossReference.objects.all():
        assert len(link.note) > 20, link.pk
        assert (link.statement_id is None) != (link.other_testimony_id is None), link.pk
        assert link.other_testimony_id != link.testimony_id


def test_every_place_path_matches_its_parent_chain(seed):
    for place in Place.objects.select_related("parent"):
        parent_path = place.parent.path if place.parent else "/"
        assert place.path == f"{parent_path}{place.pk}/", place.slug
        assert place.depth == place.path.count("/") - 2, place.slug


def test_coordinates_are_given_only_where_known(seed):
    located = dict(Place.objects.filter(latitude__isnull=False).values_list("slug", "latitude"))
    assert sorted(located) == ["almaty", "almaty-republic-square", "kazakhstan"]
    assert located["almaty"] == Decimal("43.2565")


def test_everything_in_the_collection_is_public(seed):
    assert Testimony.objects.public().count() == Testimony.objects.count()
    assert Statement.objects.public().count() == Statement.objects.count()
    assert CrossReference.objects.public().count() == CrossReference.objects.count()


def test_collection_holds_no_confidential_data(seed):
    models = {obj["model"] for obj in json.loads(FIXTURE.read_text(encoding="utf-8"))}
    assert "testimony.witnessidentity" not in models
    assert WitnessIdentity.objects.count() == 0
    assert not Testimony.objects.exclude(editor_notes="").exists()


# Typographic quotes made straight, so a passage copied with either kind matches; the article's no-break spaces and
# line breaks are whitespace like any other.
_STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def _normalised(text):
    return " ".join(text.translate(_STRAIGHT_QUOTES).split())


@pytest.mark.skipif(not ARTICLE.exists(), reason="the source article is kept beside the checkout")
def test_every_quote_and_account_is_a_verbatim_passage_of_the_article(seed):
    """A statement's quote and a testimony's body are shown as the article's words: each must be in it, word for word.
    A body may join passages from different paragraphs, one per paragraph of its own."""
    article = _normalised(ARTICLE.read_text(encoding="utf-8"))
    missing = [
        statement.identifier for statement in Statement.objects.all() if _normalised(statement.quote) not in article
    ]
    for testimony in Testimony.objects.all():
        assert testimony.translation == "", testimony.identifier  # the article is in English: nothing is translated
        passages = testimony.body.split("\n\n")
        missing += [testimony.identifier for passage in passages if _normalised(passage) not in article]
    assert missing == []
    assert Statement.objects.exclude(quote="").count() == 11


def test_loading_twice_changes_nothing(seed):
    before = [model.objects.count() for model in (Testimony, Statement, CrossReference, Witness, Place)]
    call_command("loaddata", str(FIXTURE), verbosity=0)
    assert [model.objects.count() for model in (Testimony, Statement, CrossReference, Witness, Place)] == before


# --- Identifiers after loading ------------------------------------------------------------------------------------


def test_new_testimony_after_loading_gets_the_next_identifier(seed):
    assert factories.make_testimony("A new account").identifier == "T-0020"
    assert factories.make_statement("A new claim.").identifier == "S-0012"


# --- The setup command --------------------------------------------------------------------------------------------


def _setup_archive():
    out = io.StringIO()
    call_command("setup_archive", stdout=out)
    return out.getvalue()


def test_setup_archive_loads_the_collection_into_an_empty_archive_once(db):
    assert "Loaded 19 testimonies and 11 statements from kazakhstan-2022.json." in _setup_archive()
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []

    again = _setup_archive()

    assert "the seed collection was not loaded again" in again
    assert Testimony.objects.count() == 19
    assert CrossReference.objects.count() == 30
    assert Witness.objects.count() == 19


def test_setup_archive_leaves_an_archive_with_testimonies_alone(db):
    factories.make_testimony("Already here")
    assert "not loaded again" in _setup_archive()
    assert Testimony.objects.count() == 1


def test_setup_archive_never_hands_out_a_loaded_identifier_again(db):
    _setup_archive()
    Testimony.objects.get(identifier="T-0019").delete()
    Statement.objects.get(identifier="S-0011").delete()

    assert factories.make_testimony("After a deletion").identifier == "T-0020"
    assert factories.make_statement("After a deletion.").identifier == "S-0012"
    assert Counter.objects.get(name="testimony").value == 20


def test_setup_archive_refuses_a_missing_collection(db):
    with pytest.raises(CommandError, match="No collection at /nowhere/collection.json"):
        call_command("setup_archive", fixture="/nowhere/collection.json")

"""generate_testimonies: a synthetic collection of the requested size, the same for a seed, searchable at once."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from testimony import search
from testimony.models import (
    Actor,
    Counter,
    CrossReference,
    Incident,
    Place,
    Source,
    Statement,
    Status,
    Testimony,
    Witness,
    WitnessIdentity,
)


def _generate(count=200, **options):
    call_command("generate_testimonies", count=count, verbosity=0, **options)


def _snapshot():
    return list(
        Testimony.objects.order_by("number").values_list(
            "identifier", "title", "date_start", "date_end", "part_of_day", "status", "language", "place__slug"
        )
    )


def test_it_makes_the_requested_number_of_testimonies_with_their_cast(db):
    _generate(200)
    assert Testimony.objects.count() == 200
    assert set(Testimony.objects.values_list("identifier", flat=True)) == {f"T-{n:04d}" for n in range(1, 201)}
    assert 200 <= Place.objects.count() <= 1000
    assert Statement.objects.count() >= 20
    assert Witness.objects.count() >= 100
    assert CrossReference.objects.exists()
    assert Testimony.tags.through.objects.count() >= 200
    assert not WitnessIdentity.objects.exists()  # nothing confidential is invented


def test_running_it_again_adds_testimonies_and_never_reuses_an_identifier(db):
    _generate(50)
    places = Place.objects.count()
    _generate(50)
    assert Testimony.objects.count() == 100
    assert Testimony.objects.filter(identifier="T-0100").exists()
    assert Place.objects.count() == places  # the same place tree, reused


def _empty_the_archive():
    """What ``flush`` would do to the generated rows, inside the test's transaction (the vocabulary stays)."""
    CrossReference.objects.all().delete()
    Testimony.objects.all().delete()
    Witness.objects.all().delete()
    Statement.objects.all().delete()
    Incident.objects.all().delete()
    Actor.objects.all().delete()
    Source.objects.all().delete()
    for depth in sorted(set(Place.objects.values_list("depth", flat=True)), reverse=True):
        Place.objects.filter(depth=depth).delete()
    Counter.objects.all().delete()


def test_the_same_seed_gives_the_same_collection(db):
    _generate(200, seed=7)
    first = _snapshot()
    _empty_the_archive()
    _generate(200, seed=7)
    assert _snapshot() == first
    _empty_the_archive()
    _generate(200, seed=8)
    assert _snapshot() != first


def test_place_paths_follow_their_parents(db):
    _generate(20)
    places = {place.pk: place for place in Place.objects.all()}
    kinds = {place.kind for place in places.values()}
    assert {"country", "region", "city", "district", "site"} <= kinds
    for place in places.values():
        parent = places.get(place.parent_id)
        expected = f"{parent.path if parent else '/'}{place.pk}/"
        assert place.path == expected, place
        assert place.depth == (parent.depth + 1 if parent else 0), place
        assert place.latitude is not None and place.longitude is not None


def test_dates_are_in_order_and_crowd_the_peak_days(db):
    _generate(200)
    assert not Testimony.objects.filter(date_end__lt=F("date_start")).exists()
    peak = Testimony.objects.filter(date_start__range=(datetime.date(2022, 1, 4), datetime.date(2022, 1, 7))).count()
    tail = Testimony.objects.filter(date_start__gte=datetime.date(2022, 1, 15)).count()
    assert peak > 100  # most accounts in four days
    assert tail > 5  # and a long tail
    assert Testimony.objects.filter(date_end__gt=F("date_start")).exists()  # some ranges
    assert Testimony.objects.filter(is_date_approximate=True).exists()
    assert Testimony.objects.exclude(part_of_day="").exists()


def test_statuses_are_mixed_with_their_derived_fields(db):
    _generate(200, publish_ratio=0.6)
    statuses = set(Testimony.objects.values_list("status", flat=True))
    assert statuses == {Status.PUBLISHED, Status.RETRACTED, Status.REVIEW, Status.DRAFT}
    assert Testimony.objects.filter(status=Status.PUBLISHED).count() > 100
    assert not Testimony.objects.public().filter(published_at=None).exists()
    assert not Testimony.objects.exclude(status__in=[Status.PUBLISHED, Status.RETRACTED]).exclude(published_at=None)
    assert not Testimony.objects.filter(status=Status.RETRACTED, retraction_note="").exists()


def test_bodies_are_long_accounts_some_in_russian(db):
    _generate(200)
    lengths = [len(body.split()) for body in Testimony.objects.values_list("body", flat=True)]
    assert min(lengths) >= 80
    assert max(lengths) <= 430  # 400 words, plus the last sentence
    russian = Testimony.objects.filter(language="ru")
    assert russian.count() > 20
    assert all(any("а" <= ch <= "я" for ch in body) for body in russian.values_list("body", flat=True))


def test_generated_accounts_are_found_by_search(db):
    _generate(200)
    expected = set(Testimony.objects.public().filter(body__contains="balaclavas").values_list("pk", flat=True))
    assert expected
    found = set(search.search(Testimony.objects.public(), "balaclava").values_list("pk", flat=True))
    assert expected <= found


def test_russian_accounts_are_found_by_search(db):
    _generate(200)
    expected = set(Testimony.objects.public().filter(body__contains="балаклавах").values_list("pk", flat=True))
    assert expected
    found = set(search.search(Testimony.objects.public(), "балаклавах").values_list("pk", flat=True))
    assert expected <= found


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_a_bad_count_is_refused_with_a_message(db, value):
    with pytest.raises(CommandError, match="--count"):
        call_command("generate_testimonies", "--count", value, verbosity=0)
    assert not Testimony.objects.exists()


@pytest.mark.parametrize("options", [{"count": 0}, {"count": -5}, {"count": "abc"}, {"count": 10, "batch_size": 0}])
def test_bad_options_from_code_are_refused_with_a_message(db, options):
    with pytest.raises(CommandError, match="must be a whole number of at least 1"):
        call_command("generate_testimonies", verbosity=0, **options)


def test_a_bad_publish_ratio_is_refused_with_a_message(db):
    with pytest.raises(CommandError, match="--publish-ratio"):
        call_command("generate_testimonies", "--count", "10", "--publish-ratio", "2", verbosity=0)


def test_a_missing_count_is_refused_with_a_message(db):
    with pytest.raises(CommandError, match="--count"):
        call_command("generate_testimonies", verbosity=0)


def test_the_counts_table_is_filled_for_the_public_pages(client, db):
    from testimony import summary
    from testimony.models import FacetCount

    _generate(120)
    public = Testimony.objects.public()
    assert summary.total() == public.count() > 0
    filled = sorted(FacetCount.objects.values_list("kind", "date_start", "date_end", "place_id", "value", "n"), key=str)
    summary.rebuild()
    assert (
        sorted(FacetCount.objects.values_list("kind", "date_start", "date_end", "place_id", "value", "n"), key=str)
        == filled
    )
    response = client.get("/testimonies/")
    assert f"{public.count()} testimonies" in response.text


def test_rows_carry_their_tags_and_role_from_their_commit_before_indexing(db, monkeypatch):
    monkeypatch.setattr(search, "reindex", lambda ids, **kw: None)  # as if --jobs had not yet indexed them
    _generate(60)
    tagged = Testimony.objects.exclude(tag_ids="")
    assert tagged.count() == Testimony.tags.through.objects.values("testimony").distinct().count() > 0
    for testimony in Testimony.objects.select_related("witness").prefetch_related("tags"):
        assert testimony.tag_ids == search.tag_ids_text(tag.pk for tag in testimony.tags.all())
        assert testimony.witness_role == testimony.witness.role

"""The full-text index follows every save: new testimonies, edits, tag changes and place renames."""

from django.db import connection

from testimony import pagecache, search
from testimony.models import Tag, Testimony

from . import factories


def _indexed_ids(word):
    """Ids the engine's index finds for one word, asked directly (independent of the search interface)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM testimony_testimony WHERE search_vector @@ plainto_tsquery(%s::regconfig, %s)",
                [search.PG_CONFIG, word],
            )
        else:
            cursor.execute("SELECT rowid FROM testimony_search WHERE testimony_search MATCH %s", [f'"{word}"'])
        return {row[0] for row in cursor.fetchall()}


def test_new_testimony_is_indexed_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        testimony = factories.make_testimony("Minivan with firearms", body="A group of men grabbed firearms.")
    assert _indexed_ids("firearms") == {testimony.pk}


def test_edited_body_is_reindexed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        testimony = factories.make_testimony(body="Quiet night.")
    with django_capture_on_commit_callbacks(execute=True):
        testimony.body = "Gunfire and explosions at night."
        testimony.save()
    assert _indexed_ids("explosions") == {testimony.pk}
    assert _indexed_ids("quiet") == set()


def test_tag_and_place_names_are_searchable(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        city = factories.make_place("Almaty")
        district = factories.make_place("Shanyrak", parent=city)
        tag = factories.make_tag("Hearsay")
        testimony = factories.make_testimony(place=district)
        testimony.tags.add(tag)
    assert _indexed_ids("hearsay") == {testimony.pk}
    assert _indexed_ids("almaty") == {testimony.pk}  # the parent's name counts too
    with django_capture_on_commit_callbacks(execute=True):
        city.name = "Alma-Ata"
        city.save()
    assert _indexed_ids("almaty") == set()


def test_deleted_testimony_leaves_the_index(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        testimony = factories.make_testimony(body="Barricades near the akimat.")
    with django_capture_on_commit_callbacks(execute=True):
        Testimony.objects.filter(pk=testimony.pk).delete()
    assert _indexed_ids("barricades") == set()


def test_a_rolled_back_edit_never_reaches_the_index(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        testimony = factories.make_testimony(body="Quiet night.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # the transaction is rolled back
        testimony.body = "Explosions."
        testimony.save()
    assert len([callback for callback in callbacks if callback is not pagecache._bump]) == 1  # the reindex, waiting
    assert _indexed_ids("explosions") == set()


def test_renamed_tag_source_and_witness_are_reindexed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tag = factories.make_tag("Hearsay")
        source = factories.make_source("Orda")
        witness = factories.make_witness("taxi driver")
        testimony = factories.make_testimony(tags=[tag], source=source, witness=witness)
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "Secondhand"
        tag.save()
        source.name = "Vlast"
        source.save()
        witness.descriptor = "nurse"
        witness.save()
    assert _indexed_ids("secondhand") == _indexed_ids("vlast") == _indexed_ids("nurse") == {testimony.pk}
    assert _indexed_ids("hearsay") == _indexed_ids("orda") == _indexed_ids("taxi") == set()


def test_removing_a_tag_from_either_side_is_reindexed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tag = factories.make_tag("Hearsay")
        first = factories.make_testimony(tags=[tag])
        second = factories.make_testimony(tags=[tag])
        third = factories.make_testimony(tags=[tag])
    with django_capture_on_commit_callbacks(execute=True):
        first.tags.remove(tag)
    assert _indexed_ids("hearsay") == {second.pk, third.pk}
    with django_capture_on_commit_callbacks(execute=True):
        tag.testimonies.remove(second)
    assert _indexed_ids("hearsay") == {third.pk}
    with django_capture_on_commit_callbacks(execute=True):
        tag.testimonies.add(first)
    assert _indexed_ids("hearsay") == {first.pk, third.pk}
    with django_capture_on_commit_callbacks(execute=True):
        tag.testimonies.clear()
    assert _indexed_ids("hearsay") == set()


def test_deleting_a_tag_takes_its_name_out_of_the_index(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        testimony = factories.make_testimony(tags=[factories.make_tag("Hearsay")])
    with django_capture_on_commit_callbacks(execute=True):
        Tag.objects.get(name="Hearsay").delete()
    assert _indexed_ids("hearsay") == set()
    assert testimony.pk in _indexed_ids("account")


def test_moving_a_place_gives_the_testimonies_beneath_it_their_new_city(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        almaty = factories.make_place("Almaty", kind="city")
        taraz = factories.make_place("Taraz", kind="city")
        district = factories.make_place("Shanyrak", parent=almaty)
        site = factories.make_place("Bazaar", parent=district, kind="site")
        testimony = factories.make_testimony(place=site)
    assert _indexed_ids("almaty") == {testimony.pk}
    with django_capture_on_commit_callbacks(execute=True):
        district.parent = taraz
        district.save()
    assert _indexed_ids("taraz") == {testimony.pk}
    assert _indexed_ids("almaty") == set()


def test_a_moved_place_is_searched_within_its_new_city_only(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        country = factories.make_place("Kazakhstan", slug="kz", kind="country")
        almaty = factories.make_place("Almaty", slug="almaty", parent=country, kind="city")
        taraz = factories.make_place("Taraz", slug="taraz", parent=country, kind="city")
        district = factories.make_place("Shanyrak", slug="shanyrak", parent=almaty)
        site = factories.make_place("Bazaar", slug="bazaar", parent=district, kind="site")
        factories.make_testimony("At the bazaar", body="Gunfire at dawn.", place=site)

    def found_in(place):
        response = client.get("/testimonies/", {"q": "gunfire", "place": place})
        return "At the bazaar" in response.text

    assert found_in("almaty") and not found_in("taraz")
    with django_capture_on_commit_callbacks(execute=True):
        district.parent = taraz
        district.save()
    assert found_in("taraz") and found_in("shanyrak") and found_in("kz")
    assert not found_in("almaty")


def test_a_moved_place_is_searched_within_its_new_city_as_soon_as_the_move_commits(
    client, db, django_capture_on_commit_callbacks
):
    # The whole vector is rewritten after commit; the place tokens a search within a place asks for move with the
    # place, in the same transaction, so not even that moment hides the testimony.
    with django_capture_on_commit_callbacks(execute=True):
        country = factories.make_place("Kazakhstan", slug="kz", kind="country")
        almaty = factories.make_place("Almaty", slug="almaty", parent=country, kind="city")
        taraz = factories.make_place("Taraz", slug="taraz", parent=country, kind="city")
        district = factories.make_place("Shanyrak", slug="shanyrak", parent=almaty)
        factories.make_testimony("At the bazaar", body="Gunfire at dawn.", place=district)
    with django_capture_on_commit_callbacks(execute=False):
        district.parent = taraz
        district.save()
    response = client.get("/testimonies/", {"q": "gunfire", "place": "taraz"})
    assert "At the bazaar" in response.text


def test_a_testimony_given_a_tag_is_searched_with_it_as_soon_as_the_link_commits(
    client, db, django_capture_on_commit_callbacks
):
    # As with a moved place: the tag tokens a search with a tag asks for change with the link, in its transaction,
    # from either side of it, while the whole vector waits for the commit.
    with django_capture_on_commit_callbacks(execute=True):
        video = factories.make_tag("On film", slug="on-film")
        on_the_square = factories.make_testimony("On the square", body="Gunfire at dawn.")
        at_the_station = factories.make_testimony("At the station", body="Gunfire at noon.")
    with django_capture_on_commit_callbacks(execute=False):
        on_the_square.tags.add(video)
        video.testimonies.add(at_the_station)
    response = client.get("/testimonies/", {"q": "gunfire", "tag": "on-film"})
    assert "On the square" in response.text and "At the station" in response.text
    with django_capture_on_commit_callbacks(execute=False):
        video.testimonies.remove(on_the_square)
    response = client.get("/testimonies/", {"q": "gunfire", "tag": "on-film"})
    assert "On the square" not in response.text and "At the station" in response.text


def test_another_name_of_a_place_is_indexed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        city = factories.make_place("Almaty", kind="city")
        testimony = factories.make_testimony(place=city)
    with django_capture_on_commit_callbacks(execute=True):
        city.other_names = "Alma-Ata, Verny"
        city.save()
    assert _indexed_ids("verny") == {testimony.pk}


def test_reindexing_many_testimonies_at_once_works_in_chunks(db, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(search, "REINDEX_CHUNK", 2)
    with django_capture_on_commit_callbacks(execute=True):
        tag = factories.make_tag("Hearsay")
        testimonies = factories.make_testimonies(5, tags=[tag])
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "Rumour"
        tag.save()
    assert _indexed_ids("rumour") == {t.pk for t in testimonies}
    with django_capture_on_commit_callbacks(execute=True):
        Testimony.objects.filter(pk__in=[t.pk for t in testimonies]).delete()
    assert _indexed_ids("rumour") == set()

"""The full-text index follows every save: new testimonies, edits, tag changes and place renames."""

from django.db import connection

from testimony.models import Testimony

from . import factories


def _indexed_ids(word):
    """Ids the engine's index finds for one word, asked directly (independent of the search interface)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM testimony_testimony WHERE search_vector @@ plainto_tsquery('english', %s)",
                [word],
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

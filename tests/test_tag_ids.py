"""Each testimony carries a copy of its tag links (``Testimony.tag_ids``), which the tag filter, the facets and the
cards read. Whatever changes the links, the copy follows in the same transaction, so a reader filtering by a tag
always sees what the link table says."""

import importlib

from django.db import connection

from testimony import search
from testimony.models import Tag, Testimony

from . import factories
from .test_filters import LIST, titles


def found_by(client, *tags):
    return titles(client.get(LIST, {"tag": [tag.slug for tag in tags]}))


def stored(testimony):
    return Testimony.objects.values_list("tag_ids", flat=True).get(pk=testimony.pk)


def test_the_copy_is_the_ids_in_order_between_commas():
    assert search.tag_ids_text([12, 3, 12, 5]) == ",3,5,12,"
    assert search.tag_ids_text([]) == ""


def test_the_tag_filter_follows_every_change_to_the_links(client, db):
    a, b = factories.make_tag(), factories.make_tag()
    testimony = factories.make_testimony("The square at noon")
    factories.make_testimony("Someone else")
    assert found_by(client, a) == set()

    testimony.tags.add(a)
    assert found_by(client, a) == {"The square at noon"}
    assert testimony.tag_ids == stored(testimony) == f",{a.pk},"

    b.testimonies.add(testimony)  # from the tag's side
    assert found_by(client, b) == {"The square at noon"}
    assert found_by(client, a, b) == {"The square at noon"}

    testimony.tags.remove(a)
    assert found_by(client, a) == set()
    assert found_by(client, b) == {"The square at noon"}

    b.testimonies.clear()
    assert found_by(client, b) == set()
    assert stored(testimony) == ""

    testimony.tags.set([a, b])
    testimony.tags.clear()
    assert found_by(client, a) == set()

    testimony.tags.set([a, b])
    Tag.objects.filter(pk=b.pk).get().delete()
    assert stored(testimony) == f",{a.pk},"


def test_a_copy_loaded_before_the_tags_changed_does_not_undo_them_when_saved(client, db):
    tag = factories.make_tag()
    testimony = factories.make_testimony("The bridge")
    loaded_earlier = Testimony.objects.get(pk=testimony.pk)
    testimony.tags.add(tag)

    loaded_earlier.title = "The bridge at dusk"
    loaded_earlier.save()

    assert stored(testimony) == f",{tag.pk},"
    assert found_by(client, tag) == {"The bridge at dusk"}


def test_cards_name_the_tags_their_row_carries(client, db):
    tag = factories.make_tag("Corroborated")
    factories.make_testimony("With a tag", tags=[tag])
    response = client.get(LIST)
    assert f'<a class="chip" href="{tag.get_absolute_url()}">Corroborated</a>' in response.text


def test_reindexing_rewrites_a_damaged_copy(client, db):
    tag = factories.make_tag()
    testimony = factories.make_testimony("Rewritten", tags=[tag])
    Testimony.objects.filter(pk=testimony.pk).update(tag_ids="")  # a bulk write that bypassed the signals
    assert found_by(client, tag) == set()

    search.reindex([testimony.pk])
    assert found_by(client, tag) == {"Rewritten"}


def test_the_migration_fills_the_copy_of_rows_written_before_it(db):
    migration = importlib.import_module("testimony.migrations.0008_tag_ids_on_rows")
    a, b = factories.make_tag(), factories.make_tag()
    both = factories.make_testimony("Both", tags=[b, a])
    none = factories.make_testimony("None")
    Testimony.objects.update(tag_ids="")

    with connection.cursor() as cursor:
        cursor.execute(migration.FILL[connection.vendor])

    assert stored(both) == f",{min(a.pk, b.pk)},{max(a.pk, b.pk)},"
    assert stored(none) == ""

"""Each testimony carries copies of its tag links (``Testimony.tag_ids``) and of its witness's role
(``Testimony.witness_role``), which the filters, the facets and the cards read. Whatever changes the links or the
role, the copy follows in the same transaction, so a reader filtering by a tag or a role always sees what the
archive says."""

import importlib

from django.db import connection

from testimony import search
from testimony.models import Tag, Testimony, Witness

from . import factories
from .test_filters import LIST, titles


def found_by(client, *tags):
    return titles(client.get(LIST, {"tag": [tag.slug for tag in tags]}))


def found_with_role(client, role):
    return titles(client.get(LIST, {"role": role}))


def stored(testimony, column="tag_ids"):
    return Testimony.objects.values_list(column, flat=True).get(pk=testimony.pk)


def test_the_copy_is_the_ids_in_order_between_commas():
    assert search.tag_ids_text([12, 3, 12, 5]) == ",3,5,12,"
    assert search.tag_ids_text([]) == ""
    assert search.tag_ids_in(",3,5,12,") == [3, 5, 12]
    assert search.tag_ids_in("") == []


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


def test_a_testimony_page_and_a_statement_page_name_the_tags_as_the_links_now_are(client, db):
    kept, dropped, added = factories.make_tag("Kept"), factories.make_tag("Dropped"), factories.make_tag("Added")
    testimony = factories.make_testimony("Tagged account", tags=[kept, dropped])
    statement = factories.make_statement("A claim.")
    factories.make_cross_reference(testimony, statement, "contradicts")
    testimony.tags.remove(dropped)
    Tag.objects.get(pk=added.pk).testimonies.add(testimony)  # from the tag's side of the link
    for url in (testimony.get_absolute_url(), statement.get_absolute_url()):
        page = client.get(url).text
        assert ">Kept</a>" in page and ">Added</a>" in page, url
        assert ">Dropped</a>" not in page, url


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


def test_the_role_filter_follows_the_witness(client, db):
    witness = factories.make_witness(role="resident")
    testimony = factories.make_testimony("From the balcony", witness=witness)
    assert found_with_role(client, "resident") == {"From the balcony"}

    witness.role = "driver"
    witness.save()
    assert found_with_role(client, "resident") == set()
    assert found_with_role(client, "driver") == {"From the balcony"}

    testimony.witness = factories.make_witness(role="medical")
    testimony.save()
    assert found_with_role(client, "driver") == set()
    assert found_with_role(client, "medical") == {"From the balcony"}


def test_a_testimony_holding_an_old_copy_of_its_witness_saves_the_current_role(client, db):
    witness = factories.make_witness(role="resident")
    testimony = factories.make_testimony("At the checkpoint", witness=witness)
    loaded_earlier = Testimony.objects.select_related("witness").get(pk=testimony.pk)
    elsewhere = Witness.objects.get(pk=witness.pk)  # another editor corrects the role
    elsewhere.role = "driver"
    elsewhere.save()

    loaded_earlier.title = "At the checkpoint, at night"
    loaded_earlier.save()

    assert loaded_earlier.witness.role == "resident"  # what this instance still holds
    assert stored(testimony, "witness_role") == "driver"
    assert found_with_role(client, "driver") == {"At the checkpoint, at night"}


def test_reindexing_rewrites_a_damaged_role(client, db):
    testimony = factories.make_testimony("Rewritten role", witness=factories.make_witness(role="medical"))
    Testimony.objects.filter(pk=testimony.pk).update(witness_role="")
    assert found_with_role(client, "medical") == set()

    search.reindex([testimony.pk])
    assert found_with_role(client, "medical") == {"Rewritten role"}


def test_the_migration_fills_the_role_of_rows_written_before_it(db):
    migration = importlib.import_module("testimony.migrations.0009_witness_role_on_rows")
    testimony = factories.make_testimony("Old row", witness=factories.make_witness(role="driver"))
    Testimony.objects.update(witness_role="")

    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)

    assert stored(testimony, "witness_role") == "driver"

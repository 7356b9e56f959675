from django.db import migrations


def store_vectors_raw(apps, schema_editor):
    """On PostgreSQL, compress search vectors with pglz, which leaves them raw (``testimony.search.index.
    _pg_keep_vectors_in_rows``): a catalog change, instant at any size. Stored vectors keep their lz4 compression until
    rewritten (``rebuild_search_index``)."""
    from testimony import search

    search.install(schema_editor)  # creates nothing that exists; sets the vector's compression


class Migration(migrations.Migration):
    dependencies = [("testimony", "0013_chosen_facet_within_places")]

    operations = [migrations.RunPython(store_vectors_raw, migrations.RunPython.noop)]

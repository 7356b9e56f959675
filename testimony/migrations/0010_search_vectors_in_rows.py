from django.db import migrations


def keep_vectors_in_rows(apps, schema_editor):
    """On PostgreSQL, store each search vector in its row (``testimony.search.index._pg_keep_vectors_in_rows``): a catalog
    change, instant at any size. Rows move as they are rewritten (``rebuild_search_index``, ``VACUUM FULL``)."""
    from testimony import search

    search.install(schema_editor)  # creates nothing that exists; sets the vector's storage


class Migration(migrations.Migration):
    dependencies = [("testimony", "0009_witness_role_on_rows")]

    operations = [migrations.RunPython(keep_vectors_in_rows, migrations.RunPython.noop)]

from django.db import migrations


def add_place_tokens(apps, schema_editor):
    """Every PostgreSQL vector rewritten with its place tokens (``testimony.search.PLACE_TOKEN``): one statement,
    a few minutes at a million testimonies. Searches narrowed to a place rely on them from now on."""
    from testimony import search

    search.add_place_tokens(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("testimony", "0010_search_vectors_in_rows")]

    operations = [migrations.RunPython(add_place_tokens, migrations.RunPython.noop)]

from django.db import migrations


def install(apps, schema_editor):
    from testimony import search

    search.install(schema_editor)


def uninstall(apps, schema_editor):
    from testimony import search

    search.uninstall(schema_editor)


class Migration(migrations.Migration):
    """The engine's full-text structures: a GIN index on PostgreSQL, an FTS5 table on SQLite (see testimony.search)."""

    dependencies = [("testimony", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]

from django.db import migrations


def create_vocabulary(apps, schema_editor):
    """The credibility grades investigators use (filled in with the seed collection)."""


class Migration(migrations.Migration):
    dependencies = [("testimony", "0003_editorial_groups")]

    operations = [migrations.RunPython(create_vocabulary, migrations.RunPython.noop)]

from django.db import migrations, models

# Each row's copy of its witness's role: what Testimony.save, a witness's save and testimony.search write from now on.
FILL = """
    UPDATE testimony_testimony SET witness_role = coalesce(
        (SELECT w.role FROM testimony_witness w WHERE w.id = testimony_testimony.witness_id), '')
"""


def fill_witness_role(apps, schema_editor):
    schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("testimony", "0008_tag_ids_on_rows"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="testimony",
            name="testimony_public_place_tags",
        ),
        migrations.RemoveIndex(
            model_name="testimony",
            name="testimony_public_date_tags",
        ),
        migrations.AddField(
            model_name="testimony",
            name="witness_role",
            field=models.CharField(blank=True, default="", editable=False, max_length=20),
        ),
        # Filled before the indexes that carry it are built, so each is built once.
        migrations.RunPython(fill_witness_role, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="testimony",
            index=models.Index(
                condition=models.Q(("status__in", ("published", "retracted"))),
                fields=["place", "date_start", "date_end", "number"],
                include=("id", "tag_ids", "witness_role", "source"),
                name="testimony_public_place_facets",
            ),
        ),
        migrations.AddIndex(
            model_name="testimony",
            index=models.Index(
                condition=models.Q(("status__in", ("published", "retracted"))),
                fields=["date_start", "date_end", "number"],
                include=("id", "place", "tag_ids", "witness_role", "source"),
                name="testimony_public_date_facets",
            ),
        ),
    ]

from django.db import migrations

# Every PostgreSQL vector gains a token for its testimony's place and each place above it ("§p23"; see
# testimony.search.PLACE_TOKEN), which searches narrowed to a place ask of the index from now on. Appended, not
# re-parsed: one statement, a few minutes at a million testimonies. Frozen here, as the tokens were first written.
ADD_TOKENS = """
    UPDATE testimony_testimony t SET search_vector = t.search_vector || array_to_tsvector(ARRAY(
        SELECT '§p' || anc.id FROM testimony_place own
        JOIN testimony_place anc ON starts_with(own.path, anc.path)
        WHERE own.id = t.place_id))
    WHERE t.search_vector IS NOT NULL
"""


def add_place_tokens(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # SQLite's FTS5 index holds no tokens
        schema_editor.execute(ADD_TOKENS)


class Migration(migrations.Migration):
    dependencies = [("testimony", "0010_search_vectors_in_rows")]

    operations = [migrations.RunPython(add_place_tokens, migrations.RunPython.noop)]

from django.db import migrations

# Every PostgreSQL vector gains a token for each of its testimony's credibility tags ("§t8") and for each day its
# dates cover ("§d20220105"; a span of 31 days or more gets "§dlong" instead), which searches with a tag or a date
# window ask of the index from now on (see testimony.search.TAG_TOKEN and DAY_TOKEN). Appended, not re-parsed: one
# statement, minutes at a million testimonies. Frozen here, as the tokens were first written.
ADD_TOKENS = """
    UPDATE testimony_testimony t SET search_vector = t.search_vector
        || array_to_tsvector(ARRAY(SELECT '§t' || tt.tag_id FROM testimony_testimony_tags tt
                                   WHERE tt.testimony_id = t.id))
        || array_to_tsvector(CASE WHEN t.date_end - t.date_start >= 31 THEN ARRAY['§dlong']
               ELSE ARRAY(SELECT '§d' || to_char(d, 'YYYYMMDD')
                          FROM generate_series(t.date_start::timestamp, t.date_end::timestamp, interval '1 day') d)
               END)
    WHERE t.search_vector IS NOT NULL
"""


def add_tag_and_day_tokens(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # SQLite's FTS5 index holds no tokens
        schema_editor.execute(ADD_TOKENS)


class Migration(migrations.Migration):
    dependencies = [("testimony", "0011_place_tokens_in_vectors")]

    operations = [migrations.RunPython(add_tag_and_day_tokens, migrations.RunPython.noop)]

"""Archives seeded before 0015 credited five seed statements' quotes to the actor's outlet (Kazakh state media,
Russian media, openDemocracy, Human Rights Watch), though each quote is bne IntelliNews's sentence. With 0015 a quote
is captioned as its source's words, so those rows would read "Kazakh state media, reporting Kazakh state media" over
bne's sentence. This credits them to the article, as the seed now does, but only where a row is still exactly as the
seed left it (identifier, source, opening of the quote): a statement an editor changed, or another collection's S-0004,
is left alone. The change bumps each row's version, so a form opened before it cannot save over it unnoticed.
"""

from django.db import migrations
from django.db.models import F

HRW_REPORT = "https://www.hrw.org/news/2022/01/26/kazakhstan-killings-excessive-use-force-almaty"

# identifier: (the source the old seed gave it, the opening of its quote)
SEEDED = {
    "S-0004": ("kazakh-state-media", "If a person was to solely listen to news coverage put out by state-run Kazakh"),
    "S-0005": ("russian-media", "If a person was to solely listen to news coverage put out by state-run Kazakh"),
    "S-0006": ("opendemocracy", "At the same time, reporting on the events by OpenDemocracy does not seem to"),
    "S-0008": ("kazakh-state-media", "Oddly, footage shown by state media suggested that security forces, in at"),
    "S-0009": ("human-rights-watch", "As noted by Human Rights Watch (HRW), there appears to be some evidence of"),
}


def credit_the_article(apps, schema_editor):
    Source = apps.get_model("testimony", "Source")
    Statement = apps.get_model("testimony", "Statement")
    article = Source.objects.filter(slug="bne-intellinews").first()
    if article is None:
        return  # not the seed collection
    for identifier, (old_source, opening) in SEEDED.items():
        rows = Statement.objects.filter(identifier=identifier, source__slug=old_source, quote__startswith=opening)
        for statement in rows:
            changes = {"source": article, "version": F("version") + 1}
            if statement.source_url == HRW_REPORT:
                # The report does not hold the quote's words; the editors' notes keep where the date comes from.
                changes["source_url"] = ""
                note = f"The date is that of HRW's report ({HRW_REPORT}); the quote is bne IntelliNews's summary of it."
                changes["editor_notes"] = f"{statement.editor_notes}\n\n{note}".strip()
            Statement.objects.filter(pk=statement.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("testimony", "0016_corrections_feed_index"),
    ]

    operations = [
        migrations.RunPython(credit_the_article, migrations.RunPython.noop),
    ]

from django.db import migrations

# The grades investigators use to weigh an account. Every archive starts with them; editors can add groups and tags
# later in the admin. Definitions are public (the methodology page) and written for a journalist, not a lawyer.
# Slugs are stable: fixtures, filters and links refer to them.
VOCABULARY = [
    {
        "slug": "proximity",
        "name": "Proximity",
        "description": (
            "How close the witness was to what they describe: whether they saw or heard it themselves, heard it "
            "from someone who did, or are passing on something whose origin is unknown."
        ),
        "tags": [
            (
                "first-hand",
                "First-hand",
                "The witness saw or heard it themselves. It is their own account of what happened in front of them.",
            ),
            (
                "second-hand",
                "Second-hand",
                "The witness heard it from someone who was there and says so, e.g. a friend or relative who told "
                "them what happened to them. The person who saw it is not the one speaking.",
            ),
            (
                "hearsay",
                "Hearsay / rumour",
                "A story circulating by word of mouth or on social media whose origin cannot be traced to anyone "
                "who saw it. Recorded because it circulated, not because it is established.",
            ),
        ],
    },
    {
        "slug": "corroboration",
        "name": "Corroboration",
        "description": (
            "How far other sources bear the account out: whether independent sources confirm it, nothing does yet, "
            "credible sources disagree, or the evidence goes against it."
        ),
        "tags": [
            (
                "corroborated",
                "Corroborated by independent sources",
                "At least one source independent of the witness — another witness, a document, a photo or video, "
                "or an investigator's finding — reports the same thing.",
            ),
            (
                "single-source",
                "Single source",
                "The account rests on this source alone: nothing independent confirms it yet. Many retellings of "
                "the same story still count as one source.",
            ),
            (
                "contested",
                "Contested",
                "Credible accounts or sources disagree with it, and the evidence so far does not settle which is "
                "right.",
            ),
            (
                "contradicted",
                "Contradicted by evidence",
                "Reliable evidence — documents, verified footage or several independent accounts — shows that it "
                "did not happen as described.",
            ),
        ],
    },
    {
        "slug": "evidence",
        "name": "Supporting evidence",
        "description": (
            "Material that backs the account beyond the witness's words. The tag says such material exists and an "
            "editor or a cited investigator has seen it; it is not necessarily published in the archive."
        ),
        "tags": [
            (
                "photo",
                "Photo",
                "A photograph of what the witness describes, taken at the time, supports the account.",
            ),
            (
                "video",
                "Video",
                "Video footage of what the witness describes, recorded at the time, supports the account, e.g. "
                "footage verified by a human rights organisation.",
            ),
            (
                "document",
                "Document",
                "A written record from the time — an official paper, a letter, a message log — supports the account.",
            ),
            (
                "medical-record",
                "Medical record",
                "A hospital, clinic or forensic record of injuries or a death supports the account.",
            ),
        ],
    },
]


def create_vocabulary(apps, schema_editor):
    """The credibility grades investigators use: proximity, corroboration and supporting evidence."""
    TagGroup = apps.get_model("testimony", "TagGroup")
    Tag = apps.get_model("testimony", "Tag")
    for group_position, spec in enumerate(VOCABULARY, start=1):
        group, _ = TagGroup.objects.get_or_create(
            slug=spec["slug"],
            defaults={"name": spec["name"], "description": spec["description"], "position": group_position},
        )
        for position, (slug, name, definition) in enumerate(spec["tags"], start=1):
            Tag.objects.get_or_create(
                slug=slug,
                defaults={"group": group, "name": name, "definition": definition, "position": position},
            )


def remove_vocabulary(apps, schema_editor):
    """Remove the tags created above, then their groups unless editors have added tags of their own to them."""
    TagGroup = apps.get_model("testimony", "TagGroup")
    Tag = apps.get_model("testimony", "Tag")
    Tag.objects.filter(slug__in=[slug for spec in VOCABULARY for slug, _, _ in spec["tags"]]).delete()
    TagGroup.objects.filter(slug__in=[spec["slug"] for spec in VOCABULARY], tags__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("testimony", "0003_editorial_groups")]

    operations = [migrations.RunPython(create_vocabulary, remove_vocabulary)]

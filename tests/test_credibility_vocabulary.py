"""The credibility grades every archive starts with: created by migration 0004, editable by editors."""

import importlib

import pytest
from django.apps import apps

from testimony.models import Tag, TagGroup

from . import factories

vocabulary_migration = importlib.import_module("testimony.migrations.0004_credibility_vocabulary")

SEEDED = {
    "proximity": ["first-hand", "second-hand", "hearsay"],
    "corroboration": ["corroborated", "single-source", "contested", "contradicted"],
    "evidence": ["photo", "video", "document", "medical-record"],
}


@pytest.mark.parametrize("group_slug, tag_slugs", SEEDED.items())
def test_migrations_create_the_groups_and_tags_investigators_use(db, group_slug, tag_slugs):
    group = TagGroup.objects.get(slug=group_slug)
    assert list(group.tags.values_list("slug", flat=True)) == tag_slugs
    assert group.description.strip()


def test_groups_are_listed_proximity_then_corroboration_then_evidence(db):
    assert list(TagGroup.objects.values_list("slug", flat=True)) == list(SEEDED)


def test_tag_names_read_as_investigators_say_them(db):
    names = {tag.slug: tag.name for tag in Tag.objects.all()}
    assert names["first-hand"] == "First-hand"
    assert names["hearsay"] == "Hearsay / rumour"
    assert names["corroborated"] == "Corroborated by independent sources"
    assert names["contradicted"] == "Contradicted by evidence"
    assert names["medical-record"] == "Medical record"


@pytest.mark.parametrize("slug", [slug for slugs in SEEDED.values() for slug in slugs])
def test_every_seeded_tag_has_a_public_definition_of_a_sentence_or_two(db, slug):
    definition = Tag.objects.get(slug=slug).definition
    sentences = [part for part in definition.replace("e.g.", "eg").split(". ") if part.strip()]
    assert definition.endswith(".")
    assert 1 <= len(sentences) <= 2
    assert len(definition) >= 40


def test_proximity_definitions_tell_first_hand_from_second_hand_from_rumour(db):
    definitions = dict(Tag.objects.filter(group__slug="proximity").values_list("slug", "definition"))
    assert "themselves" in definitions["first-hand"]
    assert "heard it from someone who was there" in definitions["second-hand"]
    assert "cannot be traced" in definitions["hearsay"]


def test_editor_may_add_groups_and_tags(editor):
    assert editor.has_perms(["testimony.add_taggroup", "testimony.add_tag", "testimony.change_tag"])


def test_contributor_may_not_change_the_vocabulary(contributor):
    assert not contributor.has_perm("testimony.add_tag")
    assert not contributor.has_perm("testimony.add_taggroup")


def test_a_new_group_and_tag_join_the_vocabulary(db):
    group = factories.make_tag_group("Witness condition", slug="condition", position=4)
    factories.make_tag("Injured", group=group, slug="injured", definition="The witness was hurt in the events.")
    factories.make_tag("Audio", group=TagGroup.objects.get(slug="evidence"), slug="audio", position=5)

    assert list(TagGroup.objects.values_list("slug", flat=True)) == [*SEEDED, "condition"]
    assert list(Tag.objects.filter(group__slug="evidence").values_list("slug", flat=True)) == [
        *SEEDED["evidence"],
        "audio",
    ]
    assert Tag.objects.get(slug="injured").group == group


def test_reversing_the_migration_removes_what_it_created_and_keeps_editors_additions(db):
    editors_tag = factories.make_tag("Audio", group=TagGroup.objects.get(slug="evidence"), slug="audio")

    vocabulary_migration.remove_vocabulary(apps, schema_editor=None)

    assert not Tag.objects.filter(slug__in=[s for slugs in SEEDED.values() for s in slugs]).exists()
    assert list(TagGroup.objects.values_list("slug", flat=True)) == ["evidence"]  # still holds the editor's tag
    assert Tag.objects.filter(pk=editors_tag.pk).exists()


def test_applying_the_migration_again_restores_the_vocabulary_without_duplicates(db):
    vocabulary_migration.remove_vocabulary(apps, schema_editor=None)
    vocabulary_migration.create_vocabulary(apps, schema_editor=None)
    vocabulary_migration.create_vocabulary(apps, schema_editor=None)

    assert Tag.objects.count() == sum(len(slugs) for slugs in SEEDED.values())
    assert TagGroup.objects.count() == len(SEEDED)

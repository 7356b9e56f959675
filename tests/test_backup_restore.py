"""dump_archive and restore_archive: a complete dump, restored into an empty database, gives back the same archive."""

import importlib
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from testimony import history, pagecache, search
from testimony.management.commands import _backup
from testimony.models import (
    Counter,
    CrossReference,
    Place,
    Revision,
    Statement,
    Status,
    Tag,
    Testimony,
    WitnessIdentity,
)

from . import factories
from .conftest import CONFIDENTIAL_MARKER

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(published, draft, confidential_editor, editor):
    """A small archive with history: a place tree, tags, a statement, links, edits and a public revision."""
    country = factories.make_place("Kazakhstan", kind=Place.Kind.COUNTRY, slug="kazakhstan")
    city = factories.make_place("Almaty", parent=country, kind=Place.Kind.CITY, slug="almaty")
    statement = factories.make_statement("Twenty thousand terrorists attacked Almaty.")
    published.place = city
    published.title = "Men in balaclavas handed out vodka"
    published._history_user = editor
    published.save()
    published.tags.set(Tag.objects.filter(slug__in=["first-hand", "video"]))
    history.record_revision(published)
    other = factories.make_testimony("Shots on the square", place=country)
    factories.make_cross_reference(published, statement, CrossReference.Relation.CONTRADICTS, "Saw no attackers.")
    factories.make_cross_reference(other, published, note="Same night.")
    return published


def dump(path, *args):
    call_command("dump_archive", str(path), *args, "--no-progress", stdout=io.StringIO())
    return path


def restore(path):
    out = io.StringIO()
    call_command("restore_archive", str(path), "--no-progress", stdout=out)
    return out.getvalue()


def empty_the_database():
    """What a freshly migrated database holds: no archive rows, no users, only the seeded vocabulary."""
    for model in reversed(_backup.archive_models(include_confidential=True)):
        model._default_manager.all()._raw_delete(connection.alias)
    User.objects.all().delete()
    if connection.vendor == "sqlite":
        search.reindex()  # empty the FTS table too
    importlib.import_module("testimony.migrations.0004_credibility_vocabulary").create_vocabulary(apps, None)


def snapshot():
    """Everything a restore must give back, as plain data."""
    return {
        "testimonies": list(
            Testimony.objects.order_by("pk").values_list("pk", "identifier", "title", "status", "place__path")
        ),
        "tags": sorted(Testimony.tags.through.objects.values_list("testimony_id", "tag__slug")),
        "statements": list(Statement.objects.order_by("pk").values_list("pk", "identifier", "claim")),
        "links": sorted(
            CrossReference.objects.values_list("testimony_id", "relation", "statement_id", "other_testimony_id", "note")
        ),
        "history": list(
            Testimony.history.order_by("history_id").values_list(
                "history_id", "id", "title", "history_type", "history_user__username"
            )
        ),
        "history_tags": sorted(Testimony.history.model.tags.model.objects.values_list("history_id", "tag__slug")),
        "place_history": Place.history.count(),
        "revisions": list(Revision.objects.values_list("testimony__identifier", "number", "record_id", "summary")),
        "places": list(Place.objects.order_by("pk").values_list("pk", "slug", "path", "depth")),
        "counters": dict(Counter.objects.exclude(name=pagecache.GENERATION).values_list("name", "value")),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "is_staff", "is_superuser")),
    }


def test_dump_then_restore_into_an_empty_database_gives_back_the_archive(tmp_path, archive, client):
    before = snapshot()
    assert len(before["history"]) >= 4 and before["revisions"]
    path = dump(tmp_path / "archive.jsonl")
    empty_the_database()
    assert not Testimony.objects.exists() and not Testimony.history.exists()

    out = restore(path)

    assert "Restored" in out
    assert snapshot() == before
    # Identifiers are never reused: the next testimony follows the restored ones.
    highest = max(identifier for _pk, identifier, *_ in before["testimonies"])
    new = factories.make_testimony("Written after the restore")
    assert new.identifier > highest and new.pk > max(pk for pk, *_ in before["testimonies"])
    # The restored archive is searchable and its pages and revision permalinks work.
    assert list(search.search(Testimony.objects.public(), "balaclavas")) == [Testimony.objects.get(pk=archive.pk)]
    assert client.get(reverse("testimony:revision", args=[archive.identifier, 1])).status_code == 200
    assert "Men in balaclavas handed out vodka" in client.get(archive.get_absolute_url()).text


def test_users_come_back_without_passwords_but_with_their_groups_and_permissions(tmp_path, archive):
    path = dump(tmp_path / "archive.jsonl")
    text = path.read_text()
    assert "md5$" not in text and "password" not in text
    empty_the_database()

    out = restore(path)

    trusted = User.objects.get(username="trusted")
    assert not trusted.has_usable_password()
    assert list(trusted.groups.values_list("name", flat=True)) == ["Editor"]
    assert trusted.has_perm("testimony.view_witnessidentity")
    assert "changepassword" in out


def test_confidential_identities_are_left_out_without_the_flag(tmp_path, archive):
    path = dump(tmp_path / "archive.jsonl")

    text = path.read_text()
    assert CONFIDENTIAL_MARKER not in text
    assert '"testimony.witnessidentity"' not in text and '"testimony.historicalwitnessidentity"' not in text
    empty_the_database()
    out = restore(path)
    assert not WitnessIdentity.objects.exists()
    assert "This dump holds no confidential witness identities" in out
    assert Testimony.objects.get(pk=archive.pk).witness.descriptor == "protester at Republic Square"


def test_confidential_identities_and_their_history_come_back_with_the_flag(tmp_path, archive):
    identity = WitnessIdentity.objects.get()
    history_rows = WitnessIdentity.history.count()
    path = dump(tmp_path / "archive.jsonl", "--include-confidential")

    assert CONFIDENTIAL_MARKER in path.read_text()
    empty_the_database()
    restore(path)
    restored = WitnessIdentity.objects.get()
    assert (restored.pk, restored.witness_id, restored.real_name) == (
        identity.pk,
        identity.witness_id,
        identity.real_name,
    )
    assert WitnessIdentity.history.count() == history_rows >= 1


def test_a_compressed_dump_restores_too(tmp_path, archive):
    before = snapshot()
    path = dump(tmp_path / "archive.jsonl.gz")
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    empty_the_database()
    restore(path)
    assert snapshot() == before


def test_the_dump_is_versioned(tmp_path, archive):
    path = dump(tmp_path / "archive.jsonl")
    lines = path.read_text().splitlines()
    header, trailer = json.loads(lines[0]), json.loads(lines[-1])
    assert (header["format"], header["version"], header["confidential"]) == ("testimony-archive-dump", 1, False)
    assert "0001_initial" in header["migrations"]["testimony"]
    assert trailer["end"] is True and trailer["counts"]["testimony.testimony"] == 3
    assert trailer["counts"]["testimony.historicaltestimony"] == Testimony.history.count()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, archive):
    path = dump(tmp_path / "archive.jsonl")
    before = snapshot()

    with pytest.raises(
        CommandError, match=r"^The database is not empty \(it holds .*testimonies.*\)\. Restore into a new"
    ):
        restore(path)

    assert snapshot() == before


def test_restore_refuses_a_dump_cut_short_and_writes_nothing(tmp_path, archive):
    path = dump(tmp_path / "archive.jsonl")
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))
    empty_the_database()

    with pytest.raises(CommandError, match="The dump is incomplete .* Nothing was restored."):
        restore(path)

    assert not Testimony.objects.exists() and not User.objects.exists()
    assert Tag.objects.filter(slug="first-hand").exists()  # the fresh database is as it was


def _damaged(lines, what):
    """The dump's lines with one damage done to its first testimony row (or its header)."""
    header, rows = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    first = next(row for row in rows if row.get("model") == "testimony.testimony")
    if what == "header without its time":
        del header["created"]
    elif what == "a date that is not one":
        first["fields"]["date_start"] = "2022-02-30"
    elif what == "an unknown model":
        first["model"] = "testimony.rumour"
    elif what == "a row that is a list":
        rows[rows.index(first)] = [1, 2]
    elif what == "a number past any column":
        first["fields"]["number"] = 10**30
    return "".join(json.dumps(line) + "\n" for line in [header, *rows])


@pytest.mark.parametrize(
    "what",
    [
        "header without its time",
        "a date that is not one",
        "an unknown model",
        "a row that is a list",
        "a number past any column",
    ],
)
def test_a_damaged_dump_is_refused_with_a_message_and_restores_nothing(tmp_path, archive, what):
    path = dump(tmp_path / "archive.jsonl")
    path.write_text(_damaged(path.read_text().splitlines(), what))
    empty_the_database()

    if what == "header without its time":  # the time is only said: the rows are whole
        assert "(the dump does not say when it was made)." in restore(path)
        assert Testimony.objects.exists()
        return
    with pytest.raises(CommandError, match=r"^The dump could not be loaded \(.*\)\. Nothing was restored\.$"):
        restore(path)
    assert not Testimony.objects.exists() and not User.objects.exists()


def test_restore_refuses_a_file_that_is_not_a_dump(tmp_path, db):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"hello": "world"}\n')
    with pytest.raises(CommandError, match="This is not a dump made by dump_archive. Nothing was restored."):
        restore(path)


def test_restore_refuses_a_dump_from_a_newer_archive(tmp_path, archive):
    path = dump(tmp_path / "archive.jsonl")
    lines = path.read_text().splitlines(keepends=True)
    header = json.loads(lines[0])
    header["migrations"]["testimony"].append("9999_future")
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]))
    empty_the_database()

    with pytest.raises(CommandError, match="migration testimony.9999_future is not applied here"):
        restore(path)


def test_missing_files_have_clear_messages(tmp_path, db):
    with pytest.raises(CommandError, match="No such file: .*nowhere.jsonl"):
        restore(tmp_path / "nowhere.jsonl")
    with pytest.raises(CommandError, match="No such directory: .*missing"):
        dump(tmp_path / "missing" / "archive.jsonl")


def test_a_dump_never_replaces_a_folder_and_says_why_it_could_not_write(tmp_path, db):
    folder = tmp_path / "backups"
    folder.mkdir()
    with pytest.raises(CommandError, match=r"backups is not a file: give the name of the file to write the dump to\."):
        dump(folder)
    assert folder.is_dir() and list(tmp_path.iterdir()) == [folder]  # no .partial left beside it
    with pytest.raises(CommandError, match=r"^The dump could not be written to /proc/archive\.jsonl \(.+\)\.$"):
        dump(Path("/proc/archive.jsonl"))  # a folder no one may create files in


def test_published_status_and_dates_survive(tmp_path, archive):
    published_at = Testimony.objects.get(pk=archive.pk).published_at
    path = dump(tmp_path / "archive.jsonl")
    empty_the_database()
    restore(path)
    restored = Testimony.objects.get(pk=archive.pk)
    assert (restored.status, restored.published_at) == (Status.PUBLISHED, published_at)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_made_outside_any_transaction_reads_one_snapshot(tmp_path):
    factories.make_testimony("Dumped from its own transaction")
    path = dump(tmp_path / "archive.jsonl")
    assert '"Dumped from its own transaction"' in path.read_text()

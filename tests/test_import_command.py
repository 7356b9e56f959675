"""python manage.py import_testimonies: the same import, its errors on stderr and a non-zero exit."""

import io
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from testimony.models import Place, Status, Testimony, Witness

from . import factories
from .interchange_files import csv_row, json_testimony, write_csv, write_json

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_testimonies", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def almaty(db):
    return factories.make_place("Almaty", kind=Place.Kind.CITY, slug="almaty")


def test_a_thousand_rows_with_one_bad_row_fail_with_the_line_on_stderr(tmp_path, almaty):
    rows = [csv_row(title=f"Account {i}", place="almaty") for i in range(1000)]
    rows[732].update(date_start="2022-01-06", date_end="2022-01-04")
    path = write_csv(tmp_path / "batch.csv", rows)
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^1 error in the file; nothing was imported\.$"):
        call_command("import_testimonies", str(path), "--no-progress", stderr=err)

    assert err.getvalue() == "Line 734: “date_end” (2022-01-04) is before “date_start” (2022-01-06).\n"
    assert not Testimony.objects.exists() and not Witness.objects.exists()


def test_a_valid_file_is_imported_as_drafts(tmp_path, almaty):
    path = write_csv(tmp_path / "batch.csv", [csv_row(title=f"Account {i}", place="almaty") for i in range(3)])

    out, err = run(str(path))

    assert "Imported 3 testimonies as drafts with 0 cross-references." in out
    assert "0 identifiers kept from the file, 3 allocated by the archive." in out
    assert "Written: T-0001 … T-0003." in out
    assert err == ""
    assert set(Testimony.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_publish_publishes(tmp_path):
    path = write_json(tmp_path / "export.json", [json_testimony(identifier="T-0042", title="Published at once")])

    out, _err = run(str(path), "--publish")

    assert "Imported 1 testimonies as published" in out
    assert Testimony.objects.public().get().identifier == "T-0042"


def test_dry_run_writes_nothing(tmp_path):
    path = write_json(tmp_path / "export.json", [json_testimony()])

    out, _err = run(str(path), "--dry-run")

    assert "Dry run: nothing was written." in out
    assert "Would import 1 testimonies as drafts" in out
    assert not Testimony.objects.exists()


def test_the_format_can_be_forced_for_a_file_without_extension(tmp_path):
    path = write_csv(tmp_path / "batch.txt", [csv_row()])

    with pytest.raises(CommandError, match="Cannot tell the format of “batch.txt”: name it .json or .csv."):
        run(str(path))
    run(str(path), "--format", "csv")

    assert Testimony.objects.count() == 1


def test_a_missing_file_has_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match=r"^No such file: .*nowhere\.csv$"):
        run(str(tmp_path / "nowhere.csv"))


def test_an_unknown_user_has_a_clear_message(tmp_path):
    path = write_csv(tmp_path / "batch.csv", [csv_row()])
    with pytest.raises(CommandError, match="No user called “ghost”."):
        run(str(path), "--user", "ghost")


def test_the_importing_user_is_recorded(tmp_path, editor):
    path = write_csv(tmp_path / "batch.csv", [csv_row()])
    run(str(path), "--user", "editor")
    assert Testimony.history.get().history_user == editor


def test_the_command_exits_non_zero_and_draws_progress_on_stderr(tmp_path):
    """The real process: exit status 1 and the error on stderr (a missing file needs no database)."""
    missing = tmp_path / "nowhere.csv"
    result = subprocess.run(
        [sys.executable, "manage.py", "import_testimonies", str(missing)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"CommandError: No such file: {missing}" in result.stderr


def test_progress_bars_go_to_stderr(tmp_path):
    path = write_csv(tmp_path / "batch.csv", [csv_row() for _ in range(1200)])
    out, err = io.StringIO(), io.StringIO()

    call_command("import_testimonies", str(path), "--dry-run", stdout=out, stderr=err)

    assert "Checking: 100%" in err.getvalue()
    assert "Checking" not in out.getvalue()

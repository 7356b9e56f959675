"""The admin's import page: upload, preview with every error by line, confirm (all or nothing)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from testimony.admin import imports
from testimony.models import Place, Status, Testimony, Witness

from . import factories
from .interchange_files import csv_row, csv_text, json_testimony, json_text

pytestmark = pytest.mark.django_db

URL = "admin:testimony_testimony_import"


@pytest.fixture(autouse=True)
def _private_upload_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "UPLOAD_DIR", tmp_path / "uploads")


@pytest.fixture
def almaty(db):
    return factories.make_place("Almaty", kind=Place.Kind.CITY, slug="almaty")


def upload(client, name, content: bytes | str, **extra):
    if isinstance(content, str):
        content = content.encode()
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, content), **extra})


def confirm_token(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.text)
    assert match, "no confirm form on the page"
    return match[1]


def test_the_changelist_offers_import_to_editors(editor_client):
    response = editor_client.get(reverse("admin:testimony_testimony_changelist"))
    assert f'href="{reverse(URL)}"' in response.text


def test_the_upload_page_shows_the_form(editor_client):
    response = editor_client.get(reverse(URL))
    assert response.status_code == 200
    assert "<h1>Import testimonies</h1>" in response.text
    assert 'type="file" name="file"' in response.text


def test_contributors_cannot_import(client, contributor):
    client.force_login(contributor)
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {"file": SimpleUploadedFile("a.csv", b"x")}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_thousand_rows_with_one_bad_row_show_the_line_and_cannot_be_confirmed(editor_client, almaty):
    rows = [csv_row(title=f"Account {i}", place="almaty") for i in range(1000)]
    rows[732].update(date_start="2022-01-06", date_end="2022-01-04")

    response = upload(editor_client, "batch.csv", csv_text(rows))

    assert response.status_code == 200
    assert "1 error in batch.csv. Nothing can be imported until it is fixed." in response.text
    assert "<strong>Line 734</strong>: “date_end” (2022-01-04) is before “date_start” (2022-01-06)." in response.text
    assert 'name="confirm"' not in response.text
    assert not Testimony.objects.exists()


def test_preview_then_confirm_imports_drafts(editor_client, almaty, editor):
    rows = [csv_row(title=f"Account {i}", place="almaty", identifier="T-0100" if i == 0 else "") for i in range(25)]

    preview = upload(editor_client, "batch.csv", csv_text(rows))

    assert preview.status_code == 200
    assert "Import 25 testimonies" in preview.text
    assert "<td>T-0100</td>" in preview.text and "<td>Account 19</td>" in preview.text
    assert "<td>Account 20</td>" not in preview.text  # only the first rows
    assert not Testimony.objects.exists()  # a preview writes nothing

    done = editor_client.post(reverse(URL), {"token": confirm_token(preview), "confirm": "1"}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("admin:testimony_testimony_changelist")
    assert "Imported 25 testimonies (T-0100 … T-0124) as drafts." in done.text
    assert Testimony.objects.count() == 25
    assert set(Testimony.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert Testimony.history.filter(history_user=editor).count() == 25
    assert list(imports.UPLOAD_DIR.iterdir()) == []  # the upload is gone once imported


def test_publish_on_import(editor_client):
    preview = upload(editor_client, "export.json", json_text([json_testimony(identifier="T-0009")]))

    editor_client.post(reverse(URL), {"token": confirm_token(preview), "confirm": "1", "publish": "on"})

    assert Testimony.objects.public().get().identifier == "T-0009"


def test_a_confirmation_cannot_be_replayed(editor_client):
    preview = upload(editor_client, "batch.csv", csv_text([csv_row()]))
    token = confirm_token(preview)
    editor_client.post(reverse(URL), {"token": token, "confirm": "1"})

    again = editor_client.post(reverse(URL), {"token": token, "confirm": "1"}, follow=True)

    assert "This preview has expired or was already used. Upload the file again." in again.text
    assert Testimony.objects.count() == 1


def test_a_forged_token_is_refused(editor_client):
    response = editor_client.post(reverse(URL), {"token": "made-up", "confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert "This preview has expired or was already used. Upload the file again." in response.text


def test_another_editor_cannot_confirm_my_upload(editor_client, client):
    preview = upload(editor_client, "batch.csv", csv_text([csv_row()]))
    other = factories.make_user("other-editor", groups=["Editor"])
    client.force_login(other)

    response = client.post(reverse(URL), {"token": confirm_token(preview), "confirm": "1"}, follow=True)

    assert "This preview has expired or was already used." in response.text
    assert not Testimony.objects.exists()


def test_a_file_changed_after_the_preview_is_refused(editor_client):
    preview = upload(editor_client, "batch.csv", csv_text([csv_row()]))
    (stored,) = imports.UPLOAD_DIR.iterdir()
    stored.write_text(csv_text([csv_row(), csv_row()]))

    response = editor_client.post(reverse(URL), {"token": confirm_token(preview), "confirm": "1"}, follow=True)

    assert "This preview has expired or was already used. Upload the file again." in response.text
    assert not Testimony.objects.exists()


def test_an_identifier_taken_between_preview_and_confirm_writes_nothing(editor_client):
    preview = upload(editor_client, "batch.csv", csv_text([csv_row(identifier="T-0001"), csv_row()]))
    factories.make_testimony("Written meanwhile")  # takes T-0001

    response = editor_client.post(reverse(URL), {"token": confirm_token(preview), "confirm": "1"})

    assert response.status_code == 200
    assert "Duplicate identifier “T-0001”: the archive already has a testimony with it." in response.text
    assert 'name="confirm"' not in response.text
    assert list(Testimony.objects.values_list("title", flat=True)) == ["Written meanwhile"]


def test_cancel_discards_the_upload(editor_client):
    preview = upload(editor_client, "batch.csv", csv_text([csv_row()]))

    response = editor_client.post(reverse(URL), {"token": confirm_token(preview), "cancel": "1"}, follow=True)

    assert "The import was cancelled; nothing was written." in response.text
    assert list(imports.UPLOAD_DIR.iterdir()) == []
    assert not Testimony.objects.exists()


BAD_FILES = [
    (
        "not utf-8",
        "batch.csv",
        "title,body,witness_descriptor,witness_role,date_start\nCafé,b,c,driver,2022-01-05\n".encode("cp1252"),
        "<strong>Line 2</strong>: The file is not UTF-8 text (byte 0xE9 cannot be read). "
        "Save it as UTF-8 and try again.",
    ),
    (
        "malformed json",
        "export.json",
        b'{"format": "testimony-archive", "version": 1, "testimonies": [\n{,}\n]}',
        "<strong>Line 2</strong>: The file is not valid JSON (parse error: invalid object key (must be a string)).",
    ),
    (
        "malformed csv",
        "batch.csv",
        b'title,body,witness_descriptor,witness_role,date_start\n"a"b,c,d,driver,2022-01-05\n',
        "<strong>Line 2</strong>: The CSV is malformed (&#x27;,&#x27; expected after &#x27;&quot;&#x27;).",
    ),
    (
        "unknown place",
        "batch.csv",
        csv_text([csv_row(place="atlantis")]).encode(),
        "<strong>Line 2</strong>: Unknown place “atlantis”.",
    ),
    (
        "unknown tag",
        "batch.csv",
        csv_text([csv_row(tags="gossip")]).encode(),
        "<strong>Line 2</strong>: Unknown tag “gossip”.",
    ),
    (
        "missing field",
        "batch.csv",
        csv_text([csv_row(title="")]).encode(),
        "<strong>Line 2</strong>: Missing required field “title”.",
    ),
    (
        "duplicate identifier",
        "batch.csv",
        csv_text([csv_row(identifier="T-0003"), csv_row(identifier="T-0003")]).encode(),
        "<strong>Line 3</strong>: Duplicate identifier “T-0003”: it appears earlier in the file.",
    ),
    (
        "bad date",
        "batch.csv",
        csv_text([csv_row(date_start="5 Jan 2022")]).encode(),
        "<strong>Line 2</strong>: “date_start” must be a date written YYYY-MM-DD, not “5 Jan 2022”.",
    ),
    (
        "unknown role",
        "batch.csv",
        csv_text([csv_row(witness_role="spy")]).encode(),
        "<strong>Line 2</strong>: Unknown witness role “spy”",
    ),
    (
        "bad relation",
        "export.json",
        json_text(
            [json_testimony(cross_references=[{"relation": "likes", "testimony": "T-0002", "note": "n"}])]
        ).encode(),
        "Unknown relation “likes”; use one of: corroborates, contradicts, context.",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_comes_back_with_its_errors_and_no_confirm_button(editor_client, name, content, expected):
    response = upload(editor_client, name, content)

    assert response.status_code == 200
    assert expected in response.text
    assert 'name="confirm"' not in response.text
    assert not Testimony.objects.exists() and not Witness.objects.exists()
    assert list(imports.UPLOAD_DIR.iterdir()) == []


UPLOAD_ERRORS = [
    ("no file", None, "This field is required."),
    ("empty file", SimpleUploadedFile("batch.csv", b""), "The submitted file is empty."),
    (
        "unknown extension",
        SimpleUploadedFile("batch.xlsx", b"PK"),
        "Cannot tell the format of “batch.xlsx”: name it .json or .csv.",
    ),
]


@pytest.mark.parametrize(("case", "upload_file", "message"), UPLOAD_ERRORS, ids=[u[0] for u in UPLOAD_ERRORS])
def test_a_bad_upload_gets_the_form_back_with_a_message(editor_client, case, upload_file, message):
    data = {"file": upload_file} if upload_file is not None else {}
    response = editor_client.post(reverse(URL), data)
    assert response.status_code == 200
    assert message in response.text
    assert 'type="file" name="file"' in response.text


def test_a_file_too_large_for_the_admin_points_to_the_command(editor_client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 10)
    response = upload(editor_client, "batch.csv", csv_text([csv_row()]))
    assert "The file is larger than 50 MB. Import it with the import_testimonies command." in response.text


def test_the_format_can_be_chosen_for_an_oddly_named_file(editor_client):
    response = upload(editor_client, "batch.txt", csv_text([csv_row()]), format="csv")
    assert "Import 1 testimony" in response.text


def test_an_editor_without_the_publish_permission_is_not_offered_publishing(client):
    importer = factories.make_user("importer", perms=["testimony.import_testimonies", "testimony.view_testimony"])
    client.force_login(importer)
    preview = upload(client, "batch.csv", csv_text([csv_row()]))
    assert "Publish on import" not in preview.text

    response = client.post(reverse(URL), {"token": confirm_token(preview), "confirm": "1", "publish": "on"})

    assert response.status_code == 403
    assert not Testimony.objects.exists()

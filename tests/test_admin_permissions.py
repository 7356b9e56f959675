"""Groups and the confidential-witness permission: a user without it sees no confidential field anywhere in the
admin — list, change page, history, search, autocomplete — and a contributor manages no vocabulary."""

import pytest

from testimony.models import Place, Tag, TagGroup, Testimony, Witness, WitnessIdentity

from . import factories
from .admin_helpers import admin_url, errors_of, form_data
from .conftest import CONFIDENTIAL_MARKER


@pytest.fixture
def identity_edited(client, confidential_editor, confidential_witness):
    """The confidential editor changes the identity through the witness page, so both histories have entries."""
    client.force_login(confidential_editor)
    url = admin_url(Witness, "change", confidential_witness.pk)
    data = form_data(client.get(url))
    data["identity-0-private_notes"] = f"Moved to another district {CONFIDENTIAL_MARKER}"
    data["descriptor"] = "protester at Republic Square, night of 5 January"
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    client.logout()
    return confidential_witness


def _pages_of(witness):
    return [
        admin_url(Witness, "changelist"),
        admin_url(Witness, "change", witness.pk),
        admin_url(Witness, "history", witness.pk),
        admin_url(Testimony, "changelist"),
    ]


def test_editor_sees_no_confidential_field_anywhere(client, editor, identity_edited, published):
    client.force_login(editor)
    for url in _pages_of(identity_edited) + [admin_url(Testimony, "change", published.pk)]:
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert CONFIDENTIAL_MARKER not in html, url
        assert "Real name" not in html and "real_name" not in html, url
        assert "Private notes" not in html, url


def test_editor_witness_history_shows_only_public_fields(client, editor, identity_edited):
    client.force_login(editor)
    html = client.get(admin_url(Witness, "history", identity_edited.pk)).content.decode()
    assert "night of 5 January" in html  # the public change is there
    assert CONFIDENTIAL_MARKER not in html


def test_editor_cannot_open_identities_or_their_history(client, editor, identity_edited):
    client.force_login(editor)
    identity = identity_edited.identity
    for url in (
        admin_url(WitnessIdentity, "changelist"),
        admin_url(WitnessIdentity, "change", identity.pk),
        admin_url(WitnessIdentity, "history", identity.pk),
    ):
        assert client.get(url).status_code == 403, url
    assert "Confidential witness identities" not in client.get("/admin/").content.decode()


def test_editor_search_does_not_match_real_names(client, editor, confidential_witness):
    client.force_login(editor)
    page = client.get(admin_url(Witness, "changelist"), {"q": "Real Name"}).content.decode()
    assert "protester at Republic Square" not in page
    assert "0 witnesses" in page


def test_editor_autocomplete_does_not_match_real_names(client, editor, confidential_witness):
    client.force_login(editor)
    params = {"app_label": "testimony", "model_name": "testimony", "field_name": "witness"}
    by_name = client.get("/admin/autocomplete/", {**params, "term": "Real Name"}).json()
    by_descriptor = client.get("/admin/autocomplete/", {**params, "term": "protester"}).json()
    assert by_name["results"] == []
    assert [r["text"] for r in by_descriptor["results"]] == ["protester at Republic Square"]
    assert CONFIDENTIAL_MARKER not in str(by_descriptor)


def test_editor_cannot_post_identity_fields_through_the_witness_form(client, editor, confidential_witness):
    client.force_login(editor)
    url = admin_url(Witness, "change", confidential_witness.pk)
    data = form_data(client.get(url))
    data.update({"identity-0-real_name": "Overwritten", "identity-TOTAL_FORMS": "1", "identity-INITIAL_FORMS": "1"})
    client.post(url, data)
    assert WitnessIdentity.objects.get(witness=confidential_witness).real_name.endswith(CONFIDENTIAL_MARKER)


def test_confidential_editor_sees_and_edits_the_identity(client, confidential_editor, identity_edited):
    client.force_login(confidential_editor)
    page = client.get(admin_url(Witness, "change", identity_edited.pk)).content.decode()
    assert f"Real Name {CONFIDENTIAL_MARKER}" in page
    assert f"Moved to another district {CONFIDENTIAL_MARKER}" in page
    identity = WitnessIdentity.objects.get(witness=identity_edited)
    history = client.get(admin_url(WitnessIdentity, "history", identity.pk)).content.decode()
    assert f"Moved to another district {CONFIDENTIAL_MARKER}" in history


def test_confidential_editor_finds_a_witness_by_real_name(client, confidential_editor, confidential_witness):
    client.force_login(confidential_editor)
    page = client.get(admin_url(Witness, "changelist"), {"q": "Real Name"}).content.decode()
    assert "protester at Republic Square" in page


def test_identity_changes_are_recorded_with_who(identity_edited, confidential_editor):
    record = WitnessIdentity.history.filter(witness_id=identity_edited.pk).order_by("-history_id").first()
    assert record.history_user == confidential_editor
    assert record.private_notes.startswith("Moved to another district")


@pytest.mark.parametrize("model", [Tag, TagGroup, Place])
def test_contributor_does_not_manage_vocabularies_or_places(client, contributor, model):
    client.force_login(contributor)
    assert client.get(admin_url(model, "changelist")).status_code == 200  # may look them up
    assert client.get(admin_url(model, "add")).status_code == 403


def test_editor_manages_vocabularies(client, editor):
    client.force_login(editor)
    assert client.get(admin_url(Tag, "add")).status_code == 200
    assert client.get(admin_url(Place, "add")).status_code == 200


def test_staff_without_a_group_sees_nothing(db, client):
    client.force_login(factories.make_user("outsider"))
    assert client.get(admin_url(Testimony, "changelist")).status_code == 403

"""No lost updates: two editors open the same testimony, the first saves, the second is refused and told why."""

import pytest
from django.test import Client

from testimony import locking, workflow
from testimony.models import Statement, Status, Testimony

from . import factories
from .admin_helpers import admin_url, errors_of, form_data


@pytest.fixture
def second_editor(db):
    return factories.make_user("second-editor", groups=["Editor"])


def _open(user, url):
    client = Client()
    client.force_login(user)
    return client, form_data(client.get(url))


def test_second_save_is_refused_and_shows_what_changed(editor, second_editor, published):
    url = admin_url(Testimony, "change", published.pk)
    first, first_data = _open(editor, url)
    second, second_data = _open(second_editor, url)

    first_data.update(title="Men in balaclavas handed out vodka", change_summary="Corrected the drink.")
    assert first.post(url, first_data).status_code == 302

    second_data.update(body="The second editor's rewrite.", change_summary="Rewrote the account.")
    response = second.post(url, second_data)

    assert response.status_code == 200
    message = errors_of(response)
    assert "Someone else saved this testimony while you were editing it" in message
    assert "Your changes were NOT saved" in message
    assert "Title: “Men in balaclavas handed out alcohol” → “Men in balaclavas handed out vodka”" in message
    assert "editor" in message  # who saved in between
    published.refresh_from_db()
    assert published.title == "Men in balaclavas handed out vodka"
    assert published.body.startswith("At some point during the night")
    assert published.version == 2


def test_refused_form_keeps_what_the_second_editor_typed(editor, second_editor, published):
    url = admin_url(Testimony, "change", published.pk)
    first, first_data = _open(editor, url)
    second, second_data = _open(second_editor, url)
    first_data.update(title="First editor's title", change_summary="Retitled.")
    first.post(url, first_data)

    second_data.update(title="Second editor's title", change_summary="Retitled again.")
    response = second.post(url, second_data)

    assert response.context["adminform"].form["title"].value() == "Second editor's title"
    published.refresh_from_db()
    assert published.title == "First editor's title"


def test_a_save_that_loses_the_race_after_its_check_keeps_the_typed_form(editor, second_editor, published, monkeypatch):
    url = admin_url(Testimony, "change", published.pk)
    first, first_data = _open(editor, url)
    second, second_data = _open(second_editor, url)
    read = published.version
    first_data.update(title="First editor's title", change_summary="Retitled.")
    assert first.post(url, first_data).status_code == 302
    # The second form's check ran just before the first save committed: it saw the version it had read. Its own
    # write then finds the row moved on.
    real_current_version = locking.current_version
    checks = []

    def checked_before_the_first_save(instance):
        checks.append(instance.pk)
        return read if len(checks) == 1 else real_current_version(instance)

    monkeypatch.setattr(locking, "current_version", checked_before_the_first_save)
    second_data.update(title="Second editor's title", change_summary="Retitled again.")
    response = second.post(url, second_data)

    assert response.status_code == 200  # the form again, not a redirect to an empty one
    assert response.context["adminform"].form["title"].value() == "Second editor's title"
    assert "Someone else saved this testimony while you were editing it" in errors_of(response)
    assert "“Men in balaclavas handed out alcohol” → “First editor's title”" in errors_of(response)
    published.refresh_from_db()
    assert published.title == "First editor's title"


def test_a_bulk_action_in_between_also_refuses_the_open_form(editor, second_editor, draft):
    url = admin_url(Testimony, "change", draft.pk)
    client, data = _open(editor, url)
    workflow.move(draft, Status.PUBLISHED, user=second_editor)

    data["title"] = "Edited after it was published"
    response = client.post(url, data)

    assert "Status: “Draft” → “Published”" in errors_of(response)
    draft.refresh_from_db()
    assert draft.title.startswith("Unverified rumour")


def test_save_with_version_refuses_a_stale_version_and_writes_nothing(published):
    stale = Testimony.objects.get(pk=published.pk)
    Testimony.objects.filter(pk=published.pk).update(version=5)
    stale.title = "Overwritten"

    with pytest.raises(locking.StaleEdit) as refused:
        locking.save_with_version(stale, expected_version=1)

    assert refused.value.current.version == 5
    assert Testimony.objects.get(pk=published.pk).title == "Men in balaclavas handed out alcohol"


def test_save_with_version_bumps_the_version(published):
    published.title = "Changed"
    locking.save_with_version(published, expected_version=1)
    assert Testimony.objects.get(pk=published.pk).version == 2
    with pytest.raises(locking.StaleEdit):
        locking.save_with_version(published, expected_version=1)


def test_changes_since_lists_fields_old_and_new(editor, published):
    tag = factories.make_tag("first-hand")
    current = Testimony.objects.get(pk=published.pk)
    current.title = "A new title"
    workflow.save_testimony(
        current,
        user=editor,
        expected_version=1,
        from_status=Status.PUBLISHED,
        summary="Retitled and graded.",
        save_m2m=lambda: current.tags.add(tag),
    )

    changes = {change.field: (change.old, change.new) for change in locking.changes_since(current, 1)}

    assert changes["Title"] == ("Men in balaclavas handed out alcohol", "A new title")
    assert changes["Credibility tags"] == ("—", "first-hand")
    assert "Version" not in changes


def test_statement_conflict_is_refused_too(editor, second_editor):
    statement = factories.make_statement("20,000 terrorists attacked Almaty.")
    url = admin_url(Statement, "change", statement.pk)
    first, first_data = _open(editor, url)
    second, second_data = _open(second_editor, url)
    first_data["claim"] = "20,000 terrorists attacked Almaty, the president said."
    assert first.post(url, first_data).status_code == 302

    second_data["quote"] = "A quote the second editor added."
    response = second.post(url, second_data)

    assert "Claim: “20,000 terrorists attacked Almaty.” → “20,000 terrorists attacked Almaty, the president said.”" in (
        errors_of(response)
    )
    statement.refresh_from_db()
    assert statement.quote == ""
    assert statement.version == 2

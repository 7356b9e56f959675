"""Every change recorded (who, when, which fields from what to what); any two versions compared; any restored."""

from django.test import Client

from testimony import history, workflow
from testimony.models import Place, Status, Testimony

from . import factories
from .admin_helpers import admin_url, errors_of, form_data


def _save(client, testimony, **changes):
    url = admin_url(Testimony, "change", testimony.pk)
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)


def test_one_admin_save_writes_one_record_with_who_even_when_tags_change(editor_client, editor, published):
    tags = [factories.make_tag("first-hand"), factories.make_tag("video")]
    before = Testimony.history.filter(id=published.pk).count()

    _save(editor_client, published, title="Retitled", tags=[t.pk for t in tags], change_summary="Retitled, graded.")

    records = Testimony.history.filter(id=published.pk).order_by("-history_id")
    assert records.count() == before + 1
    latest = records.first()
    assert latest.history_user == editor
    assert latest.title == "Retitled"
    assert sorted(row.tag.name for row in latest.historicaltestimony_tags_set.all()) == ["first-hand", "video"]


def test_history_page_shows_who_changed_which_field_from_what_to_what(editor_client, published):
    _save(editor_client, published, title="Retitled ZZNEW", change_summary="Retitled.")
    page = editor_client.get(admin_url(Testimony, "history", published.pk)).content.decode()
    assert "Men in balaclavas handed out alcohol" in page
    assert "Retitled ZZNEW" in page
    assert "editor" in page
    assert "Compare the two ticked versions" in page


def test_compare_page_shows_the_differences_between_two_versions(editor_client, published):
    _save(editor_client, published, body="At some point men in black balaclavas appeared.", change_summary="Fixed.")
    records = Testimony.history.filter(id=published.pk).order_by("history_id")
    old, new = records.first(), records.last()

    page = editor_client.get(
        admin_url(Testimony, "compare", published.pk), {"old": old.history_id, "new": new.history_id}
    ).content.decode()

    assert "Account" in page
    assert "At some point <del>during the night,</del> men <del>wearing</del> <ins>in</ins> black balaclavas" in page
    assert "<ins>appeared.</ins>" in page


def test_compare_page_with_bad_input_explains_itself(editor_client, published):
    response = editor_client.get(admin_url(Testimony, "compare", published.pk), {"old": "x", "new": "1"}, follow=True)
    assert "Choose two versions to compare." in response.content.decode()
    other = factories.make_testimony("Another")
    foreign = Testimony.history.filter(id=other.pk).first().history_id
    own = Testimony.history.filter(id=published.pk).first().history_id
    response = editor_client.get(
        admin_url(Testimony, "compare", published.pk), {"old": own, "new": foreign}, follow=True
    )
    assert "Choose two different versions of this object to compare." in response.content.decode()


def test_restoring_an_earlier_version_brings_back_text_and_tags_and_records_who(editor, published):
    tag = factories.make_tag("hearsay")
    published.tags.add(tag)
    first = history.latest_record(published)
    client = Client()
    client.force_login(editor)
    _save(client, published, title="A wrong title", tags=[], change_summary="Oops.")
    published.refresh_from_db()
    version_before = published.version

    restorer = factories.make_user("restorer", groups=["Editor"])
    client.force_login(restorer)
    url = admin_url(Testimony, "simple_history", published.pk, first.history_id)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    assert data["title"] == "Men in balaclavas handed out alcohol"
    assert data["tags"] == [str(tag.pk)]
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)

    published.refresh_from_db()
    assert published.title == "Men in balaclavas handed out alcohol"
    assert list(published.tags.all()) == [tag]
    assert published.version == version_before + 1
    assert published.status == Status.PUBLISHED
    latest = history.latest_record(published)
    assert latest.history_user == restorer
    assert latest.history_change_reason.startswith("Restored the version of")
    assert published.revisions.order_by("number").last().summary == "Restored an earlier version."


def test_restoring_never_changes_the_status(editor_client, editor):
    testimony = factories.make_testimony("Draft first", status=Status.DRAFT)
    draft_record = history.latest_record(testimony)
    workflow.move(testimony, Status.PUBLISHED, user=editor)
    url = admin_url(Testimony, "simple_history", testimony.pk, draft_record.history_id)
    data = form_data(editor_client.get(url))
    assert data["status"] == "published"
    editor_client.post(url, data)
    testimony.refresh_from_db()
    assert testimony.status == Status.PUBLISHED


def test_a_stale_restore_is_refused(editor, published):
    first = history.latest_record(published)
    client = Client()
    client.force_login(editor)
    url = admin_url(Testimony, "simple_history", published.pk, first.history_id)
    data = form_data(client.get(url))
    _save(client, published, title="Saved meanwhile", change_summary="Retitled.")

    response = client.post(url, data)

    assert "Someone else saved this testimony" in errors_of(response)
    published.refresh_from_db()
    assert published.title == "Saved meanwhile"


def test_contributor_cannot_restore_a_published_testimony(client, contributor, editor):
    testimony = factories.make_testimony("Was a draft", status=Status.DRAFT)
    draft_record = history.latest_record(testimony)
    workflow.move(testimony, Status.PUBLISHED, user=editor)
    client.force_login(contributor)
    url = admin_url(Testimony, "simple_history", testimony.pk, draft_record.history_id)
    assert client.post(url, {"title": "Sneaky"}).status_code == 403


def test_places_tags_statements_and_cross_references_are_recorded(editor_client, editor):
    place = factories.make_place("Almaty")
    url = admin_url(Place, "change", place.pk)
    data = form_data(editor_client.get(url))
    data["name"] = "Almaty city"
    assert editor_client.post(url, data).status_code == 302
    record = Place.history.filter(id=place.pk).order_by("-history_id").first()
    assert record.name == "Almaty city" and record.history_user == editor
    page = editor_client.get(admin_url(Place, "history", place.pk)).content.decode()
    assert "Almaty city" in page


def test_statement_history_has_one_record_per_save(editor_client, editor):
    statement = factories.make_statement("Foreign-backed terrorists and plotters.")
    incident = factories.make_incident("Shooting on Republic Square")
    from testimony.models import Statement

    url = admin_url(Statement, "change", statement.pk)
    data = form_data(editor_client.get(url))
    data.update(incidents=[incident.pk], claim="Foreign-backed terrorists.")
    assert editor_client.post(url, data).status_code == 302
    records = Statement.history.filter(id=statement.pk)
    assert records.count() == 2
    assert records.order_by("-history_id").first().history_user == editor

"""The review workflow: contributors draft and submit, editors publish, send back and retract; nothing public is
ever deleted, and deleting a draft is recorded."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from testimony import workflow
from testimony.models import Status, Testimony, WorkflowEvent

from . import factories
from .admin_helpers import admin_url, errors_of, form_data

CHANGELIST = "/admin/testimony/testimony/"


def _status_options(response):
    return [value for value, _label in response.context["adminform"].form.fields["status"].choices]


def _action(client, action, testimonies, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [t.pk for t in testimonies], **extra}
    return client.post(admin_url(Testimony, "changelist"), data, follow=True)


# --- who may choose which status --------------------------------------------------------------------------------


def test_contributor_form_offers_draft_and_review_only(client, contributor, draft):
    client.force_login(contributor)
    assert _status_options(client.get(admin_url(Testimony, "add"))) == ["draft", "review"]
    assert _status_options(client.get(admin_url(Testimony, "change", draft.pk))) == ["draft", "review"]


def test_editor_form_offers_every_move_but_never_back_from_published(client, editor, published, draft):
    client.force_login(editor)
    assert _status_options(client.get(admin_url(Testimony, "change", draft.pk))) == ["draft", "review", "published"]
    assert _status_options(client.get(admin_url(Testimony, "change", published.pk))) == ["published", "retracted"]


def test_contributor_crafted_post_cannot_publish(client, contributor, draft):
    client.force_login(contributor)
    url = admin_url(Testimony, "change", draft.pk)
    data = form_data(client.get(url))
    data["status"] = "published"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice. published is not one of the available choices." in errors_of(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.published_at is None


def test_contributor_does_not_see_the_publish_actions(client, contributor, draft):
    client.force_login(contributor)
    actions = [value for value, _label in client.get(CHANGELIST).context["action_form"].fields["action"].choices]
    assert "submit_selected" in actions
    assert "publish_selected" not in actions
    assert "retract_selected" not in actions
    assert "delete_selected" not in actions


def test_contributor_crafted_publish_action_is_refused(client, contributor, draft):
    client.force_login(contributor)
    response = _action(client, "publish_selected", [draft])
    assert "No action selected." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_contributor_cannot_publish_through_the_workflow_api(contributor, draft):
    with pytest.raises(workflow.WorkflowError):
        workflow.move(draft, Status.PUBLISHED, user=contributor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_contributor_cannot_edit_a_published_testimony(client, contributor, published):
    client.force_login(contributor)
    url = admin_url(Testimony, "change", published.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # a read-only view
    response = client.post(url, {"title": "Rewritten by a contributor"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Men in balaclavas handed out alcohol"


def test_contributor_creates_a_draft_and_submits_it(client, contributor):
    client.force_login(contributor)
    witness = factories.make_witness("taxi driver")
    data = form_data(client.get(admin_url(Testimony, "add")))
    data.update(
        title="Shots near Hospital No. 7",
        body="I heard shooting near the hospital.",
        witness=witness.pk,
        date_start="2022-01-06",
        date_end="2022-01-06",
        status="review",
        workflow_comment="Ready for a look.",
    )
    response = client.post(admin_url(Testimony, "add"), data)
    assert response.status_code == 302, errors_of(response)

    testimony = Testimony.objects.get(title="Shots near Hospital No. 7")
    assert testimony.status == Status.REVIEW
    assert testimony.created_by == contributor
    event = testimony.workflow_events.get()
    assert (event.from_status, event.to_status, event.user, event.comment) == (
        "",
        "review",
        contributor,
        "Ready for a look.",
    )


# --- editors' moves, with their comments -------------------------------------------------------------------------


def test_sending_back_needs_a_comment(client, editor):
    in_review = factories.make_testimony("Awaiting review", status=Status.REVIEW)
    client.force_login(editor)
    url = admin_url(Testimony, "change", in_review.pk)
    data = form_data(client.get(url))
    data["status"] = "draft"

    response = client.post(url, data)
    assert "Say in a comment why you send it back" in errors_of(response)

    data["workflow_comment"] = "Which day was this? Please check with the source."
    assert client.post(url, data).status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT


def test_workflow_history_is_shown_on_the_change_page(client, editor, contributor):
    testimony = factories.make_testimony("Moves around", status=Status.DRAFT)
    workflow.move(testimony, Status.REVIEW, user=contributor, comment="Please review.")
    workflow.move(testimony, Status.DRAFT, user=editor, comment="Missing the date ZZSENDBACK.")

    client.force_login(editor)
    page = client.get(admin_url(Testimony, "change", testimony.pk)).content.decode()

    assert "Workflow history" in page
    assert "Please review." in page
    assert "Missing the date ZZSENDBACK." in page
    assert "contributor" in page and "In review" in page


def test_publish_action_publishes_and_records_who(client, editor, draft):
    client.force_login(editor)
    response = _action(client, "publish_selected", [draft])
    assert "1 testimony published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None
    assert draft.version == 2
    event = WorkflowEvent.objects.get(testimony=draft)
    assert (event.from_status, event.to_status, event.user) == ("draft", "published", editor)


def test_submit_action_sends_drafts_to_review(client, contributor, draft):
    client.force_login(contributor)
    _action(client, "submit_selected", [draft])
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW


def test_retract_action_asks_for_the_public_note_then_retracts(client, editor, published):
    client.force_login(editor)
    page = _action(client, "retract_selected", [published])
    assert "Public retraction note" in page.content.decode()
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED  # nothing happens before the note is given

    refused = _action(client, "retract_selected", [published], confirm="yes", retraction_note="")
    assert "This field is required." in refused.content.decode()

    done = _action(client, "retract_selected", [published], confirm="yes", retraction_note="The source withdrew it.")
    assert "1 testimony retracted." in done.content.decode()
    published.refresh_from_db()
    assert published.status == Status.RETRACTED
    assert published.retraction_note == "The source withdrew it."


def test_publish_action_skips_what_it_may_not_move_and_says_so(client, editor, published):
    retracted = factories.make_testimony("Withdrawn", status=Status.RETRACTED)
    draft = factories.make_testimony("To publish", status=Status.DRAFT)
    client.force_login(editor)
    response = _action(client, "publish_selected", [retracted, draft]).content.decode()
    assert "1 testimony published." in response
    assert f"{retracted.identifier}: A retracted testimony stays retracted." in response
    retracted.refresh_from_db()
    assert retracted.status == Status.RETRACTED


@pytest.mark.parametrize("add", [True, False])
def test_tag_actions_ask_for_the_tag_then_apply_it(client, editor, published, add):
    tag = factories.make_tag("corroborated")
    if not add:
        published.tags.add(tag)
    action = "add_tag" if add else "remove_tag"
    client.force_login(editor)

    page = _action(client, action, [published])
    assert "Credibility tag" in page.content.decode()

    _action(client, action, [published], confirm="yes", tag=tag.pk)
    published.refresh_from_db()
    assert published.tags.filter(pk=tag.pk).exists() is add
    assert published.version == 2
    summary = published.revisions.order_by("number").last().summary
    assert summary == (
        f"Added the credibility tag “{tag.name}”." if add else f"Removed the credibility tag “{tag.name}”."
    )


# --- deleting: never what is public, always recorded -------------------------------------------------------------


def test_published_testimony_cannot_be_deleted(client, editor, published):
    client.force_login(editor)
    assert client.get(admin_url(Testimony, "delete", published.pk)).status_code == 403
    assert client.post(admin_url(Testimony, "delete", published.pk), {"post": "yes"}).status_code == 403
    assert 'class="deletelink"' not in client.get(admin_url(Testimony, "change", published.pk)).content.decode()
    assert Testimony.objects.filter(pk=published.pk).exists()


def test_published_testimony_cannot_be_bulk_deleted(client, editor, published, draft):
    client.force_login(editor)
    response = _action(client, "delete_selected", [published, draft], post="yes")
    assert "Published and retracted testimonies are never deleted, only retracted. Nothing was deleted." in (
        response.content.decode()
    )
    assert Testimony.objects.filter(pk__in=[published.pk, draft.pk]).count() == 2


def test_deleting_a_draft_is_recorded(client, editor, draft):
    client.force_login(editor)
    identifier = draft.identifier
    response = client.post(admin_url(Testimony, "delete", draft.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Testimony.objects.filter(pk=draft.pk).exists()

    record = Testimony.history.get(id=draft.pk, history_type="-")
    assert record.history_user == editor
    assert record.identifier == identifier

    page = client.get(admin_url(Testimony, "deleted")).content.decode()
    assert identifier in page and "editor" in page and "Unverified rumour" in page


def test_bulk_deleting_drafts_records_each(client, editor):
    drafts = factories.make_testimonies(2, status=Status.DRAFT)
    client.force_login(editor)
    _action(client, "delete_selected", drafts, post="yes")
    assert not Testimony.objects.filter(pk__in=[d.pk for d in drafts]).exists()
    assert Testimony.history.filter(history_type="-", history_user=editor).count() == 2


def test_contributor_cannot_delete(client, contributor, draft):
    client.force_login(contributor)
    assert client.post(admin_url(Testimony, "delete", draft.pk), {"post": "yes"}).status_code == 403

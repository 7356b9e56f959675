"""Public, citable revisions: numbered among public saves, each with a permalink that never changes."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from testimony import history, workflow
from testimony.models import Revision, Status, Testimony

from . import factories
from .admin_helpers import admin_url, errors_of, form_data
from .conftest import DRAFT_MARKER, INTERNAL_NOTE_MARKER


def _edit(testimony, user, summary="", m2m=None, **changes):
    current = Testimony.objects.get(pk=testimony.pk)
    from_status = current.status
    for name, value in changes.items():
        setattr(current, name, value)
    return workflow.save_testimony(
        current,
        user=user,
        expected_version=current.version,
        from_status=from_status,
        summary=summary,
        save_m2m=m2m,
    )


def _url(testimony, number):
    return reverse("testimony:revision", args=[testimony.identifier, number])


@pytest.fixture
def revised(editor):
    """Drafted twice, published (revision 1), then corrected (revision 2)."""
    testimony = factories.make_testimony(
        f"Draft title {DRAFT_MARKER}",
        body="What the witness saw, as first told.",
        status=Status.DRAFT,
        editor_notes=f"Internal {INTERNAL_NOTE_MARKER}",
    )
    _edit(testimony, editor, title=f"Still a draft {DRAFT_MARKER}")
    _edit(testimony, editor, title="Shooting near the square", status=Status.PUBLISHED)
    _edit(testimony, editor, summary="Corrected the date to 6 January.", body="A corrected account.")
    return Testimony.objects.get(pk=testimony.pk)


def test_revisions_are_numbered_among_public_saves_only(revised):
    revisions = list(revised.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].summary == "First published."
    assert revisions[1].summary == "Corrected the date to 6 January."


def test_a_save_that_changes_only_internal_notes_makes_no_revision(revised, editor):
    _edit(revised, editor, editor_notes="Called the witness again.")
    assert revised.revisions.count() == 2


def test_permalink_keeps_its_text_after_the_testimony_is_edited(client, revised, editor):
    tag = factories.make_tag("video")
    _edit(revised, editor, summary="Retitled.", title="A later title", m2m=lambda: revised.tags.add(tag))

    page = client.get(_url(revised, 1)).content.decode()

    assert "Shooting near the square" in page
    assert "What the witness saw" in page  # the body as first published
    assert "A corrected account." not in page
    assert "A later title" not in page
    assert "video" not in page
    assert "You are reading revision 1 of 3, published on" in page
    assert f'href="{reverse("testimony:detail", args=[revised.identifier])}"' in page
    assert "Read the current version" in page
    assert f"Testimony {revised.identifier}, revision 1" in page


def test_latest_revision_shows_its_tags_and_says_it_is_current(client, revised, editor):
    tag = factories.make_tag("first-hand")
    _edit(revised, editor, summary="Graded.", m2m=lambda: revised.tags.add(tag))
    page = client.get(_url(revised, 3)).content.decode()
    assert "first-hand" in page
    assert "This is the current version." in page
    assert "Graded." in page


def test_cite_block_names_the_revision(client, revised):
    page = client.get(_url(revised, 2)).content.decode()
    assert "Cite this revision" in page
    assert f"testimony {revised.identifier}, revision 2." in page
    assert f"/testimonies/{revised.identifier}/revisions/2/ (accessed" in page
    assert f"@misc{{{revised.identifier}r2," in page
    assert f"howpublished = {{Testimony {revised.identifier}, revision 2" in page


@pytest.mark.parametrize("number", [3, 0, 99])
def test_a_number_that_is_not_a_public_revision_is_404(client, revised, number):
    assert client.get(_url(revised, number)).status_code == 404


def test_revisions_of_a_testimony_never_published_are_404(client, editor):
    testimony = factories.make_testimony("Never published", status=Status.DRAFT)
    _edit(testimony, editor, title="Edited draft")
    assert client.get(_url(testimony, 1)).status_code == 404


def test_no_draft_text_or_internal_note_on_any_revision_page(client, revised):
    for number in (1, 2):
        page = client.get(_url(revised, number)).content.decode()
        assert DRAFT_MARKER not in page
        assert INTERNAL_NOTE_MARKER not in page


def test_retraction_is_a_revision_with_its_note(client, revised, editor):
    workflow.move(revised, Status.RETRACTED, user=editor, retraction_note="The witness withdrew the account.")
    page = client.get(_url(revised, 3)).content.decode()
    assert "The witness withdrew the account." in page
    assert Revision.objects.get(testimony=revised, number=3).summary == "Retracted."
    # The cited revision before the retraction still reads as it was.
    assert "withdrew" not in client.get(_url(revised, 2)).content.decode()


def test_revision_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, editor):
    testimony = factories.make_testimony("Counted", tags=[factories.make_tag()])
    history.ensure_baseline(testimony.pk)
    with django_assert_num_queries(5):
        assert client.get(_url(testimony, 1)).status_code == 200

    tags = [factories.make_tag() for _ in range(4)]
    incidents = [factories.make_incident() for _ in range(3)]

    def more():
        testimony.tags.add(*tags)
        testimony.incidents.add(*incidents)

    for i in range(3):
        _edit(testimony, editor, summary=f"Edit {i}", title=f"Counted {i}", m2m=more if i == 0 else None)
    with django_assert_num_queries(5):
        assert client.get(_url(testimony, 4)).status_code == 200


def test_change_log_says_revised_on_and_links_every_revision(revised):
    html = render_to_string(
        "testimonies/_changelog.html", {"testimony": revised, "revisions": history.public_revisions(revised)}
    )
    assert "Revised on" in html
    assert "(revision 2)" in html
    assert "Corrected the date to 6 January." in html
    assert _url(revised, 1) in html and _url(revised, 2) in html
    assert INTERNAL_NOTE_MARKER not in html


def test_change_log_of_a_testimony_never_revised(published):
    history.ensure_baseline(published.pk)
    html = render_to_string(
        "testimonies/_changelog.html", {"testimony": published, "revisions": history.public_revisions(published)}
    )
    assert "not revised since" in html


def test_editing_a_published_testimony_in_the_admin_asks_for_a_public_summary(editor_client, published):
    url = admin_url(Testimony, "change", published.pk)
    data = form_data(editor_client.get(url))
    data["title"] = "Men in black balaclavas handed out alcohol"

    response = editor_client.post(url, data)
    assert "Readers see this change: summarise it in one line for the public change log." in errors_of(response)

    data["change_summary"] = "Added the colour of the balaclavas."
    assert editor_client.post(url, data).status_code == 302
    revision = published.revisions.order_by("number").last()
    assert (revision.number, revision.summary) == (2, "Added the colour of the balaclavas.")


def test_internal_note_edit_in_the_admin_needs_no_summary(editor_client, published):
    url = admin_url(Testimony, "change", published.pk)
    data = form_data(editor_client.get(url))
    data["editor_notes"] = "Phoned the source."
    assert editor_client.post(url, data).status_code == 302


def test_fixture_rows_get_revision_one_before_their_first_edit(editor):
    testimony = factories.make_testimony("Loaded from a fixture")
    Testimony.history.filter(id=testimony.pk).delete()  # as loaddata leaves it: no history at all
    _edit(testimony, editor, summary="First correction.", title="Corrected")
    revisions = list(testimony.revisions.order_by("number").select_related("record"))
    assert [(r.number, r.record.title) for r in revisions] == [(1, "Loaded from a fixture"), (2, "Corrected")]


def test_ensure_initial_revisions_covers_public_rows_only(published, draft):
    assert history.ensure_initial_revisions() == 1
    assert history.ensure_initial_revisions() == 0
    assert list(Revision.objects.values_list("testimony_id", "number")) == [(published.pk, 1)]

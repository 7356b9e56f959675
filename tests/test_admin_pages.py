"""Every admin page opens for a superuser and an editor, the main forms save, and every list costs a fixed number
of queries whatever its length."""

import datetime

import pytest

from testimony import history, workflow
from testimony.models import (
    Actor,
    Counter,
    CrossReference,
    Incident,
    Place,
    Revision,
    Source,
    Statement,
    Status,
    Tag,
    TagGroup,
    Testimony,
    Witness,
    WitnessIdentity,
    WorkflowEvent,
)

from . import factories
from .admin_helpers import admin_url, errors_of, form_data


def _testimony():
    place = factories.make_place("Almaty", parent=factories.make_place("Kazakhstan"))
    testimony = factories.make_testimony(
        "Shots near Hospital No. 7",
        place=place,
        source=factories.make_source(),
        tags=[factories.make_tag("first-hand"), factories.make_tag("video")],
        incidents=[factories.make_incident("Siege of Hospital No. 7")],
    )
    factories.make_cross_reference(testimony, factories.make_statement("Terrorists attacked hospitals."))
    factories.make_cross_reference(testimony, factories.make_testimony("Another account"))
    return testimony


def _workflow_event():
    testimony = factories.make_testimony("Moved", status=Status.DRAFT)
    editor = factories.make_user(groups=["Editor"])
    workflow.move(testimony, Status.PUBLISHED, user=editor, comment="Checked.")
    return WorkflowEvent.objects.filter(testimony=testimony).last()


def _revision():
    testimony = factories.make_testimony("Revised")
    return history.ensure_baseline(testimony.pk)


def _statement():
    statement = factories.make_statement(
        "The official death toll is a little over 200.", source=factories.make_source()
    )
    statement.incidents.add(factories.make_incident())
    return statement


# One builder per model: each call adds one row (with what it links to) to the model's changelist.
BUILDERS = {
    Testimony: _testimony,
    Witness: lambda: factories.make_witness("taxi driver", identity={"real_name": "Someone"}),
    WitnessIdentity: lambda: WitnessIdentity.objects.create(witness=factories.make_witness(), real_name="A name"),
    Place: lambda: factories.make_place(parent=factories.make_place(kind=Place.Kind.COUNTRY)),
    Incident: lambda: factories.make_incident(place=factories.make_place()),
    Actor: lambda: factories.make_actor(office="President"),
    Statement: _statement,
    CrossReference: lambda: factories.make_cross_reference(factories.make_testimony(), factories.make_statement()),
    TagGroup: lambda: factories.make_tag(group=factories.make_tag_group()).group,
    Tag: factories.make_tag,
    Source: factories.make_source,
    Counter: lambda: Counter.objects.create(name=f"counter-{Counter.objects.count()}", value=3),
    WorkflowEvent: _workflow_event,
    Revision: _revision,
}
READ_ONLY = {Counter, WorkflowEvent, Revision}
EDITOR_CANNOT_SEE = {WitnessIdentity, Counter}


def _pages(model, obj):
    pages = [admin_url(model, "changelist"), admin_url(model, "change", obj.pk)]
    if model not in READ_ONLY:
        pages += [admin_url(model, "add"), admin_url(model, "history", obj.pk)]
    return pages


@pytest.mark.parametrize("model", BUILDERS, ids=lambda m: m.__name__)
def test_every_page_opens_for_a_superuser(db, client, model):
    client.force_login(factories.make_user("root", is_superuser=True))
    obj = BUILDERS[model]()
    for url in _pages(model, obj):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", [m for m in BUILDERS if m not in EDITOR_CANNOT_SEE], ids=lambda m: m.__name__)
def test_every_page_opens_for_an_editor(editor_client, model):
    obj = BUILDERS[model]()
    for url in _pages(model, obj):
        assert editor_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", [m for m in BUILDERS if m not in READ_ONLY], ids=lambda m: m.__name__)
def test_every_change_form_saves_unchanged(db, client, model):
    client.force_login(factories.make_user("root", is_superuser=True))
    obj = BUILDERS[model]()
    url = admin_url(model, "change", obj.pk)
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302, errors_of(response)


def test_search_and_filters_open(editor_client):
    _testimony()
    for query in ("?q=hospital", "?q=T-0001", "?status__exact=published", "?date_start__year=2022", "?q=%22"):
        assert editor_client.get(admin_url(Testimony, "changelist") + query).status_code == 200, query
    place = Place.objects.get(name="Kazakhstan")
    page = editor_client.get(admin_url(Testimony, "changelist") + f"?place={place.pk}")
    assert "Shots near Hospital No. 7" in page.content.decode()
    assert editor_client.get(admin_url(Testimony, "changelist") + "?place=nonsense").status_code == 200


def test_search_by_identifier_finds_that_testimony(editor_client):
    testimony = _testimony()
    page = editor_client.get(admin_url(Testimony, "changelist"), {"q": testimony.identifier}).content.decode()
    assert "Shots near Hospital No. 7" in page
    assert "Another account" not in page


# --- saving through the admin forms ------------------------------------------------------------------------------


def test_editor_adds_a_published_testimony_with_tags_and_cross_references(editor_client, editor):
    witness = factories.make_witness("resident of Shanyrak")
    place = factories.make_place("Shanyrak")
    tag = factories.make_tag("second-hand")
    statement = factories.make_statement("The 20,000 terrorists.")
    other = factories.make_testimony("An account to link")
    data = form_data(editor_client.get(admin_url(Testimony, "add")))
    data.update(
        {
            "title": "Men were recruited by force",
            "body": "They came for the young men of the district.",
            "witness": witness.pk,
            "date_start": "2022-01-05",
            "date_end": "2022-01-06",
            "part_of_day": "night",
            "is_date_approximate": "on",
            "place": place.pk,
            "tags": [tag.pk],
            "status": "published",
            "cross_references-TOTAL_FORMS": "1",
            "cross_references-0-relation": "contradicts",
            "cross_references-0-statement": statement.pk,
            "cross_references-0-note": "Recruits, not foreign terrorists.",
            "cross_references-2-TOTAL_FORMS": "1",
            "cross_references-2-0-relation": "corroborates",
            "cross_references-2-0-other_testimony": other.pk,
            "cross_references-2-0-note": "Same night, same district.",
        }
    )
    response = editor_client.post(admin_url(Testimony, "add"), data)
    assert response.status_code == 302, errors_of(response)

    testimony = Testimony.objects.get(title="Men were recruited by force")
    assert testimony.identifier.startswith("T-")
    assert (testimony.created_by, testimony.updated_by) == (editor, editor)
    assert testimony.status == Status.PUBLISHED and testimony.published_at is not None
    assert list(testimony.tags.all()) == [tag]
    assert {(x.relation, x.statement_id, x.other_testimony_id) for x in testimony.cross_references.all()} == {
        ("contradicts", statement.pk, None),
        ("corroborates", None, other.pk),
    }
    assert testimony.revisions.get().number == 1


def test_reversed_dates_are_refused_with_a_message(editor_client, published):
    url = admin_url(Testimony, "change", published.pk)
    data = form_data(editor_client.get(url))
    data.update(date_start="2022-01-07", date_end="2022-01-05", change_summary="Dates.")
    assert "The end date cannot be before the start date." in errors_of(editor_client.post(url, data))


def test_an_invisible_control_character_is_refused_with_where_it_is(editor_client, published):
    url = admin_url(Testimony, "change", published.pk)
    data = form_data(editor_client.get(url))
    data.update(title="Shots\x0bnear the square", change_summary="Title.")  # Word's Shift+Enter
    assert (
        "It holds an invisible control character (U+000B) at character 6, which the archive cannot show or "
        "publish. Word writes one for Shift+Enter: delete it and retype the line break."
    ) in errors_of(editor_client.post(url, data))
    published.refresh_from_db()
    assert "\x0b" not in published.title


def test_a_tag_named_on_its_group_page_refuses_a_control_character_too(editor_client):
    group = factories.make_tag_group("Evidence")
    url = admin_url(TagGroup, "change", group.pk)
    data = form_data(editor_client.get(url))
    data.update(
        {
            "tags-TOTAL_FORMS": "1",
            "tags-0-name": "autopsy\x0creport",
            "tags-0-slug": "autopsy-report",
            "tags-0-definition": "A forensic document.",
            "tags-0-position": "1",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "It holds an invisible control character (U+000C) at character 8" in response.content.decode()
    assert not Tag.objects.filter(slug="autopsy-report").exists()


def test_derived_fields_are_not_editable(editor_client, published):
    page = editor_client.get(admin_url(Testimony, "change", published.pk))
    form = page.context["adminform"].form
    for derived in ("number", "identifier", "version", "search_vector", "published_at", "created_by"):
        assert derived not in form.fields
    assert published.identifier in page.content.decode()


def test_change_page_links_to_the_public_page_and_history(editor_client, published):
    page = editor_client.get(admin_url(Testimony, "change", published.pk)).content.decode()
    assert "View on site" in page
    assert admin_url(Testimony, "history", published.pk) in page


def test_changelist_offers_deleted_drafts_and_the_import_when_available(editor_client):
    page = editor_client.get(admin_url(Testimony, "changelist")).content.decode()
    assert admin_url(Testimony, "deleted") in page
    try:
        import_url = admin_url(Testimony, "import")
    except Exception:  # noqa: BLE001 - the import view comes with the import module
        return
    assert import_url in page


def test_editor_adds_a_place_and_a_tag(editor_client, editor):
    country = factories.make_place("Kazakhstan", kind=Place.Kind.COUNTRY)
    data = form_data(editor_client.get(admin_url(Place, "add")))
    data.update(name="Taldykorgan", slug="taldykorgan", kind="city", parent=country.pk, latitude="45.0156")
    response = editor_client.post(admin_url(Place, "add"), data)
    assert response.status_code == 302, errors_of(response)
    assert Place.objects.get(slug="taldykorgan").path.startswith(country.path)

    group = factories.make_tag_group("Evidence")
    data = form_data(editor_client.get(admin_url(Tag, "add")))
    data.update(name="autopsy report", slug="autopsy-report", group=group.pk, definition="A forensic document.")
    response = editor_client.post(admin_url(Tag, "add"), data)
    assert response.status_code == 302, errors_of(response)
    assert Tag.objects.get(slug="autopsy-report").group == group


def test_editor_changes_a_statement_and_its_witness_descriptor(editor_client, editor):
    statement = factories.make_statement("Shoot to kill without warning.")
    url = admin_url(Statement, "change", statement.pk)
    data = form_data(editor_client.get(url))
    data.update(made_on="2022-01-07", quote="I have given the order to shoot to kill without warning.")
    response = editor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    statement.refresh_from_db()
    assert statement.made_on == datetime.date(2022, 1, 7)
    assert (statement.version, statement.updated_by) == (2, editor)

    witness = factories.make_witness("driver")
    url = admin_url(Witness, "change", witness.pk)
    data = form_data(editor_client.get(url))
    data["descriptor"] = "taxi driver"
    assert editor_client.post(url, data).status_code == 302
    witness.refresh_from_db()
    assert witness.descriptor == "taxi driver"


def test_autocomplete_finds_places_and_tags(editor_client):
    factories.make_place("Almaty")
    factories.make_tag("zzgrade")
    url = "/admin/autocomplete/"
    params = {"app_label": "testimony", "model_name": "testimony"}
    places = editor_client.get(url, {**params, "field_name": "place", "term": "Alma"}).json()
    tags = editor_client.get(url, {**params, "field_name": "tags", "term": "zzgra"}).json()
    assert [r["text"] for r in places["results"]] == ["Almaty"]
    assert [r["text"] for r in tags["results"]] == ["zzgrade"]


# --- fixed query counts -----------------------------------------------------------------------------------------

# Queries per changelist page, including the session, the user and their permissions.
CHANGELIST_QUERIES = {
    Testimony: 13,
    Witness: 9,
    Place: 8,
    Incident: 9,
    Actor: 7,
    Statement: 10,
    CrossReference: 9,
    TagGroup: 7,
    Tag: 8,
    Source: 7,
    WorkflowEvent: 10,
    Revision: 9,
}


@pytest.mark.parametrize("model", CHANGELIST_QUERIES, ids=lambda m: m.__name__)
def test_changelist_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, model):
    url = admin_url(model, "changelist")
    BUILDERS[model]()
    with django_assert_num_queries(CHANGELIST_QUERIES[model]):
        assert editor_client.get(url).status_code == 200
    for _ in range(4):
        BUILDERS[model]()
    with django_assert_num_queries(CHANGELIST_QUERIES[model]):
        assert editor_client.get(url).status_code == 200

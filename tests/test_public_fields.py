"""The allow-list of public fields: every field is decided, confidential ones never leave the building."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from testimony import public
from testimony.models import CrossReference, Statement, Testimony, WitnessIdentity

from . import factories
from .conftest import CONFIDENTIAL_MARKER, INTERNAL_NOTE_MARKER

PUBLIC_CODE = [
    "testimony/public.py",
    "testimony/interchange.py",
    "testimony/views/testimonies.py",
    "testimony/views/statements.py",
    "testimony/views/exports.py",
    "testimony/views/feeds.py",
]


def _field_names(model):
    return {field.name for field in [*model._meta.concrete_fields, *model._meta.many_to_many]}


@pytest.mark.parametrize("model", list(public.PUBLIC_FIELDS), ids=lambda model: model.__name__)
def test_every_field_is_either_public_or_private(model):
    listed_public = set(public.PUBLIC_FIELDS[model])
    listed_private = set(public.PRIVATE_FIELDS[model])

    assert listed_public.isdisjoint(listed_private)
    undecided = _field_names(model) - listed_public - listed_private
    assert not undecided, f"Decide whether {model.__name__}.{', '.join(sorted(undecided))} may be public"
    assert (listed_public | listed_private) <= _field_names(model), "the lists name a field the model lacks"


def test_internal_fields_are_never_public():
    for fields in public.PUBLIC_FIELDS.values():
        for name in ("editor_notes", "created_by", "updated_by", "version", "search_vector", "path"):
            assert name not in fields
    assert WitnessIdentity not in public.PUBLIC_FIELDS


@pytest.mark.parametrize("path", PUBLIC_CODE)
def test_public_code_never_imports_the_confidential_model(path):
    tree = ast.parse((Path(settings.BASE_DIR) / path).read_text())

    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert "WitnessIdentity" not in names
    assert "identity" not in {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


def test_public_values_of_a_testimony_hold_only_public_fields(published):
    testimony = Testimony.objects.select_related("witness").get(pk=published.pk)

    data = public.public_values(testimony)

    assert list(data) == list(public.PUBLIC_FIELDS[Testimony])
    assert data["witness"] == {"descriptor": "protester at Republic Square", "role": "resident"}
    assert data["date_start"] == "2022-01-05"
    text = repr(data)
    assert CONFIDENTIAL_MARKER not in text
    assert INTERNAL_NOTE_MARKER not in text


def test_public_pages_load_no_private_column(published):
    testimony = Testimony.objects.public().only(*public.testimony_load_fields()).get(pk=published.pk)

    deferred = testimony.get_deferred_fields()

    assert {"editor_notes", "created_by_id", "updated_by_id", "search_vector", "version"} <= deferred


def test_json_ld_script_escapes_markup():
    html = public.json_ld_script({"name": "</script><!-- & -->"})

    assert html.startswith('<script type="application/ld+json">')
    assert html.count("<") == 2  # the opening and closing tags only
    assert "\\u003C/script\\u003E" in html
    assert "\\u0026" in html


# Private columns a public page may still name: keys that join and order rows, and the rows' derived copies of
# public facts (their tags, their witness's role).
NAMED_TO_JOIN_OR_ORDER = {"id", "number", "testimony", "tag_ids", "witness_role"}


def _private_columns():
    for model in (Testimony, Statement, CrossReference):
        for name in public.PRIVATE_FIELDS[model]:
            if name not in NAMED_TO_JOIN_OR_ORDER:
                yield f'"{model._meta.db_table}"."{model._meta.get_field(name).column}"'


def test_public_pages_never_read_a_private_column(client, published):
    """Not shown is not enough: a reader's page never reads an editor's notes, nor who entered or changed an entry."""
    incident = factories.make_incident("Square cleared", date_start=published.date_start)
    published.incidents.add(incident)
    statement = factories.make_statement("Order was restored.", made_on=published.date_start, editor_notes="internal")
    statement.incidents.add(incident)
    factories.make_cross_reference(published, statement, CrossReference.Relation.CONTRADICTS)
    pages = [
        "/",
        "/testimonies/",
        f"/testimonies/{published.identifier}/",
        f"/days/{published.date_start.isoformat()}/",
        "/statements/",
        f"/statements/{statement.identifier}/",
        f"/incidents/{incident.slug}/",
        "/feeds/testimonies/",
        "/feeds/corrections/",
        "/places/",
        "/sources/",
        "/incidents/",
    ]
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200, page
        read = " ".join(query["sql"] for query in queries.captured_queries)
        assert [column for column in _private_columns() if column in read] == [], page

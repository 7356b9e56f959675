"""``any_of``: the rows whose id is in a list, on either engine, as ``__in`` finds them."""

import pytest
from django.db import connection

from testimony.models import Testimony

from .factories import make_tag, make_testimonies, make_testimony

pytestmark = pytest.mark.django_db


def test_any_of_finds_the_rows_in_the_list_and_no_others():
    rows = make_testimonies(5)
    wanted = [rows[0].pk, rows[3].pk, rows[4].pk]
    found = Testimony.objects.filter(pk__any_of=wanted).order_by("pk")
    assert [t.pk for t in found] == wanted
    assert list(found) == list(Testimony.objects.filter(pk__in=wanted).order_by("pk"))


def test_any_of_an_empty_list_finds_nothing_without_asking_the_database(django_assert_num_queries):
    make_testimonies(2)
    with django_assert_num_queries(0):
        assert list(Testimony.objects.filter(pk__any_of=[])) == []


def test_any_of_works_through_a_relation_on_the_link_table():
    tag = make_tag()
    tagged = make_testimony(tags=[tag])
    make_testimony(tags=[tag])
    links = Testimony.tags.through.objects.filter(testimony_id__any_of=[tagged.pk])
    assert [(link.testimony_id, link.tag_id) for link in links] == [(tagged.pk, tag.pk)]


def test_on_postgresql_a_thousand_ids_are_one_parameter(django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("the array parameter is PostgreSQL's; other engines get an IN list")
    sql, params = Testimony.objects.filter(pk__any_of=range(1, 1001)).query.sql_with_params()
    assert "= ANY(%s::bigint[])" in sql
    assert len(params) == 1 and len(params[0]) == 1000


def test_an_id_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        Testimony.objects.filter(pk__any_of=["1; DROP TABLE x"])

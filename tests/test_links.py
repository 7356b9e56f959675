"""Links built from a kept stencil are the very addresses ``reverse()`` builds: on every public route, under a
sub-path, after the URL configuration changes, and for values a stencil cannot hold."""

import datetime

import pytest
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

from testimony import links
from testimony.links import link


@pytest.fixture(autouse=True)
def no_stencils_yet():
    links._stencils.clear()


ROUTES = [
    ("testimony:home", ()),
    ("testimony:list", ()),
    ("testimony:methodology", ()),
    ("testimony:export-csv", ()),
    ("testimony:detail", ("T-0042",)),
    ("testimony:statement", ("S-0007",)),
    ("testimony:day", (datetime.date(2022, 1, 5),)),
    ("testimony:day", ("2022-01-06",)),
    ("testimony:place", ("almaty",)),
    ("testimony:place", ("almaty-alatau_district-2",)),
    ("testimony:incident", ("shooting-on-republic-square",)),
    ("testimony:source", ("rfe-rl",)),
    ("testimony:revision", ("T-0042", 3)),
]


@pytest.mark.parametrize(("name", "args"), ROUTES)
def test_every_public_route_links_where_reverse_does_the_second_time_too(name, args):
    assert link(name, *args) == reverse(name, args=args)
    assert link(name, *args) == reverse(name, args=args)  # now from the stencil


def test_a_stencil_filled_with_another_value_gives_that_values_address():
    link("testimony:detail", "T-0001")
    for identifier in ("T-0002", "T-1000000", "S-12"):
        assert link("testimony:detail", identifier) == f"/testimonies/{identifier}/"
    link("testimony:day", datetime.date(2022, 1, 1))
    assert link("testimony:day", datetime.date(2023, 12, 31)) == "/days/2023-12-31/"


def test_under_a_sub_path_links_carry_the_prefix_and_the_root_keeps_its_own():
    assert link("testimony:place", "almaty") == "/places/almaty/"
    set_script_prefix("/archive/")
    try:
        assert link("testimony:place", "almaty") == "/archive/places/almaty/"
        assert link("testimony:list") == "/archive/testimonies/"
    finally:
        clear_script_prefix()
    assert link("testimony:place", "almaty") == "/places/almaty/"
    assert link("testimony:list") == "/testimonies/"


urlpatterns = []  # filled below: the archive's routes under another prefix


def test_a_changed_url_configuration_is_followed():
    from django.urls import include, path

    urlpatterns[:] = [path("elsewhere/", include("testimony.urls"))]
    link("testimony:detail", "T-0042")
    with override_settings(ROOT_URLCONF=__name__):
        assert link("testimony:detail", "T-0042") == "/elsewhere/testimonies/T-0042/"
        assert link("testimony:list") == "/elsewhere/testimonies/"
    assert link("testimony:detail", "T-0042") == "/testimonies/T-0042/"


def test_a_value_that_would_need_quoting_goes_through_reverse():
    # A slug is ASCII, but a place name's text could reach a link: reverse() quotes it, and so does link().
    assert link("testimony:sitemap-section", "a b") == reverse("testimony:sitemap-section", args=["a b"])
    assert link("testimony:sitemap-section", "a b") == "/sitemap-a%20b.xml"


def test_a_value_found_twice_in_its_address_is_not_kept_as_a_stencil():
    # "s" occurs in "/places/s/" twice: no stencil can be cut from it, and the next value still links right.
    assert link("testimony:place", "s") == "/places/s/"
    assert link("testimony:place", "zhanaozen") == "/places/zhanaozen/"


QUERIES = [
    "",
    "page=3",
    "place=almaty&tag=single-source&page=2",
    "tag=a&tag=b&role=victim",
    "q=%D0%B2%D1%8B%D1%81%D1%82%D1%80%D0%B5%D0%BB%D1%8B&sort=relevance&tag=a",
    "sort=relevance&relation=supports&source=rfe-rl",
    "statement=S-0001&relation=contradicts&date_from=2022-01-05",
    "tag=a+b&tag=%26x%3D1&place=&role=",
]
CHANGES = [
    ("place", "almaty-almaly", False),
    ("tag", "a", False),
    ("tag", "a", True),
    ("tag", "new tag", False),
    ("tag", "&x=1", True),
    ("role", "victim", True),
    ("role", "medic", False),
    ("source", "rfe-rl", True),
    ("source", "Хабар", False),
    ("sort", "date", False),  # not one of its keys: answered by url_toggle itself
]


@pytest.mark.parametrize("query", QUERIES)
def test_facet_links_built_in_bulk_are_the_links_built_one_by_one(rf, query):
    from testimony.templatetags.archive_tags import FilterLinks, url_toggle, url_with

    request = rf.get(f"/testimonies/?{query}")
    links = FilterLinks(request)
    for key, value, selected in CHANGES:
        assert links.toggle(key, value, selected) == url_toggle(request, key, value, selected), (key, value)
        assert links.with_value(key, value) == url_with(request, key, value), (key, value)

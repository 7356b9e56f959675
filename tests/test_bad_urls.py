"""Junk in a URL path is a 404, never a 500, on both databases: impossible or extreme days, identifiers with odd
characters (a NUL byte is an error on PostgreSQL), revision numbers too large for an integer, admin ids."""

import pytest
from django.urls import reverse

BAD_PUBLIC_PATHS = [
    "/days/0001-01-01/",
    "/days/9999-12-31/",
    "/days/2022-02-30/",
    "/days/2022-13-01/",
    "/testimonies/%00/",
    "/testimonies/T-%00/",
    "/testimonies/t-0001/",
    "/testimonies/T-٠١/",  # Arabic-Indic digits
    "/statements/%00/",
    "/statements/S-99999999999999999999/",
    "/testimonies/%00/revisions/1/",
    "/testimonies/T-0001/revisions/99999999999999999999/",
    "/testimonies/T-0001/revisions/0/",
    "/places/%00/",
    "/sitemap-nothing.xml",
]


@pytest.mark.parametrize("path", BAD_PUBLIC_PATHS)
def test_junk_in_a_public_path_is_not_found(client, published, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "suffix",
    [
        "abc/history/",
        "abc/history/compare/?old=1&new=2",
        "{pk}/history/compare/?old=1&new=99999999999999999999",
        "{pk}/history/abc/",
        "{pk}/history/99999999999999999999/",
    ],
)
def test_junk_ids_in_admin_history_pages_are_handled(client, published, editor, suffix):
    client.force_login(editor)
    url = reverse("admin:testimony_testimony_changelist") + suffix.format(pk=published.pk)
    response = client.get(url)
    assert response.status_code in (302, 404)

"""The main public pages of the seed collection, by a short name used for screenshots and checker reports."""

import urllib.error
import urllib.request

MAIN_PAGES = {
    "home": "/",
    "list": "/testimonies/",
    "search": "/testimonies/?q=balaclava",
    "filter-error": "/testimonies/?date_from=2022-02-30&place=almaty",
    "day": "/days/2022-01-05/",
    "place": "/places/almaty/",
    "places": "/places/",
    "sources": "/sources/",
    "incidents": "/incidents/",
    "statements": "/statements/",
    "statement": "/statements/S-0003/",
    "testimony": "/testimonies/T-0001/",
    "methodology": "/methodology/",
    "not-found": "/testimonies/T-9999/",
}


def fetch(url, headers=None):
    """The HTML exactly as the server sends it, an error page's body included."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        return error.read()


def error_pages(base_url):
    """The 400 and 500 pages, as Django's error handlers render them: HTML by name."""
    from django.test import RequestFactory
    from django.views import defaults

    return {
        # A Host header the archive does not serve is a "bad request" (DisallowedHost) answered with 400.html.
        "bad-request": fetch(f"{base_url}/", headers={"Host": "unknown.invalid"}),
        # No public URL fails on purpose: render 500.html through the handler Django calls.
        "server-error": defaults.server_error(RequestFactory().get("/")).content,
    }

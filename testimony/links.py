"""Addresses of the public pages, built as ``reverse()`` builds them at a fraction of its cost.

A result card links to its testimony, its day, its place and its tags: a list page asks for about 150 addresses,
and Django's ``reverse()`` (about 60 µs each, through the resolver, the script prefix and the converters) was a
quarter of a card's rendering time. :func:`link` reverses a route once, keeps the address around its argument as a
stencil ("/testimonies/" + … + "/"), and fills it in after that.

The stencil is only used where it cannot differ from ``reverse()``: one argument whose text needs no quoting
(letters, digits, ``-`` and ``_``: the identifiers, slugs and ISO dates the public routes take) and appears once in
the reversed address. Anything else goes through ``reverse()`` itself. Stencils are kept per script prefix and per
URL configuration, so a deployment under a sub-path, or a test that swaps the URLconf, gets its own.

Unlike ``reverse()``, a stencil does not check the argument against the route's converter: a value the converter
would refuse gives an address that answers 404 rather than an exception. Every value that reaches it is a stored,
validated identifier, slug or date.
"""

import datetime
import re

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

_SAFE = re.compile(r"[-A-Za-z0-9_]+")
_stencils: dict = {}


def link(name, *args):
    """``reverse(name, args=args)``, from a kept stencil when one applies."""
    key = (name, len(args), get_script_prefix(), get_resolver(get_urlconf()))
    stencil = _stencils.get(key)
    if not args:
        if stencil is None:
            stencil = _stencils[key] = reverse(name)
        return stencil
    if len(args) > 1:
        return reverse(name, args=args)
    value = args[0]
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    if _SAFE.fullmatch(text) is None:
        return reverse(name, args=args)
    if stencil is not None:
        return f"{stencil[0]}{text}{stencil[1]}"
    url = reverse(name, args=args)
    if url.count(text) == 1:
        before, after = url.split(text)
        _stencils[key] = (before, after)
    return url

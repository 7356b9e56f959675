"""Template helpers for search results."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from testimony.search import HIGHLIGHT_START, HIGHLIGHT_STOP

register = template.Library()

_MARKED = re.compile(f"{HIGHLIGHT_START}([^{HIGHLIGHT_START}{HIGHLIGHT_STOP}]*){HIGHLIGHT_STOP}")


@register.filter
def highlight(snippet):
    """A search snippet as safe HTML: the text escaped first, then each match wrapped in ``<mark>``.

    The text is the witness's, not ours, so it is never trusted: ``escape`` runs on all of it (even a string already
    marked safe) before the sentinels the search engine put around matches become tags. A stray sentinel that is not
    part of a pair is dropped, so the markup always balances.
    """
    if not snippet:
        return ""
    html = _MARKED.sub(r"<mark>\1</mark>", escape(str(snippet)))
    return mark_safe(html.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, ""))


@register.simple_tag(takes_context=True)
def marked(context, text):
    """``{% marked row.title %}``: ``text`` as safe HTML with the reader's searched words in ``<mark>``, by the
    page's ``search_marker`` (:func:`testimony.search.marker`); on a page without one (no search), just escaped."""
    marker = context.get("search_marker")
    if not marker or not text:
        return escape(text) if text else ""
    return highlight(marker.mark(str(text)))

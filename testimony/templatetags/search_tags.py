"""Template helpers for search results."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

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


@register.simple_tag(takes_context=True)
def marked_place(context, testimony):
    """``{% marked_place row %}``: a card's place as safe HTML, with the reader's searched words marked.

    A search also finds a row by every place above its own and by the other names each place goes by: the index
    holds them all (``search.index``). So on a search, the places above that hold a searched word follow the
    place's own name, nearest first, and a place's other name that holds one follows it in brackets: "Almaly,
    <mark>Almaty</mark>", "Almaty (<mark>Алматы</mark>)". Without a search, or for a place the page's vocabulary
    does not hold, the name alone. Names come from the page's ``vocabulary`` (``facets.Vocabulary``): no query.
    """
    marker, vocabulary = context.get("search_marker"), context.get("vocabulary")
    own = vocabulary.places_by_id.get(testimony.place_id) if marker and vocabulary is not None else None
    if own is None:
        return marked(context, testimony.place.name)
    trail = [own, *reversed(vocabulary.ancestors(own))]
    shown = [place for place in trail if place is own or marker.holds(place.name)]
    found = set().union(*(marker.stems_in(place.name) for place in shown))
    named = []
    for place in trail:
        # Another name only for a word the names shown do not already hold (Алматы, not a second "Almaty").
        others = [name.strip() for name in place.other_names.split(",") if marker.stems_in(name) - found]
        found = found.union(*(marker.stems_in(name) for name in others))
        if place in shown or others:
            text = marker.mark(place.name)
            if others:
                text = _("%(name)s (%(other_names)s)") % {
                    "name": text,
                    "other_names": _(", ").join(marker.mark(name) for name in others),
                }
            named.append(text)
    return highlight(_(", ").join(named))


@register.simple_tag(takes_context=True)
def matched_source(context, testimony):
    """``{% matched_source row as source %}``: on a search whose words the row's source holds, the source's name
    as safe HTML with them marked; otherwise "". A card names no source but a search finds a row by it."""
    marker, vocabulary = context.get("search_marker"), context.get("vocabulary")
    if not marker or vocabulary is None or testimony.source_id is None:
        return ""
    source = vocabulary.sources_by_id.get(testimony.source_id)
    return highlight(marker.mark(source.name)) if source is not None and marker.holds(source.name) else ""

"""The result cards of a rendered page, read as a reader sees them: titles in order, a search's marks taken out."""

import html
import re

_CARD = re.compile(r'<li class="card testimony-card.*?</article>', re.S)
_TITLE = re.compile(r'<h3 class="card-title" id="card-[^"]+"><a href="[^"]+">(.*?)</a></h3>', re.S)
_MARK = re.compile(r"</?mark>")


def card_titles(page_html):
    """The titles of the page's result cards, in order, as text."""
    return [html.unescape(_MARK.sub("", title)) for title in _TITLE.findall(page_html)]


def card(page_html, title):
    """The HTML of the result card titled ``title``."""
    for found in _CARD.findall(page_html):
        if card_titles(found) == [title]:
            return found
    raise AssertionError(f"no card titled {title!r}")

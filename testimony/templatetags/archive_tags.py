"""Template helpers for the reading room: links that change one filter, and dates as a reader says them."""

import datetime
import functools
from urllib.parse import urlencode, urlsplit

from django import template
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from testimony.links import link as _link_to

register = template.Library()


@register.simple_tag
def link(name, *args):
    """``{% link 'testimony:day' testimony.date_start %}``: the address ``{% url %}`` gives, from
    :func:`testimony.links.link` (a kept stencil instead of ``reverse()``), for links repeated on every card."""
    return _link_to(name, *args)


# Parameters that repeat (?tag=a&tag=b); every other one holds a single value.
MULTI_VALUED = {"tag"}
# Parameters a filter link never carries over: a changed filter starts again at page 1.
RESET = ("page",)


def _link(request, params):
    _clean(params)
    query = params.urlencode()
    return f"?{query}" if query else request.path


def _clean(params):
    for key in RESET:
        params.pop(key, None)
    # Keep the result a valid query: a relation means nothing without its statement, relevance without words.
    if not params.get("statement"):
        params.pop("relation", None)
    if not params.get("q") and params.get("sort") == "relevance":
        params.pop("sort")


@register.simple_tag(takes_context=True)
def query_with(context, key, value):
    """The current URL with ``key`` set to ``value`` (added to the others for a repeating parameter), page 1."""
    return url_with(context["request"], key, value)


def url_with(request, key, value):
    """:func:`query_with` for Python code (a view precomputing many links)."""
    params = request.GET.copy()
    value = str(value)
    if key in MULTI_VALUED:
        values = [v for v in params.getlist(key) if v != value]
        params.setlist(key, values + [value])
    else:
        params[key] = value
    return _link(request, params)


@register.simple_tag(takes_context=True)
def query_without(context, key, value=None):
    """The current URL without ``key`` (or without just this ``value`` of a repeating parameter), page 1."""
    return url_without(context["request"], key, value)


def url_without(request, key, value=None):
    """:func:`query_without` for Python code."""
    params = request.GET.copy()
    if value is not None and key in MULTI_VALUED:
        params.setlist(key, [v for v in params.getlist(key) if v != str(value)])
    else:
        params.pop(key, None)
    return _link(request, params)


@register.simple_tag(takes_context=True)
def query_toggle(context, key, value, selected):
    """Remove the filter when it is ``selected``, add it otherwise: what a facet link does."""
    return url_toggle(context["request"], key, value, selected)


def url_toggle(request, key, value, selected):
    """:func:`query_toggle` for Python code."""
    if selected:
        return url_without(request, key, value)
    return url_with(request, key, value)


class FilterLinks:
    """:func:`url_with` and :func:`url_toggle` for many links off one page (a list's facets, some sixty): the
    current query is copied, cleaned and encoded once, and each link then encodes only the pair it changes. The
    same addresses, for a fraction of the cost (each of those functions copies and encodes the whole query).

    Only for keys the cleaning in :func:`_clean` does not look at (a place, a tag, a role, a source); any other key
    goes through the functions themselves.
    """

    INDEPENDENT = frozenset({"place", "tag", "role", "source", "incident", "date_from", "date_to"})

    def __init__(self, request):
        self.request = request
        params = request.GET.copy()
        _clean(params)
        # Each key's values, each with its encoded pair, in the query's order.
        self.pairs = {key: [(str(value), _pair(key, value)) for value in values] for key, values in params.lists()}
        self.encoded = {key: [pair for _, pair in pairs] for key, pairs in self.pairs.items()}

    def with_value(self, key, value):
        if key not in self.INDEPENDENT:
            return url_with(self.request, key, value)
        value = str(value)
        kept = [pair for v, pair in self.pairs.get(key, ()) if v != value] if key in MULTI_VALUED else []
        return self._query({key: [*kept, _pair(key, value)]})

    def without_value(self, key, value=None):
        if key not in self.INDEPENDENT:
            return url_without(self.request, key, value)
        if value is not None and key in MULTI_VALUED:
            return self._query({key: [pair for v, pair in self.pairs.get(key, ()) if v != str(value)]})
        return self._query({key: []})

    def toggle(self, key, value, selected):
        return self.without_value(key, value) if selected else self.with_value(key, value)

    def _query(self, changed):
        """The query with ``changed`` (``{key: [encoded pair, …]}``) in place of that key's pairs: where the key
        was, or last when it is new, as ``QueryDict`` orders them."""
        query = "&".join(pair for pairs in (self.encoded | changed).values() for pair in pairs)
        return f"?{query}" if query else self.request.path


def _pair(key, value):
    """One ``key=value`` of a query string, encoded as ``QueryDict.urlencode()`` encodes it."""
    return urlencode({key.encode(): str(value).encode()})


@register.filter
def day_format(day):
    """5 January 2022, as the active language writes it."""
    if not day:
        return ""
    if type(day) is datetime.date:  # a datetime is shown in the reader's time zone: formatted each time
        return _day_format(day, get_language())
    return date_format(day, "j F Y")


@functools.lru_cache(maxsize=4096)
def _day_format(day, language):
    return date_format(day, "j F Y")


@register.simple_tag
def date_span(start, end, is_approximate=False):
    """ "5 January 2022", "4–6 January 2022" or "30 December 2021 – 2 January 2022", with "approx." when so."""
    if not start:
        return ""
    return _date_span(start, end, bool(is_approximate), get_language())


# A card's dates cost ~65 µs to format (date_format's lookups, the month's name translated); an archive holds a few
# hundred distinct spans, so each is formatted once per language and process.
@functools.lru_cache(maxsize=4096)
def _date_span(start, end, is_approximate, language):
    if end is None or end == start:
        text = date_format(start, "j F Y")
    elif (start.year, start.month) == (end.year, end.month):
        text = _("%(start)s–%(end)s") % {"start": date_format(start, "j"), "end": date_format(end, "j F Y")}
    elif start.year == end.year:
        text = _("%(start)s – %(end)s") % {"start": date_format(start, "j F"), "end": date_format(end, "j F Y")}
    else:
        text = _("%(start)s – %(end)s") % {"start": date_format(start, "j F Y"), "end": date_format(end, "j F Y")}
    if is_approximate:
        text = _("approx. %(date)s") % {"date": text}
    return text


@register.filter
def language_label(code):
    """A language's name in the reader's language ("Russian"), from its code ("ru"); a code Django does not know
    stays as it is rather than failing the page."""
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code


@register.filter
def url_host(url):
    """The host an address points at ("www.hrw.org"), to name a link by where it leads; the address if it has none."""
    return urlsplit(str(url)).hostname or url


@register.filter
def count_format(number):
    """12,345: counts with thousands grouped, as the active language groups them."""
    return number_format(number, force_grouping=True)


@register.filter
def shift_days(day, days):
    """The day ``days`` days after (or before, when negative) ``day``."""
    return day + datetime.timedelta(days=int(days))


@register.simple_tag(takes_context=True)
def page_link(context, number):
    """The current URL on page ``number`` (page 1 without the parameter, so it has one address)."""
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    if int(number) > 1:
        params["page"] = number
    query = params.urlencode()
    return f"?{query}" if query else request.path


@register.filter
def page_links(page):
    """Page numbers around the current one, with ``None`` where numbers are left out: 1 2 … 7 8 9 … 40."""
    return [
        None if n == page.paginator.ELLIPSIS else n
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


@register.filter
def indent(depth):
    """Non-breaking spaces that show a place's depth in a drop-down list (where ordinary spaces collapse)."""
    return "\u00a0\u00a0\u00a0" * int(depth or 0)


# --- The timeline, drawn as SVG on the server -------------------------------------------------------------------

TIMELINE_STEP = 18  # one day's column, in SVG units
TIMELINE_BAR = 14
TIMELINE_BARS_TOP = 8
TIMELINE_BARS_HEIGHT = 110
TIMELINE_PAD = 8


@register.inclusion_tag("includes/timeline.html")
def timeline_chart(timeline):
    """Geometry for the home page's timeline: one column per day, a bar for testimonies, a dot for statements."""
    peak = timeline.max_testimonies or 1
    axis = TIMELINE_BARS_TOP + TIMELINE_BARS_HEIGHT
    columns = []
    for index, entry in enumerate(timeline.days):
        height = round(TIMELINE_BARS_HEIGHT * entry.testimonies / peak, 1) if entry.testimonies else 0
        x = TIMELINE_PAD + index * TIMELINE_STEP
        columns.append(
            {
                "entry": entry,
                "x": x,
                "bar_x": x + (TIMELINE_STEP - TIMELINE_BAR) / 2,
                "bar_y": axis - height,
                "bar_height": height,
                "centre": x + TIMELINE_STEP / 2,
                "has_entries": bool(entry.testimonies or entry.statements),
                "label": date_format(entry.day, "j M") if index % 7 == 0 or entry.day.day == 1 else "",
            }
        )
    return {
        "timeline": timeline,
        "columns": columns,
        "width": TIMELINE_PAD * 2 + len(columns) * TIMELINE_STEP,
        # Drawn larger than its own units on a wide screen, but not so large that a short timeline fills a page.
        "max_width": round((TIMELINE_PAD * 2 + len(columns) * TIMELINE_STEP) * 1.6),
        "axis": axis,
        "marker_y": axis + 12,
        "label_y": axis + 34,
        "height": axis + 44,
        "column_height": axis + 20,
        "step": TIMELINE_STEP,
        "bar_width": TIMELINE_BAR,
    }

"""List pages: all testimonies, and those of one place, incident or source, with the same filters and facets.

Each page runs the same steps, each in its own module: parse and filter (``filters``), search (inside the filter),
count and page (``pagination``), count facets (``facets``), render. A fixed number of queries whatever the rows.
"""

from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from testimony import facets, pagecache, pagination, search
from testimony.filters import RELATION_CHOICES, Sort, active_filters, filter_testimonies
from testimony.models import Incident, Place, Source, Testimony, Witness
from testimony.templatetags.archive_tags import FilterLinks

LIST_TEMPLATE = "browse/list.html"


def testimony_list(request):
    return browse(request, LIST_TEMPLATE, {"heading": _("Testimonies")})


def place(request, slug):
    place = get_object_or_404(Place, slug=slug)
    testimonies = Testimony.objects.public().in_place(place)
    context = {"heading": place.name, "place": place, "ancestors": place.ancestors()}
    return browse(request, "browse/place.html", context, testimonies, fixed=("place", place))


def incident(request, slug):
    incident = get_object_or_404(Incident.objects.select_related("place"), slug=slug)
    through = Testimony.incidents.through
    testimonies = Testimony.objects.public().filter(
        pk__in=through.objects.filter(incident=incident).values("testimony_id")
    )
    context = {
        "heading": incident.name,
        "incident": incident,
        "statements": incident.statements.public().for_list(),
    }
    return browse(request, "browse/incident.html", context, testimonies, fixed=("incident", incident))


def source(request, slug):
    source = get_object_or_404(Source, slug=slug)
    testimonies = Testimony.objects.public().filter(source=source)
    context = {"heading": source.name, "source": source}
    return browse(request, "browse/source.html", context, testimonies, fixed=("source", source))


def browse(request, template, context, testimonies=None, fixed=None):
    """Filter, search, count, page and facet ``testimonies`` (all public ones by default) for this request.

    ``fixed`` is the page's own filter, e.g. ``("place", place)``: it narrows every result, is not offered for
    removal and goes into the export links. Answers 400 for a bad parameter, 404 for a page past the end.
    """
    vocabulary = facets.Vocabulary.load()
    within_place = fixed[1] if fixed and fixed[0] == "place" else None
    filterset, results = filter_testimonies(request.GET, testimonies, vocabulary, within_place)
    context |= {
        "filterset": filterset,
        "form": filterset.form,
        "vocabulary": vocabulary,
        "active": active_filters(filterset, fixed),
        "export_query": _export_query(request.GET, fixed),
        **_form_choices(request, filterset, vocabulary, fixed),
    }
    if not filterset.is_valid():
        return render(request, template, context, status=400)
    data = filterset.form.cleaned_data
    try:
        number = pagination.parse_page_number(request.GET.get("page"))
    except pagination.BadPageNumber as error:
        return render(request, template, context | {"page_error": str(error)}, status=400)
    ranked = filterset.sort_key == Sort.RELEVANCE
    matched = facets.count_results(results, data, fixed, vocabulary, ranked=ranked)
    if matched.table is not None and matched.table.earliest is not None and data.get("date_from"):
        # No match starts before this day (the counts table says): an exact bound that lets the date-ordered index
        # scan start at the window instead of at the first day of the archive.
        results = results.filter(date_start__gte=matched.table.earliest)
    counted = matched.count + 1 if matched.is_capped else matched.count  # as a bounded count says "more"
    rows = results.for_cards()
    facets.sample_in_list_order(results, matched)
    if matched.ranked is not None:  # a search whose matches were ranked while counting them: load the page by id
        rows = pagination.RowsInOrder(matched.ranked, rows)
    elif matched.ids_in_order and (number * pagination.PER_PAGE <= len(matched.ids) or len(matched.ids) == counted):
        rows = pagination.RowsInOrder(matched.ids, rows)  # the page lies among the facets' sample, fetched in order
    else:
        if matched.table is None and matched.ids is not None and len(matched.ids) == counted:
            # The bounded count found every match (a few hundred, say, under two tags): the page's rows are looked
            # up by those ids, instead of walking the list's order through every row of the dates to find them.
            rows = rows.filter(pk__any_of=matched.ids)
        if filterset.has_query:
            rows = pagination.ChosenFirst(rows)  # a snippet for each row shown, none for the rows an OFFSET skips
    try:
        page = pagination.paginate(rows, str(number), known_count=counted, exact=matched.table is not None)
    except pagination.PageOutOfRange as error:
        return render(request, template, context | {"page_error": str(error)}, status=404)
    context["page"] = vocabulary.with_tags(page)
    context["ranked_among"] = matched.ranked_among
    if filterset.has_query:  # the words also marked in each card's title, place and witness: why it matched
        context["search_marker"] = search.marker(data["q"])
    context["facets"] = _facets(request, filterset, results, vocabulary, fixed, matched)
    return render(request, template, context)


def _facets(request, filterset, results, vocabulary, fixed, matched):
    data = filterset.form.cleaned_data
    place_root = data.get("place") or (fixed[1] if fixed and fixed[0] == "place" else None)
    selected = {
        "tag": {tag.slug for tag in data.get("tag") or ()},
        "role": data.get("role"),
        "source": data["source"].slug if data.get("source") else None,
    }
    found = facets.testimony_facets(
        results,
        vocabulary,
        matched=matched.count,
        is_capped=matched.is_capped,
        place_root=place_root,
        selected=selected,
        table=matched.table,
        ids=matched.ids,
        sample=matched.sample,
    )
    # Each facet item's link, built here: one template tag per item cost more than the counting.
    links = FilterLinks(request)
    for item in found.places:
        item.url = links.with_value("place", item.value)
    tags = [item for group in found.tag_groups for item in group.items]
    for key, items in [("tag", tags), ("role", found.roles), ("source", found.sources)]:
        for item in items:
            item.url = links.toggle(key, item.value, item.selected)
    return found


# Filters kept under "More filters": the panel opens by itself when one of them is in use or wrong.
SECONDARY = ("role", "source", "incident", "tag", "statement", "relation", "sort")


def _form_choices(request, filterset, vocabulary, fixed):
    """What the filter form offers: a place page offers only the places beneath it."""
    places = vocabulary.places
    fixed_place = fixed[1].pk if fixed and fixed[0] == "place" else None
    if fixed_place:
        places = [p for p in places if p.path.startswith(fixed[1].path) and p.pk != fixed_place]
    return {
        "place_choices": places,
        "place_options": _options(("places", fixed_place), places, filterset.form["place"].value()),
        "source_options": _options(("sources",), vocabulary.sources, filterset.form["source"].value(), False),
        "incident_options": _options(("incidents",), vocabulary.incidents, filterset.form["incident"].value(), False),
        "role_choices": Witness.Role.choices,
        "relation_choices": RELATION_CHOICES,
        "all_sort_choices": Sort.CHOICES,
        "sort_choices": [(key, label) for key, label in Sort.CHOICES if key != Sort.RELEVANCE or filterset.has_query],
        "more_filters_open": any(request.GET.get(key) for key in SECONDARY)
        or any(key in filterset.form.errors for key in SECONDARY),
    }


def _options(key, items, chosen, indented=True):
    """:func:`place_options`, built once per list and language while the archive is unchanged; the chosen option
    is then marked in the kept text."""
    html = pagecache.memoize(("options", get_language(), *key), lambda: place_options(items, None, indented))
    if chosen in (None, ""):
        return html
    value = f'value="{escape(str(chosen))}">'
    return mark_safe(html.replace(value, value[:-1] + " selected>", 1))  # noqa: S308 - html and value are escaped


def place_options(places, chosen, indented=True):
    """A drop-down list's ``<option>`` elements, the chosen one selected.

    Places (``indented``) come grouped under their parent: one ``<optgroup>`` per place with places beneath it,
    labelled with its path ("In Kazakhstan › Almaty") and holding its children by their plain names. The open list
    shows where each place lies, and the closed one shows just the chosen name (spaces to indent it showed there
    too, shifting it right). Places whose parent is not offered (the top of the tree, or those right beneath a
    place's own page) come first, ungrouped. ``places`` is in path order, so a parent comes before its children.

    Built here rather than in the template: hundreds of places, each a handful of template lookups, were a third
    of the list page's rendering time. Serves the source and incident lists too (``indented=False``, no groups).
    """
    chosen = str(chosen) if chosen not in (None, "") else None

    def option(item, name):
        selected = " selected" if item.slug == chosen else ""
        return f'<option value="{escape(item.slug)}"{selected}>{name}</option>'

    if not indented:
        return mark_safe("".join(option(item, escape(item.name)) for item in places))  # noqa: S308 - escaped
    offered = {place.pk for place in places}
    names = {}  # escaped once: a name goes into its option and into the label of every group beneath it
    groups = {}  # a parent's id (None: no parent offered) -> its children's options
    for place in places:
        names[place.pk] = name = escape(place.name)
        parent = place.parent_id if place.parent_id in offered else None
        groups.setdefault(parent, []).append(option(place, name))
    options = groups.get(None, [])
    # Translators: heads a group in the Place drop-down list, e.g. "In Kazakhstan › Almaty".
    within = escape(_("In %(place)s"))
    paths = {}
    for place in places:
        parent = paths.get(place.parent_id)
        paths[place.pk] = path = f"{parent} › {names[place.pk]}" if parent else names[place.pk]
        if place.pk in groups:
            label = within % {"place": path}
            options.append(f'<optgroup label="{label}">{"".join(groups[place.pk])}</optgroup>')
    return mark_safe("".join(options))  # noqa: S308 - every value above is escaped


def _export_query(params, fixed):
    """The page's parameters for the export links: the page's own filter added, the page number dropped."""
    params = params.copy()
    params.pop("page", None)
    if fixed and not params.get(fixed[0]):
        params[fixed[0]] = fixed[1].slug
    query = params.urlencode()
    return f"?{query}" if query else ""

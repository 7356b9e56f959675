"""The indexes of places, sources and incidents, each entry linked to its page with how many public testimonies it
holds: places as a tree, sources by name, incidents by date."""

from django.shortcuts import render

from testimony import facets, pagination
from testimony.models import Incident

INCIDENTS_PER_PAGE = 50


def places(request):
    """The place tree, each place with its subtree's count. One query, and the vocabulary's."""
    index = facets.place_index(facets.Vocabulary.load())
    return render(request, "indexes/places.html", {"index": index})


def sources(request):
    """Sources by name, each with its count. Two queries."""
    return render(request, "indexes/sources.html", {"sources": facets.source_index()})


def incidents(request):
    """Incidents by date, 50 a page, each with its dates, place and how many public testimonies tell of it. Three
    queries: the count, the page, the page's testimony counts (kept by the process until the archive changes: they
    read every link to the page's incidents, see :func:`facets.incident_index`)."""
    template = "indexes/incidents.html"
    rows = Incident.objects.select_related("place").order_by("date_start", "name", "pk")
    try:
        page = pagination.paginate(rows, request.GET.get("page"), per_page=INCIDENTS_PER_PAGE)
    except pagination.BadPageNumber as error:
        return render(request, template, {"page_error": str(error)}, status=400)
    except pagination.PageOutOfRange as error:
        return render(request, template, {"page_error": str(error)}, status=404)
    return render(request, template, {"page": page, "index": facets.incident_index(page)})

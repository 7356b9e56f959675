"""The indexes of places, sources and incidents, each entry linked to its page: places and sources with how many
public testimonies they hold, incidents by date."""

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
    """Incidents by date, 50 a page, each with its dates and place. Two queries: the count, the page.

    No count of testimonies beside each: counting an incident's public testimonies reads every link to it (70 ms for
    a page of 50 at a million testimonies); the incident's own page counts them."""
    template = "indexes/incidents.html"
    rows = Incident.objects.select_related("place").order_by("date_start", "name", "pk")
    try:
        page = pagination.paginate(rows, request.GET.get("page"), per_page=INCIDENTS_PER_PAGE)
    except pagination.BadPageNumber as error:
        return render(request, template, {"page_error": str(error)}, status=400)
    except pagination.PageOutOfRange as error:
        return render(request, template, {"page_error": str(error)}, status=404)
    return render(request, template, {"page": page})

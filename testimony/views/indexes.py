"""The indexes of places and sources: each with how many public testimonies it holds, linked to its page."""

from django.shortcuts import render

from testimony import facets


def places(request):
    """The place tree, each place with its subtree's count. One query, and the vocabulary's."""
    index = facets.place_index(facets.Vocabulary.load())
    return render(request, "indexes/places.html", {"index": index})


def sources(request):
    """Sources by name, each with its count. Two queries."""
    return render(request, "indexes/sources.html", {"sources": facets.source_index()})

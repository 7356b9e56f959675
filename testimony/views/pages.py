"""The home page, the methodology and robots.txt."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from testimony import facets
from testimony.models import Incident, Tag, TagGroup, Testimony

LATEST = 6
MAX_INCIDENTS = 30


def home(request):
    """What the archive is, its figures, the timeline, the latest testimonies and the incidents. Nine queries."""
    latest = (
        Testimony.objects.public()
        .for_list()
        .defer("body", "translation", "editor_notes", "search_vector")
        .order_by("-published_at", "-number")[:LATEST]
    )
    incidents = list(Incident.objects.select_related("place").order_by("date_start", "name")[: MAX_INCIDENTS + 1])
    context = {
        "figures": facets.archive_figures(),
        "timeline": facets.timeline(),
        "latest": latest,
        "incidents": incidents[:MAX_INCIDENTS],
        "more_incidents": len(incidents) > MAX_INCIDENTS,
    }
    return render(request, "pages/home.html", context)


def methodology(request):
    """Every tag group with its tags and their definitions, from the data. Two queries."""
    groups = TagGroup.objects.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("position", "name")))
    return render(request, "pages/methodology.html", {"groups": groups})


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("testimony:sitemap"))
    admin = reverse("admin:index")
    lines = ["User-agent: *", f"Disallow: {admin}", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

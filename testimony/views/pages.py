"""The home page, the methodology and robots.txt."""

import hashlib

from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from testimony import facets
from testimony.models import Incident, Tag, TagGroup, Testimony
from testimony.templatetags.archive_tags import timeline_chart

LATEST = 6
MAX_INCIDENTS = 30
TIMELINE_CACHE_SECONDS = 3600


def home(request):
    """What the archive is, its figures, the timeline, the latest testimonies and the incidents. Seven queries, and the
    vocabulary's four where the process does not keep it (tests, DEBUG)."""
    vocabulary = facets.Vocabulary.load()
    latest = Testimony.objects.public().for_cards().order_by("-published_at", "-number")[:LATEST]
    latest = vocabulary.with_tags(list(latest))
    incidents = list(Incident.objects.select_related("place").order_by("date_start", "name")[: MAX_INCIDENTS + 1])
    timeline = facets.timeline()
    context = {
        "figures": facets.archive_figures(vocabulary),
        "timeline": timeline,
        "timeline_html": timeline_html(timeline),
        "latest": latest,
        "incidents": incidents[:MAX_INCIDENTS],
        "more_incidents": len(incidents) > MAX_INCIDENTS,
    }
    return render(request, "pages/home.html", context)


def timeline_html(timeline):
    """The timeline's SVG and list, rendered once per distinct timeline and language, then from the cache.

    The key is the timeline's own content (every day's numbers), so a write that changes a number changes the key:
    nothing is ever served stale. Drawing 92 days is most of the home page's rendering time.
    """
    content = repr([(d.day, d.testimonies, d.statements) for d in timeline.days] + [timeline.is_clipped])
    digest = hashlib.sha256(content.encode()).hexdigest()[:32]
    key = f"timeline:{get_language()}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("includes/timeline.html", timeline_chart(timeline))
        cache.set(key, html, TIMELINE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes


def methodology(request):
    """Every tag group with its tags and their definitions, from the data. Two queries."""
    groups = TagGroup.objects.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("position", "name")))
    return render(request, "pages/methodology.html", {"groups": groups})


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("testimony:sitemap"))
    admin = reverse("admin:index")
    lines = ["User-agent: *", f"Disallow: {admin}", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

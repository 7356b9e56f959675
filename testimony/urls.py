from django.contrib.sitemaps import views as sitemaps
from django.urls import path, register_converter

from .converters import IdentifierConverter, IsoDateConverter, RevisionNumberConverter
from .views import browse, days, exports, feeds, indexes, pages, revisions, statements, testimonies

register_converter(IsoDateConverter, "isodate")
register_converter(IdentifierConverter, "identifier")
register_converter(RevisionNumberConverter, "revision")

app_name = "testimony"

urlpatterns = [
    path("", pages.home, name="home"),
    path("methodology/", pages.methodology, name="methodology"),
    path("robots.txt", pages.robots_txt, name="robots"),
    # An index of one sitemap per family, each paginated at the sitemaps framework's 50,000 URLs (?p=2 ...).
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": feeds.SITEMAPS, "sitemap_url_name": "testimony:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemaps.sitemap, {"sitemaps": feeds.SITEMAPS}, name="sitemap-section"),
    path("feeds/testimonies/", feeds.LatestTestimoniesFeed(), name="feed"),
    path("feeds/corrections/", feeds.CorrectionsFeed(), name="feed-corrections"),
    path("testimonies/", browse.testimony_list, name="list"),
    path("testimonies/export.csv", exports.export_csv, name="export-csv"),
    path("testimonies/export.json", exports.export_json, name="export-json"),
    path("testimonies/<identifier:identifier>/", testimonies.detail, name="detail"),
    path("testimonies/<identifier:identifier>/revisions/<revision:number>/", revisions.revision, name="revision"),
    path("statements/", statements.statement_list, name="statements"),
    path("statements/<identifier:identifier>/", statements.detail, name="statement"),
    path("days/<isodate:day>/", days.day, name="day"),
    path("places/", indexes.places, name="places"),
    path("places/<slug:slug>/", browse.place, name="place"),
    path("incidents/", indexes.incidents, name="incidents"),
    path("incidents/<slug:slug>/", browse.incident, name="incident"),
    path("sources/", indexes.sources, name="sources"),
    path("sources/<slug:slug>/", browse.source, name="source"),
]

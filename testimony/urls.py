from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from .converters import IsoDateConverter
from .views import browse, days, exports, feeds, pages, revisions, statements, testimonies

register_converter(IsoDateConverter, "isodate")

app_name = "testimony"

urlpatterns = [
    path("", pages.home, name="home"),
    path("methodology/", pages.methodology, name="methodology"),
    path("robots.txt", pages.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": feeds.SITEMAPS}, name="sitemap"),
    path("feeds/testimonies/", feeds.LatestTestimoniesFeed(), name="feed"),
    path("testimonies/", browse.testimony_list, name="list"),
    path("testimonies/export.csv", exports.export_csv, name="export-csv"),
    path("testimonies/export.json", exports.export_json, name="export-json"),
    path("testimonies/<str:identifier>/", testimonies.detail, name="detail"),
    path("testimonies/<str:identifier>/revisions/<int:number>/", revisions.revision, name="revision"),
    path("statements/", statements.statement_list, name="statements"),
    path("statements/<str:identifier>/", statements.detail, name="statement"),
    path("days/<isodate:day>/", days.day, name="day"),
    path("places/<slug:slug>/", browse.place, name="place"),
    path("incidents/<slug:slug>/", browse.incident, name="incident"),
    path("sources/<slug:slug>/", browse.source, name="source"),
]

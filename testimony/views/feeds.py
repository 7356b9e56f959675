"""The Atom feeds (newly published testimonies; their corrections and retractions) and the sitemap of every public
page."""

import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from testimony import plaintext, public
from testimony.models import Incident, Place, Revision, Source, Statement, Status, Tag, Testimony

FEED_LENGTH = 50
# A testimony dated over a long range covers every day of it; the sitemap lists at most this many of them.
MAX_DAYS_PER_RANGE = 366


class PlainAtomFeed(Atom1Feed):
    """Atom without the control characters XML 1.0 cannot carry: one stored in a title or an account (forms and
    imports refuse them now, but text saved before stays) would fail the whole feed for every reader."""

    def add_item(self, title, link, description, **kwargs):
        kwargs = {name: _plain(value) for name, value in kwargs.items()}
        super().add_item(_plain(title), link, _plain(description), **kwargs)


def _plain(value):
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    return plaintext.without_control_characters(value)


class ArchiveFeed(Feed):
    """What the archive's Atom feeds share: the archive as author, the list as their page, and each feed's own
    address (``url_name``) as its Atom id."""

    feed_type = PlainAtomFeed
    url_name = None

    def link(self):
        return reverse("testimony:list")

    def feed_url(self):
        return reverse(self.url_name)

    def get_object(self, request, *args, **kwargs):
        return request  # for feed_guid

    def feed_guid(self, request):
        return request.build_absolute_uri(self.feed_url())

    def author_name(self):
        return settings.ARCHIVE_NAME


class LatestTestimoniesFeed(ArchiveFeed):
    """The most recently published public testimonies. Two queries: the rows with their joins and the time of each
    one's latest public revision, then their tags.

    An entry's ``updated`` is its latest public revision after the first (a correction, a retraction), so a feed
    reader that already holds the entry shows it changed; the corrections feed below lists those changes themselves.
    """

    url_name = "testimony:feed"
    description_template = "feeds/testimony_description.html"

    def title(self):
        return _("%(archive)s: newly published testimonies") % {"archive": settings.ARCHIVE_NAME}

    def subtitle(self):
        return _("Eyewitness accounts as they are published in the archive, verbatim, with where and when.")

    def items(self):
        latest = Revision.objects.later().filter(testimony=OuterRef("pk")).order_by("-number").values("published")
        return (
            Testimony.objects.public()
            .select_related("witness", "place", "source")
            .only(*public.testimony_load_fields())
            .annotate(last_revised=Subquery(latest[:1]))
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))
            .order_by("-published_at", "-number")[:FEED_LENGTH]
        )

    def item_title(self, item):
        if item.is_retracted:
            return _("%(identifier)s: %(title)s (retracted)") % {"identifier": item.identifier, "title": item.title}
        return f"{item.identifier}: {item.title}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_revised or item.published_at  # its last public change, if any, since it was published

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class CorrectionsFeed(ArchiveFeed):
    """Every public revision after a testimony's first: corrections, regradings and retractions, newest first.

    A journalist who cited an account subscribes here to learn that it changed or was withdrawn, whenever it was
    first published. Each entry points at the revision's permanent address and carries its public summary. One
    query, read off the index of later revisions by time.
    """

    url_name = "testimony:feed-corrections"
    description_template = "feeds/correction_description.html"

    def title(self):
        return _("%(archive)s: corrections and retractions") % {"archive": settings.ARCHIVE_NAME}

    def subtitle(self):
        return _("Each public change to a testimony after it was first published, with the editors' summary.")

    def items(self):
        public = Revision.objects.later().filter(testimony__in=Testimony.objects.public())
        return public.for_feed().order_by("-published", "-pk")[:FEED_LENGTH]

    def item_title(self, item):
        # The testimony as this revision left it: a later retraction or new title is a later entry's news.
        values = {"identifier": item.testimony.identifier, "number": item.number, "title": item.record.title}
        if item.record.status == Status.RETRACTED:
            return _("%(identifier)s, revision %(number)d: %(title)s (retracted)") % values
        return _("%(identifier)s, revision %(number)d: %(title)s") % values

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.published


class PagesSitemap(Sitemap):
    def items(self):
        return [
            "testimony:home",
            "testimony:list",
            "testimony:statements",
            "testimony:places",
            "testimony:sources",
            "testimony:incidents",
            "testimony:methodology",
        ]

    def location(self, item):
        return reverse(item)


class TestimonySitemap(Sitemap):
    def items(self):
        return Testimony.objects.public().only("identifier").order_by("number")


class StatementSitemap(Sitemap):
    def items(self):
        return Statement.objects.public().only("identifier").order_by("number")


class DaySitemap(Sitemap):
    """Every day a public testimony covers or a public statement was made on. Two queries."""

    def items(self):
        days = set(Statement.objects.public().order_by().values_list("made_on", flat=True).distinct())
        ranges = Testimony.objects.public().order_by().values_list("date_start", "date_end").distinct()
        for start, end in ranges:
            length = min((end - start).days, MAX_DAYS_PER_RANGE - 1)
            days.update(start + datetime.timedelta(days=n) for n in range(length + 1))
        return sorted(days)

    def location(self, item):
        return reverse("testimony:day", args=[item])


class _SlugSitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.only("slug").order_by("pk")


class PlaceSitemap(_SlugSitemap):
    model = Place


class IncidentSitemap(_SlugSitemap):
    model = Incident


class SourceSitemap(_SlugSitemap):
    model = Source


SITEMAPS = {
    "pages": PagesSitemap,
    "testimonies": TestimonySitemap,
    "statements": StatementSitemap,
    "days": DaySitemap,
    "places": PlaceSitemap,
    "incidents": IncidentSitemap,
    "sources": SourceSitemap,
}

from django.contrib.syndication.views import Feed

SITEMAPS = {}


class LatestTestimoniesFeed(Feed):
    title = "Testimonies"
    link = "/"

    def items(self):
        return []

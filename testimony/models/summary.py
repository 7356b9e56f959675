from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .places import Place


class FacetCount(models.Model):
    """How many public testimonies there are per (date range, place) and per facet value: the pages' counts.

    Derived data, written only by ``testimony.summary`` (from the signals, the bulk loaders and the
    ``rebuild_facet_counts`` command), never by hand. Each row says: ``n`` public testimonies have exactly these
    ``date_start``/``date_end`` and ``place`` and carry this facet ``value``:

    - ``kind="place"``: every public testimony once (``value`` is empty);
    - ``kind="tag"``/``"role"``/``"source"``: once per tag it carries / its witness's role / its source;
    - ``kind="span"``: every public testimony once per date range, all places together (``place`` is empty).

    Rows whose dates are empty are the same counts over all dates (one per place and value; the ``span`` one is the
    grand total), so a page with no date filter reads a few thousand rows, whatever the size of the archive.
    A date window is counted exactly with overlap semantics (``date_start <= to and date_end >= from``) because a
    row keeps the testimony's own range.
    """

    class Kind(models.TextChoices):
        PLACE = "place", _("place")
        TAG = "tag", _("credibility tag")
        ROLE = "role", _("witness role")
        SOURCE = "source", _("source")
        SPAN = "span", _("date range")

    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    date_start = models.DateField(_("from"), null=True)
    date_end = models.DateField(_("to"), null=True)
    place = models.ForeignKey(
        Place, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+", verbose_name=_("place")
    )
    # A tag or source id, or a role, as text; empty for "place" and "span" rows.
    value = models.CharField(_("value"), max_length=40, blank=True)
    n = models.PositiveIntegerField(_("testimonies"))

    class Meta:
        verbose_name = _("facet count")
        verbose_name_plural = _("facet counts")
        indexes = [
            # Date windows and the refresh of one (start, end, place) key.
            models.Index(fields=["date_start", "date_end", "place"], name="facetcount_dates_place"),
            # The all-dates rows, by place (pages without a date filter; the refresh of a place's rollup).
            models.Index(fields=["place", "kind"], name="facetcount_alldates", condition=Q(date_start__isnull=True)),
            # One tag, role or source chosen: its rows only, by date.
            models.Index(fields=["kind", "value", "date_start", "date_end"], name="facetcount_chosen"),
            # One tag, role or source chosen within a place's subtree: its rows at those places only, read off the
            # index (PostgreSQL). The index above would AND its window's rows with every row of those places.
            models.Index(
                fields=["kind", "value", "place", "date_start"],
                include=["date_end", "n"],
                name="facetcount_chosen_place",
            ),
            # The per-range rows: the timeline, a day's count and its neighbouring days.
            models.Index(fields=["date_start", "date_end"], name="facetcount_spans", condition=Q(kind="span")),
        ]

    def __str__(self):
        return f"{self.kind} {self.value} {self.date_start}–{self.date_end} @{self.place_id}: {self.n}"

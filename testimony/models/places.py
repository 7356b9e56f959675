from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..links import link
from .vocabulary import SlugManager, SlugNaturalKey


class PlaceQuerySet(models.QuerySet):
    def subtree(self, place: "Place"):
        """The place and every place beneath it, found by its materialized path (one indexed prefix scan)."""
        return self.filter(path__startswith=place.path)


class Place(SlugNaturalKey, models.Model):
    """A node of the gazetteer: country › region or city › district › site.

    ``path`` holds the ids from the root down ("/1/4/17/") so that "this place and everything beneath it" is one
    prefix match. It is derived from ``parent`` on save and never edited by hand.
    """

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        SITE = "site", _("Site")

    name = models.CharField(_("name"), max_length=200)
    other_names = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Spellings in other languages, comma-separated."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, editable=False, db_index=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["path", "depth"])
    objects = SlugManager.from_queryset(PlaceQuerySet)()

    class Meta:
        ordering = ["path"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            # Subtree filters: WHERE path LIKE '/1/4/%' (the pattern opclass serves LIKE on PostgreSQL).
            models.Index(fields=["path"], name="testimony_place_path", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="testimony_place_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="testimony_place_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return link("testimony:place", self.slug)

    def clean(self):
        if self.parent_id and self.pk:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("A place cannot be inside itself.")})
                ancestor = ancestor.parent

    def derive_path(self):
        parent_path = Place.objects.filter(pk=self.parent_id).values_list("path", flat=True).first() or "/"
        return f"{parent_path}{self.pk}/"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.pk is None:
                self.path = "/"  # placeholder until we have an id
                super().save(*args, **kwargs)
                kwargs.pop("force_insert", None)
            old_path = self.path
            parent_path = self.parent.path if self.parent_id else "/"
            self.path = f"{parent_path}{self.pk}/"
            self.depth = self.path.count("/") - 2
            super().save(*args, **kwargs)
            if old_path not in ("/", self.path):
                # Moved: rewrite the paths of everything beneath it in one statement, and the place tokens of the
                # testimonies there with them, which searches narrowed to a place rely on.
                Place.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1)),
                )
                from testimony import search  # the search module reads the models: imported when needed

                search.refresh_place_tokens(self.path)

    def ancestors(self):
        """Root-first list of the places above this one. Costs one query."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = Place.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..links import link


class Status(models.TextChoices):
    """The editorial life of an entry. Only PUBLISHED and RETRACTED entries are ever public."""

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")


PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETRACTED)


class SlugManager(models.Manager):
    """Fixtures and dumps refer to vocabulary rows by slug (natural keys), not by database id."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugNaturalKey:
    def natural_key(self):
        return (self.slug,)


class TagGroup(SlugNaturalKey, models.Model):
    """A family of credibility grades, e.g. proximity, corroboration, supporting evidence."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Public: shown on the methodology page."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("tag group")
        verbose_name_plural = _("tag groups")

    def __str__(self):
        return self.name


class Tag(SlugNaturalKey, models.Model):
    """A credibility grade with a public definition, e.g. "first-hand" in the group "proximity"."""

    group = models.ForeignKey(TagGroup, on_delete=models.PROTECT, related_name="tags", verbose_name=_("group"))
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    definition = models.TextField(_("definition"), help_text=_("Public: what an editor means by this grade."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["group__position", "position", "name"]
        verbose_name = _("credibility tag")
        verbose_name_plural = _("credibility tags")
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="testimony_tag_unique_name_in_group"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return link("testimony:list") + f"?tag={self.slug}"


class Source(SlugNaturalKey, models.Model):
    """Where a testimony or a statement was published or collected: a publication, an organisation, an interview."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        NGO = "ngo", _("Human rights organisation / NGO")
        STATE_MEDIA = "state_media", _("State media")
        FOREIGN_MEDIA = "foreign_media", _("Foreign media")
        SOCIAL_MEDIA = "social_media", _("Social media")
        INTERVIEW = "interview", _("Interview")
        OFFICIAL = "official", _("Official channel")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PUBLICATION)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return link("testimony:source", self.slug)

"""Keeps the full-text index current after every write that changes what a testimony's search text holds."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import search
from .models import Place, Source, Tag, Testimony, Witness


def _reindex_later(ids):
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: search.reindex(ids))


@receiver(post_save, sender=Testimony)
def testimony_saved(sender, instance, raw=False, **kwargs):
    _reindex_later([instance.pk])


@receiver(post_delete, sender=Testimony)
def testimony_deleted(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: search.unindex([pk]))


@receiver(m2m_changed, sender=Testimony.tags.through)
def testimony_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # tag.testimonies.add(...): instance is the tag
        ids = pk_set or []
        if action == "post_clear":
            ids = []
        _reindex_later(ids)
    else:
        _reindex_later([instance.pk])


@receiver(post_save, sender=Tag)
@receiver(post_save, sender=Witness)
@receiver(post_save, sender=Source)
def vocabulary_saved(sender, instance, created, raw=False, **kwargs):
    if created:
        return
    _reindex_later(instance.testimonies.values_list("pk", flat=True))


@receiver(post_save, sender=Place)
def place_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        # loaddata skips Place.save(): derive the materialized path here (fixtures list parents first).
        instance.path = instance.derive_path()
        instance.depth = instance.path.count("/") - 2
        Place.objects.filter(pk=instance.pk).update(path=instance.path, depth=instance.depth)
    if created:
        return
    _reindex_later(Testimony.objects.in_place(instance).values_list("pk", flat=True))

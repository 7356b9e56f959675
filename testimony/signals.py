"""Keeps the full-text index current after every write that changes what a testimony's search text holds.

The work runs after the transaction commits (``on_commit``), so a rolled-back edit never reaches the index and the
index reads the committed rows. Writes that bypass signals (``bulk_create``, ``QuerySet.update``, raw SQL) are
followed by ``search.reindex(ids)`` or the ``rebuild_search_index`` command.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
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
    if not reverse:  # testimony.tags.add(...): instance is the testimony
        if action in ("post_add", "post_remove", "post_clear"):
            _reindex_later([instance.pk])
    elif action in ("post_add", "post_remove"):  # tag.testimonies.add(...): instance is the tag
        _reindex_later(pk_set or [])
    elif action == "pre_clear":
        # After tag.testimonies.clear() nothing says which testimonies had the tag: ask now, index after commit.
        _reindex_later(instance.testimonies.values_list("pk", flat=True))


@receiver(pre_delete, sender=Tag)
def tag_deleted(sender, instance, **kwargs):
    # Deleting a tag deletes its links without m2m_changed; the testimonies that carried it lose its name.
    _reindex_later(instance.testimonies.values_list("pk", flat=True))


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
    # A renamed place renames every testimony beneath it; a moved place gains new ancestors. Which testimonies lie
    # beneath is asked after commit, once Place.save() has rewritten the paths of the places under a moved one.
    transaction.on_commit(
        lambda: search.reindex(Testimony.objects.in_place(instance).values_list("pk", flat=True).order_by())
    )

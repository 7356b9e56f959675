"""Keeps the full-text index current after every write that changes what a testimony's search text holds.

The work runs after the transaction commits (``on_commit``), so a rolled-back edit never reaches the index and the
index reads the committed rows. Writes that bypass signals (``bulk_create``, ``QuerySet.update``, raw SQL) are
followed by ``search.reindex(ids)`` or the ``rebuild_search_index`` command.

The counts table (``testimony.summary``) is refreshed here too, but inside the writing transaction: the counts
commit or roll back with the rows they count. Bulk writers call ``summary.refresh_testimonies`` or
``summary.rebuild`` themselves; ``rebuild_facet_counts`` repairs everything.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import pagecache, search, summary
from .models import Place, Source, Tag, Testimony, Witness
from .models.vocabulary import PUBLIC_STATUSES


def _reindex_later(ids, announce=True):
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: search.reindex(ids, announce=announce))


@receiver(post_save, sender=Testimony)
def testimony_saved(sender, instance, raw=False, **kwargs):
    # A draft being edited changes no public page: its reindexing leaves the page cache alone.
    _reindex_later([instance.pk], announce=not pagecache.unseen(instance))


@receiver(post_delete, sender=Testimony)
def testimony_deleted(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: search.unindex([pk]))


@receiver(m2m_changed, sender=Testimony.tags.through)
def testimony_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # testimony.tags.add(...): instance is the testimony
        if action in ("post_add", "post_remove", "post_clear"):
            _reindex_later([instance.pk], announce=not pagecache.unseen(instance))
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


# --- Each row's copy of its tags (Testimony.tag_ids) ------------------------------------------------------------
# Written in the transaction that changes the links, so the tag filter, the facets and the cards never disagree with
# the link table once it commits; ``search.reindex`` writes it again with the index, and bulk writers through it.


def _copy_tags_onto(testimony):
    """Recompute one testimony's ``tag_ids`` (and its tag tokens) from its links, in the database and on the
    instance in hand (a later ``save()`` of that instance then writes the current value, not the one it was loaded
    with)."""
    search.refresh_tag_ids([testimony.pk])
    testimony.tag_ids = Testimony.objects.filter(pk=testimony.pk).values_list("tag_ids", flat=True).first() or ""


@receiver(post_save, sender=Testimony)
def testimony_tag_ids_saved(sender, instance, created, raw=False, **kwargs):
    # A save writes every column: one loaded before another request changed its tags writes their old copy back.
    if not created:
        _copy_tags_onto(instance)


@receiver(m2m_changed, sender=Testimony.tags.through)
def testimony_tag_ids_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # testimony.tags.add(...): instance is the testimony
        if action in ("post_add", "post_remove", "post_clear"):
            _copy_tags_onto(instance)
    elif action in ("post_add", "post_remove"):  # tag.testimonies.add(...): instance is the tag
        search.refresh_tag_ids(pk_set or [])
    elif action == "pre_clear":
        instance._tagged_before_clear = list(instance.testimonies.values_list("pk", flat=True))
    elif action == "post_clear":
        search.refresh_tag_ids(getattr(instance, "_tagged_before_clear", []))


@receiver(pre_delete, sender=Tag)
def tag_ids_before_delete(sender, instance, **kwargs):
    instance._tagged_before_delete = list(instance.testimonies.values_list("pk", flat=True))


@receiver(post_delete, sender=Tag)
def tag_ids_deleted(sender, instance, **kwargs):
    search.refresh_tag_ids(getattr(instance, "_tagged_before_delete", []))


# --- The counts table -------------------------------------------------------------------------------------------


def _key(testimony):
    return (testimony.date_start, testimony.date_end, testimony.place_id)


@receiver(pre_save, sender=Testimony)
def testimony_counts_before_save(sender, instance, raw=False, **kwargs):
    """Remember where the row was counted before this save (its old dates and place, if it was public)."""
    instance._counted_before = set()
    if instance.pk is not None:
        old = Testimony.objects.filter(pk=instance.pk).values("date_start", "date_end", "place_id", "status").first()
        if old and old["status"] in PUBLIC_STATUSES:
            instance._counted_before = {(old["date_start"], old["date_end"], old["place_id"])}


@receiver(post_save, sender=Testimony)
def testimony_counts_saved(sender, instance, raw=False, **kwargs):
    keys = set(getattr(instance, "_counted_before", set()))
    if instance.status in PUBLIC_STATUSES:
        keys.add(_key(instance))
    summary.refresh(keys)


@receiver(post_delete, sender=Testimony)
def testimony_counts_deleted(sender, instance, **kwargs):
    if instance.status in PUBLIC_STATUSES:
        summary.refresh([_key(instance)])


@receiver(m2m_changed, sender=Testimony.tags.through)
def testimony_tag_counts_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # testimony.tags.add(...)
        if action in ("post_add", "post_remove", "post_clear") and instance.status in PUBLIC_STATUSES:
            summary.refresh([_key(instance)])
    elif action in ("post_add", "post_remove"):  # tag.testimonies.add(...)
        summary.refresh_testimonies(pk_set or [])
    elif action == "pre_clear":
        instance._counted_keys = summary.keys_of(instance.testimonies.values_list("pk", flat=True))
    elif action == "post_clear":
        summary.refresh(getattr(instance, "_counted_keys", set()))


@receiver(pre_delete, sender=Tag)
def tag_counts_before_delete(sender, instance, **kwargs):
    instance._counted_keys = summary.keys_of(instance.testimonies.values_list("pk", flat=True))


@receiver(post_delete, sender=Tag)
def tag_counts_deleted(sender, instance, **kwargs):
    summary.refresh(getattr(instance, "_counted_keys", set()))


@receiver(post_save, sender=Witness)
def witness_role_copied(sender, instance, created, raw=False, **kwargs):
    # Each of the witness's testimonies carries the role (Testimony.witness_role), in this transaction.
    if not created:
        instance.testimonies.exclude(witness_role=instance.role).update(witness_role=instance.role)


@receiver(post_save, sender=Witness)
def witness_counts_saved(sender, instance, created, raw=False, **kwargs):
    # A witness's role is a facet: its public testimonies are recounted (a witness has few).
    if not created:
        summary.refresh(summary.keys_of(instance.testimonies.public().values_list("pk", flat=True)))

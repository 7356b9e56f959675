"""A server-side cache of anonymous readers' pages, emptied by every change to the archive.

Every public page answers the same bytes to every anonymous reader until an editor changes something, so the
rendered page is kept (Django's cache alias ``pages``) under a key that holds the archive's **generation**: a number
in the database (``Counter`` row ``pages``) that changes after every committed write to this app's tables. Each
request reads the generation — one indexed query, on the replica when public reads go there — so a page is never
served older than the last committed change, whichever server rendered it. Nothing else is shared between app
servers: the default store is each process's own memory; ``PAGE_CACHE_URL=redis://…`` shares one store between
them (fewer misses, same correctness).

What goes in: a 200 answer to an anonymous GET or HEAD outside the admin, not streamed (exports are not kept),
setting no cookie and not marked private. Signed-in users never read from it nor write to it. What comes out is
keyed by scheme, host, language and full path with its query string.

Writes no public page can show leave the cache alone (:func:`unseen`): a draft edited, submitted, sent back or
graded, its history records, the review trail, a witness's confidential identity. Editors spend their day on
those, and readers keep their pages. Everything else, including every write to a row a reader may see or has
seen (a publication, a retraction, an entry sent back to draft), empties it.

Writes that send no signal (``bulk_create``, ``QuerySet.update``, COPY) reach :func:`changed` through the two
derived stores every bulk writer already keeps current, ``search.reindex`` and the counts table (``summary``): the
importer, the generator, the restore and the rebuild commands. ``PAGE_CACHE_SECONDS`` bounds how long any page is
kept even so.

The same store and generation keep what every page of one result shares (:func:`remember`): a search's ranked
matches, found once for page 1 and read again for page 2.

The store is a cache: when it fails (a shared Redis unreachable, say), a page is rendered as if it were not kept,
never answered with an error. Each process then leaves the store alone for ``STORE_PAUSE_SECONDS`` rather than wait
on it for every request, and logs one warning each time it gives up on it.

The same generation keys :func:`memoize`: values every page needs and few writes touch (the vocabulary that names
places, tags, sources and incidents, and the filter form's ``<option>`` lists), kept by each process until the
archive changes, with the page cache on or off (``KEEP_VOCABULARY``).
"""

import hashlib
import logging
import secrets
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse
from django.utils.cache import set_response_etag

from .models import Counter, Statement, Testimony, WitnessIdentity, WorkflowEvent
from .models.vocabulary import PUBLIC_STATUSES
from .routing import is_public_read_request

GENERATION = "pages"
ALIAS = "pages"
# After the store fails, how long this process renders every page without asking it.
STORE_PAUSE_SECONDS = 10

logger = logging.getLogger(__name__)
# time.monotonic() until which this process leaves the store alone (see _read).
_store_paused_until = 0.0


def _store_errors() -> tuple:
    """What a store raises when it cannot be reached or answer in time: the system's socket errors, and Redis's own.
    Anything else (a missing package, a value that cannot be pickled) is a fault to see, not a miss."""
    try:
        from redis.exceptions import RedisError
    except ImportError:
        return (OSError,)
    return (OSError, RedisError)


STORE_ERRORS = _store_errors()

# The generation the current request reads under: a one-item list the middleware sets per public read, filled
# when first needed (None: not read yet); no list outside such a request.
_request_generation: ContextVar[list | None] = ContextVar("request_generation", default=None)
# Values derived from the archive, each kept with the generation it was built under (see memoize).
_memo: dict = {}


def generation() -> int:
    """The archive's current generation: one query, on the database public reads use."""
    alias = router.db_for_read(Counter)
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {Counter._meta.db_table} WHERE name = %s", [GENERATION])
        row = cursor.fetchone()
    return row[0] if row else 0


def current() -> int:
    """The generation this request reads under: read once per request (by the middleware, or here when first
    needed), else asked now."""
    held = _request_generation.get()
    if held is None:
        return generation()
    if held[0] is None:
        held[0] = generation()
    return held[0]


def memoize(key, build):
    """``build()``, kept in this process until the archive next changes: for what every page needs and few writes
    touch (the places, tags, sources and incidents the filter form and facets name). Off with ``KEEP_VOCABULARY=0``
    (the default with DEBUG, and in tests, whose rolled-back transactions never change the generation): then
    ``build()`` runs every time. Independent of the page cache: with it off, a page still costs one query for the
    generation rather than the vocabulary's four.
    """
    if not settings.KEEP_VOCABULARY:
        return build()
    now = current()
    kept = _memo.get(key)
    if kept is not None and kept[0] == now:
        return kept[1]
    value = build()
    _memo[key] = (now, value)
    return value


def remember(key: str, build):
    """``build()``, kept in the page store under the archive's generation, like a page: for what several pages share
    and takes long to find, such as the matches of a search, which every page of its results needs. The same value
    for every reader, signed in or not (public rows only); ``build()`` runs every time with the page cache off.
    """
    if settings.PAGE_CACHE_SECONDS <= 0:
        return build()
    full_key = f"kept:{current()}:{hashlib.sha256(key.encode()).hexdigest()}"
    value = _read(full_key)
    if value is None:
        value = build()
        _keep(full_key, value)
    return value


def _read(key):
    """The store's value for ``key``; None when it has none, or cannot answer (see :func:`_failed`)."""
    if time.monotonic() < _store_paused_until:
        return None
    try:
        return caches[ALIAS].get(key)
    except STORE_ERRORS as error:
        _failed(error)
        return None


def _keep(key, value):
    """Put ``value`` in the store, unless the store is failing: then it is simply not kept."""
    if time.monotonic() < _store_paused_until:
        return
    try:
        caches[ALIAS].set(key, value, settings.PAGE_CACHE_SECONDS)
    except STORE_ERRORS as error:
        _failed(error)


def _failed(error):
    """The store failed: leave it alone in this process for ``STORE_PAUSE_SECONDS``, so that a store that hangs
    costs one request its time-out, not every request."""
    global _store_paused_until
    _store_paused_until = time.monotonic() + STORE_PAUSE_SECONDS
    logger.warning(
        "The page store failed (%s: %s); pages are rendered without it for %s s.",
        type(error).__name__,
        error,
        STORE_PAUSE_SECONDS,
    )


def _bump():
    # A random number, not the next one: a generation is only ever compared for equality, and a counter would come
    # round to the same values in a restored or recreated database while running processes still keep pages and
    # lists under them.
    value = secrets.randbits(62) + 1
    if not Counter.objects.filter(name=GENERATION).update(value=value):
        Counter.objects.get_or_create(name=GENERATION, defaults={"value": value})


def changed(using: str = "default"):
    """Every cached page is stale once the current transaction commits (at once outside a transaction).

    A transaction that writes many rows bumps as many times after it commits (a one-row UPDATE each): bulk writers
    call this once per batch, and an editor's save sends a handful of signals.
    """
    transaction.on_commit(_bump, using=using)


def after_migrate(sender, using="default", apps=None, **kwargs):
    """After ``migrate``, which every deploy runs: a new generation, so that no page rendered by the code before the
    deploy is served by the code after it from a store that outlived the old processes (a shared Redis does).
    ``flush`` and the creation of a test database send the same signal: a new generation there is harmless."""
    if apps is not None:
        try:
            apps.get_model("testimony", "Counter")
        except LookupError:
            return  # migrated back to before the table that holds the generation
    changed(using)


def unseen(instance) -> bool:
    """Whether writing this row can change no public page.

    True for the review trail and witnesses' confidential identities, which no public page shows, and for a
    testimony or statement that is not public and was not before this save (:func:`_remember_visibility`): a draft
    in the works. What is written without a save of the row itself (a history record, a many-to-many change) is
    judged by the status the row holds; the row's own save, when there is one, has already told what readers saw.
    """
    model = type(instance)
    model = getattr(model, "instance_type", model)  # a history record stands for a row of its model
    if model in (WorkflowEvent, WitnessIdentity):
        return True
    if model in (Testimony, Statement):
        return instance.status not in PUBLIC_STATUSES and not getattr(instance, "_was_public", False)
    return False


def _remember_visibility(sender, instance, raw=False, **kwargs):
    """Before a testimony or statement is saved: whether readers could see it until now (one query)."""
    instance._was_public = (
        instance.pk is not None and sender._default_manager.filter(pk=instance.pk, status__in=PUBLIC_STATUSES).exists()
    )


def _on_write(sender, instance=None, using="default", **kwargs):
    if sender._meta.app_label == "testimony" and sender is not Counter and not unseen(instance):
        changed(using)


pre_save.connect(_remember_visibility, sender=Testimony, dispatch_uid="pagecache-visibility-testimony")
pre_save.connect(_remember_visibility, sender=Statement, dispatch_uid="pagecache-visibility-statement")
post_save.connect(_on_write, dispatch_uid="pagecache-save")
post_delete.connect(_on_write, dispatch_uid="pagecache-delete")
m2m_changed.connect(_on_write, dispatch_uid="pagecache-m2m")


def _key(request, current: int) -> str:
    where = f"{request.scheme}://{request.get_host()}|{getattr(request, 'LANGUAGE_CODE', '')}|{request.get_full_path()}"
    return f"page:{current}:{hashlib.sha256(where.encode()).hexdigest()}"


def _storable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


class PageCacheMiddleware:
    """Answers an anonymous reader's page from the cache when the archive has not changed since it was rendered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        caching = settings.PAGE_CACHE_SECONDS > 0
        if not (caching or settings.KEEP_VOCABULARY) or not is_public_read_request(request):
            return self.get_response(request)
        # The page's key needs the generation now; the kept vocabulary only if the page uses it.
        token = _request_generation.set([generation() if caching else None])
        try:
            if not caching:
                return self.get_response(request)
            return self._answer(request, _key(request, current()))
        finally:
            _request_generation.reset(token)

    def _answer(self, request, key):
        kept = _read(key)
        if kept is not None:
            content, headers = kept
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(response):
            set_response_etag(response)  # computed once, kept with the page (ConditionalGetMiddleware reuses it)
            _keep(key, (response.content, dict(response.headers)))
            response["X-Page-Cache"] = "miss"
        return response

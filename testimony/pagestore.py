"""Each process's store of rendered pages: Django's in-memory cache, bounded by bytes as well as by entries.

A page of the list with its filter form is ~160 KB (the form's ~1,000 place, source and incident options are 110 KB
of it), a testimony ~15 KB. Counted in entries alone, 500 kept list pages are 80 MB in every worker: at a million
testimonies a worker's resident memory reached 148 MB after the benchmark, against a target of 150. Here the pages
kept by a process add up to at most ``MAX_BYTES`` (``PAGE_CACHE_MB``); past it the least recently read go first,
as they go past ``MAX_ENTRIES``. ``PAGE_CACHE_URL`` (a shared Redis) bounds its memory by its own settings instead.

    CACHES = {"pages": {"BACKEND": "testimony.pagestore.BoundedMemoryCache", "LOCATION": "pages",
                        "OPTIONS": {"MAX_ENTRIES": 500, "MAX_BYTES": 32 * 2**20}}}
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# Bytes held per store name, beside Django's own per-name stores; guarded by the same per-name lock.
_sizes: dict[str, dict[str, int]] = {}


class BoundedMemoryCache(LocMemCache):
    """:class:`LocMemCache` whose values (as pickled) total at most ``OPTIONS["MAX_BYTES"]`` bytes.

    LocMemCache keeps the most recently read or written key first; this drops from the other end until the total
    fits. A value larger than the whole budget is not kept.
    """

    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self._max_bytes = int(options.get("MAX_BYTES", 32 * 2**20))
        if self._max_bytes < 1:
            raise ValueError("MAX_BYTES must be a positive number of bytes")
        self._sizes = _sizes.setdefault(name, {})

    @property
    def size(self) -> int:
        """Bytes held now."""
        with self._lock:
            return sum(self._sizes.values())

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        if len(value) > self._max_bytes:
            self._delete(key)  # an older value of the key would otherwise be served in its place
            return
        self._delete(key)
        super()._set(key, value, timeout)  # culls by entries first, through _cull below
        self._sizes[key] = len(value)
        held = sum(self._sizes.values())
        while held > self._max_bytes:
            oldest, _ = self._cache.popitem()  # the end LocMemCache reads and writes least recently
            del self._expire_info[oldest]
            held -= self._sizes.pop(oldest)

    def _cull(self):
        super()._cull()
        for key in self._sizes.keys() - self._cache.keys():
            del self._sizes[key]

    def _delete(self, key):
        self._sizes.pop(key, None)
        return super()._delete(key)

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version)
        with self._lock:
            stored = self.make_and_validate_key(key, version=version)
            self._sizes[stored] = len(self._cache[stored])
        return value

    def clear(self):
        with self._lock:
            self._sizes.clear()
        super().clear()

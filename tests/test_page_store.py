"""Each process's page store stays within its bytes, dropping the pages read least recently."""

import pickle

import pytest

from testimony.pagestore import BoundedMemoryCache

KB = 1024


def page(n, size=10 * KB):
    """A rendered page as the page cache keeps it: its bytes and its headers."""
    return (bytes([n % 256]) * size, {"Content-Type": "text/html; charset=utf-8"})


@pytest.fixture
def store(request):
    """A store of 50 KB and 100 entries, empty, of its own name (stores of one name share their pages)."""
    made = BoundedMemoryCache(f"test-{request.node.name}", {"OPTIONS": {"MAX_ENTRIES": 100, "MAX_BYTES": 50 * KB}})
    made.clear()
    yield made
    made.clear()


def test_pages_past_the_budget_push_out_the_least_recently_read(store):
    for n in range(4):  # four pages of ~10 KB fit in 50 KB, five do not
        store.set(f"page-{n}", page(n))
    assert store.get("page-0") == page(0)  # read: now the most recent

    for n in range(4, 7):
        store.set(f"page-{n}", page(n))

    assert store.size <= 50 * KB
    kept = [n for n in range(7) if store.get(f"page-{n}") is not None]
    assert kept == [0, 4, 5, 6]  # page 0 was read after 1-3 were written: they went first


def test_the_size_counts_what_is_kept(store):
    store.set("a", page(1))
    store.set("b", page(2))
    one = len(pickle.dumps(page(1), pickle.HIGHEST_PROTOCOL))
    assert store.size == 2 * one

    store.set("a", page(3))  # replaced, not counted twice
    assert store.size == 2 * one
    store.delete("b")
    assert store.size == one
    store.clear()
    assert store.size == 0


def test_a_page_larger_than_the_whole_budget_is_not_kept_nor_left_stale(store):
    store.set("big", page(1, 1 * KB))
    store.set("big", page(2, 60 * KB))

    assert store.get("big") is None  # not the older, smaller page either
    assert store.size == 0


def test_the_entry_limit_still_holds(request):
    store = BoundedMemoryCache(f"test-{request.node.name}", {"OPTIONS": {"MAX_ENTRIES": 3, "MAX_BYTES": 10**6}})
    store.clear()
    for n in range(10):
        store.set(f"page-{n}", page(n, 100))

    kept = [n for n in range(10) if store.get(f"page-{n}") is not None]
    assert 0 < len(kept) <= 3 and 9 in kept
    assert store.size == len(kept) * len(pickle.dumps(page(0, 100), pickle.HIGHEST_PROTOCOL))
    store.clear()


def test_an_expired_page_leaves_the_count(store):
    store.set("soon", page(1), timeout=-1)  # already expired

    assert store.get("soon") is None
    assert store.size == 0

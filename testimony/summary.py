"""The counts table (``FacetCount``): written here, read by ``testimony.facets``.

Public pages count testimonies by date window, place subtree, tag, witness role and source. Counting the testimony
table on every request costs a scan of every matching row, which a million-row archive cannot pay; the counts table
holds the same numbers grouped by (date_start, date_end, place) and facet value, a few rows per key, so a page sums
a few thousand rows instead (see ``FacetCount`` for what a row means).

Keeping it exact:

- every save, delete or tag change of a testimony and every role change of a witness refreshes the keys it touched,
  inside the same transaction (``testimony.signals``), so a rolled-back edit rolls its counts back too;
- bulk writers that bypass signals (the generator, the importer, restore) call :func:`refresh_testimonies` or
  :func:`rebuild` once at the end of their write transaction;
- ``manage.py rebuild_facet_counts`` recomputes everything from the testimonies.

A refresh of a key deletes its rows and counts them again from the testimonies (idempotent, never a running
increment that could drift), then recomputes the all-dates rows of the places and the ``span`` rows of the date
ranges it touched from the dated rows. On PostgreSQL refreshes take a transaction-level advisory lock, so two
concurrent edits never interleave their delete-and-recount.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Min, Q, Sum, When

from . import pagecache
from .models import FacetCount, Testimony, Witness
from .models.vocabulary import PUBLIC_STATUSES

Kind = FacetCount.Kind
FACET_KINDS = (Kind.PLACE, Kind.TAG, Kind.ROLE, Kind.SOURCE)
# A refresh of more keys than this recomputes the whole table instead (one INSERT ... SELECT per kind).
MAX_KEYS = 2000
_LOCK_ID = 0x7E57_C0DE  # pg_advisory_xact_lock key of the counts table

Key = tuple  # (date_start, date_end, place_id)


# --- Writing ----------------------------------------------------------------------------------------------------


def keys_of(testimony_ids: Iterable[int]) -> set:
    """The (date_start, date_end, place_id) keys of these testimonies as they are in the database now."""
    ids = list(testimony_ids)
    keys = set()
    for start in range(0, len(ids), 1000):
        rows = Testimony.objects.filter(pk__in=ids[start : start + 1000]).order_by()
        keys.update(rows.values_list("date_start", "date_end", "place_id"))
    return keys


def refresh_testimonies(testimony_ids: Iterable[int]) -> None:
    """Recount the keys of these testimonies (after a bulk insert, e.g. an import batch)."""
    refresh(keys_of(testimony_ids))


def refresh(keys: Iterable[Key]) -> None:
    """Recount every row of these (date_start, date_end, place_id) keys, and the rollups above them."""
    keys = {tuple(key) for key in keys if key and key[0] is not None}
    if not keys:
        return
    pagecache.changed()  # the counts are on the pages
    if len(keys) > MAX_KEYS:
        rebuild()
        return
    with transaction.atomic():
        _lock()
        keys = sorted(keys, key=lambda k: (k[0], k[1], k[2] or 0))
        places = {k[2] for k in keys}
        spans = {(k[0], k[1]) for k in keys}
        for start in range(0, len(keys), 200):
            chunk = keys[start : start + 200]
            FacetCount.objects.filter(_key_q(chunk), kind__in=FACET_KINDS).delete()
            FacetCount.objects.bulk_create(_dated_rows(_key_q(chunk, "")), batch_size=500)
        _refresh_all_dates(places)
        _refresh_spans(spans)


def rebuild() -> None:
    """Recompute the whole table from the testimonies: a few ``INSERT ... SELECT`` statements, no rows in Python."""
    pagecache.changed()
    table = FacetCount._meta.db_table
    testimony = Testimony._meta.db_table
    tags = Testimony.tags.through._meta.db_table
    witness = Witness._meta.db_table
    public = ", ".join(f"'{status}'" for status in PUBLIC_STATUSES)
    columns = "(kind, date_start, date_end, place_id, value, n)"
    text = "CAST({} AS VARCHAR(40))"
    dated = [
        f"SELECT 'place', t.date_start, t.date_end, t.place_id, '', COUNT(*) FROM {testimony} t "
        f"WHERE t.status IN ({public}) GROUP BY t.date_start, t.date_end, t.place_id",
        f"SELECT 'tag', t.date_start, t.date_end, t.place_id, {text.format('tt.tag_id')}, COUNT(*) FROM {testimony} t "
        f"JOIN {tags} tt ON tt.testimony_id = t.id WHERE t.status IN ({public}) "
        f"GROUP BY t.date_start, t.date_end, t.place_id, tt.tag_id",
        f"SELECT 'role', t.date_start, t.date_end, t.place_id, w.role, COUNT(*) FROM {testimony} t "
        f"JOIN {witness} w ON w.id = t.witness_id WHERE t.status IN ({public}) "
        f"GROUP BY t.date_start, t.date_end, t.place_id, w.role",
        f"SELECT 'source', t.date_start, t.date_end, t.place_id, {text.format('t.source_id')}, COUNT(*) "
        f"FROM {testimony} t WHERE t.status IN ({public}) AND t.source_id IS NOT NULL "
        f"GROUP BY t.date_start, t.date_end, t.place_id, t.source_id",
    ]
    rollups = [
        # All dates, per place and value.
        f"SELECT kind, NULL, NULL, place_id, value, SUM(n) FROM {table} WHERE date_start IS NOT NULL "
        f"GROUP BY kind, place_id, value",
        # All places, per date range.
        f"SELECT 'span', date_start, date_end, NULL, '', SUM(n) FROM {table} "
        f"WHERE kind = 'place' AND date_start IS NOT NULL GROUP BY date_start, date_end",
    ]
    total = (
        f"SELECT 'span', NULL, NULL, NULL, '', SUM(n) FROM {table} "
        f"WHERE kind = 'span' AND date_start IS NOT NULL HAVING SUM(n) > 0"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        _lock()
        cursor.execute(f"DELETE FROM {table}")
        for select in [*dated, *rollups, total]:
            cursor.execute(f"INSERT INTO {table} {columns} {select}")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])


def _key_q(keys, prefix=None):
    """``Q`` matching rows of these keys: the counts table's rows, or (``prefix=""``) the testimonies themselves."""
    q = Q()
    for start, end, place_id in keys:
        q |= Q(date_start=start, date_end=end, **({"place_id": place_id} if place_id else {"place__isnull": True}))
    if prefix is None:
        return q & Q(date_start__isnull=False)
    return q


def _dated_rows(testimonies_q):
    """The dated rows of the keys matched by ``testimonies_q``, counted from the public testimonies. Four queries."""
    public = Testimony.objects.public().filter(testimonies_q).order_by()
    key = ("date_start", "date_end", "place_id")
    for row in public.values(*key).annotate(n=Count("pk")):
        yield FacetCount(kind=Kind.PLACE, value="", n=row["n"], **_key_fields(row))
    for row in public.values(*key, "tags").annotate(n=Count("pk")):
        if row["tags"] is not None:
            yield FacetCount(kind=Kind.TAG, value=str(row["tags"]), n=row["n"], **_key_fields(row))
    for row in public.values(*key, "witness__role").annotate(n=Count("pk")):
        yield FacetCount(kind=Kind.ROLE, value=row["witness__role"], n=row["n"], **_key_fields(row))
    for row in public.filter(source__isnull=False).values(*key, "source_id").annotate(n=Count("pk")):
        yield FacetCount(kind=Kind.SOURCE, value=str(row["source_id"]), n=row["n"], **_key_fields(row))


def _key_fields(row):
    return {"date_start": row["date_start"], "date_end": row["date_end"], "place_id": row["place_id"]}


def _refresh_all_dates(places):
    """The all-dates rows of these places (``None``: no place), summed from their dated rows."""
    ids = [p for p in places if p is not None]
    where = Q(place_id__in=ids) | (Q(place__isnull=True) if None in places else Q(pk__in=[]))
    FacetCount.objects.filter(where, date_start__isnull=True, kind__in=FACET_KINDS).delete()
    dated = FacetCount.objects.filter(where, date_start__isnull=False, kind__in=FACET_KINDS).order_by()
    FacetCount.objects.bulk_create(
        (
            FacetCount(kind=row["kind"], place_id=row["place_id"], value=row["value"], n=row["total"])
            for row in dated.values("kind", "place_id", "value").annotate(total=Sum("n"))
        ),
        batch_size=500,
    )


def _refresh_spans(spans):
    """The all-places rows of these date ranges, and the grand total."""
    span_q = Q()
    for start, end in spans:
        span_q |= Q(date_start=start, date_end=end)
    FacetCount.objects.filter(span_q, kind=Kind.SPAN).delete()
    dated = FacetCount.objects.filter(span_q, kind=Kind.PLACE).order_by()
    FacetCount.objects.bulk_create(
        FacetCount(kind=Kind.SPAN, date_start=row["date_start"], date_end=row["date_end"], n=row["total"])
        for row in dated.values("date_start", "date_end").annotate(total=Sum("n"))
        if row["total"]
    )
    FacetCount.objects.filter(kind=Kind.SPAN, date_start__isnull=True).delete()
    total = FacetCount.objects.filter(kind=Kind.SPAN, date_start__isnull=False).aggregate(n=Sum("n"))["n"]
    if total:
        FacetCount.objects.create(kind=Kind.SPAN, n=total)


# --- Reading ----------------------------------------------------------------------------------------------------


@dataclass
class Counts:
    """What the table says about one set of filters. A dimension it cannot answer is ``None``."""

    total: int
    places: dict = field(default_factory=dict)  # place_id (or None) -> n
    tags: dict | None = None  # tag id -> n
    roles: dict | None = None  # role -> n
    sources: dict | None = None  # source id -> n
    # With a date window: the earliest start of a matching testimony (a lower bound for listing them in date order).
    earliest: object = None


def _window(queryset, date_from, date_to):
    if date_from is None and date_to is None:
        return queryset.filter(date_start__isnull=True)
    queryset = queryset.filter(date_start__isnull=False)
    if date_to is not None:
        queryset = queryset.filter(date_start__lte=date_to)
    if date_from is not None:
        queryset = queryset.filter(date_end__gte=date_from)
    return queryset


def counts(*, date_from=None, date_to=None, place_ids=None, kind=None, value=None) -> Counts:
    """Public testimonies overlapping [date_from, date_to], at ``place_ids`` (a subtree) if given. One query.

    With ``kind``/``value`` (one tag, role or source chosen), only the testimonies carrying it: then the total and
    the places are known, the other facets are not (``None``).
    """
    rows = _window(FacetCount.objects.order_by(), date_from, date_to)
    if place_ids is not None:
        rows = rows.filter(place_id__in=place_ids)
    if kind is not None:
        places = {}
        starts = []
        selected = rows.filter(kind=kind, value=str(value)).values("place_id")
        for row in selected.annotate(total=Sum("n"), earliest=Min("date_start")):
            places[row["place_id"]] = row["total"]
            starts.append(row["earliest"])
        found = Counts(sum(places.values()), places)
        found.earliest = min((d for d in starts if d is not None), default=None)
        if kind == Kind.ROLE:
            found.roles = {value: found.total} if found.total else {}
        elif kind == Kind.SOURCE:
            found.sources = {int(value): found.total} if found.total else {}
        return found
    found = Counts(0, {}, {}, {}, {})
    # Place rows grouped by place, the others by value alone: a few hundred rows back, not one per place and value.
    by_place = Case(When(kind=Kind.PLACE, then=F("place_id")), default=None, output_field=IntegerField())
    grouped = (
        rows.filter(kind__in=FACET_KINDS)
        .annotate(by_place=by_place)
        .values("kind", "value", "by_place")
        .annotate(total=Sum("n"), earliest=Min("date_start"))
    )
    for row in grouped:
        kind_, n = row["kind"], row["total"]
        if row["earliest"] is not None and (found.earliest is None or row["earliest"] < found.earliest):
            found.earliest = row["earliest"]
        if kind_ == Kind.PLACE:
            found.places[row["by_place"]] = found.places.get(row["by_place"], 0) + n
            found.total += n
        elif kind_ == Kind.TAG:
            found.tags[int(row["value"])] = found.tags.get(int(row["value"]), 0) + n
        elif kind_ == Kind.ROLE:
            found.roles[row["value"]] = found.roles.get(row["value"], 0) + n
        else:
            found.sources[int(row["value"])] = found.sources.get(int(row["value"]), 0) + n
    return found


def total() -> int:
    """How many public testimonies there are. One query of one row."""
    return FacetCount.objects.filter(kind=Kind.SPAN, date_start__isnull=True).aggregate(n=Sum("n"))["n"] or 0


def all_dates(kind) -> dict:
    """Public testimonies over all dates, per place (``kind="place"``: place id, ``None`` for no place) or per facet
    value (the others: a tag or source id as an int, a role as text). One query."""
    rows = FacetCount.objects.filter(kind=kind, date_start__isnull=True).order_by()
    if kind == Kind.PLACE:
        return dict(rows.values("place_id").annotate(total=Sum("n")).values_list("place_id", "total"))
    found = rows.values("value").annotate(total=Sum("n")).values_list("value", "total")
    return {value if kind == Kind.ROLE else int(value): n for value, n in found if n}


def spans():
    """``[(date_start, date_end, n)]``: public testimonies per date range, all places together. One query."""
    rows = FacetCount.objects.filter(kind=Kind.SPAN, date_start__isnull=False).order_by("date_start", "date_end")
    return list(rows.values_list("date_start", "date_end", "n"))


def subtree_ids(place, places) -> list:
    """Ids of ``place`` and every place beneath it, from an already loaded list of places (no query)."""
    return [p.pk for p in places if p.path.startswith(place.path)]

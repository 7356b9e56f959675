"""What may leave the building: the public fields of each model, and the one way to turn a row into public data.

Pages, exports, feeds, the sitemap and JSON-LD all read from here. Every concrete field of every model below is
either in ``PUBLIC_FIELDS`` or in ``PRIVATE_FIELDS``; ``tests/test_public_fields.py`` fails when a model gains a
field that is in neither, so adding a field forces someone to decide whether the public may see it.

The confidential witness model is not mentioned here on purpose: none of its fields is public, and public code never
imports it. A witness is public only through its descriptor and role.

Relations are public through their natural key: a place, tag, source, actor or incident by its slug, a statement or
a testimony by its identifier, a witness by its public fields.
"""

import datetime
import decimal
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.safestring import mark_safe

from .models import (
    Actor,
    CrossReference,
    Incident,
    Place,
    Source,
    Statement,
    Tag,
    TagGroup,
    Testimony,
    Witness,
)

# Field names in the order the interchange format writes them (see the interchange document).
PUBLIC_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Testimony: (
        "identifier",
        "title",
        "body",
        "language",
        "translation",
        "witness",
        "date_start",
        "date_end",
        "part_of_day",
        "is_date_approximate",
        "place",
        "source",
        "source_url",
        "source_published",
        "collected_on",
        "tags",
        "incidents",
        "status",
        "retraction_note",
        "published_at",
    ),
    Witness: ("descriptor", "role"),
    Place: ("slug", "name", "other_names", "kind", "parent", "latitude", "longitude"),
    TagGroup: ("slug", "name", "description", "position"),
    Tag: ("slug", "group", "name", "definition", "position"),
    Source: ("slug", "name", "kind", "url", "description"),
    Actor: ("slug", "name", "kind", "office", "description"),
    Incident: ("slug", "name", "date_start", "date_end", "is_date_approximate", "place", "description"),
    Statement: (
        "identifier",
        "actor",
        "made_on",
        "is_date_approximate",
        "claim",
        "quote",
        "language",
        "source",
        "source_url",
        "incidents",
        "status",
        "retraction_note",
    ),
    CrossReference: ("relation", "statement", "other_testimony", "note"),
}

# Everything else, named so that a new field cannot slip out unnoticed. Internal is not the same as confidential,
# but none of these is needed by a reader, and some (editor_notes) must never be shown.
PRIVATE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Testimony: (
        "id",
        "number",
        "editor_notes",
        "created",
        "updated",
        "created_by",
        "updated_by",
        "version",
        "search_vector",
        # Derived copies of the tag links and of the witness's role, which are public as "tags" and "witness".
        "tag_ids",
        "witness_role",
        # Public, but through the change log: it describes one save and is copied onto that save's public
        # revision (testimony.history). It is not a property of the account, so it is not exported with it.
        "change_summary",
    ),
    Witness: ("id", "created", "updated"),
    Place: ("id", "path", "depth"),
    TagGroup: ("id",),
    Tag: ("id",),
    Source: ("id",),
    Actor: ("id",),
    Incident: ("id",),
    Statement: (
        "id",
        "number",
        "editor_notes",
        "published_at",
        "created",
        "updated",
        "created_by",
        "updated_by",
        "version",
    ),
    CrossReference: ("id", "testimony", "created", "created_by"),
}


def testimony_load_fields() -> list[str]:
    """Columns to load (``QuerySet.only``) for a public testimony with its witness, place and source joined.

    Private columns are never even read from the database. The place carries ``path`` so its ancestors can be found.
    """
    own = [
        name
        for name in PUBLIC_FIELDS[Testimony]
        if not Testimony._meta.get_field(name).many_to_many and name not in ("witness", "place", "source")
    ]
    return [
        "id",
        *own,
        *(f"witness__{name}" for name in PUBLIC_FIELDS[Witness]),
        "place__slug",
        "place__name",
        "place__path",
        "place__latitude",
        "place__longitude",
        "source__slug",
        "source__name",
        "source__url",
    ]


def statement_load_fields() -> list[str]:
    """Columns to load for a public statement with its actor and source joined: never the editor's notes, nor who
    entered or changed it."""
    own = [
        name
        for name in PUBLIC_FIELDS[Statement]
        if not Statement._meta.get_field(name).many_to_many and name not in ("actor", "source")
    ]
    return [
        "id",
        *own,
        *(f"actor__{name}" for name in PUBLIC_FIELDS[Actor]),
        *(f"source__{name}" for name in PUBLIC_FIELDS[Source]),
    ]


def encode(value):
    """A field value as JSON-ready data: dates in ISO 8601, times in UTC with Z, decimals as exact strings."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def reference(obj):
    """A related row as the public refers to it: its slug or identifier; a witness by its public fields."""
    if obj is None:
        return None
    if isinstance(obj, Witness):
        return public_values(obj)
    return obj.natural_key()[0]


def public_values(obj, exclude=()) -> dict:
    """The public fields of one row as JSON-ready data, in allow-list order.

    Foreign keys become natural keys; many-to-many fields become lists of natural keys (prefetch them, and with a
    ``Prefetch(..., queryset=...only("id", "slug"))`` if you like, so this costs no query).
    """
    data = {}
    for name in PUBLIC_FIELDS[type(obj)]:
        if name in exclude:
            continue
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = [reference(related) for related in getattr(obj, name).all()]
        elif field.is_relation:
            data[name] = reference(getattr(obj, name))
        else:
            data[name] = encode(getattr(obj, name))
    return data


def temporal_coverage(testimony) -> str:
    """ISO 8601 date or interval: "2022-01-05" or "2022-01-04/2022-01-06"."""
    if testimony.date_start == testimony.date_end:
        return testimony.date_start.isoformat()
    return f"{testimony.date_start.isoformat()}/{testimony.date_end.isoformat()}"


def _place_json_ld(place, ancestors):
    data = {"@type": "Place", "name": place.name}
    if place.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": str(place.latitude),
            "longitude": str(place.longitude),
        }
    container = data
    for ancestor in reversed(ancestors):
        container["containedInPlace"] = {"@type": "Place", "name": ancestor.name}
        container = container["containedInPlace"]
    return data


def testimony_json_ld(testimony, *, url: str, ancestors=(), tags=None, archive_name: str = "") -> dict:
    """schema.org description of a public testimony for search engines, from public fields only.

    ``tags``: the testimony's tags when already loaded (else read from it)."""
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "identifier": testimony.identifier,
        "name": testimony.title,
        "url": url,
        "text": testimony.body,
        "inLanguage": testimony.language,
        "temporalCoverage": temporal_coverage(testimony),
        "creativeWorkStatus": "Retracted" if testimony.is_retracted else "Published",
        "author": {"@type": "Person", "description": testimony.witness.descriptor},
        "keywords": [tag.name for tag in (testimony.tags.all() if tags is None else tags)],
    }
    if testimony.published_at:
        data["datePublished"] = encode(testimony.published_at)
    if archive_name:
        data["publisher"] = {"@type": "Organization", "name": archive_name}
    if testimony.translation:
        data["workTranslation"] = {"@type": "CreativeWork", "inLanguage": "en", "text": testimony.translation}
    if testimony.place_id:
        data["contentLocation"] = _place_json_ld(testimony.place, ancestors)
    if testimony.source_id or testimony.source_url:
        based_on = {"@type": "CreativeWork"}
        if testimony.source_id:
            based_on["publisher"] = {"@type": "Organization", "name": testimony.source.name}
        if testimony.source_url or (testimony.source_id and testimony.source.url):
            based_on["url"] = testimony.source_url or testimony.source.url
        if testimony.source_published:
            based_on["datePublished"] = testimony.source_published.isoformat()
        data["isBasedOn"] = based_on
    if testimony.is_retracted:
        data["correction"] = testimony.retraction_note
    return data


# The characters that could end a <script> element or open a comment, as JSON escapes (as django's json_script).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> str:
    """A ``<script type="application/ld+json">`` element, safe to print in a page whatever the text holds."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # escaped above

"""One testimony's page: the account verbatim, when and where, its grades and links, related accounts, citing."""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from testimony import facets, history, public
from testimony.models import CrossReference, Testimony

RELATED_LIMIT = 6

# How close a related testimony is, best first; the number is its rank.
SAME_INCIDENT, SAME_PLACE, SAME_DAYS = 3, 2, 1


def _get_public_testimony_or_404(identifier):
    """The public testimony with this identifier, with its witness, place and source (one query), or a 404.

    Only public columns, and ``tag_ids``: the row's copy of its tag links (public as its tags), which names them.
    """
    testimonies = Testimony.objects.public().select_related("place", "witness", "source")
    return get_object_or_404(testimonies.only(*public.testimony_load_fields(), "tag_ids"), identifier=identifier)


# What a cross-reference shows of the testimonies and the statement at either end: loading only these keeps a
# testimony's body out of it, and the query short to build.
CROSS_REFERENCE_FIELDS = (
    "testimony_id",
    "other_testimony_id",
    "statement_id",
    "relation",
    "note",
    *(f"{end}__{name}" for end in ("testimony", "other_testimony") for name in ("identifier", "title")),
    "statement__identifier",
    "statement__claim",
    "statement__made_on",
    "statement__is_date_approximate",
    "statement__actor__name",
    "statement__actor__office",
)


def _cross_reference_groups(testimony):
    """Public links from this testimony and to it from other testimonies, grouped by relation.

    Two queries when there are links, one when there are none. Most testimonies have none (about one in twenty has
    any, at a million), and asking for the ids of its links first, from the two indexes on the link table alone,
    costs a fifth of the query that joins both ends, the statement and its actor: building and planning that one
    took ~2.5 ms of a testimony page's ~17 to find nothing.
    """
    either_end = Q(testimony=testimony) | Q(other_testimony=testimony)
    ids = list(CrossReference.objects.filter(either_end).order_by().values_list("pk", flat=True))
    if not ids:
        return []
    links = (
        CrossReference.objects.public()
        .filter(pk__in=ids)
        .select_related("testimony", "statement__actor", "other_testimony")
        .only(*CROSS_REFERENCE_FIELDS)
    )
    headings = {
        CrossReference.Relation.CORROBORATES: _("Corroboration"),
        CrossReference.Relation.CONTRADICTS: _("Contradiction"),
        CrossReference.Relation.CONTEXT: _("Context"),
    }
    groups = {relation: [] for relation in headings}
    for link in links:
        outgoing = link.testimony_id == testimony.pk
        groups[link.relation].append(
            {
                "outgoing": outgoing,
                "relation": link.get_relation_display(),
                "statement": link.statement if outgoing else None,
                "testimony": (link.other_testimony if outgoing else link.testimony),
                "note": link.note,
            }
        )
    return [
        {"relation": relation, "heading": headings[relation], "links": items}
        for relation, items in groups.items()
        if items
    ]


def _related(testimony, incidents):
    """A few public testimonies of the same incident, then the same place, then that begin on the same days.

    One short indexed lookup per kind of closeness (three queries at most, each reading a handful of index entries
    in date order), merged here: an OR of the three with a rank would make the database rank every testimony of
    those days, which at a million rows is tens of thousands.
    """
    base = (
        Testimony.objects.public()
        .exclude(pk=testimony.pk)
        .for_cards()  # the columns of a result card: a related testimony shows fewer
        .order_by("date_start", "date_end", "number")
    )
    incident_ids = [incident.pk for incident in incidents]
    lookups = []
    if incident_ids:
        through = Testimony.incidents.through.objects.filter(incident_id__in=incident_ids)
        lookups.append((SAME_INCIDENT, base.filter(pk__in=through.values("testimony_id"))))
    if testimony.place_id:
        lookups.append((SAME_PLACE, base.filter(place_id=testimony.place_id)))
    same_days = base.filter(date_start__gte=testimony.date_start, date_start__lte=testimony.date_end)
    lookups.append((SAME_DAYS, same_days))
    related, seen = [], set()
    for rank, (closeness, lookup) in enumerate(lookups):
        if len(related) >= RELATED_LIMIT:
            break  # closer accounts fill the list: the farther lookups would be cut off anyway
        # Enough rows that, once those already listed are left out, RELATED_LIMIT remain.
        for other in lookup[: RELATED_LIMIT * (rank + 1)]:
            if other.pk not in seen:
                seen.add(other.pk)
                other.closeness = closeness
                related.append(other)
    return related[:RELATED_LIMIT]


_BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "^": r"\^{}",
        "~": r"\~{}",
    }
)


def _bibtex_escape(text):
    return " ".join(text.split()).translate(_BIBTEX_ESCAPES)


def citation_text(testimony, *, permalink, accessed, archive_name, revision=None):
    """How to cite the testimony in prose: archive, title, identifier (and revision), source, permalink, date accessed.

    With a revision, the permalink should be the revision's own, so the citation keeps pointing at the cited text.
    """
    parts = [
        _("%(archive)s, “%(title)s”, testimony %(identifier)s.")
        % {"archive": archive_name, "title": testimony.title, "identifier": testimony.identifier}
    ]
    if revision is not None:
        parts[0] = parts[0][:-1] + ", " + _("revision %(number)d.") % {"number": revision}
    if testimony.source_id:
        if testimony.source_published:
            parts.append(
                _("Source: %(source)s, %(date)s.")
                % {"source": testimony.source.name, "date": dateformat.format(testimony.source_published, "j F Y")}
            )
        else:
            parts.append(_("Source: %(source)s.") % {"source": testimony.source.name})
    if testimony.is_retracted:
        parts.append(_("Retracted."))
    parts.append(
        _("%(permalink)s (accessed %(date)s).") % {"permalink": permalink, "date": dateformat.format(accessed, "j F Y")}
    )
    return " ".join(parts)


def citation_bibtex(testimony, *, permalink, accessed, archive_name, revision=None):
    """A BibTeX ``@misc`` entry keyed by the identifier (and the revision, when given)."""
    how = f"Testimony {testimony.identifier}"
    if revision is not None:
        how += f", revision {revision}"
    if testimony.source_id:
        how += f". Source: {testimony.source.name}"
        if testimony.source_published:
            how += f", {testimony.source_published.isoformat()}"
    if testimony.is_retracted:
        how += ". Retracted"
    year = (testimony.published_at or timezone.now()).year
    fields = [
        ("author", f"{{{_bibtex_escape(archive_name)}}}"),
        ("title", f"{{{_bibtex_escape(testimony.title)}}}"),
        ("howpublished", _bibtex_escape(how)),
        ("year", str(year)),
        ("url", permalink),
        ("urldate", accessed.isoformat()),
        ("note", f"Accessed {accessed.isoformat()}"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    key = testimony.identifier if revision is None else f"{testimony.identifier}r{revision}"
    return f"@misc{{{key},\n{body}\n}}"


def detail(request, identifier):
    testimony = _get_public_testimony_or_404(identifier)
    # Places, tags and incidents are named from the vocabulary every process keeps (pagecache.memoize); the tags
    # by the row's copy of their ids, with no query.
    vocabulary = facets.Vocabulary.load()
    ancestors = vocabulary.ancestors(testimony.place) if testimony.place_id else []
    tags = vocabulary.tags_named(testimony.tag_ids)
    incidents = vocabulary.incidents_of(testimony)
    permalink = request.build_absolute_uri(testimony.get_absolute_url())
    revisions = history.public_revisions(testimony)
    current = revisions[-1] if revisions else None
    accessed = timezone.localdate()
    cite = {
        # A citation names the current revision and points at its permanent address, which never changes.
        "permalink": request.build_absolute_uri(current.get_absolute_url()) if current else permalink,
        "revision": current.number if current else None,
        "accessed": accessed,
        "archive_name": settings.ARCHIVE_NAME,
    }
    json_ld = public.testimony_json_ld(
        testimony, url=permalink, ancestors=ancestors, tags=tags, archive_name=settings.ARCHIVE_NAME
    )
    context = {
        "testimony": testimony,
        "tags": tags,
        "incidents": incidents,
        "ancestors": ancestors,
        "cross_reference_groups": _cross_reference_groups(testimony),
        "related": _related(testimony, incidents),
        "permalink": permalink,
        "accessed": accessed,
        "citation_text": citation_text(testimony, **cite),
        "citation_bibtex": citation_bibtex(testimony, **cite),
        "json_ld": public.json_ld_script(json_ld),
        "revisions": revisions,
        "current_revision": current,
    }
    return render(request, "testimonies/detail.html", context)

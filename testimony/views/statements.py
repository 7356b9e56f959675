"""Official statements: the list with how many testimonies back or contradict each, and one statement's page."""

import django_filters
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce, Lower
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from testimony import facets
from testimony.filters import DateRangeForm, date_filter
from testimony.models import Actor, CrossReference, Statement
from testimony.models.testimonies import CARD_FIELDS
from testimony.models.vocabulary import PUBLIC_STATUSES
from testimony.pagination import BadPageNumber, ChosenFirst, PageOutOfRange, bounded_count, paginate

Relation = CrossReference.Relation

# A statement page shows this many testimonies of each relation, the earliest first, heads each column with the
# exact count and links to the testimonies list narrowed to the statement and relation, which pages through them
# all: a claim that hundreds of accounts contradict still answers with a page of bounded size.
LINKS_SHOWN = 10


class StatementFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind of actor"),
        field_name="actor__kind",
        choices=Actor.Kind.choices,
        empty_label=_("Any kind"),
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of actor. Choose one from the list.")},
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Actor"),
        # Only actors with something public to show, so the list never offers an empty page.
        queryset=Actor.objects.filter(statements__status__in=PUBLIC_STATUSES)
        .distinct()
        .order_by(Lower("name"), "name"),  # "bne IntelliNews" among the b's, not after every capital
        to_field_name="slug",
        empty_label=_("Any actor"),
        error_messages={"invalid_choice": _("No actor with public statements matches “%(value)s”.")},
    )
    date_from = date_filter(_("Made from"), field_name="made_on", lookup_expr="gte")
    date_to = date_filter(_("Made until"), field_name="made_on", lookup_expr="lte")

    class Meta:
        model = Statement
        fields = []
        form = DateRangeForm


def _public_links(relation):
    """How many public testimonies stand in ``relation`` to the statement of the outer row: a subquery per row."""
    links = CrossReference.objects.filter(
        statement=OuterRef("pk"), relation=relation, testimony__status__in=PUBLIC_STATUSES
    )
    counted = links.order_by().values("statement").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _with_counts(statements):
    """Each statement with how many public testimonies corroborate, contradict or add context to it.

    Counted in the rows' own query, by a subquery per row and relation that reads the statement's links through
    their index. The database computes them after the ORDER BY and LIMIT, for the page's rows only, and a count of
    the list leaves them out. (Grouping every statement with its links and their testimonies instead made the list
    page's query 480 ms at a million testimonies, 4,000 statements and 60,000 links.)
    """
    return statements.annotate(
        corroborating=_public_links(Relation.CORROBORATES),
        contradicting=_public_links(Relation.CONTRADICTS),
        contextual=_public_links(Relation.CONTEXT),
    )


def statement_list(request):
    filterset = StatementFilter(request.GET, queryset=Statement.objects.public())
    context = {"filterset": filterset, "page": None, "page_error": ""}
    if not filterset.is_valid():
        return render(request, "statements/list.html", context, status=400)
    statements = filterset.qs.for_list().order_by("made_on", "number")
    try:
        # Each statement's counts for the page's rows only (ChosenFirst), not for every row an OFFSET skips.
        page_rows = ChosenFirst(_with_counts(statements))
        context["page"] = paginate(page_rows, request.GET.get("page"), known_count=bounded_count(statements))
    except BadPageNumber as error:  # not a page number at all: the reader's mistake, as on the testimonies list
        return render(request, "statements/list.html", context | {"page_error": str(error)}, status=400)
    except PageOutOfRange as error:
        return render(request, "statements/list.html", context | {"page_error": str(error)}, status=404)
    return render(request, "statements/list.html", context)


def detail(request, identifier):
    """Three queries: the statement, its incidents' ids, and the first testimonies of each relation with how many
    there are in all (incidents and tags are named from the vocabulary each process keeps).

    The counts come with the links, as a window over each relation's rows (``COUNT(*) OVER (PARTITION BY relation)``,
    before the first few are kept), not as three subqueries on the statement's row: those cost more to build and
    plan than to run, ~3 ms of a statement page's ~28 at a million testimonies.
    """
    statement = get_object_or_404(Statement.objects.public().for_list(), identifier=identifier)
    vocabulary = facets.Vocabulary.load()
    incidents = vocabulary.incidents_of(statement)
    by_relation = {relation: [] for relation in Relation.values}
    counts = dict.fromkeys(Relation.values, 0)
    links = (
        CrossReference.objects.of_public_statement(statement)
        .select_related("testimony__place", "testimony__witness")
        .only("testimony", "relation", "note", *(f"testimony__{name}" for name in CARD_FIELDS))
        .annotate(of_relation=Window(Count("pk"), partition_by=F("relation")))
        .first_of_each_relation(LINKS_SHOWN)
    )
    for link in links:
        link.tags = vocabulary.tags_named(link.testimony.tag_ids)
        by_relation[link.relation].append(link)
        counts[link.relation] = link.of_relation
    columns = {
        "corroborating": Relation.CORROBORATES,
        "contradicting": Relation.CONTRADICTS,
        "contextual": Relation.CONTEXT,
    }
    context = {"statement": statement, "incidents": incidents}
    for name, relation in columns.items():
        context[name] = by_relation[relation]
        context[f"{name}_count"] = counts[relation]
    return render(request, "statements/detail.html", context)

"""A day: the testimonies whose dates cover it and the statements made on it, with the neighbouring days."""

from django.shortcuts import render

from testimony import facets, pagination
from testimony.models import Statement, Testimony

# A day's first statements: on a busy day (hundreds, in a large collection) the page shows this many, says how many
# there are and links to the statements list narrowed to the day, which pages through all of them.
STATEMENTS_SHOWN = 20


def day(request, day):
    """Five queries: testimonies (exact count from the counts table, then the page, each row naming its tags),
    statements, previous day, next day; a sixth counts the statements of a day with more than are shown."""
    count, earliest = facets.day_count(day)
    testimonies = (
        Testimony.objects.public()
        .covering(day)
        .filter(date_start__gte=earliest)  # no testimony covering the day starts earlier: exact, and an index bound
        .for_cards()
        .order_by("date_start", "date_end", "number")  # the list's order, which an index holds
    )
    made_that_day = Statement.objects.public().made_on(day)
    statements = list(made_that_day.for_list()[: STATEMENTS_SHOWN + 1])
    more = len(statements) > STATEMENTS_SHOWN
    context = {
        "day": day,
        "statements": statements[:STATEMENTS_SHOWN],
        "statement_count": made_that_day.count() if more else len(statements),
        "more_statements": more,
        "previous_day": facets.previous_day_with_entries(day),
        "next_day": facets.next_day_with_entries(day),
    }
    try:
        context["page"] = pagination.paginate(testimonies, request.GET.get("page"), known_count=count, exact=True)
    except pagination.BadPageNumber as error:
        return render(request, "days/day.html", context | {"page_error": str(error)}, status=400)
    except pagination.PageOutOfRange as error:
        return render(request, "days/day.html", context | {"page_error": str(error)}, status=404)
    facets.Vocabulary.load().with_tags(context["page"])
    is_empty = not context["page"].paginator.count and not statements
    return render(request, "days/day.html", context, status=404 if is_empty else 200)

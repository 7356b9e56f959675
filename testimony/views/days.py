"""A day: the testimonies whose dates cover it and the statements made on it, with the neighbouring days."""

from django.shortcuts import render

from testimony import facets, pagination
from testimony.models import Statement, Testimony

# A day's statements are few; past this many the page says so and points to the statements list.
MAX_STATEMENTS = 100


def day(request, day):
    """Five queries: testimonies (exact count from the counts table, then the page, each row naming its tags),
    statements, previous day, next day."""
    count, earliest = facets.day_count(day)
    testimonies = (
        Testimony.objects.public()
        .covering(day)
        .filter(date_start__gte=earliest)  # no testimony covering the day starts earlier: exact, and an index bound
        .for_cards()
        .order_by("date_start", "date_end", "number")  # the list's order, which an index holds
    )
    statements = list(Statement.objects.public().made_on(day).for_list()[: MAX_STATEMENTS + 1])
    context = {
        "day": day,
        "statements": statements[:MAX_STATEMENTS],
        "more_statements": len(statements) > MAX_STATEMENTS,
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

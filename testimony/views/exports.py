"""The list page's filtered set, streamed as CSV or as the archive's JSON interchange format."""

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from testimony import interchange
from testimony.filters import filter_testimonies


def _filtered_testimonies(request):
    """The public testimonies the list page shows for these parameters, or (None, errors) when one is bad.

    ``page`` is ignored: an export is the whole filtered set, in the list's order, without a search's snippets.
    """
    filterset, testimonies = filter_testimonies(request.GET, snippets=False)
    if filterset.errors:
        return None, filterset.errors
    return testimonies, None


def _bad_parameters(errors):
    lines = [
        _("Invalid parameter “%(name)s”: %(message)s") % {"name": name, "message": " ".join(messages)}
        for name, messages in errors.items()
    ]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _permalink_for(request):
    """identifier -> absolute permalink, without reversing the URL once per row."""
    marker = "Z-999999999999"  # matches the identifier converter, never a real identifier
    head, tail = request.build_absolute_uri(reverse("testimony:detail", args=[marker])).split(marker)
    return lambda identifier: f"{head}{identifier}{tail}"


def _streamed(chunks, content_type, extension):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    filename = f"testimonies-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_csv(request):
    testimonies, errors = _filtered_testimonies(request)
    if errors:
        return _bad_parameters(errors)
    chunks = interchange.csv_chunks(testimonies, url_for=_permalink_for(request))
    return _streamed(chunks, "text/csv; charset=utf-8", "csv")


def export_json(request):
    testimonies, errors = _filtered_testimonies(request)
    if errors:
        return _bad_parameters(errors)
    chunks = interchange.json_chunks(
        testimonies,
        url_for=_permalink_for(request),
        source_url=request.build_absolute_uri(),
    )
    return _streamed(chunks, "application/json; charset=utf-8", "json")

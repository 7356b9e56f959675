"""A public revision's permalink: a testimony exactly as readers saw it after one save, for citations that last."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from testimony import history
from testimony.models import Revision, Testimony
from testimony.views.testimonies import citation_bibtex, citation_text


def revision(request, identifier, number):
    """Revision ``number`` of a public testimony, read from its history record. Five queries whatever its size."""
    testimony = get_object_or_404(Testimony.objects.public().only("pk", "identifier", "title"), identifier=identifier)
    try:
        shown = history.get_revision(testimony, number)
    except Revision.DoesNotExist:
        raise Http404(
            _("Testimony %(identifier)s has no public revision %(number)d.")
            % {
                "identifier": identifier,
                "number": number,
            }
        ) from None
    revisions = history.public_revisions(testimony)
    record = shown.record
    permalink = request.build_absolute_uri(shown.get_absolute_url())
    accessed = timezone.localdate()
    # The citation is built from the revision's own record: its title and source as they were then.
    cite = {
        "permalink": permalink,
        "accessed": accessed,
        "archive_name": settings.ARCHIVE_NAME,
        "revision": shown.number,
    }
    cited = Testimony(
        identifier=testimony.identifier,
        title=record.title,
        source=record.source,  # loaded with the record
        source_published=record.source_published,
        status=record.status,
        published_at=record.published_at,
    )
    context = {
        "testimony": testimony,
        "revision": shown,
        "record": record,
        "tags": [row.tag for row in record.tag_rows if row.tag is not None],
        "incidents": [row.incident for row in record.incident_rows if row.incident is not None],
        "revisions": revisions,
        "latest": revisions[-1],
        "is_latest": shown.number == revisions[-1].number,
        "permalink": permalink,
        "accessed": accessed,
        "citation_text": citation_text(cited, **cite),
        "citation_bibtex": citation_bibtex(cited, **cite),
    }
    return render(request, "testimonies/revision.html", context)

from django.conf import settings


def archive(request):
    """The archive's own name, for the header and page titles."""
    return {"ARCHIVE_NAME": settings.ARCHIVE_NAME}

"""The framework's ceiling: a bare Django view returning a constant 3 KB page.

Served by the same gunicorn command, settings and middleware as the archive, but from this module's own URLconf
(never the archive's urls.py): ``gunicorn --pythonpath bench ceiling:application``. Whatever a page of the archive
does beyond this costs throughput below this number.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

_HEAD = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Ceiling</title></head><body><main>\n'
_TAIL = "</main></body></html>\n"
_LINE = "<p>A constant paragraph that stands in for the text of a page of the archive, sixty-four chars.</p>\n"
PAGE = (_HEAD + _LINE * ((3072 - len(_HEAD) - len(_TAIL)) // len(_LINE) + 1) + _TAIL).encode()


def page(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", page)]

settings.ROOT_URLCONF = __name__
application = get_wsgi_application()

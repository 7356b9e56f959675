"""List pages: all testimonies, and those of one place, incident or source. (Being written.)"""

from django.http import Http404


def testimony_list(request):
    raise Http404


def place(request, slug):
    raise Http404


def incident(request, slug):
    raise Http404


def source(request, slug):
    raise Http404

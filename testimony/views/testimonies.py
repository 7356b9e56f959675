from django.http import Http404


def detail(request, identifier):
    raise Http404

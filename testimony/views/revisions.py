from django.http import Http404


def revision(request, identifier, number):
    raise Http404

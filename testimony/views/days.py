from django.http import Http404


def day(request, day):
    raise Http404

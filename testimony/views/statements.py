from django.http import Http404


def statement_list(request):
    raise Http404


def detail(request, identifier):
    raise Http404

from django.http import Http404, HttpResponse


def home(request):
    return HttpResponse("")


def methodology(request):
    raise Http404


def robots_txt(request):
    raise Http404

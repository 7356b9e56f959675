"""HTTP caching for anonymous readers, so a CDN or browser can absorb public load; never for editors.

Anonymous GET/HEAD responses with status 200 outside the admin get ``Cache-Control: public, max-age=N``
(PUBLIC_CACHE_SECONDS); Django's ConditionalGetMiddleware adds the ETag and answers If-None-Match with 304.
Any signed-in user's response is marked private and never stored.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from .routing import is_public_read_request


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        if request.user.is_authenticated or request.path.startswith("/admin/"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        elif (
            is_public_read_request(request)
            and response.status_code == 200
            and not response.has_header("Cache-Control")
            and settings.PUBLIC_CACHE_SECONDS > 0
        ):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

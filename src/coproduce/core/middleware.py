from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .doors import NeedsLogin
from .ratelimit import RateLimited


class RateLimitMiddleware:
    """Turn a RateLimited raised anywhere in a view into a polite 429 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        body = render_to_string(
            "core/message.html",
            {
                "title": _("Too many attempts"),
                "message": _("Please wait %(seconds)s seconds and try again.")
                % {"seconds": exception.retry_after},
            },
            request=request,
        )
        response = HttpResponse(body, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response


class NeedsLoginMiddleware:
    """An anonymous visitor refused a change is sent to log in, then brought back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NeedsLogin):
            return redirect_to_login(request.get_full_path())
        return None

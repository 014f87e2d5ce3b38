from .permissions import NeedsLogin, login_redirect


class NeedsLoginMiddleware:
    """An anonymous visitor refused a change is sent to log in, then brought back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NeedsLogin):
            return login_redirect(request)
        return None
